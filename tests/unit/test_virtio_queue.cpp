// Split virtqueues: descriptor chains (direct and indirect), gather and scatter, and every
// hostile layout a driver can hand the device: each one is DEVICE_NEEDS_RESET with a
// config-change interrupt and one guest-error line, nothing used, nothing outside RAM touched.
#include <doctest/doctest.h>

#include "tests/unit/virtio_test_driver.h"

using namespace tessera;
using namespace tessera::test;

namespace {

// Takes every chain, keeps a copy, and returns it with `reply` written into its buffers.
class ChainRecorder : public VirtioDevice {
public:
    std::vector<DescChain> chains;
    std::string reply;
    const char* name() const override { return "recorder"; }
    uint32_t device_id() const override { return 99; }
    unsigned num_queues() const override { return 1; }
    uint32_t queue_max_size(unsigned) const override { return 16; }
    void queue_notified(unsigned q) override {
        DescChain c;
        bool pushed = false;
        while (transport().queue(q).pop(c)) {
            size_t n = c.write(0, reply.data(), reply.size());
            transport().queue(q).push(c.head, uint32_t(n));
            chains.push_back(c);
            pushed = true;
        }
        if (pushed) transport().notify_used(q);
    }
    void reset() override {}
};

struct QueueBench : VirtioBench {
    ChainRecorder* dev;
    QueueBench() {
        auto d = std::make_unique<ChainRecorder>();
        dev = d.get();
        t.plug(std::move(d));
    }
};

// The device reported a device error and used nothing.
void check_device_error(QueueBench& b, GuestErrorLog& log, const char* why) {
    CHECK(b.needs_reset());
    CHECK((b.rd(mmio::INTERRUPT_STATUS) & INT_CONFIG_CHANGE));
    CHECK(b.irq.level);
    CHECK(log.count("device needs reset") == 1);
    CHECK_MESSAGE(log.text().find(why) != std::string::npos, log.text());
    CHECK(b.used_idx() == 0);
    CHECK(b.dev->chains.empty());
}

}  // namespace

TEST_CASE("virtqueue: a chain of readable then writable buffers, gathered and scattered") {
    QueueBench b;
    b.dev->reply = "0123456789abcdefXYZ";
    b.start(0, 16);
    for (int i = 0; i < 8; i++) b.poke<uint8_t>(b.kBuf + i, uint8_t('a' + i));
    for (int i = 0; i < 4; i++) b.poke<uint8_t>(b.kBuf + 0x100 + i, uint8_t('A' + i));
    // A scrambled order of descriptor indices: 5 -> 2 -> 9 -> 0.
    b.desc(b.kDesc, 5, b.kBuf, 8, DESC_F_NEXT, 2);
    b.desc(b.kDesc, 2, b.kBuf + 0x100, 4, DESC_F_NEXT, 9);
    b.desc(b.kDesc, 9, b.kBuf + 0x200, 10, DESC_F_WRITE | DESC_F_NEXT, 0);
    b.desc(b.kDesc, 0, b.kBuf + 0x300, 6, DESC_F_WRITE);
    b.make_available(5, 16);
    b.notify();
    REQUIRE(b.dev->chains.size() == 1);
    DescChain& c = b.dev->chains[0];
    CHECK(c.head == 5);
    CHECK(c.readable.size() == 2);
    CHECK(c.writable.size() == 2);
    CHECK(c.readable_bytes == 12);
    CHECK(c.writable_bytes == 16);
    char got[16] = {};
    CHECK(c.read(0, got, sizeof got) == 12);
    CHECK(std::string(got, 12) == "abcdefghABCD");
    CHECK(c.read(6, got, 4) == 4);
    CHECK(std::string(got, 4) == "ghAB");
    CHECK(c.read(12, got, 4) == 0);
    // The reply fills 10 + 6 bytes and no more.
    CHECK(b.used_idx(b.kUsed) == 1);
    CHECK(b.used_id(0) == 5);
    CHECK(b.used_len(0) == 16);
    std::string w1(10, 0), w2(7, 0);
    b.as.read_phys(b.kBuf + 0x200, w1.data(), 10);
    b.as.read_phys(b.kBuf + 0x300, w2.data(), 7);
    CHECK(w1 == "0123456789");
    CHECK(w2 == std::string("abcdef") + '\0');
    CHECK_FALSE(b.needs_reset());
}

