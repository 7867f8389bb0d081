// virtio-net through the fake driver (tests/unit/virtio_test_driver.h) and a fake backend:
// configuration, transmit (gathered chains, partial checksums), receive (one buffer a frame,
// merged buffers, DATA_VALID, frames waiting for buffers, the bound), hostile chains, reset,
// and frames from another thread. Then the slirp backend itself: ARP and DHCP answered from
// its own thread, a hostfwd port that is taken.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <thread>

#include "machines/net/slirp_backend.h"
#include "machines/virtio/virtio_net.h"
#include "machines/virtio/virtio_net_csum.h"
#include "tests/unit/virtio_test_driver.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::test;
using namespace tessera::virtio_net;

namespace {

struct FakeBackend : NetBackend {
    std::vector<std::vector<uint8_t>>* sent;
    explicit FakeBackend(std::vector<std::vector<uint8_t>>* s) : sent(s) {}
    void send(std::vector<uint8_t> frame) override { sent->push_back(std::move(frame)); }
};

constexpr std::array<uint8_t, 6> kMac = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
constexpr uint64_t kRxDesc = VirtioBench::kDesc, kRxAvail = VirtioBench::kAvail, kRxUsed = VirtioBench::kUsed;
constexpr uint64_t kTxDesc = kRxDesc + 0x4000, kTxAvail = kRxAvail + 0x4000, kTxUsed = kRxUsed + 0x4000;
constexpr uint32_t kNum = 8;
constexpr uint64_t kBuf = VirtioBench::kBuf;

struct NetBench : VirtioBench {
    std::vector<std::vector<uint8_t>> sent;
    NetBackend::Receiver inject;  // frames "from the network", as the backend's thread calls it
    VirtioNet* net = nullptr;

    NetBench() {
        auto dev = std::make_unique<VirtioNet>(kMac, [this](NetBackend::Receiver rx) {
            inject = std::move(rx);
            return std::make_unique<FakeBackend>(&sent);
        });
        net = dev.get();
        t.plug(std::move(dev));
    }
    // Features, both queues, DRIVER_OK.
    void up(uint64_t features) {
        REQUIRE((negotiate(features) & STATUS_FEATURES_OK));
        setup_queue(kRxQueue, kNum, kRxDesc, kRxAvail, kRxUsed);
        setup_queue(kTxQueue, kNum, kTxDesc, kTxAvail, kTxUsed);
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    }
    void frame_in(const std::vector<uint8_t>& f) {
        inject(f.data(), f.size());
        work.run_pending();
    }
    std::vector<uint8_t> bytes(uint64_t pa, size_t n) {
        std::vector<uint8_t> v(n);
        REQUIRE(as.read_phys(pa, v.data(), n));
        return v;
    }
    void put(uint64_t pa, const std::vector<uint8_t>& v) { REQUIRE(as.write_phys(pa, v.data(), v.size())); }
    // A receive buffer of len bytes at addr, descriptor i, made available.
    void rx_buffer(unsigned i, uint64_t addr, uint32_t len) {
        desc(kRxDesc, i, addr, len, DESC_F_WRITE);
        make_available(uint16_t(i), kNum, kRxAvail);
    }
};

std::vector<uint8_t> hdr(uint8_t flags = 0, uint16_t csum_start = 0, uint16_t csum_offset = 0, uint8_t gso = 0) {
    std::vector<uint8_t> h(kHdrSize, 0);
    h[0] = flags;
    h[1] = gso;
    memcpy(&h[6], &csum_start, 2);
    memcpy(&h[8], &csum_offset, 2);
    return h;
}

void put16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
    f[at] = uint8_t(v >> 8);
    f[at + 1] = uint8_t(v);
}

