// virtio-blk through the virtio-mmio transport and the test driver: configuration space,
// reads and writes with any framing, FLUSH reaching the disk, GET_ID, every error status,
// hostile chains, the I/O thread (the vCPU never waits, reset waits for it), and -drive with
// -device tied together.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/options.h"
#include "machines/virtio/virtio_blk.h"
#include "machines/virtio/virtio_blk_options.h"
#include "tests/unit/virtio_test_driver.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::test;
using namespace tessera::virtio_blk;
using block::IoStatus;

namespace {

// A disk in memory that counts flushes, can fail, and can hold the I/O thread at a gate.
struct MemDisk : block::BlockBackend {
    std::vector<uint8_t> bytes;
    bool ro = false;
    std::atomic<int> flushes{0}, writes{0};
    std::atomic<bool> fail{false};
    // Each write records the flush count it saw (a FLUSH must come after the writes before it).
    std::vector<int> flushes_at_write;
    std::mutex gate_mu;
    std::condition_variable gate_cv;
    bool gate_closed = false;
    std::atomic<bool> waiting{false};

    MemDisk(uint64_t size, bool read_only = false) : bytes(size), ro(read_only) {
        for (size_t i = 0; i < bytes.size(); i++) bytes[i] = uint8_t(i * 7 + i / 512);
    }
    void wait_gate() {
        std::unique_lock<std::mutex> lk(gate_mu);
        waiting = gate_closed;
        gate_cv.wait(lk, [this] { return !gate_closed; });
        waiting = false;
    }
    void close_gate() {
        std::lock_guard<std::mutex> g(gate_mu);
        gate_closed = true;
    }
    void open_gate() {
        {
            std::lock_guard<std::mutex> g(gate_mu);
            gate_closed = false;
        }
        gate_cv.notify_all();
    }
    uint64_t size() const override { return bytes.size(); }
    bool read_only() const override { return ro; }
    IoStatus readv(uint64_t off, const struct iovec* iov, int n) override {
        wait_gate();
        if (fail) return fail_io(IoStatus::io_error, "mem: injected read failure");
        for (int i = 0; i < n; i++) {
            if (off + iov[i].iov_len > bytes.size()) return IoStatus::out_of_range;
            memcpy(iov[i].iov_base, bytes.data() + off, iov[i].iov_len);
            off += iov[i].iov_len;
        }
        return IoStatus::ok;
    }
    IoStatus writev(uint64_t off, const struct iovec* iov, int n) override {
        wait_gate();
        if (ro) return IoStatus::read_only;
        if (fail) return fail_io(IoStatus::io_error, "mem: injected write failure");
        writes++;
        flushes_at_write.push_back(flushes);
        for (int i = 0; i < n; i++) {
            if (off + iov[i].iov_len > bytes.size()) return IoStatus::out_of_range;
            memcpy(bytes.data() + off, iov[i].iov_base, iov[i].iov_len);
            off += iov[i].iov_len;
        }
        return IoStatus::ok;
    }
    IoStatus flush() override {
        wait_gate();
        if (fail) return fail_io(IoStatus::io_error, "mem: injected flush failure");
        flushes++;
        return IoStatus::ok;
    }
    std::string describe() const override { return "mem disk"; }
    IoStatus fail_io(IoStatus s, const char* m) { return BlockBackend::fail(s, m); }
};

constexpr uint64_t kDiskSize = 64 * 512;
constexpr uint64_t kHdr = VirtioBench::kBuf;           // request headers
constexpr uint64_t kData = VirtioBench::kBuf + 0x1000;  // data buffers
constexpr uint64_t kStatus = VirtioBench::kBuf + 0x8000;

struct BlkBench : VirtioBench {
    MemDisk* disk;
    VirtioBlk* blk;
    explicit BlkBench(bool ro = false, VirtioBlk::Options o = {}, uint64_t size = kDiskSize) {
        auto d = std::make_unique<MemDisk>(size, ro);
        disk = d.get();
        auto dev = std::make_unique<VirtioBlk>(std::move(d), std::move(o));
        blk = dev.get();
        t.plug(std::move(dev));
    }
    void header(uint64_t at, uint32_t type, uint64_t sector) {
        poke<uint32_t>(at, type);
        poke<uint32_t>(at + 4, 0);
        poke<uint64_t>(at + 8, sector);
    }
    // Waits (running the service step) until the used index reaches idx.
    bool wait_used(uint16_t idx) {
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (used_idx() != idx) {
            if (std::chrono::steady_clock::now() > until) return false;
            work.run_pending();
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        return true;
    }
    // A three-descriptor request at head 0: header, data (readable for OUT, writable for IN
    // and GET_ID), status. Returns the status byte.
    uint8_t request(uint32_t type, uint64_t sector, uint32_t len, bool data_writable) {
        uint16_t before = used_idx();
        header(kHdr, type, sector);
        poke<uint8_t>(kStatus, 0xee);
        if (len) {
            desc(VirtioBench::kDesc, 0, kHdr, 16, DESC_F_NEXT, 1);
            desc(VirtioBench::kDesc, 1, kData, len, uint16_t(DESC_F_NEXT | (data_writable ? DESC_F_WRITE : 0)), 2);
            desc(VirtioBench::kDesc, 2, kStatus, 1, DESC_F_WRITE);
        } else {
            desc(VirtioBench::kDesc, 0, kHdr, 16, DESC_F_NEXT, 2);
            desc(VirtioBench::kDesc, 2, kStatus, 1, DESC_F_WRITE);
        }
        make_available(0);
        notify();
        REQUIRE(wait_used(uint16_t(before + 1)));
        return peek<uint8_t>(kStatus);
    }
    void fill(uint64_t at, uint32_t len, uint8_t seed) {
        for (uint32_t i = 0; i < len; i++) poke<uint8_t>(at + i, uint8_t(seed + i * 3));
    }
};

uint64_t cfg64(BlkBench& b, uint32_t off) { return b.t.read(mmio::CONFIG + off, 8); }
uint32_t cfg32(BlkBench& b, uint32_t off) { return uint32_t(b.t.read(mmio::CONFIG + off, 4)); }

uint64_t offered(VirtioBench& b) {
    b.wr(mmio::DEVICE_FEATURES_SEL, 0);
    uint64_t lo = b.rd(mmio::DEVICE_FEATURES);
    b.wr(mmio::DEVICE_FEATURES_SEL, 1);
    return lo | uint64_t(b.rd(mmio::DEVICE_FEATURES)) << 32;
}

const uint64_t kFlush = bit(F_FLUSH);

}  // namespace

TEST_CASE("virtio-blk: identity, features and configuration space") {
    BlkBench b;
    CHECK(b.rd(mmio::DEVICE_ID) == 2);
    uint64_t f = offered(b);
    CHECK((f & bit(F_SEG_MAX)));
    CHECK((f & bit(F_BLK_SIZE)));
    CHECK((f & bit(F_FLUSH)));
    CHECK(!(f & bit(F_RO)));
    CHECK(cfg64(b, CFG_CAPACITY) == 64);
    CHECK(cfg32(b, CFG_SEG_MAX) == VirtioBlk::kQueueSize - 2);
    CHECK(cfg32(b, CFG_BLK_SIZE) == 512);
    CHECK(b.t.read(mmio::CONFIG + CFG_CAPACITY, 1) == 64);  // narrow reads work too
    CHECK(b.t.read(mmio::CONFIG + CFG_SIZE - 4, 4) == 0);
    CHECK(b.t.read(mmio::CONFIG + CFG_SIZE, 4) == 0);  // outside: refused by the transport
    b.wr(mmio::QUEUE_SEL, 0);
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 256);

