// qcow2 header checks: every refusal is one line, and the image is left as it was.
#include <doctest/doctest.h>

#include <cstring>

#include "block_test_util.h"
#include "machines/block/block_backend.h"
#include "machines/block/qcow2_format.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::block;
using namespace block_test;

namespace {

// A valid empty image: 16 MiB, 64 KiB clusters.
std::vector<uint8_t> image() { return qcow2::new_image(16 << 20, 16); }

std::string parse(const std::vector<uint8_t>& img, qcow2::Header* h = nullptr) {
    qcow2::Header local;
    return qcow2::parse_header(img.data(), img.size(), img.size(), h ? h : &local);
}

// Opens the bytes as a drive (writable unless read_only) and returns the error, "" if none;
// checks that a refused image is untouched.
std::string open_error(const std::vector<uint8_t>& img, const std::string& format = "qcow2", bool read_only = false) {
    TempDir dir;
    std::string path = dir.file("disk.qcow2");
    write_file(path, img);
    Fingerprint before = fingerprint(path);
    DriveOptions o;
    o.file = path;
    o.format = format;
    o.read_only = read_only;
    std::string err;
    std::vector<std::string> warnings;
    try {
        auto b = open_drive(o, &warnings);
    } catch (const ConfigError& e) {
        err = e.message;
        CHECK(err.find('\n') == std::string::npos);
        CHECK(err.rfind(path + ": ", 0) == 0);
        CHECK(fingerprint(path) == before);
    }
    return err;
}

void put32(std::vector<uint8_t>& v, size_t off, uint32_t x) { qcow2::put_be32(&v[off], x); }
void put64(std::vector<uint8_t>& v, size_t off, uint64_t x) { qcow2::put_be64(&v[off], x); }

}  // namespace

TEST_CASE("qcow2 header: a new image is valid v3 and opens") {
    qcow2::Header h;
    auto img = image();
    REQUIRE(parse(img, &h) == "");
    CHECK(h.version == 3);
    CHECK(h.cluster_bits == 16);
    CHECK(h.size == 16u << 20);
    CHECK(h.refcount_order == 4);
    CHECK(h.l1_size == 1);
    CHECK(open_error(img) == "");
    CHECK(open_error(img, "") == "");  // probed
}

TEST_CASE("qcow2 header: version 2") {
    auto img = image();
    put32(img, 4, 2);
    qcow2::Header h;
    REQUIRE(parse(img, &h) == "");
    CHECK(h.version == 2);
    CHECK(h.header_length == 72);
    CHECK(h.refcount_order == 4);
    CHECK(open_error(img) == "");
}

TEST_CASE("qcow2 header: truncated") {
    auto img = image();
    for (size_t n : {0, 3, 50, 71, 100}) {
        std::vector<uint8_t> cut(img.begin(), img.begin() + long(n));
        CHECK(parse(cut).find("truncated qcow2 header") == 0);
        CHECK(open_error(cut).find("truncated qcow2 header") != std::string::npos);
    }
    // The header is whole but the tables it names are not.
    std::vector<uint8_t> cut(img.begin(), img.begin() + 65536 * 2);
    CHECK(parse(cut).find("beyond the end of the file") != std::string::npos);
    CHECK(open_error(cut).find("beyond the end of the file") != std::string::npos);
}

TEST_CASE("qcow2 header: bad magic, bad version") {
    auto img = image();
    img[3] = 0xfc;
    CHECK(parse(img) == "not a qcow2 image (bad magic)");
    CHECK(open_error(img).find("not a qcow2 image (bad magic)") != std::string::npos);
    img = image();
    put32(img, 4, 4);
    CHECK(parse(img) == "unsupported qcow2 version 4");
    CHECK(open_error(img).find("unsupported qcow2 version 4") != std::string::npos);
    CHECK(open_error(img, "").find("unsupported qcow2 version 4") != std::string::npos);  // probed: still qcow2
    put32(img, 4, 1);
    CHECK(parse(img).find("qcow version 1 is not supported") == 0);
}

TEST_CASE("qcow2 header: cluster_bits outside 9..21") {
    for (uint32_t bits : {0u, 8u, 22u, 63u, 0xffffffffu}) {
        auto img = image();
        put32(img, 20, bits);
        CHECK(parse(img).find("cluster_bits") != std::string::npos);
        CHECK(open_error(img).find("cluster_bits " + std::to_string(bits) + " is outside 9..21") != std::string::npos);
    }
}

TEST_CASE("qcow2 header: tables outside the file, misaligned or too small") {
    auto img = image();
    put64(img, 40, 1ull << 40);  // L1 beyond the end of the file
    CHECK(open_error(img).find("L1 table lies beyond the end of the file") != std::string::npos);
    img = image();
    put64(img, 40, 0xffffffffffff0000ull);  // ... where offset + size overflows
    CHECK(open_error(img).find("L1 table lies beyond the end of the file") != std::string::npos);
    img = image();
    put64(img, 40, 3 * 65536 + 512);
    CHECK(open_error(img).find("L1 table offset is not a cluster boundary") != std::string::npos);
    img = image();
    put64(img, 24, 1ull << 40);  // 1 TiB disk, one L1 entry
    CHECK(open_error(img).find("L1 table too small") != std::string::npos);
    img = image();
    put64(img, 48, 1ull << 40);
    CHECK(open_error(img).find("refcount table lies beyond the end of the file") != std::string::npos);
    img = image();
    put32(img, 56, 0);
    CHECK(open_error(img).find("no refcount table") != std::string::npos);
    img = image();
    put32(img, 36, 5u << 20);  // 40 MiB of L1
    CHECK(open_error(img).find("L1 table larger than 32 MiB") != std::string::npos);
}

