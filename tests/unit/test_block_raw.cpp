// The raw backend, -drive's syntax, and the metadata cache's eviction rules.
#include <doctest/doctest.h>

#include <cstring>

#include "block_test_util.h"
#include "machines/block/block_backend.h"
#include "machines/block/metadata_cache.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::block;
using namespace block_test;

TEST_CASE("raw: unaligned reads and writes, bounds, flush") {
    TempDir dir;
    DriveOptions o;
    o.file = dir.file("disk.raw");
    o.format = "raw";
    std::vector<uint8_t> model(1000000);
    for (size_t i = 0; i < model.size(); i++) model[i] = uint8_t(i * 13);
    write_file(o.file, model);
    auto b = open_drive(o);
    CHECK(b->size() == 1000000);
    CHECK(!b->read_only());
    std::vector<uint8_t> buf(70000, 0x5a);
    REQUIRE(b->write(12345, buf.size(), buf.data()) == IoStatus::ok);
    memcpy(&model[12345], buf.data(), buf.size());
    REQUIRE(b->write(999999, 1, buf.data()) == IoStatus::ok);
    model[999999] = 0x5a;
    CHECK(b->write(999999, 2, buf.data()) == IoStatus::out_of_range);
    CHECK(b->write(UINT64_MAX, 2, buf.data()) == IoStatus::out_of_range);
    CHECK(b->read(1000000, 1, buf.data()) == IoStatus::out_of_range);
    CHECK(b->read(1000000, 0, buf.data()) == IoStatus::ok);
    CHECK(!b->last_error().empty());
    REQUIRE(b->flush() == IoStatus::ok);
    std::vector<uint8_t> all(model.size());
    REQUIRE(b->read(0, all.size(), all.data()) == IoStatus::ok);
    CHECK(all == model);
    b.reset();
    CHECK(read_file(o.file) == model);
}

TEST_CASE("raw: readonly=on opens O_RDONLY and refuses writes") {
    TempDir dir;
    DriveOptions o;
    o.file = dir.file("disk.raw");
    o.format = "raw";
    o.read_only = true;
    write_file(o.file, std::vector<uint8_t>(8192, 1));
    Fingerprint fp = fingerprint(o.file);
    auto b = open_drive(o);
    CHECK(b->read_only());
    uint8_t x[512] = {};
    CHECK(b->write(0, sizeof x, x) == IoStatus::read_only);
    CHECK(b->flush() == IoStatus::ok);
    b.reset();
    CHECK(fingerprint(o.file) == fp);
}

TEST_CASE("raw: a probed raw disk refuses a qcow2 header in its first sector") {
    TempDir dir;
    DriveOptions o;
    o.file = dir.file("disk.img");
    write_file(o.file, std::vector<uint8_t>(8192, 0));
    std::vector<std::string> warnings;
    auto b = open_drive(o, &warnings);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("probed as raw") != std::string::npos);
    uint8_t sector[512] = {'Q', 'F', 'I', 0xfb};
    CHECK(b->write(0, sizeof sector, sector) == IoStatus::io_error);
    CHECK(b->last_error().find("format=raw") != std::string::npos);
    CHECK(b->write(1, 3, sector + 1) == IoStatus::ok);  // "FI\xfb" after a zero: not the magic
    CHECK(b->write(0, 1, sector) == IoStatus::io_error);  // ... which one 'Q' would complete
    CHECK(b->write(512, sizeof sector, sector) == IoStatus::ok);
    b.reset();
    o.format = "raw";
    warnings.clear();
    b = open_drive(o, &warnings);
    CHECK(warnings.empty());
    CHECK(b->write(0, sizeof sector, sector) == IoStatus::ok);
}

TEST_CASE("raw: two writers of one file are refused, readers share") {
    TempDir dir;
    DriveOptions o;
    o.file = dir.file("disk.raw");
    o.format = "raw";
    write_file(o.file, std::vector<uint8_t>(4096));
    auto w = open_drive(o);
    CHECK_THROWS_AS(open_drive(o), ConfigError);
    DriveOptions r = o;
    r.read_only = true;
    CHECK_THROWS_AS(open_drive(r), ConfigError);  // a reader does not let the image change under it
    w.reset();
    auto r1 = open_drive(r);
    auto r2 = open_drive(r);
    CHECK_THROWS_AS(open_drive(o), ConfigError);
}