// Ethernet + IPv4 + UDP (or TCP) carrying payload, with correct checksums.
std::vector<uint8_t> ip_frame(bool tcp, size_t payload) {
    size_t l4 = tcp ? 20 : 8;
    std::vector<uint8_t> f(14 + 20 + l4 + payload, 0);
    for (int i = 0; i < 6; i++) f[i] = kMac[i];
    f[6] = 0x52, f[7] = 0x55, f[8] = 10, f[9] = 0, f[10] = 2, f[11] = 2;
    put16(f, 12, 0x0800);
    f[14] = 0x45;
    put16(f, 16, uint16_t(20 + l4 + payload));
    f[22] = 64;
    f[23] = tcp ? 6 : 17;
    uint8_t src[4] = {10, 0, 2, 2}, dst[4] = {10, 0, 2, 15};
    memcpy(&f[26], src, 4);
    memcpy(&f[30], dst, 4);
    put16(f, 24, uint16_t(~netcsum::fold(netcsum::add(0, &f[14], 20))));
    for (size_t i = 0; i < payload; i++) f[14 + 20 + l4 + i] = uint8_t(i * 7 + 3);
    size_t p = 34;
    put16(f, p, 80);
    put16(f, p + 2, 40000);
    if (tcp) f[p + 12] = 0x50;
    else put16(f, p + 4, uint16_t(8 + payload));
    uint32_t sum = netcsum::add(0, &f[26], 8) + f[23] + uint32_t(l4 + payload);
    size_t ck = tcp ? p + 16 : p + 6;
    put16(f, ck, uint16_t(~netcsum::fold(netcsum::add(sum, &f[p], l4 + payload))));
    return f;
}

}  // namespace

TEST_CASE("virtio-net: device id, features, configuration space") {
    NetBench b;
    CHECK(b.rd(mmio::DEVICE_ID) == 1);
    b.wr(mmio::DEVICE_FEATURES_SEL, 0);
    uint32_t lo = b.rd(mmio::DEVICE_FEATURES);
    for (unsigned f : {F_CSUM, F_GUEST_CSUM, F_MAC, F_MRG_RXBUF, F_STATUS}) CHECK((lo >> f & 1) == 1);
    CHECK((lo >> 7 & 1) == 0);   // GUEST_TSO4: not offered
    CHECK((lo >> 11 & 1) == 0);  // HOST_TSO4: not offered
    CHECK((lo >> 17 & 1) == 0);  // CTRL_VQ: not offered
    for (unsigned i = 0; i < 6; i++) CHECK(b.t.read(mmio::CONFIG + i, 1) == kMac[i]);
    CHECK(b.t.read(mmio::CONFIG + 6, 2) == S_LINK_UP);
    CHECK(b.t.read(mmio::CONFIG + 8, 2) == 1);  // one queue pair
    CHECK(b.t.read(mmio::CONFIG, 4) == 0xab005452u);
    GuestErrorLog log;
    b.t.write(mmio::CONFIG, 1, 0xff);
    CHECK(b.t.read(mmio::CONFIG, 1) == 0x52);  // read-only
    CHECK(b.t.read(mmio::CONFIG + 12, 1) == 0);  // past the end: refused by the transport
    CHECK(log.count("outside its 12 bytes") == 1);
}

TEST_CASE("virtio-net: transmit gathers the chain, drops the header, returns the buffers") {
    NetBench b;
    b.up(0);
    std::vector<uint8_t> f = ip_frame(false, 100);
    // The header in one buffer, the frame split in two.
    b.put(kBuf, hdr());
    b.put(kBuf + 0x100, std::vector<uint8_t>(f.begin(), f.begin() + 20));
    b.put(kBuf + 0x200, std::vector<uint8_t>(f.begin() + 20, f.end()));
    b.desc(kTxDesc, 0, kBuf, kHdrSize, DESC_F_NEXT, 1);
    b.desc(kTxDesc, 1, kBuf + 0x100, 20, DESC_F_NEXT, 2);
    b.desc(kTxDesc, 2, kBuf + 0x200, uint32_t(f.size() - 20), 0);
    b.make_available(0, kNum, kTxAvail);
    b.notify(kTxQueue);
    REQUIRE(b.sent.size() == 1);
    CHECK(b.sent[0] == f);
    CHECK(b.used_idx(kTxUsed) == 1);
    CHECK(b.used_id(0, kTxUsed) == 0);
    CHECK(b.used_len(0, kTxUsed) == 0);
    CHECK(b.irq.level);
    CHECK(b.net->tx_frames() == 1);
    // Header and frame in one buffer (what Linux does with any_header_sg).
    std::vector<uint8_t> one = hdr();
    one.insert(one.end(), f.begin(), f.end());
    b.put(kBuf + 0x1000, one);
    b.desc(kTxDesc, 3, kBuf + 0x1000, uint32_t(one.size()), 0);
    b.make_available(3, kNum, kTxAvail);
    b.notify(kTxQueue);
    REQUIRE(b.sent.size() == 2);
    CHECK(b.sent[1] == f);
}

