#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "machines/stdio_console.h"

using namespace tessera;

namespace {
// What has reached the read end of the pipe so far (non-blocking).
std::string drain(int fd) {
    std::string s;
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, size_t(n));
    return s;
}
}  // namespace

TEST_CASE("stdio console: buffered until a newline, a full buffer or flush") {
    int p[2];
    REQUIRE(pipe(p) == 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    {
        StdioConsole con(p[1]);
        for (char c : std::string("=> ")) con.write(uint8_t(c));
        CHECK(drain(p[0]).empty());
        con.flush();
        CHECK(drain(p[0]) == "=> ");
        for (char c : std::string("line\nrest")) con.write(uint8_t(c));
        CHECK(drain(p[0]) == "line\n");
        std::string big(5000, 'x');
        for (char c : big) con.write(uint8_t(c));
        CHECK(drain(p[0]) == "rest" + big.substr(0, 4092));  // one full buffer
        con.write('!');
    }  // destroyed: the rest is written
    CHECK(drain(p[0]) == std::string(908, 'x') + "!");
    close(p[0]);
    close(p[1]);
}