    BlkBench ro(true);
    CHECK((offered(ro) & bit(F_RO)));
    // A disk whose size is not whole sectors: the partial one is not offered.
    BlkBench odd(false, {}, 10 * 512 + 100);
    CHECK(cfg64(odd, CFG_CAPACITY) == 10);
}

TEST_CASE("virtio-blk: write then read back through separate descriptors") {
    BlkBench b;
    b.start(kFlush);
    b.fill(kData, 1024, 0x40);
    CHECK(b.request(T_OUT, 3, 1024, false) == S_OK);
    CHECK(b.used_len(0) == 1);
    for (uint32_t i = 0; i < 1024; i++) REQUIRE(b.disk->bytes[3 * 512 + i] == uint8_t(0x40 + i * 3));
    CHECK(b.disk->bytes[3 * 512 - 1] == uint8_t((3 * 512 - 1) * 7 + 2));  // neighbours untouched
    CHECK(b.disk->bytes[5 * 512] == uint8_t(5 * 512 * 7 + 5));

    for (uint32_t i = 0; i < 2048; i++) b.poke<uint8_t>(kData + i, 0);
    b.code_writes.clear();
    b.as.mark_code(kData);  // the read's page held translated code
    CHECK(b.request(T_IN, 2, 2048, true) == S_OK);
    CHECK(b.used_len(1) == 2049);
    for (uint32_t i = 0; i < 512; i++) REQUIRE(b.peek<uint8_t>(kData + i) == b.disk->bytes[2 * 512 + i]);
    for (uint32_t i = 512; i < 1536; i++) REQUIRE(b.peek<uint8_t>(kData + i) == uint8_t(0x40 + (i - 512) * 3));
    // The DMA into RAM is reported the way a CPU store is (translated code there is dropped).
    CHECK(std::count(b.code_writes.begin(), b.code_writes.end(), kData) == 1);
    CHECK_FALSE(b.as.is_code(kData));
    CHECK((b.t.interrupt_status() & INT_USED_BUFFER));
}

