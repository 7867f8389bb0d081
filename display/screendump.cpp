#include "display/screendump.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "display/png_writer.h"
#include "util/error.h"

namespace tessera {

namespace {
std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

void write_all_atomically(const std::string& path, const std::vector<uint8_t>& data) {
    std::string tmp = path + ".tmp-" + std::to_string(getpid());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw ConfigError{"-screendump: cannot create '" + tmp + "': " + strerror(errno)};
    size_t done = 0;
    int err = 0;
    while (done < data.size()) {
        ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            err = n < 0 ? errno : EIO;
            break;
        }
        done += size_t(n);
    }
    if (close(fd) != 0 && !err) err = errno;
    if (!err && rename(tmp.c_str(), path.c_str()) != 0) err = errno;
    if (err) {
        unlink(tmp.c_str());
        throw ConfigError{"-screendump: cannot write '" + path + "': " + strerror(err)};
    }
}
}  // namespace

void check_screendump_path(const std::string& path) {
    if (path.empty()) throw ConfigError{"-screendump needs a file name"};
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw ConfigError{"-screendump: '" + path + "' is a directory"};
    std::string dir = directory_of(path);
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw ConfigError{"-screendump: cannot write '" + path + "': no directory '" + dir + "'"};
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        throw ConfigError{"-screendump: cannot write '" + path + "': directory '" + dir + "' is not writable"};
}

void write_screendump(const Display& display, const std::string& path) {
    Frame f = display.snapshot();
    if (f.width == 0 || f.height == 0) {
        f.width = 640, f.height = 480;
        f.pixels.assign(size_t(f.width) * f.height, 0);
        fprintf(stderr, "tessera: -screendump: the guest set no display mode; '%s' is a black 640x480 image\n", path.c_str());
    }
    write_all_atomically(path, encode_png(f));
}

}  // namespace tessera