TEST_CASE("virtio-net: transmit finishes a partial checksum when CSUM was negotiated") {
    for (bool tcp : {false, true}) {
        NetBench b;
        b.up(bit(F_CSUM));
        std::vector<uint8_t> f = ip_frame(tcp, 333);
        REQUIRE(netcsum::l4_checksum_valid(f.data(), f.size()));
        // What Linux sends: the pseudo-header's sum (not complemented) in the checksum field.
        size_t ck = tcp ? 34 + 16 : 34 + 6;
        uint32_t pseudo = netcsum::add(0, &f[26], 8) + f[23] + uint32_t(f.size() - 34);
        put16(f, ck, netcsum::fold(pseudo));
        CHECK_FALSE(netcsum::l4_checksum_valid(f.data(), f.size()));
        std::vector<uint8_t> chain = hdr(HDR_F_NEEDS_CSUM, 34, uint16_t(ck - 34));
        chain.insert(chain.end(), f.begin(), f.end());
        b.put(kBuf, chain);
        b.desc(kTxDesc, 0, kBuf, uint32_t(chain.size()), 0);
        b.make_available(0, kNum, kTxAvail);
        b.notify(kTxQueue);
        REQUIRE(b.sent.size() == 1);
        CHECK(netcsum::l4_checksum_valid(b.sent[0].data(), b.sent[0].size()));
        CHECK(b.sent[0] == ip_frame(tcp, 333));
    }
}

TEST_CASE("virtio-net: a transmit header asking for what was not negotiated drops its frame") {
    NetBench b;
    b.up(0);
    GuestErrorLog log;
    std::vector<uint8_t> f = ip_frame(false, 10);
    struct Case {
        std::vector<uint8_t> h;
        const char* msg;
    } cases[] = {{hdr(HDR_F_NEEDS_CSUM, 34, 6), "without VIRTIO_NET_F_CSUM"}, {hdr(0, 0, 0, 1), "gso_type 1"}};
    uint16_t i = 0;
    for (const Case& c : cases) {
        std::vector<uint8_t> chain = c.h;
        chain.insert(chain.end(), f.begin(), f.end());
        b.put(kBuf + 0x1000 * i, chain);
        b.desc(kTxDesc, i, kBuf + 0x1000 * i, uint32_t(chain.size()), 0);
        b.make_available(i, kNum, kTxAvail);
        b.notify(kTxQueue);
        CHECK(log.count(c.msg) == 1);
        i++;
    }
    CHECK(b.sent.empty());
    CHECK(b.net->tx_dropped() == 2);
    CHECK(b.used_idx(kTxUsed) == 2);  // the buffers still come back
    CHECK_FALSE(b.needs_reset());
    // With CSUM, a checksum position outside the frame drops it too.
    NetBench c;
    c.up(bit(F_CSUM));
    std::vector<uint8_t> chain = hdr(HDR_F_NEEDS_CSUM, uint16_t(f.size() - 1), 0);
    chain.insert(chain.end(), f.begin(), f.end());
    c.put(kBuf, chain);
    c.desc(kTxDesc, 0, kBuf, uint32_t(chain.size()), 0);
    c.make_available(0, kNum, kTxAvail);
    c.notify(kTxQueue);
    CHECK(c.sent.empty());
    CHECK(log.count("outside the") == 1);
}