TEST_CASE("virtio-blk: any framing: header, data and status share and split descriptors") {
    BlkBench b;
    b.start(kFlush);
    // OUT: header and the first 100 data bytes in one descriptor, the rest in an indirect-free
    // chain of odd pieces.
    b.header(kHdr, T_OUT, 1);
    for (uint32_t i = 0; i < 100; i++) b.poke<uint8_t>(kHdr + 16 + i, uint8_t(0xa0 + i));
    for (uint32_t i = 100; i < 512; i++) b.poke<uint8_t>(kData + i, uint8_t(0xa0 + i));
    b.desc(VirtioBench::kDesc, 0, kHdr, 116, DESC_F_NEXT, 1);
    b.desc(VirtioBench::kDesc, 1, kData + 100, 7, DESC_F_NEXT, 2);
    b.desc(VirtioBench::kDesc, 2, kData + 107, 512 - 107, DESC_F_NEXT, 3);
    b.desc(VirtioBench::kDesc, 3, kStatus, 1, DESC_F_WRITE);
    b.make_available(0);
    b.notify();
    REQUIRE(b.wait_used(1));
    CHECK(b.peek<uint8_t>(kStatus) == S_OK);
    for (uint32_t i = 0; i < 512; i++) REQUIRE(b.disk->bytes[512 + i] == uint8_t(0xa0 + i));

    // IN: header split in two, the data's last bytes and the status in one descriptor.
    b.header(kHdr, T_IN, 1);
    b.desc(VirtioBench::kDesc, 4, kHdr, 5, DESC_F_NEXT, 5);
    b.desc(VirtioBench::kDesc, 5, kHdr + 5, 11, DESC_F_NEXT, 6);
    b.desc(VirtioBench::kDesc, 6, kData + 0x2000, 300, DESC_F_NEXT | DESC_F_WRITE, 7);
    b.desc(VirtioBench::kDesc, 7, kData + 0x3000, 213, DESC_F_WRITE);
    b.make_available(4);
    b.notify();
    REQUIRE(b.wait_used(2));
    CHECK(b.used_id(1) == 4);
    CHECK(b.used_len(1) == 513);
    for (uint32_t i = 0; i < 300; i++) REQUIRE(b.peek<uint8_t>(kData + 0x2000 + i) == uint8_t(0xa0 + i));
    for (uint32_t i = 300; i < 512; i++) REQUIRE(b.peek<uint8_t>(kData + 0x3000 + i - 300) == uint8_t(0xa0 + i));
    CHECK(b.peek<uint8_t>(kData + 0x3000 + 212) == S_OK);
}