TEST_CASE("virtqueue: an indirect table") {
    QueueBench b;
    b.dev->reply = "xyz";
    b.start(bit(F_INDIRECT_DESC), 16);
    const uint64_t table = b.kBuf + 0x1000;
    b.desc(table, 0, b.kBuf, 4, DESC_F_NEXT, 2);
    b.desc(table, 2, b.kBuf + 0x100, 3, DESC_F_WRITE);
    b.desc(b.kDesc, 7, table, 3 * 16, DESC_F_INDIRECT);
    b.make_available(7, 16);
    b.notify();
    REQUIRE(b.dev->chains.size() == 1);
    CHECK(b.dev->chains[0].head == 7);
    CHECK(b.dev->chains[0].readable_bytes == 4);
    CHECK(b.dev->chains[0].writable_bytes == 3);
    CHECK(b.used_len(0) == 3);
    CHECK(b.peek<uint8_t>(b.kBuf + 0x102) == 'z');
    CHECK_FALSE(b.needs_reset());
}

TEST_CASE("virtqueue: the available index wraps at 2^16") {
    QueueBench b;
    b.start(0, 4);
    b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_WRITE);
    for (int i = 0; i < 70000; i += 3) {
        for (int k = 0; k < 3; k++) b.make_available(0, 4);
        b.notify();
    }
    CHECK_FALSE(b.needs_reset());
    CHECK(b.used_idx() == uint16_t(b.dev->chains.size()));
    CHECK(b.dev->chains.size() > 65536);
}

TEST_CASE("virtqueue: hostile descriptors are device errors") {
    QueueBench b;
    GuestErrorLog log;
    const char* why = "";
    SUBCASE("head index >= queue size") {
        b.start(0, 8);
        b.make_available(8);
        why = "head descriptor index 8 >= queue size 8";
    }
    SUBCASE("next index >= queue size") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_NEXT, 0xffff);
        b.make_available(0);
        why = "next descriptor index 65535 >= 8";
    }
    SUBCASE("a loop") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_NEXT, 1);
        b.desc(b.kDesc, 1, b.kBuf, 4, DESC_F_NEXT, 0);
        b.make_available(0);
        why = "a loop";
    }
    SUBCASE("a descriptor that points to itself") {
        b.start(0, 8);
        b.desc(b.kDesc, 3, b.kBuf, 4, DESC_F_NEXT | DESC_F_WRITE, 3);
        b.make_available(3);
        why = "a loop";
    }
    SUBCASE("a buffer in a hole") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kHole, 4, DESC_F_WRITE);
        b.make_available(0);
        why = "is not in guest RAM";
    }
    SUBCASE("a buffer in ROM") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, 0x100, 4, DESC_F_WRITE);
        b.make_available(0);
        why = "is not in guest RAM";
    }
    SUBCASE("a buffer on a device") {
        b.start(0, 8);
        b.as.add_mmio("virtio", b.kMmio, 0x200, &b.t);
        b.desc(b.kDesc, 0, b.kMmio, 4, DESC_F_WRITE);
        b.make_available(0);
        why = "is not in guest RAM";
    }
    SUBCASE("a buffer running past the end of RAM") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kRam + b.kRamSize - 2, 4, DESC_F_WRITE);
        b.make_available(0);
        why = "is not in guest RAM";
    }
    SUBCASE("a huge length") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kBuf, 0xffffffff, DESC_F_WRITE);
        b.make_available(0);
        why = "is not in guest RAM";
    }
    SUBCASE("an address that wraps around") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, ~0ull - 1, 16, DESC_F_WRITE);
        b.make_available(0);
        why = "is not in guest RAM";
    }
    SUBCASE("a zero-length buffer") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kBuf, 0, DESC_F_WRITE);
        b.make_available(0);
        why = "length 0";
    }
    SUBCASE("readable after writable") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_WRITE | DESC_F_NEXT, 1);
        b.desc(b.kDesc, 1, b.kBuf, 4, 0);
        b.make_available(0);
        why = "readable descriptor 1 after a writable one";
    }
    SUBCASE("the available index runs ahead by more than the queue") {
        b.start(0, 8);
        b.poke<uint16_t>(b.kAvail + 2, 9);
        why = "more than the queue size";
    }
    SUBCASE("an indirect descriptor without the feature") {
        b.start(0, 8);
        b.desc(b.kDesc, 0, b.kBuf + 0x1000, 32, DESC_F_INDIRECT);
        b.make_available(0);
        why = "without VIRTIO_F_INDIRECT_DESC";
    }
    SUBCASE("an indirect table of a length that is not whole descriptors") {
        b.start(bit(F_INDIRECT_DESC), 8);
        b.desc(b.kDesc, 0, b.kBuf + 0x1000, 20, DESC_F_INDIRECT);
        b.make_available(0);
        why = "indirect table of 20 bytes";
    }
    SUBCASE("an indirect table outside RAM") {
        b.start(bit(F_INDIRECT_DESC), 8);
        b.desc(b.kDesc, 0, b.kRam + b.kRamSize - 16, 32, DESC_F_INDIRECT);
        b.make_available(0);
        why = "indirect table";
    }
    SUBCASE("a huge indirect table") {
        b.start(bit(F_INDIRECT_DESC), 8);
        b.desc(b.kDesc, 0, b.kRam, 0xfffffff0, DESC_F_INDIRECT);
        b.make_available(0);
        why = "indirect table of";
    }
    SUBCASE("an indirect table inside an indirect table") {
        b.start(bit(F_INDIRECT_DESC), 8);
        const uint64_t table = b.kBuf + 0x1000;
        b.desc(table, 0, table, 16, DESC_F_INDIRECT);
        b.desc(b.kDesc, 0, table, 16, DESC_F_INDIRECT);
        b.make_available(0);
        why = "an indirect descriptor inside an indirect table";
    }
    SUBCASE("an indirect descriptor chained to others") {
        b.start(bit(F_INDIRECT_DESC), 8);
        b.desc(b.kBuf + 0x1000, 0, b.kBuf, 4, DESC_F_WRITE);
        b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_NEXT, 1);
        b.desc(b.kDesc, 1, b.kBuf + 0x1000, 16, DESC_F_INDIRECT);
        b.make_available(0);
        why = "chained with others";
    }
    SUBCASE("a loop inside an indirect table") {
        b.start(bit(F_INDIRECT_DESC), 8);
        const uint64_t table = b.kBuf + 0x1000;
        b.desc(table, 0, b.kBuf, 4, DESC_F_NEXT, 1);
        b.desc(table, 1, b.kBuf, 4, DESC_F_NEXT, 0);
        b.desc(b.kDesc, 0, table, 32, DESC_F_INDIRECT);
        b.make_available(0);
        why = "indirect descriptor chain";
    }
    SUBCASE("an indirect table's next index beyond the table") {
        b.start(bit(F_INDIRECT_DESC), 8);
        const uint64_t table = b.kBuf + 0x1000;
        b.desc(table, 0, b.kBuf, 4, DESC_F_NEXT, 2);
        b.desc(b.kDesc, 0, table, 32, DESC_F_INDIRECT);
        b.make_available(0);
        why = "next descriptor index 2 >= 2";
    }
    b.notify();
    check_device_error(b, log, why);
    // Further notifications stay quiet, and the device is usable again after a reset.
    b.notify();
    CHECK(b.used_idx() == 0);
    CHECK(log.count("device needs reset") == 1);
    for (uint64_t a = b.kAvail; a < b.kAvail + 0x40; a += 2) b.poke<uint16_t>(a, 0);
    b.start(0, 8);
    CHECK_FALSE(b.needs_reset());
    CHECK_FALSE(b.irq.level);
    b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_WRITE);
    b.make_available(0);
    b.notify();
    CHECK(b.used_idx() == 1);
    CHECK(b.dev->chains.size() == 1);
}