TEST_CASE("virtio-net: hostile transmit chains are device errors") {
    GuestErrorLog log;
    SUBCASE("shorter than the header") {
        NetBench b;
        b.up(0);
        b.desc(kTxDesc, 0, kBuf, kHdrSize - 1, 0);
        b.make_available(0, kNum, kTxAvail);
        b.notify(kTxQueue);
        CHECK(b.needs_reset());
        CHECK(b.sent.empty());
        CHECK(log.count("transmit chain 0 of 11 bytes") == 1);
    }
    SUBCASE("a frame longer than 65550 bytes") {
        NetBench b;
        b.up(0);
        b.desc(kTxDesc, 0, kBuf, kHdrSize, DESC_F_NEXT, 1);
        b.desc(kTxDesc, 1, kBuf + 0x100, uint32_t(VirtioNet::kMaxFrame + 1), 0);
        b.make_available(0, kNum, kTxAvail);
        b.notify(kTxQueue);
        CHECK(b.needs_reset());
        CHECK(b.sent.empty());
        CHECK(log.count("65550") == 1);
    }
    SUBCASE("the longest frame is fine") {
        NetBench b;
        b.up(0);
        b.desc(kTxDesc, 0, kBuf, kHdrSize, DESC_F_NEXT, 1);
        b.desc(kTxDesc, 1, kBuf + 0x100, uint32_t(VirtioNet::kMaxFrame), 0);
        b.make_available(0, kNum, kTxAvail);
        b.notify(kTxQueue);
        CHECK_FALSE(b.needs_reset());
        REQUIRE(b.sent.size() == 1);
        CHECK(b.sent[0].size() == VirtioNet::kMaxFrame);
    }
    SUBCASE("a buffer outside RAM") {
        NetBench b;
        b.up(0);
        b.desc(kTxDesc, 0, VirtioBench::kHole, 100, 0);
        b.make_available(0, kNum, kTxAvail);
        b.notify(kTxQueue);
        CHECK(b.needs_reset());
        CHECK(b.sent.empty());
    }
}

TEST_CASE("virtio-net: receive into one buffer a frame, frames wait for buffers") {
    NetBench b;
    b.up(0);
    std::vector<uint8_t> f1 = ip_frame(false, 200), f2 = ip_frame(true, 50);
    // No buffers yet: the frames wait.
    b.frame_in(f1);
    b.frame_in(f2);
    CHECK(b.used_idx(kRxUsed) == 0);
    CHECK_FALSE(b.irq.level);
    b.rx_buffer(0, kBuf, 1526);
    b.notify(kRxQueue);
    CHECK(b.used_idx(kRxUsed) == 1);
    CHECK(b.used_len(0, kRxUsed) == kHdrSize + f1.size());
    std::vector<uint8_t> h = b.bytes(kBuf, kHdrSize);
    CHECK(h[0] == 0);  // no GUEST_CSUM: no DATA_VALID
    CHECK(h[1] == HDR_GSO_NONE);
    CHECK((h[10] | h[11] << 8) == 1);  // num_buffers
    CHECK(b.bytes(kBuf + kHdrSize, f1.size()) == f1);
    CHECK(b.irq.level);
    b.rx_buffer(1, kBuf + 0x1000, 1526);
    b.notify(kRxQueue);
    CHECK(b.used_idx(kRxUsed) == 2);
    CHECK(b.bytes(kBuf + 0x1000 + kHdrSize, f2.size()) == f2);
    CHECK(b.net->rx_frames() == 2);
    // A buffer already there: the frame goes in as it arrives.
    b.rx_buffer(2, kBuf + 0x2000, 1526);
    b.notify(kRxQueue);
    b.frame_in(f2);
    CHECK(b.used_idx(kRxUsed) == 3);
    // A frame larger than the buffer (no MRG_RXBUF) is dropped; the buffer takes the next one.
    b.rx_buffer(3, kBuf + 0x3000, 200);
    b.notify(kRxQueue);
    b.frame_in(ip_frame(false, 500));
    CHECK(b.used_idx(kRxUsed) == 3);
    CHECK(b.net->rx_dropped() == 1);
    b.frame_in(f2);
    CHECK(b.used_idx(kRxUsed) == 4);
    CHECK(b.used_id(3, kRxUsed) == 3);
    CHECK(b.bytes(kBuf + 0x3000 + kHdrSize, f2.size()) == f2);
}

