// Guest images from files: mapped regular files, pipes read whole, the errors, and the copy
// into guest RAM (machines/loader.*).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "machines/loader.h"
#include "util/error.h"

using namespace tessera;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char t[] = "/tmp/tessera-loader-XXXXXX";
        path = mkdtemp(t);
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

void write_bytes(const std::string& p, const std::vector<uint8_t>& d) {
    FILE* f = fopen(p.c_str(), "wb");
    REQUIRE(f);
    if (!d.empty()) REQUIRE(fwrite(d.data(), 1, d.size(), f) == d.size());
    fclose(f);
}

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> d(n);
    for (size_t i = 0; i < n; i++) d[i] = uint8_t(i * 131 + (i >> 12));
    return d;
}

}  // namespace

TEST_CASE("map_file: a regular file's bytes, unchanged, with or without a tail page") {
    TempDir dir;
    for (size_t n : {size_t(1), size_t(4095), size_t(4096), size_t(3 << 20) + 17}) {
        std::string p = dir.path + "/img" + std::to_string(n);
        std::vector<uint8_t> want = pattern(n);
        write_bytes(p, want);
        FileBytes f = map_file(p, "kernel", 64 << 20);
        REQUIRE(f.size() == n);
        CHECK(f.to_vector() == want);
        FileBytes moved = std::move(f);  // the mapping moves with it, once
        CHECK(moved.size() == n);
        CHECK(f.size() == 0);
        CHECK(moved[n - 1] == want[n - 1]);
    }
}

TEST_CASE("map_file: a pipe is read to its end") {
    TempDir dir;
    std::string p = dir.path + "/fifo";
    REQUIRE(mkfifo(p.c_str(), 0600) == 0);
    std::vector<uint8_t> want = pattern((2 << 20) + 5);
    std::thread writer([&] { write_bytes(p, want); });
    FileBytes f = map_file(p, "initrd", 64 << 20);
    writer.join();
    CHECK(f.to_vector() == want);
}

TEST_CASE("map_file: missing, empty, directory and too large files are one clear error") {
    TempDir dir;
    auto message = [](const std::string& p, uint64_t max) {
        try {
            map_file(p, "kernel", max);
        } catch (const ConfigError& e) {
            return e.message;
        }
        return std::string("no error");
    };
    CHECK(message(dir.path + "/none", 1 << 20).find("cannot open kernel") != std::string::npos);
    write_bytes(dir.path + "/empty", {});
    CHECK(message(dir.path + "/empty", 1 << 20).find("is empty") != std::string::npos);
    CHECK(message(dir.path, 1 << 20).find("is a directory") != std::string::npos);
    write_bytes(dir.path + "/big", pattern(8192));
    CHECK(message(dir.path + "/big", 4096).find("larger than guest memory") != std::string::npos);
}

TEST_CASE("load_raw copies a mapped file into guest RAM and claims its range") {
    TempDir dir;
    std::string p = dir.path + "/initrd";
    std::vector<uint8_t> want = pattern(10000);
    write_bytes(p, want);
    AddressSpace as;
    as.add_ram("ram", 0x40000000, 1 << 20);
    ImageLoader loader(as);
    FileBytes f = map_file(p, "initrd", 1 << 20);
    LoadedImage img = loader.load_raw(f, "initrd", p, 0x40001000);
    CHECK(img.low == 0x40001000);
    CHECK(img.high == 0x40001000 + want.size());
    std::vector<uint8_t> got(want.size());
    REQUIRE(as.read_phys(0x40001000, got.data(), got.size()));
    CHECK(got == want);
    CHECK_THROWS_AS(loader.load_raw(f, "kernel", p, 0x40002000), ConfigError);  // overlaps the initrd
    CHECK_THROWS_AS(loader.load_raw(f, "kernel", p, 0x400ff000), ConfigError);  // past the end of RAM
}