TEST_CASE("virtqueue: hostile ring layouts are device errors at QueueReady") {
    QueueBench b;
    GuestErrorLog log;
    REQUIRE((b.negotiate(0) & STATUS_FEATURES_OK));
    const char* why = "";
    SUBCASE("unaligned descriptor table") {
        b.setup_queue(0, 8, b.kDesc + 8, b.kAvail, b.kUsed);
        why = "descriptor table at 0x40001008 is not 16-byte aligned";
    }
    SUBCASE("unaligned available ring") {
        b.setup_queue(0, 8, b.kDesc, b.kAvail + 1, b.kUsed);
        why = "available ring at 0x40002001 is not 2-byte aligned";
    }
    SUBCASE("unaligned used ring") {
        b.setup_queue(0, 8, b.kDesc, b.kAvail, b.kUsed + 2);
        why = "used ring at 0x40003002 is not 4-byte aligned";
    }
    SUBCASE("descriptor table outside RAM") {
        b.setup_queue(0, 8, b.kHole, b.kAvail, b.kUsed);
        why = "descriptor table [0x50000000";
    }
    SUBCASE("used ring past the end of RAM") {
        b.setup_queue(0, 16, b.kDesc, b.kAvail, b.kRam + b.kRamSize - 64);
        why = "used ring [";
    }
    SUBCASE("available ring in ROM") {
        b.setup_queue(0, 8, b.kDesc, 0x100, b.kUsed);
        why = "available ring [0x100";
    }
    SUBCASE("a size that is not a power of two") {
        b.setup_queue(0, 6, b.kDesc, b.kAvail, b.kUsed);
        why = "queue size 6";
    }
    SUBCASE("a size beyond the maximum") {
        b.setup_queue(0, 32, b.kDesc, b.kAvail, b.kUsed);
        why = "queue size 32";
    }
    SUBCASE("size 0") {
        b.setup_queue(0, 0, b.kDesc, b.kAvail, b.kUsed);
        why = "queue size 0";
    }
    CHECK(b.rd(mmio::QUEUE_READY) == 0);
    check_device_error(b, log, why);
}