TEST_CASE("virtio-net: MRG_RXBUF spreads a frame over buffers and counts them") {
    NetBench b;
    b.up(bit(F_MRG_RXBUF));
    std::vector<uint8_t> f = ip_frame(false, 250 - 42);
    REQUIRE(f.size() == 250);
    b.frame_in(f);
    // 12 + 250 = 262 bytes: 100 + 100 + 62 in three buffers; the first two are not enough.
    b.rx_buffer(0, kBuf, 100);
    b.rx_buffer(1, kBuf + 0x1000, 100);
    b.notify(kRxQueue);
    CHECK(b.used_idx(kRxUsed) == 0);
    b.rx_buffer(2, kBuf + 0x2000, 100);
    b.rx_buffer(3, kBuf + 0x3000, 100);
    b.notify(kRxQueue);
    REQUIRE(b.used_idx(kRxUsed) == 3);
    CHECK(b.used_len(0, kRxUsed) == 100);
    CHECK(b.used_len(1, kRxUsed) == 100);
    CHECK(b.used_len(2, kRxUsed) == 62);
    std::vector<uint8_t> h = b.bytes(kBuf, kHdrSize);
    CHECK((h[10] | h[11] << 8) == 3);
    std::vector<uint8_t> got = b.bytes(kBuf + kHdrSize, 88), more = b.bytes(kBuf + 0x1000, 100), last = b.bytes(kBuf + 0x2000, 62);
    got.insert(got.end(), more.begin(), more.end());
    got.insert(got.end(), last.begin(), last.end());
    CHECK(got == f);
    // The fourth buffer, held back, takes the next small frame whole.
    std::vector<uint8_t> small = ip_frame(true, 10);
    b.frame_in(small);
    REQUIRE(b.used_idx(kRxUsed) == 4);
    CHECK(b.used_id(3, kRxUsed) == 3);
    CHECK(b.used_len(3, kRxUsed) == kHdrSize + small.size());
    CHECK(b.bytes(kBuf + 0x3000 + kHdrSize, small.size()) == small);
}

TEST_CASE("virtio-net: with MRG_RXBUF a frame larger than the whole queue is dropped") {
    NetBench b;
    b.up(bit(F_MRG_RXBUF));
    for (unsigned i = 0; i < kNum; i++) b.rx_buffer(i, kBuf + 0x100 * i, 16);
    b.notify(kRxQueue);
    b.frame_in(ip_frame(false, 200));  // 12 + 242 > 8 * 16
    CHECK(b.used_idx(kRxUsed) == 0);
    CHECK(b.net->rx_dropped() == 1);
    b.frame_in(std::vector<uint8_t>(60, 0xaa));  // 72 bytes: five of the held buffers
    CHECK(b.used_idx(kRxUsed) == 5);
}

TEST_CASE("virtio-net: GUEST_CSUM marks frames whose checksum the device checked") {
    NetBench b;
    b.up(bit(F_GUEST_CSUM));
    std::vector<uint8_t> good = ip_frame(true, 100), bad = good, arp(42, 0);
    bad[60] ^= 1;
    put16(arp, 12, 0x0806);
    int i = 0;
    for (auto* f : {&good, &bad, &arp}) {
        b.rx_buffer(i, kBuf + 0x1000 * i, 1526);
        b.notify(kRxQueue);
        b.frame_in(*f);
        i++;
    }
    REQUIRE(b.used_idx(kRxUsed) == 3);
    CHECK(b.bytes(kBuf, 1)[0] == HDR_F_DATA_VALID);
    CHECK(b.bytes(kBuf + 0x1000, 1)[0] == 0);
    CHECK(b.bytes(kBuf + 0x2000, 1)[0] == 0);
    // A UDP frame with a valid checksum too.
    std::vector<uint8_t> udp = ip_frame(false, 77);
    b.rx_buffer(3, kBuf + 0x3000, 1526);
    b.notify(kRxQueue);
    b.frame_in(udp);
    CHECK(b.bytes(kBuf + 0x3000, 1)[0] == HDR_F_DATA_VALID);
}

