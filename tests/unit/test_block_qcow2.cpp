// qcow2 through Tessera alone (the interop with qemu-img is tests/block/): writes against a
// model, reopening, refcounts recounted from the tables, snapshot=on, flush barriers, and
// corrupt tables met while running.
#include <doctest/doctest.h>

#include <cstring>
#include <map>

#include "block_test_util.h"
#include "machines/block/block_backend.h"
#include "machines/block/qcow2_backend.h"
#include "machines/block/qcow2_format.h"

using namespace tessera;
using namespace tessera::block;
using namespace block_test;

namespace {

struct Rng {
    uint64_t s;
    uint64_t next() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return s >> 17;
    }
    uint64_t below(uint64_t n) { return next() % n; }
};

std::string new_qcow2(const TempDir& dir, uint64_t size, uint32_t cluster_bits) {
    std::string path = dir.file("disk.qcow2");
    write_file(path, qcow2::new_image(size, cluster_bits));
    return path;
}

// Recounts every cluster's references from the header, L1 and L2 tables and refcount table,
// and compares them with the stored refcounts (16-bit). Returns "" or the first difference.
std::string recount(const std::string& path) {
    using namespace qcow2;
    std::vector<uint8_t> f = read_file(path);
    Header h;
    if (std::string e = parse_header(f.data(), f.size(), f.size(), &h); !e.empty()) return e;
    if (h.refcount_order != 4) return "test needs 16-bit refcounts";
    const uint64_t cs = h.cluster_size();
    std::map<uint64_t, uint64_t> refs;  // cluster index -> references
    auto ref = [&](uint64_t off, uint64_t bytes) {
        for (uint64_t c = off / cs; c < (off + bytes + cs - 1) / cs; c++) refs[c]++;
    };
    ref(0, cs);
    ref(h.l1_table_offset, uint64_t(h.l1_size) * 8);
    ref(h.refcount_table_offset, uint64_t(h.refcount_table_clusters) * cs);
    for (uint32_t i = 0; i < h.l1_size; i++) {
        uint64_t l2 = get_be64(&f[h.l1_table_offset + i * 8]) & kOffsetMask;
        if (!l2) continue;
        if (!(get_be64(&f[h.l1_table_offset + i * 8]) & kCopied)) return "L1 entry without COPIED";
        ref(l2, cs);
        if (l2 + cs > f.size()) return "L2 table beyond the end of the file";
        for (uint64_t j = 0; j < cs / 8; j++) {
            uint64_t e = get_be64(&f[l2 + j * 8]);
            if (e & kCompressed) return "unexpected compressed cluster";
            if (e & kOffsetMask) {
                ref(e & kOffsetMask, cs);
                if (!(e & kCopied)) return "L2 entry without COPIED";
            }
        }
    }
    uint64_t blocks = uint64_t(h.refcount_table_clusters) * cs / 8, per_block = cs / 2;
    for (uint64_t k = 0; k < blocks; k++) {
        uint64_t rb = get_be64(&f[h.refcount_table_offset + k * 8]);
        if (rb) ref(rb, cs);
    }
    for (uint64_t k = 0; k < blocks; k++) {
        uint64_t rb = get_be64(&f[h.refcount_table_offset + k * 8]);
        if (!rb) continue;  // all zero: what it would count is left in refs, and reported
        for (uint64_t i = 0; i < per_block; i++) {
            uint64_t c = k * per_block + i;
            uint64_t stored = rb + cs <= f.size() ? get_be16(&f[rb + i * 2]) : 0;
            uint64_t want = refs.count(c) ? refs[c] : 0;
            if (stored != want)
                return "cluster " + std::to_string(c) + ": refcount " + std::to_string(stored) + ", referenced " +
                       std::to_string(want);
            refs.erase(c);
        }
    }
    if (!refs.empty()) return "cluster " + std::to_string(refs.begin()->first) + " referenced but beyond the refcount table";
    return "";
}

// buf as 1 to 4 pieces.
std::vector<struct iovec> pieces(std::vector<uint8_t>& buf, Rng& rng) {
    std::vector<struct iovec> v;
    size_t at = 0;
    for (uint64_t n = 1 + rng.below(4); n > 1 && at < buf.size(); n--) {
        size_t k = rng.below(buf.size() - at + 1);
        v.push_back({&buf[at], k});
        at += k;
    }
    v.push_back({buf.data() + at, buf.size() - at});
    return v;
}

void random_writes(BlockBackend& b, std::vector<uint8_t>& model, Rng& rng, int count, uint64_t max_len) {
    std::vector<uint8_t> buf;
    for (int k = 0; k < count; k++) {
        uint64_t len = 1 + rng.below(max_len);
        uint64_t off = rng.below(model.size() - len + 1);
        buf.resize(len);
        for (auto& x : buf) x = uint8_t(rng.next());
        auto v = pieces(buf, rng);
        REQUIRE(b.writev(off, v.data(), int(v.size())) == IoStatus::ok);
        memcpy(&model[off], buf.data(), len);
        if (rng.below(20) == 0) REQUIRE(b.flush() == IoStatus::ok);
    }
}

