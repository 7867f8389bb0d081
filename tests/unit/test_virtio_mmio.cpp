// The virtio-mmio register block, feature negotiation, queue set-up, interrupts, virtio-rng
// end to end, the board's bank of transports and completions from another thread.
#include <doctest/doctest.h>

#include <thread>

#include "machines/virtio/virtio_mmio_bank.h"
#include "machines/virtio/virtio_rng.h"
#include "tests/unit/virtio_test_driver.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::test;

namespace {

// Counting bytes 0x10, 0x11, ... so the tests know what the rng wrote.
struct RngBench : VirtioBench {
    uint8_t next = 0x10;
    RngBench() {
        t.plug(std::make_unique<VirtioRng>([this](void* buf, size_t len) {
            for (size_t i = 0; i < len; i++) static_cast<uint8_t*>(buf)[i] = next++;
            return len;
        }));
    }
};

}  // namespace

TEST_CASE("virtio-mmio: identification registers, and an empty transport") {
    RngBench b;
    CHECK(b.rd(mmio::MAGIC) == 0x74726976);
    CHECK(b.rd(mmio::VERSION) == 2);
    CHECK(b.rd(mmio::DEVICE_ID) == 4);
    CHECK(b.rd(mmio::VENDOR_ID) == 0x554d4551);
    CHECK(b.rd(mmio::CONFIG_GENERATION) == 0);
    // Registers are 32-bit: other widths read 0 and write nothing.
    CHECK(b.t.read(mmio::MAGIC, 2) == 0);
    CHECK(b.t.read(mmio::MAGIC + 1, 4) == 0);
    b.t.write(mmio::STATUS, 1, STATUS_ACKNOWLEDGE);
    CHECK(b.rd(mmio::STATUS) == 0);
    // virtio-rng has no configuration space.
    CHECK(b.t.read(mmio::CONFIG, 4) == 0);

    VirtioBench empty;
    CHECK(empty.rd(mmio::MAGIC) == 0x74726976);
    CHECK(empty.rd(mmio::VERSION) == 2);
    CHECK(empty.rd(mmio::DEVICE_ID) == 0);
    empty.wr(mmio::STATUS, STATUS_ACKNOWLEDGE);
    CHECK(empty.rd(mmio::STATUS) == 0);
    CHECK(empty.rd(mmio::DEVICE_FEATURES) == 0);
}

TEST_CASE("virtio-mmio: feature negotiation") {
    RngBench b;
    b.wr(mmio::DEVICE_FEATURES_SEL, 0);
    uint32_t lo = b.rd(mmio::DEVICE_FEATURES);
    b.wr(mmio::DEVICE_FEATURES_SEL, 1);
    uint32_t hi = b.rd(mmio::DEVICE_FEATURES);
    b.wr(mmio::DEVICE_FEATURES_SEL, 2);
    CHECK(b.rd(mmio::DEVICE_FEATURES) == 0);
    CHECK(hi == 1);  // VIRTIO_F_VERSION_1
    CHECK(lo == (bit(F_INDIRECT_DESC) | bit(F_EVENT_IDX)));

    GuestErrorLog log;
    // A legacy driver (no VERSION_1) and a driver taking what was not offered are refused.
    CHECK_FALSE((b.negotiate(0, false) & STATUS_FEATURES_OK));
    CHECK_FALSE((b.negotiate(bit(5)) & STATUS_FEATURES_OK));
    CHECK_FALSE((b.negotiate(bit(F_RING_PACKED)) & STATUS_FEATURES_OK));
    CHECK(log.count("FEATURES_OK refused") == 3);
    CHECK_FALSE(b.needs_reset());
    // What was offered is accepted, and fixed from then on.
    CHECK((b.negotiate(bit(F_EVENT_IDX)) & STATUS_FEATURES_OK));
    CHECK(b.t.driver_features() == (bit(F_EVENT_IDX) | bit(F_VERSION_1)));
    b.wr(mmio::DRIVER_FEATURES_SEL, 0);
    b.wr(mmio::DRIVER_FEATURES, 0);
    CHECK(b.t.driver_features() == (bit(F_EVENT_IDX) | bit(F_VERSION_1)));
    // A reset forgets them.
    b.wr(mmio::STATUS, 0);
    CHECK(b.rd(mmio::STATUS) == 0);
    CHECK(b.t.driver_features() == 0);
}