TEST_CASE("qcow2 header: features") {
    auto img = image();
    put64(img, 72, 1ull << 40);
    CHECK(open_error(img) .find("unsupported qcow2 feature: incompatible feature bit 40") != std::string::npos);
    // With a feature name table, the name is given.
    size_t ext = 104;
    put32(img, ext, qcow2::kExtFeatureTable);
    put32(img, ext + 4, 48);
    img[ext + 8] = 0;
    img[ext + 9] = 40;
    memcpy(&img[ext + 10], "time travel", 11);
    CHECK(open_error(img).find("unsupported qcow2 feature: 'time travel'") != std::string::npos);
    img = image();
    put64(img, 72, qcow2::kIncompatExtendedL2);
    CHECK(open_error(img).find("extended L2 entries") != std::string::npos);
    put64(img, 72, qcow2::kIncompatDataFile);
    CHECK(open_error(img).find("external data file") != std::string::npos);
    put64(img, 72, qcow2::kIncompatCompression);
    put32(img, 100, 112);
    img[104] = 1;
    CHECK(open_error(img).find("zstd") != std::string::npos);
    img = image();
    put32(img, 32, 1);
    CHECK(open_error(img).find("encrypted qcow2 images are not supported") != std::string::npos);
    img = image();
    put32(img, 96, 7);
    CHECK(open_error(img).find("refcount_order 7 is above 6") != std::string::npos);
    img = image();
    put32(img, 100, 96);
    CHECK(open_error(img).find("header_length 96 is below 104") != std::string::npos);
    // Compatible and autoclear bits are fine; autoclear bits are cleared before writing.
    img = image();
    put64(img, 80, 1ull << 50);
    put64(img, 88, 1ull << 50);
    CHECK(open_error(img) == "");
}

TEST_CASE("qcow2 header: autoclear bits cleared when opened for writing, kept read-only") {
    TempDir dir;
    std::string path = dir.file("a.qcow2");
    auto img = image();
    put64(img, 88, 3);
    write_file(path, img);
    DriveOptions o;
    o.file = path;
    o.read_only = true;
    open_drive(o);
    CHECK(qcow2::get_be64(&read_file(path)[88]) == 3);
    o.read_only = false;
    open_drive(o);
    CHECK(qcow2::get_be64(&read_file(path)[88]) == 0);
}

TEST_CASE("qcow2 header: dirty and corrupt images open read-only only") {
    for (uint64_t bit : {qcow2::kIncompatDirty, qcow2::kIncompatCorrupt}) {
        auto img = image();
        put64(img, 72, bit);
        qcow2::Header h;
        REQUIRE(parse(img, &h) == "");
        CHECK(qcow2::writable_problem(h) != "");
        CHECK(open_error(img).find("qemu-img check -r all") != std::string::npos);
        CHECK(open_error(img, "qcow2", true) == "");
    }
}

TEST_CASE("qcow2 header: extensions and the backing file name") {
    auto img = image();
    size_t ext = 104;
    put32(img, ext, qcow2::kExtBackingFormat);
    put32(img, ext + 4, 3);
    memcpy(&img[ext + 8], "raw", 3);
    put32(img, ext + 16, 0x12345678);  // unknown: skipped
    put32(img, ext + 20, 5);
    const char* name = "base.img";
    put64(img, 8, 512);
    put32(img, 16, uint32_t(strlen(name)));
    memcpy(&img[512], name, strlen(name));
    qcow2::Header h;
    REQUIRE(parse(img, &h) == "");
    CHECK(h.backing_format == "raw");
    CHECK(h.backing_file == "base.img");
    CHECK(open_error(img, "qcow2", true).find("backing file: ") != std::string::npos);  // no base.img there
    put32(img, 16, 1024);
    CHECK(parse(img).find("longer than 1023") != std::string::npos);
    put32(img, 16, 8);
    put64(img, 8, 65536 - 4);
    CHECK(parse(img).find("outside the header cluster") != std::string::npos);
    img = image();
    put32(img, ext, qcow2::kExtBackingFormat);
    put32(img, ext + 4, 70000);
    CHECK(parse(img).find("runs past the end of the header cluster") != std::string::npos);
}

TEST_CASE("qcow2 header: formats and files") {
    TempDir dir;
    DriveOptions o;
    o.file = dir.file("missing.qcow2");
    CHECK(config_error([&] { open_drive(o); }) == o.file + ": No such file or directory");
    o.file = dir.path;
    CHECK(config_error([&] { open_drive(o); }) == dir.path + ": is a directory");
    o.file = dir.file("x.img");
    write_file(o.file, std::vector<uint8_t>(4096));
    o.format = "vmdk";
    CHECK(config_error([&] { open_drive(o); }) == o.file + ": unknown format 'vmdk' (available: raw, qcow2)");
    // A file nobody may write, opened for writing.
    o.format = "";
    chmod(o.file.c_str(), 0444);
    Fingerprint fp = fingerprint(o.file);
    try {
        open_drive(o);
        FAIL("opened a read-only file for writing");
    } catch (const ConfigError& e) {
        CHECK(e.message == o.file + ": read-only file, but the drive is not readonly=on (add readonly=on or snapshot=on)");
    }
    CHECK(fingerprint(o.file) == fp);
    o.read_only = true;
    std::vector<std::string> warnings;
    auto b = open_drive(o, &warnings);
    CHECK(b->read_only());
    CHECK(warnings.size() == 1);  // raw, probed
}