void verify(BlockBackend& b, const std::vector<uint8_t>& model) {
    std::vector<uint8_t> all(model.size());
    REQUIRE(b.read(0, all.size(), all.data()) == IoStatus::ok);
    CHECK(all == model);
    Rng rng{model.size()};
    std::fill(all.begin(), all.end(), 0xee);
    for (size_t off = 0; off < all.size();) {
        std::vector<uint8_t> part(std::min<size_t>(1 + rng.below(200000), all.size() - off));
        auto v = pieces(part, rng);
        REQUIRE(b.readv(off, v.data(), int(v.size())) == IoStatus::ok);
        memcpy(&all[off], part.data(), part.size());
        off += part.size();
    }
    CHECK(all == model);
}

}  // namespace

TEST_CASE("qcow2: writes against a model, across reopening, refcounts exact") {
    for (uint32_t bits : {16u, 12u, 9u}) {
        CAPTURE(bits);
        TempDir dir;
        DriveOptions o;
        o.file = new_qcow2(dir, 12 << 20, bits);
        o.format = "qcow2";
        std::vector<uint8_t> model(12 << 20);
        Rng rng{bits};
        for (int round = 0; round < 3; round++) {
            auto b = open_drive(o);
            verify(*b, model);
            random_writes(*b, model, rng, 150, 100000);
            verify(*b, model);
        }
        // 512-byte clusters: the refcount table (one cluster: 64 blocks of 256) had to grow.
        std::vector<uint8_t> f = read_file(o.file);
        if (bits == 9) CHECK(qcow2::get_be32(&f[56]) > 1);
        CHECK(recount(o.file) == "");
    }
}

TEST_CASE("qcow2: flush writes metadata in order with barriers, and nothing when nothing changed") {
    TempDir dir;
    DriveOptions o;
    o.file = new_qcow2(dir, 4 << 20, 16);
    auto b = open_drive(o);
    auto* q = dynamic_cast<Qcow2Backend*>(b.get());
    REQUIRE(q);
    uint8_t x[4096];
    memset(x, 7, sizeof x);
    REQUIRE(b->flush() == IoStatus::ok);
    CHECK(q->metadata_syncs() == 0);
    REQUIRE(b->write(0, sizeof x, x) == IoStatus::ok);  // new L2 table and a data cluster
    // Not yet in the file's tables: a crash now loses the unflushed write, nothing else.
    CHECK(recount(o.file) == "");
    REQUIRE(b->flush() == IoStatus::ok);
    // refcounts | L2 table | L1 table | end
    CHECK(q->metadata_syncs() == 3);
    CHECK(recount(o.file) == "");
    REQUIRE(b->write(100, sizeof x, x) == IoStatus::ok);  // in place
    REQUIRE(b->flush() == IoStatus::ok);
    CHECK(q->metadata_syncs() == 4);
    REQUIRE(b->flush() == IoStatus::ok);
    CHECK(q->metadata_syncs() == 4);
}

TEST_CASE("qcow2: snapshot=on keeps the image untouched, over qcow2 and raw") {
    for (const char* fmt : {"qcow2", "raw"}) {
        CAPTURE(fmt);
        TempDir dir;
        DriveOptions o;
        o.format = fmt;
        o.snapshot = true;
        std::vector<uint8_t> model(3 << 20);
        if (std::string(fmt) == "qcow2") {
            o.file = new_qcow2(dir, model.size(), 16);
        } else {
            o.file = dir.file("disk.raw");
            for (size_t i = 0; i < model.size(); i++) model[i] = uint8_t(i >> 8);
            write_file(o.file, model);
        }
        Fingerprint fp = fingerprint(o.file);
        auto b = open_drive(o);
        CHECK(!b->read_only());
        CHECK(b->describe().find("(snapshot=on)") != std::string::npos);
        Rng rng{5};
        random_writes(*b, model, rng, 200, 200000);
        verify(*b, model);
        b.reset();
        CHECK(fingerprint(o.file) == fp);
    }
}