TEST_CASE("virtio-mmio: queue set-up") {
    RngBench b;
    GuestErrorLog log;
    REQUIRE((b.negotiate(0) & STATUS_FEATURES_OK));
    b.wr(mmio::QUEUE_SEL, 0);
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == VirtioRng::kQueueSize);
    CHECK(b.rd(mmio::QUEUE_READY) == 0);
    b.wr(mmio::QUEUE_SEL, 1);  // virtio-rng has one queue
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 0);
    b.wr(mmio::QUEUE_READY, 1);
    CHECK(b.rd(mmio::QUEUE_READY) == 0);

    b.setup_queue(0, 4, b.kDesc, b.kAvail, b.kUsed);
    CHECK(b.rd(mmio::QUEUE_READY) == 1);
    Virtqueue& q = b.t.queue(0);
    CHECK(q.num == 4);
    CHECK(q.desc_addr == b.kDesc);
    CHECK(q.driver_addr == b.kAvail);
    CHECK(q.device_addr == b.kUsed);
    // A live queue's layout cannot change.
    b.wr(mmio::QUEUE_NUM, 8);
    b.wr(mmio::QUEUE_DESC_LOW, 0);
    CHECK(q.num == 4);
    CHECK(q.desc_addr == b.kDesc);
    CHECK(log.count("queue is ready") == 2);
    // QueueReady = 0 stops it; the layout may then change, and it starts again.
    b.wr(mmio::QUEUE_READY, 0);
    CHECK(b.rd(mmio::QUEUE_READY) == 0);
    b.wr(mmio::QUEUE_NUM, 8);
    b.wr(mmio::QUEUE_READY, 1);
    CHECK(b.rd(mmio::QUEUE_READY) == 1);
    CHECK(q.num == 8);
    CHECK_FALSE(b.needs_reset());
}

TEST_CASE("virtio-mmio: a queue enabled before FEATURES_OK is a device error") {
    RngBench b;
    GuestErrorLog log;
    b.wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    b.setup_queue(0, 8, b.kDesc, b.kAvail, b.kUsed);
    CHECK(b.rd(mmio::QUEUE_READY) == 0);
    CHECK(b.needs_reset());
    CHECK(log.count("device needs reset") == 1);
}

TEST_CASE("virtio-rng: buffers filled, used ring and interrupt") {
    RngBench b;
    b.start();
    b.desc(b.kDesc, 0, b.kBuf, 16, DESC_F_WRITE);
    b.desc(b.kDesc, 1, b.kBuf + 0x100, 8, DESC_F_WRITE | DESC_F_NEXT, 2);  // two buffers in one chain
    b.desc(b.kDesc, 2, b.kBuf + 0x200, 8, DESC_F_WRITE);
    b.make_available(0);
    b.make_available(1);
    b.wr(mmio::QUEUE_NOTIFY, 0);
    // Served between blocks, not inside the guest's store.
    CHECK(b.used_idx() == 0);
    CHECK_FALSE(b.irq.level);
    b.work.run_pending();
    CHECK(b.used_idx() == 2);
    CHECK(b.used_id(0) == 0);
    CHECK(b.used_len(0) == 16);
    CHECK(b.used_id(1) == 1);
    CHECK(b.used_len(1) == 16);
    CHECK(b.peek<uint8_t>(b.kBuf) == 0x10);
    CHECK(b.peek<uint8_t>(b.kBuf + 15) == 0x1f);
    CHECK(b.peek<uint8_t>(b.kBuf + 0x100) == 0x20);
    CHECK(b.peek<uint8_t>(b.kBuf + 0x207) == 0x2f);
    CHECK(b.peek<uint8_t>(b.kBuf + 16) == 0);  // nothing past the buffer
    CHECK(b.irq.level);
    CHECK(b.rd(mmio::INTERRUPT_STATUS) == INT_USED_BUFFER);
    b.wr(mmio::INTERRUPT_ACK, INT_USED_BUFFER);
    CHECK_FALSE(b.irq.level);
    CHECK(b.rd(mmio::INTERRUPT_STATUS) == 0);
    // A notify with nothing new does nothing.
    b.notify();
    CHECK(b.used_idx() == 2);
    CHECK_FALSE(b.irq.level);
    CHECK_FALSE(b.needs_reset());
}

TEST_CASE("virtio-rng: a read-only chain is returned with nothing written") {
    RngBench b;
    b.start();
    b.desc(b.kDesc, 0, b.kBuf, 16, 0);
    b.make_available(0);
    b.notify();
    CHECK(b.used_idx() == 1);
    CHECK(b.used_len(0) == 0);
    CHECK(b.peek<uint8_t>(b.kBuf) == 0);
}

TEST_CASE("virtio-mmio: notifications wait for DRIVER_OK") {
    RngBench b;
    REQUIRE((b.negotiate(0) & STATUS_FEATURES_OK));
    b.setup_queue(0, 8, b.kDesc, b.kAvail, b.kUsed);
    b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_WRITE);
    b.make_available(0);
    b.notify();
    CHECK(b.used_idx() == 0);
    b.wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    b.work.run_pending();
    CHECK(b.used_idx() == 1);
}