TEST_CASE("virtio-blk: many requests in flight complete, each with its own status") {
    BlkBench c;
    c.start(kFlush, 8);
    // Four writes, each a header+data descriptor and a status descriptor, in one notify.
    for (unsigned i = 0; i < 4; i++) {
        uint64_t a = kData + 0x10000 + 1024 * i;
        c.header(a, T_OUT, 10 + i);
        for (unsigned k = 0; k < 512; k++) c.poke<uint8_t>(a + 16 + k, uint8_t(i * 16 + k * 3));
        c.poke<uint8_t>(kStatus + i, 0xee);
        c.desc(VirtioBench::kDesc, 2 * i, a, 16 + 512, DESC_F_NEXT, uint16_t(2 * i + 1));
        c.desc(VirtioBench::kDesc, 2 * i + 1, kStatus + i, 1, DESC_F_WRITE);
        c.make_available(uint16_t(2 * i));
    }
    c.notify();
    REQUIRE(c.wait_used(4));
    for (unsigned i = 0; i < 4; i++) {
        CHECK(c.peek<uint8_t>(kStatus + i) == S_OK);
        for (unsigned k = 0; k < 512; k++) REQUIRE(c.disk->bytes[(10 + i) * 512 + k] == uint8_t(i * 16 + k * 3));
    }
    // One thread, in order: the used ring lists them as they were made available.
    for (unsigned i = 0; i < 4; i++) CHECK(c.used_id(i) == 2 * i);
}

TEST_CASE("virtio-blk: FLUSH reaches the disk before it completes; without FLUSH every write is flushed") {
    BlkBench b;
    b.start(kFlush);
    b.fill(kData, 512, 1);
    CHECK(b.request(T_OUT, 0, 512, false) == S_OK);
    CHECK(b.disk->flushes == 0);  // write-back: the write alone is not flushed
    CHECK(b.request(T_FLUSH, 0, 0, false) == S_OK);
    CHECK(b.disk->flushes == 1);
    CHECK(b.used_len(1) == 1);

    BlkBench wt;
    wt.start(0);  // the driver did not take FLUSH: the device is write-through
    wt.fill(kData, 512, 1);
    CHECK(wt.request(T_OUT, 0, 512, false) == S_OK);
    CHECK(wt.disk->flushes == 1);

    VirtioBlk::Options o;
    o.cache = CacheMode::writethrough;
    BlkBench wt2(false, o);
    wt2.start(kFlush);
    CHECK(wt2.request(T_OUT, 0, 512, false) == S_OK);
    CHECK(wt2.disk->flushes == 1);

    o.cache = CacheMode::unsafe;
    BlkBench un(false, o);
    un.start(kFlush);
    CHECK(un.request(T_OUT, 0, 512, false) == S_OK);
    CHECK(un.request(T_FLUSH, 0, 0, false) == S_OK);
    CHECK(un.disk->flushes == 0);
}

TEST_CASE("virtio-blk: GET_ID answers the serial") {
    VirtioBlk::Options o;
    o.serial = "TESSERA-0001";
    BlkBench b(false, o);
    b.start(kFlush);
    for (int i = 0; i < 32; i++) b.poke<uint8_t>(kData + i, 0xff);
    CHECK(b.request(T_GET_ID, 0, 20, true) == S_OK);
    char id[21] = {};
    for (int i = 0; i < 20; i++) id[i] = char(b.peek<uint8_t>(kData + i));
    CHECK(std::string(id) == "TESSERA-0001");
    CHECK(b.peek<uint8_t>(kData + 12) == 0);  // zero padded
    CHECK(b.used_len(0) == 21);
    // A short buffer gets what fits.
    CHECK(b.request(T_GET_ID, 0, 4, true) == S_OK);
    CHECK(b.used_len(1) == 5);
}

