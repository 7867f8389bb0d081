// Temporary files for the block layer's unit tests.
#pragma once
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "util/error.h"

namespace block_test {

// The message of the ConfigError that f throws, "" if it throws none.
template <class F>
std::string config_error(F f) {
    try {
        f();
    } catch (const tessera::ConfigError& e) {
        return e.message;
    }
    return "";
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/tessera-unit-block-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { (void)system(("rm -rf '" + path + "'").c_str()); }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

inline void write_file(const std::string& path, const std::vector<uint8_t>& d) {
    FILE* f = fopen(path.c_str(), "wb");
    if (f) {
        if (!d.empty()) fwrite(d.data(), 1, d.size(), f);
        fclose(f);
    }
}

inline std::vector<uint8_t> read_file(const std::string& path) {
    std::vector<uint8_t> d;
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) return d;
    uint8_t buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) d.insert(d.end(), buf, buf + n);
    fclose(f);
    return d;
}

// FNV-1a of the file's bytes and its modification time: "untouched" means both unchanged.
struct Fingerprint {
    uint64_t hash = 0;
    int64_t mtime_ns = 0;
    bool operator==(const Fingerprint&) const = default;
};
inline Fingerprint fingerprint(const std::string& path) {
    Fingerprint fp{1469598103934665603ull, 0};
    for (uint8_t b : read_file(path)) fp.hash = (fp.hash ^ b) * 1099511628211ull;
    struct stat st;
    if (stat(path.c_str(), &st) == 0) fp.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return fp;
}

}  // namespace block_test