TEST_CASE("virtio-mmio: interrupt suppression, by flag and by event index") {
    SUBCASE("VIRTQ_AVAIL_F_NO_INTERRUPT") {
        RngBench b;
        b.start();
        b.poke<uint16_t>(b.kAvail, AVAIL_F_NO_INTERRUPT);
        b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_WRITE);
        b.make_available(0);
        b.notify();
        CHECK(b.used_idx() == 1);
        CHECK_FALSE(b.irq.level);
        b.poke<uint16_t>(b.kAvail, 0);
        b.make_available(0);
        b.notify();
        CHECK(b.irq.level);
    }
    SUBCASE("VIRTIO_F_EVENT_IDX") {
        RngBench b;
        b.start(bit(F_EVENT_IDX));
        const uint64_t used_event = b.kAvail + 4 + 2 * 8, avail_event = b.kUsed + 4 + 8 * 8;
        b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_WRITE);
        // The first interrupt always comes.
        b.make_available(0);
        b.notify();
        CHECK(b.used_idx() == 1);
        CHECK(b.irq.level);
        CHECK(b.peek<uint16_t>(avail_event) == 1);  // tell me of the next buffer on
        b.wr(mmio::INTERRUPT_ACK, INT_USED_BUFFER);
        // The driver wants one when used index passes 2 (entry 2 is used): not after entry 1.
        b.poke<uint16_t>(used_event, 2);
        b.make_available(0);
        b.notify();
        CHECK(b.used_idx() == 2);
        CHECK_FALSE(b.irq.level);
        b.make_available(0);
        b.notify();
        CHECK(b.used_idx() == 3);
        CHECK(b.irq.level);
        CHECK(b.peek<uint16_t>(avail_event) == 3);
    }
}

TEST_CASE("virtio-mmio: reset returns everything to power-on") {
    RngBench b;
    b.start();
    b.desc(b.kDesc, 0, b.kBuf, 4, DESC_F_WRITE);
    b.make_available(0);
    b.notify();
    CHECK(b.irq.level);
    b.wr(mmio::STATUS, 0);
    CHECK(b.rd(mmio::STATUS) == 0);
    CHECK(b.rd(mmio::INTERRUPT_STATUS) == 0);
    CHECK_FALSE(b.irq.level);
    b.wr(mmio::QUEUE_SEL, 0);
    CHECK(b.rd(mmio::QUEUE_READY) == 0);
    // A fresh start from clean rings works again.
    b.poke<uint16_t>(b.kAvail + 2, 0);
    b.start();
    b.make_available(0);
    b.notify();
    CHECK(b.used_idx() == 1);
}

TEST_CASE("virtio-mmio: completions from another thread run on the service step, unless reset came first") {
    RngBench b;
    b.start();
    int ran = 0;
    std::thread io([&] { b.t.post_completion([&] { ran++; }); });
    io.join();
    CHECK(ran == 0);
    b.work.run_pending();
    CHECK(ran == 1);
    std::thread io2([&] { b.t.post_completion([&] { ran++; }); });
    io2.join();
    b.wr(mmio::STATUS, 0);  // the device was reset before the completion ran: it is dropped
    b.work.run_pending();
    CHECK(ran == 1);
}

TEST_CASE("virtio-mmio: the device writes into translated code the way a CPU store does") {
    RngBench b;
    b.start();
    b.as.mark_code(b.kBuf + 0x1000);
    b.as.mark_code(b.kUsed);
    b.desc(b.kDesc, 0, b.kBuf + 0x1ff8, 16, DESC_F_WRITE);  // straddles into the next page
    b.make_available(0);
    b.notify();
    CHECK(b.used_idx() == 1);
    std::sort(b.code_writes.begin(), b.code_writes.end());
    CHECK(b.code_writes == std::vector<uint64_t>{b.kUsed, b.kBuf + 0x1000});
    CHECK_FALSE(b.as.is_code(b.kBuf + 0x1000));
}

TEST_CASE("virtio-mmio bank: transports in QEMU's order, too many devices refused") {
    AddressSpace as;
    DeviceWork work;
    VirtioLevel irq;
    as.add_ram("ram", 0x40000000, 0x10000);
    std::vector<unsigned> lines;
    VirtioMmioBank bank(as, work, 0x0a000000, 0x200, 4, [&](unsigned i) {
        lines.push_back(48 + i);
        return IrqLine{&irq, 48 + i};
    });
    CHECK(lines == std::vector<unsigned>{48, 49, 50, 51});
    MachineConfig cfg;
    cfg.devices = {DeviceConfig{"virtio-rng-device", {}}, DeviceConfig{"virtio-rng-device", {{"id", "second"}}}};
    bank.plug_devices(cfg, "test-board");
    // The first -device in the highest transport, the next below it; the rest empty.
    uint64_t id;
    auto device_at = [&](uint64_t base) {
        REQUIRE(as.load(base + mmio::DEVICE_ID, 4, &id));
        return id;
    };
    CHECK(device_at(0x0a000600) == ID_RNG);
    CHECK(device_at(0x0a000400) == ID_RNG);
    CHECK(device_at(0x0a000200) == 0);
    CHECK(device_at(0x0a000000) == 0);
    uint64_t magic;
    REQUIRE(as.load(0x0a000000, 4, &magic));
    CHECK(magic == 0x74726976);

    AddressSpace as2;
    VirtioMmioBank small(as2, work, 0x10001000, 0x1000, 1, [&](unsigned i) { return IrqLine{&irq, 1 + i}; });
    std::string msg;
    try {
        small.plug_devices(cfg, "test-board");
    } catch (const ConfigError& e) {
        msg = e.message;
    }
    CHECK(msg.find("test-board has 1 virtio-mmio transports") != std::string::npos);
}