TEST_CASE("-drive syntax") {
    DriveOptions o = parse_drive_options("file=a,,b.img,format=qcow2,if=none,id=disk0,snapshot=on,readonly=off");
    CHECK(o.file == "a,b.img");
    CHECK(o.format == "qcow2");
    CHECK(o.interface == "none");
    CHECK(o.id == "disk0");
    CHECK(o.snapshot);
    CHECK(!o.read_only);
    o = parse_drive_options("if=virtio,file=/x/y.raw,readonly=on");
    CHECK(o.file == "/x/y.raw");
    CHECK(o.format.empty());
    CHECK(o.read_only);
    CHECK(config_error([&] { parse_drive_options("file=x,format=vmdk"); }) ==
          "-drive: unknown format 'vmdk' (available: raw, qcow2)");
    CHECK(parse_drive_options("file=x").cache == "writeback");
    CHECK(parse_drive_options("file=x,cache=unsafe").cache == "unsafe");
    CHECK(config_error([&] { parse_drive_options("file=x,cache=fast"); }) ==
          "-drive: cache=fast is not a cache mode (available: writeback, none, writethrough, directsync, unsafe)");
    CHECK(config_error([&] { parse_drive_options("file=x,aio=native"); }) ==
          "-drive: unknown option 'aio' (available: file, format, if, id, readonly, snapshot, cache, media)");
    CHECK(config_error([&] { parse_drive_options("file=x,readonly=maybe"); }) == "-drive: readonly='maybe' is not on or off");
    CHECK(config_error([&] { parse_drive_options("format=raw"); }) == "-drive: file= is missing");
    CHECK(config_error([&] { parse_drive_options("file=x,if=scsi"); }) ==
          "-drive: if=scsi is not supported (available: virtio, none)");
    CHECK_THROWS_AS(parse_drive_options("x.img"), ConfigError);
}

TEST_CASE("metadata cache: least recently used clean table goes first; dirty tables stay") {
    MetadataCache c(16, 3);
    uint8_t* a = c.insert(0x1000);
    c.insert(0x2000);
    c.insert(0x3000);
    a[0] = 42;
    CHECK(c.find(0x1000) == a);  // 0x2000 is now the oldest
    c.mark_dirty(0x3000, 0, 16);
    c.insert(0x4000);
    CHECK(c.find(0x2000) == nullptr);
    CHECK(c.find(0x1000)[0] == 42);
    c.mark_dirty(0x1000, 0, 16);
    c.mark_dirty(0x4000, 0, 16);
    CHECK(c.dirty_count() == 3);
    CHECK(c.insert(0x5000) == nullptr);  // all dirty: the owner must write them first
    auto d = c.dirty_tables();
    REQUIRE(d.size() == 3);
    CHECK(d[0].offset == 0x1000);
    CHECK(d[2].offset == 0x4000);
    c.clean(0x3000);
    CHECK(c.insert(0x5000) != nullptr);
    CHECK(c.find(0x3000) == nullptr);
    c.drop(0x1000);
    CHECK(c.dirty_count() == 1);
    CHECK(c.find(0x1000) == nullptr);
    CHECK(c.insert(0x6000) != nullptr);
}

TEST_CASE("raw: scatter-gather reads and writes, empty pieces included") {
    TempDir dir;
    DriveOptions o;
    o.file = dir.file("disk.raw");
    o.format = "raw";
    std::vector<uint8_t> model(300000);
    for (size_t i = 0; i < model.size(); i++) model[i] = uint8_t(i * 7);
    write_file(o.file, model);
    auto b = open_drive(o);
    std::vector<uint8_t> a(5000, 1), c(70000, 2);
    struct iovec w[4] = {{a.data(), a.size()}, {nullptr, 0}, {c.data(), c.size()}, {a.data(), 3}};
    REQUIRE(b->writev(1000, w, 4) == IoStatus::ok);
    memcpy(&model[1000], a.data(), a.size());
    memcpy(&model[6000], c.data(), c.size());
    memcpy(&model[76000], a.data(), 3);
    std::vector<uint8_t> x(100), y(250000);
    struct iovec r[3] = {{x.data(), x.size()}, {nullptr, 0}, {y.data(), y.size()}};
    REQUIRE(b->readv(500, r, 3) == IoStatus::ok);
    CHECK(memcmp(x.data(), &model[500], x.size()) == 0);
    CHECK(memcmp(y.data(), &model[600], y.size()) == 0);
    struct iovec too_far[2] = {{y.data(), y.size()}, {y.data(), y.size()}};
    CHECK(b->readv(0, too_far, 2) == IoStatus::out_of_range);
    CHECK(b->writev(0, r, 0) == IoStatus::ok);
    // More pieces than one preadv takes.
    std::vector<struct iovec> many;
    std::vector<uint8_t> z(3000);
    for (size_t i = 0; i < z.size(); i++) many.push_back({&z[i], 1});
    REQUIRE(b->readv(7, many.data(), int(many.size())) == IoStatus::ok);
    CHECK(memcmp(z.data(), &model[7], z.size()) == 0);
}