TEST_CASE("virtio-net: receive is bounded, dropped before DRIVER_OK, forgotten at reset") {
    NetBench b;
    std::vector<uint8_t> f = ip_frame(false, 20);
    b.inject(f.data(), f.size());  // before the driver: dropped
    CHECK(b.net->rx_dropped() == 1);
    CHECK(b.work.empty());
    b.up(0);
    for (size_t i = 0; i < VirtioNet::kMaxPendingFrames + 10; i++) b.inject(f.data(), f.size());
    CHECK(b.net->rx_dropped() == 11);
    b.work.run_pending();
    // Deliveries free room: 8 buffers take 8 frames, 8 more fit again.
    for (unsigned i = 0; i < kNum; i++) b.rx_buffer(i, kBuf + 0x800 * i, 1526);
    b.notify(kRxQueue);
    CHECK(b.used_idx(kRxUsed) == kNum);
    for (int i = 0; i < 9; i++) b.inject(f.data(), f.size());
    CHECK(b.net->rx_dropped() == 12);
    // A reset forgets the waiting frames and the completion already posted.
    b.wr(mmio::STATUS, 0);
    b.work.run_pending();
    b.poke<uint16_t>(kRxAvail + 2, 0);  // a driver starts with zeroed rings
    b.poke<uint16_t>(kRxUsed + 2, 0);
    b.up(0);
    b.rx_buffer(0, kBuf, 1526);
    b.notify(kRxQueue);
    CHECK(b.used_idx(kRxUsed) == 0);
    b.frame_in(f);
    CHECK(b.used_idx(kRxUsed) == 1);
}

TEST_CASE("virtio-net: hostile receive buffers are device errors") {
    GuestErrorLog log;
    SUBCASE("device-readable") {
        NetBench b;
        b.up(0);
        b.desc(kRxDesc, 0, kBuf, 1526, 0);
        b.make_available(0, kNum, kRxAvail);
        b.frame_in(ip_frame(false, 10));
        CHECK(b.needs_reset());
        CHECK(log.count("receive buffer 0 is device-readable") == 1);
    }
    SUBCASE("smaller than the header, with MRG_RXBUF") {
        NetBench b;
        b.up(bit(F_MRG_RXBUF));
        b.rx_buffer(0, kBuf, kHdrSize - 1);
        b.frame_in(ip_frame(false, 10));
        CHECK(b.needs_reset());
        CHECK(log.count("smaller than the header") == 1);
        CHECK(b.used_idx(kRxUsed) == 0);
    }
    SUBCASE("a loop") {
        NetBench b;
        b.up(0);
        b.desc(kRxDesc, 0, kBuf, 100, DESC_F_WRITE | DESC_F_NEXT, 1);
        b.desc(kRxDesc, 1, kBuf, 100, DESC_F_WRITE | DESC_F_NEXT, 0);
        b.make_available(0, kNum, kRxAvail);
        b.frame_in(ip_frame(false, 10));
        CHECK(b.needs_reset());
    }
}