TEST_CASE("virtio-blk: error statuses") {
    GuestErrorLog log;
    BlkBench b;
    b.start(kFlush);
    std::vector<uint8_t> before = b.disk->bytes;
    SUBCASE("data not whole sectors") {
        CHECK(b.request(T_OUT, 0, 500, false) == S_IOERR);
        CHECK(b.request(T_IN, 0, 513, true) == S_IOERR);
        CHECK(b.used_len(1) == 1);
    }
    SUBCASE("beyond the end, and sector numbers that would overflow") {
        CHECK(b.request(T_IN, 63, 512, true) == S_OK);
        CHECK(b.request(T_IN, 63, 1024, true) == S_IOERR);
        CHECK(b.request(T_IN, 64, 512, true) == S_IOERR);
        CHECK(b.request(T_OUT, ~0ull / 512 + 5, 512, false) == S_IOERR);
        CHECK(b.request(T_OUT, ~0ull, 512, false) == S_IOERR);
        CHECK(b.request(T_IN, 64, 0, true) == S_OK);  // an empty read at the end is in range
    }
    SUBCASE("unknown and unoffered request types") {
        CHECK(b.request(T_DISCARD, 0, 16, false) == S_UNSUPP);
        CHECK(b.request(T_WRITE_ZEROES, 0, 16, false) == S_UNSUPP);
        CHECK(b.request(99, 0, 0, false) == S_UNSUPP);
        CHECK(log.count("not supported") == 3);
    }
    SUBCASE("the host's disk fails") {
        b.disk->fail = true;
        CHECK(b.request(T_OUT, 0, 512, false) == S_IOERR);
        CHECK(b.request(T_IN, 0, 512, true) == S_IOERR);
        CHECK(b.request(T_FLUSH, 0, 0, false) == S_IOERR);
        b.disk->fail = false;
        CHECK(b.request(T_IN, 0, 512, true) == S_OK);
    }
    CHECK(b.disk->bytes == before);
    CHECK(!b.needs_reset());
}

TEST_CASE("virtio-blk: a read-only drive refuses writes and writes nothing") {
    BlkBench b(true);
    b.start(kFlush | bit(F_RO));
    std::vector<uint8_t> before = b.disk->bytes;
    b.fill(kData, 512, 9);
    CHECK(b.request(T_OUT, 0, 512, false) == S_IOERR);
    CHECK(b.disk->writes == 0);
    CHECK(b.disk->bytes == before);
    CHECK(b.request(T_IN, 1, 512, true) == S_OK);
    CHECK(b.request(T_FLUSH, 0, 0, false) == S_OK);
}

TEST_CASE("virtio-blk: chains with no room for the header or the status are device errors") {
    GuestErrorLog log;
    BlkBench b;
    b.start(kFlush);
    SUBCASE("header of 15 bytes") {
        b.desc(VirtioBench::kDesc, 0, kHdr, 15, DESC_F_NEXT, 1);
        b.desc(VirtioBench::kDesc, 1, kStatus, 1, DESC_F_WRITE);
    }
    SUBCASE("no writable byte") {
        b.header(kHdr, T_IN, 0);
        b.desc(VirtioBench::kDesc, 0, kHdr, 16, DESC_F_NEXT, 1);
        b.desc(VirtioBench::kDesc, 1, kData, 512, 0);
    }
    SUBCASE("all writable, no header") {
        b.desc(VirtioBench::kDesc, 0, kData, 529, DESC_F_WRITE);
    }
    b.make_available(0);
    b.notify();
    b.work.run_pending();
    CHECK(b.needs_reset());
    CHECK(b.used_idx() == 0);
    CHECK(log.count("device needs reset") == 1);
    // After a reset the device works again.
    b.start(kFlush);
    for (int i = 0; i < 8; i++) b.poke<uint16_t>(VirtioBench::kAvail + 2 * i, 0);
    b.disk->bytes[0] = 0x5a;
    CHECK(b.request(T_IN, 0, 512, true) == S_OK);
    CHECK(b.peek<uint8_t>(kData) == 0x5a);
}