TEST_CASE("qcow2: a corrupt table met while running is an I/O error, not a crash") {
    TempDir dir;
    DriveOptions o;
    o.file = new_qcow2(dir, 4 << 20, 16);
    {
        auto b = open_drive(o);
        uint8_t x[512] = {1};
        REQUIRE(b->write(0, sizeof x, x) == IoStatus::ok);
        REQUIRE(b->write(1 << 20, sizeof x, x) == IoStatus::ok);
    }
    std::vector<uint8_t> f = read_file(o.file);
    qcow2::Header h;
    REQUIRE(qcow2::parse_header(f.data(), f.size(), f.size(), &h) == "");
    uint64_t l2 = qcow2::get_be64(&f[h.l1_table_offset]) & qcow2::kOffsetMask;
    REQUIRE(l2);
    qcow2::put_be64(&f[l2], qcow2::get_be64(&f[l2]) | 0x100);  // a reserved bit
    qcow2::put_be64(&f[l2 + 16 * 8], qcow2::get_be64(&f[l2 + 16 * 8]) + 512);  // unaligned
    write_file(o.file, f);
    auto b = open_drive(o);
    uint8_t y[512];
    CHECK(b->read(0, sizeof y, y) == IoStatus::io_error);
    CHECK(b->last_error().find("corrupt qcow2 image") != std::string::npos);
    CHECK(b->write(0, sizeof y, y) == IoStatus::io_error);
    CHECK(b->read(1 << 20, sizeof y, y) == IoStatus::io_error);
    CHECK(b->read(2 << 20, sizeof y, y) == IoStatus::ok);
    // Data entries pointing at metadata (the L2 table itself, the L1 table): writes refused.
    {
        std::vector<uint8_t> g = f;
        qcow2::put_be64(&g[l2 + 2 * 8], l2 | qcow2::kCopied);
        qcow2::put_be64(&g[l2 + 3 * 8], h.l1_table_offset | qcow2::kCopied);
        b.reset();
        write_file(o.file, g);
        b = open_drive(o);
        uint8_t z[512] = {};
        CHECK(b->write(2 * 65536, sizeof z, z) == IoStatus::io_error);
        CHECK(b->last_error().find("would overwrite metadata") != std::string::npos);
        CHECK(b->write(3 * 65536 + 100, sizeof z, z) == IoStatus::io_error);
        b.reset();
        std::vector<uint8_t> after = read_file(o.file);
        CHECK(std::equal(after.begin(), after.begin() + long(g.size()), g.begin()));
    }
    // An L1 entry pointing at the header.
    qcow2::put_be64(&f[h.l1_table_offset], qcow2::kCopied);
    b.reset();
    write_file(o.file, f);
    b = open_drive(o);
    CHECK(b->read(0, sizeof y, y) == IoStatus::ok);  // offset 0: unallocated
    qcow2::put_be64(&f[h.l1_table_offset], h.refcount_table_offset | qcow2::kCopied);
    b.reset();
    write_file(o.file, f);
    b = open_drive(o);
    CHECK(b->read(0, sizeof y, y) == IoStatus::io_error);
    CHECK(b->last_error().find("overlaps") != std::string::npos);
}

TEST_CASE("qcow2: images with random damage to their metadata never crash or hang") {
    TempDir dir;
    std::string pristine = dir.file("pristine.qcow2");
    write_file(pristine, qcow2::new_image(2 << 20, 12));
    {
        DriveOptions o;
        o.file = pristine;
        auto b = open_drive(o);
        Rng rng{99};
        std::vector<uint8_t> model(2 << 20);
        random_writes(*b, model, rng, 60, 20000);
    }
    const std::vector<uint8_t> good = read_file(pristine);
    qcow2::Header h;
    REQUIRE(qcow2::parse_header(good.data(), good.size(), good.size(), &h) == "");
    // Metadata lives in the header and in the clusters before the first data cluster, and in
    // the L2 tables and refcount blocks among the data: damage bytes anywhere in the first
    // part and in random 8-byte entries of the rest.
    Rng rng{2024};
    std::string path = dir.file("damaged.qcow2");
    int opened = 0;
    for (int round = 0; round < 200; round++) {
        std::vector<uint8_t> img = good;
        int hits = 1 + int(rng.below(6));
        for (int i = 0; i < hits; i++) {
            uint64_t at = rng.below(3) ? rng.below(5 * 4096) : rng.below(img.size() / 8) * 8;
            if (rng.below(2)) img[at] ^= uint8_t(1 << rng.below(8));
            else qcow2::put_be64(&img[at & ~7ull], rng.next() << rng.below(40));
        }
        write_file(path, img);
        DriveOptions o;
        o.file = path;
        o.format = "qcow2";
        std::unique_ptr<BlockBackend> b;
        try {
            b = open_drive(o);
        } catch (const ConfigError&) {
            continue;
        }
        opened++;
        std::vector<uint8_t> buf(70000, 0x33);
        for (int k = 0; k < 20; k++) {
            uint64_t len = 1 + rng.below(buf.size());
            uint64_t off = rng.below(b->size() - len + 1);
            if (rng.below(2)) (void)b->read(off, len, buf.data());
            else (void)b->write(off, len, buf.data());
        }
        if (round % 8 == 0) (void)b->flush();  // (closing writes back all the same)
    }
    CHECK(opened > 60);
}