TEST_CASE("virtio-net: frames from the backend's thread arrive whole and in order") {
    NetBench b;
    b.up(bit(F_MRG_RXBUF));
    constexpr int kFrames = 400;
    std::thread net([&] {
        for (int i = 0; i < kFrames; i++) {
            std::vector<uint8_t> f(60 + i % 50, uint8_t(i));
            f[0] = uint8_t(i >> 8);
            b.inject(f.data(), f.size());
            if (i % 16 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    });
    int got = 0;
    uint16_t next_desc = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (got < kFrames && std::chrono::steady_clock::now() < deadline) {
        // Keep the ring full of 256-byte buffers (at kBuf + 0x400 * slot).
        while (uint16_t(b.peek<uint16_t>(kRxAvail + 2) - b.used_idx(kRxUsed)) < kNum) {
            unsigned slot = next_desc % kNum;
            b.rx_buffer(slot, kBuf + 0x400 * slot, 256);
            next_desc++;
        }
        b.notify(kRxQueue);
        b.work.run_pending();
        while (got < b.used_idx(kRxUsed)) {
            unsigned slot = b.used_id(unsigned(got) % kNum, kRxUsed);
            std::vector<uint8_t> f = b.bytes(kBuf + 0x400 * slot + kHdrSize, b.used_len(unsigned(got) % kNum, kRxUsed) - kHdrSize);
            REQUIRE(f.size() == size_t(60 + got % 50));
            CHECK(f[0] == uint8_t(got >> 8));
            CHECK(f[1] == uint8_t(got));
            got++;
        }
    }
    net.join();
    CHECK(got == kFrames);
    CHECK(b.net->rx_dropped() == 0);
}

// ---- the slirp backend ----

namespace {

struct Collector {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::vector<uint8_t>> frames;
    NetBackend::Receiver receiver() {
        return [this](const uint8_t* f, size_t len) {
            std::lock_guard<std::mutex> g(mu);
            frames.emplace_back(f, f + len);
            cv.notify_all();
        };
    }
    // The first frame with this EtherType, or empty after 5 s.
    std::vector<uint8_t> wait(uint16_t type) {
        std::unique_lock<std::mutex> g(mu);
        std::vector<uint8_t> out;
        cv.wait_for(g, std::chrono::seconds(5), [&] {
            for (auto& f : frames)
                if (f.size() >= 14 && (f[12] << 8 | f[13]) == type) return out = f, true;
            return false;
        });
        return out;
    }
};

NetdevConfig user_netdev() {
    NetdevConfig n;
    n.id = "n0";
    n.host = "10.0.2.2";
    n.dns = "10.0.2.3";
    n.dhcpstart = "10.0.2.15";
    return n;
}

}  // namespace

TEST_CASE("slirp backend: the gateway answers ARP from its own thread") {
    Collector c;
    SlirpBackend net(user_netdev(), c.receiver());
    // Who has 10.0.2.2? Tell 10.0.2.15 (us, 52:54:00:ab:cd:ef).
    std::vector<uint8_t> arp(42, 0);
    for (int i = 0; i < 6; i++) arp[i] = 0xff, arp[6 + i] = kMac[i], arp[22 + i] = kMac[i];
    put16(arp, 12, 0x0806);
    put16(arp, 14, 1);
    put16(arp, 16, 0x0800);
    arp[18] = 6, arp[19] = 4;
    put16(arp, 20, 1);
    uint8_t me[4] = {10, 0, 2, 15}, gw[4] = {10, 0, 2, 2};
    memcpy(&arp[28], me, 4);
    memcpy(&arp[38], gw, 4);
    net.send(arp);
    std::vector<uint8_t> reply = c.wait(0x0806);
    REQUIRE(reply.size() >= 42);
    CHECK(std::vector<uint8_t>(reply.begin(), reply.begin() + 6) == std::vector<uint8_t>(kMac.begin(), kMac.end()));
    CHECK((reply[20] << 8 | reply[21]) == 2);  // a reply
    CHECK(std::vector<uint8_t>(reply.begin() + 28, reply.begin() + 32) == std::vector<uint8_t>(gw, gw + 4));
}

TEST_CASE("slirp backend: a hostfwd port that is taken is one ConfigError") {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(s, 1) == 0);
    socklen_t len = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    NetdevConfig n = user_netdev();
    HostFwd f;
    f.host_addr = "127.0.0.1";
    f.host_port = ntohs(a.sin_port);
    f.guest_port = 22;
    f.spec = "tcp:127.0.0.1:" + std::to_string(f.host_port) + "-:22";
    n.hostfwd.push_back(f);
    Collector c;
    std::string msg;
    try {
        SlirpBackend net(n, c.receiver());
    } catch (const ConfigError& e) {
        msg = e.message;
    }
    CHECK(msg.find("-netdev user,id=n0: hostfwd 'tcp:127.0.0.1:") == 0);
    CHECK(msg.find("Address already in use") != std::string::npos);
    close(s);
    // Free again: it listens, and a connection is accepted by slirp on its thread.
    SlirpBackend net(n, c.receiver());
    int cl = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(cl, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    close(cl);
}