TEST_CASE("virtio-blk: the vCPU never waits for the disk; reset waits for the I/O thread and drops its work") {
    BlkBench b;
    b.start(kFlush);
    b.disk->close_gate();
    b.header(kHdr, T_IN, 0);
    b.desc(VirtioBench::kDesc, 0, kHdr, 16, DESC_F_NEXT, 1);
    b.desc(VirtioBench::kDesc, 1, kData, 512, DESC_F_NEXT | DESC_F_WRITE, 2);
    b.desc(VirtioBench::kDesc, 2, kStatus, 1, DESC_F_WRITE);
    b.make_available(0);
    auto t0 = std::chrono::steady_clock::now();
    b.notify();  // returns though the disk is stuck
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    for (int i = 0; i < 2000 && !b.disk->waiting; i++) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(b.disk->waiting);
    b.work.run_pending();
    CHECK(b.used_idx() == 0);

    std::atomic<bool> opened{false};
    std::thread opener([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        opened = true;
        b.disk->open_gate();
    });
    b.wr(mmio::STATUS, 0);  // the driver resets the device while the read is in flight
    CHECK(opened);          // reset came back only once the thread let go of the chain
    opener.join();
    for (int i = 0; i < 20; i++) {
        b.work.run_pending();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(b.used_idx() == 0);  // its completion belonged to the old queue: dropped
    CHECK(b.rd(mmio::STATUS) == 0);

    // And the device serves the next driver.
    b.start(kFlush);
    for (int i = 0; i < 8; i++) b.poke<uint16_t>(VirtioBench::kAvail + 2 * i, 0);
    CHECK(b.request(T_IN, 0, 512, true) == S_OK);
}

TEST_CASE("virtio-blk: after a device error, requests still in flight are not returned") {
    GuestErrorLog log;
    BlkBench b;
    b.start(kFlush);
    b.disk->close_gate();
    b.header(kHdr, T_IN, 0);
    b.desc(VirtioBench::kDesc, 0, kHdr, 16, DESC_F_NEXT, 1);
    b.desc(VirtioBench::kDesc, 1, kData, 512, DESC_F_NEXT | DESC_F_WRITE, 2);
    b.desc(VirtioBench::kDesc, 2, kStatus, 1, DESC_F_WRITE);
    b.poke<uint8_t>(kStatus, 0xee);
    b.make_available(0);
    b.notify();
    for (int i = 0; i < 2000 && !b.disk->waiting; i++) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(b.disk->waiting);
    b.desc(VirtioBench::kDesc, 3, kHdr, 4, DESC_F_NEXT, 4);  // a 4-byte header: a device error
    b.desc(VirtioBench::kDesc, 4, kStatus + 1, 1, DESC_F_WRITE);
    b.make_available(3);
    b.notify();
    CHECK(b.needs_reset());
    b.disk->open_gate();
    for (int i = 0; i < 50; i++) {
        b.work.run_pending();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(b.used_idx() == 0);
    CHECK(b.peek<uint8_t>(kStatus) == 0xee);
}

TEST_CASE("virtio-blk: a FLUSH follows the writes made available before it") {
    BlkBench b;
    b.start(kFlush, 8);
    // write, write, flush in one notify
    for (unsigned i = 0; i < 2; i++) {
        uint64_t a = kData + 0x10000 + 1024 * i;
        b.header(a, T_OUT, i);
        b.desc(VirtioBench::kDesc, 2 * i, a, 16 + 512, DESC_F_NEXT, uint16_t(2 * i + 1));
        b.desc(VirtioBench::kDesc, 2 * i + 1, kStatus + i, 1, DESC_F_WRITE);
        b.make_available(uint16_t(2 * i));
    }
    b.header(kHdr, T_FLUSH, 0);
    b.desc(VirtioBench::kDesc, 4, kHdr, 16, DESC_F_NEXT, 5);
    b.desc(VirtioBench::kDesc, 5, kStatus + 2, 1, DESC_F_WRITE);
    b.make_available(4);
    b.notify();
    REQUIRE(b.wait_used(3));
    REQUIRE(b.disk->flushes_at_write.size() == 2);
    CHECK(b.disk->flushes_at_write[0] == 0);
    CHECK(b.disk->flushes_at_write[1] == 0);
    CHECK(b.disk->flushes == 1);
    CHECK(b.used_id(2) == 4);
}

TEST_CASE("-drive and -device virtio-blk-device on the command line") {
    auto opts = [](std::vector<std::string> a) {
        a.insert(a.begin(), {"-M", "virt", "-cpu", "cortex-a57"});
        return parse_options(a);
    };
    auto err = [&](std::vector<std::string> a) {
        try {
            opts(a);
        } catch (const ConfigError& e) {
            return e.message;
        }
        return std::string("(no error)");
    };
    Options o = opts({"-drive", "file=a.img,format=raw", "-device", "virtio-rng-device", "-drive", "file=b.qcow2,if=none,id=d1",
                      "-device", "virtio-blk,drive=d1,serial=S1"});
    REQUIRE(o.machine_cfg.drives.size() == 2);
    CHECK(o.machine_cfg.drives[0].id == "virtio0");
    REQUIRE(o.machine_cfg.devices.size() == 3);
    // The -device ones first, then the implicit one of if=virtio (QEMU's order).
    CHECK(o.machine_cfg.devices[0].driver == "virtio-rng-device");
    CHECK(o.machine_cfg.devices[1].driver == "virtio-blk-device");
    CHECK(*o.machine_cfg.devices[1].prop("drive") == "d1");
    CHECK(*o.machine_cfg.devices[1].prop("serial") == "S1");
    CHECK(o.machine_cfg.devices[2].driver == "virtio-blk-device");
    CHECK(*o.machine_cfg.devices[2].prop("drive") == "virtio0");

    // Two if=virtio drives: the first one's device last, in the lower transport (Linux's vda).
    o = opts({"-drive", "file=a.img", "-drive", "file=b.img"});
    REQUIRE(o.machine_cfg.devices.size() == 2);
    CHECK(*o.machine_cfg.devices[0].prop("drive") == "virtio1");
    CHECK(*o.machine_cfg.devices[1].prop("drive") == "virtio0");
    CHECK(o.machine_cfg.drives[1].file == "b.img");

    CHECK(err({"-device", "virtio-blk-device,drive=nope"}) == "-device virtio-blk-device: drive=nope: no -drive has id=nope");
    CHECK(err({"-device", "virtio-blk-device"}) == "-device virtio-blk-device: drive= is missing (the id of a -drive)");
    CHECK(err({"-drive", "file=a,if=none,id=x", "-device", "virtio-blk-device,drive=x", "-device", "virtio-blk-device,drive=x"}) ==
          "-device virtio-blk-device: drive=x is already in use");
    CHECK(err({"-drive", "file=a,id=x", "-device", "virtio-blk-device,drive=x"}) ==
          "-device virtio-blk-device: drive=x is already in use (an if=virtio drive has a device of its own; give it if=none)");
    CHECK(err({"-drive", "file=a,if=none,id=x", "-drive", "file=b,if=none,id=x"}) == "-drive: duplicate id 'x'");
    CHECK(err({"-device", "virtio-blk-device,drive=x,bogus=1"}) ==
          "-device virtio-blk-device: unknown property 'bogus' (available: id, drive, serial)");
}
