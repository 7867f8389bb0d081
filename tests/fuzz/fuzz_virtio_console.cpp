// libFuzzer target: a hostile driver of virtio-serial-device (virtio-console) with two ports.
// The fuzzer writes registers, queue set-ups, descriptors and control messages (well-formed
// ones with random ids and events, and raw bytes) into guest RAM, notifies any queue, and
// plays the host end: input arrives, output is drained, the client comes and goes. The
// device must never touch host memory outside guest RAM (ASan), never fire its line without
// a reason, keep its buffers bounded, and a broken device must stay quiet until reset.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "machines/chardev/chardev.h"
#include "machines/device_work.h"
#include "machines/virtio/virtio_console.h"
#include "machines/virtio/virtio_mmio.h"
#include "machines/virtio/virtio_spec.h"
#include "softmmu/address_space.h"
#include "softmmu/guest_memory.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/virtio_fuzz_rig.h"
#include "util/log.h"

using namespace tessera;
using namespace tessera::fuzz;
using namespace tessera::virtio;

namespace {

// The host end, driven by the fuzzer; small buffers so backpressure and drops happen.
struct HostEnd : Chardev {
    HostEnd() : Chardev("fuzz", 64, 64) {}
    const char* backend() const override { return "fuzz"; }
    void inject(const uint8_t* p, size_t n) { push_input(p, n); }
    void drain() {
        bool refused;
        {
            std::lock_guard<std::mutex> g(mu_);
            out_.clear();
            refused = out_refused_;
            out_refused_ = false;
        }
        if (refused) wake();
    }
    void link(bool c) { set_connected(c); }
};

constexpr unsigned kQueues = 2 + 2 * 3;  // max_ports 3: port 2 has queues but no port

const uint64_t kHot[] = {mmio::MAGIC, mmio::DEVICE_FEATURES, mmio::DEVICE_FEATURES_SEL, mmio::DRIVER_FEATURES,
                         mmio::DRIVER_FEATURES_SEL, mmio::QUEUE_SEL, mmio::QUEUE_NUM_MAX, mmio::QUEUE_NUM,
                         mmio::QUEUE_READY, mmio::QUEUE_NOTIFY, mmio::INTERRUPT_STATUS, mmio::INTERRUPT_ACK,
                         mmio::STATUS, mmio::QUEUE_DESC_LOW, mmio::QUEUE_DRIVER_LOW, mmio::QUEUE_DEVICE_LOW,
                         mmio::CONFIG_GENERATION, mmio::CONFIG, mmio::CONFIG + 4, mmio::CONFIG + 8};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    quiet_logs();

    Input in{data, size};
    AddressSpace as;
    as.add_rom("rom", 0, 0x1000);
    Region& ram = as.add_ram("ram", kRam, kRamSize);
    as.mark_code(kRam);
    DeviceWork work;
    GuestMemory mem(as);
    Pin pin;
    HostEnd c0, c1;
    VirtioMmio t(0x0a000000, mem, work, IrqLine{&pin, 0});
    auto dev = std::make_unique<VirtioSerial>(3);
    dev->add_port(true, -1, "", &c0, "fuzz");
    dev->add_port(false, -1, "org.fuzz", &c1, "fuzz");
    t.plug(std::move(dev));

    while (!in.empty()) {
        switch (in.u8() % 13) {
        case 0: t.read(pick_offset(in, kHot, std::size(kHot), 0x200), pick_size(in)); break;
        case 1: t.write(pick_offset(in, kHot, std::size(kHot), 0x200), pick_size(in), in.uN(4)); break;
        case 2: {
            static const uint32_t kSteps[] = {0, 1, 3, 11, 15, 0x8b, 0x4f};
            t.write(mmio::STATUS, 4, kSteps[in.u8() % std::size(kSteps)]);
            break;
        }
        case 3: {  // features: VERSION_1, MULTIPORT mostly, some others
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 0);
            uint32_t f = in.uN(4) & (bit(F_INDIRECT_DESC) | bit(F_EVENT_IDX) | 7u);
            if (in.u8() < 200) f |= bit(virtio_console::F_MULTIPORT);
            t.write(mmio::DRIVER_FEATURES, 4, f);
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 1);
            t.write(mmio::DRIVER_FEATURES, 4, 1);
            break;
        }
        case 4: {  // a whole queue set-up
            t.write(mmio::QUEUE_SEL, 4, in.u8() % (kQueues + 1));
            t.write(mmio::QUEUE_NUM, 4, 1u << (in.u8() % 5));
            for (uint32_t reg : {mmio::QUEUE_DESC_LOW, mmio::QUEUE_DRIVER_LOW, mmio::QUEUE_DEVICE_LOW}) {
                uint64_t a = pick_addr(in) & ~uint64_t(in.u8() & 1 ? 0 : 15);
                t.write(reg, 4, uint32_t(a));
                t.write(reg + 4, 4, uint32_t(a >> 32));
            }
            t.write(mmio::QUEUE_READY, 4, 1);
            break;
        }
        case 5: {  // raw bytes into guest RAM
            poke_ram(ram, in);
            break;
        }
        case 6: {  // a descriptor
            uint64_t at = kRam + (in.uN(2) % (kRamSize - 16) & ~uint64_t(15));
            uint64_t addr = pick_addr(in);
            uint32_t len = in.u8() < 200 ? in.u8() : uint32_t(in.uN(4));
            uint16_t flags = in.u8() & 7, next = in.u8() % 20;
            memcpy(ram.host + (at - kRam), &addr, 8);
            memcpy(ram.host + (at - kRam) + 8, &len, 4);
            memcpy(ram.host + (at - kRam) + 12, &flags, 2);
            memcpy(ram.host + (at - kRam) + 14, &next, 2);
            break;
        }
        case 7: {  // a well-formed control message somewhere in RAM, with a likely id and event
            uint64_t off = in.uN(2) % (kRamSize - 8);
            uint32_t id = in.u8() < 200 ? in.u8() % 4 : uint32_t(in.uN(4));
            uint16_t event = in.u8() % 9, value = in.u8() % 3;
            memcpy(ram.host + off, &id, 4);
            memcpy(ram.host + off + 4, &event, 2);
            memcpy(ram.host + off + 6, &value, 2);
            break;
        }
        case 8: t.write(mmio::QUEUE_NOTIFY, 4, in.u8() % (kQueues + 1)); break;
        case 9: work.run_pending(); break;
        case 10: {  // the host end: input, draining, a client coming or going
            HostEnd& h = in.u8() & 1 ? c1 : c0;
            uint8_t k = in.u8();
            if (k < 100) {
                uint8_t bytes[32];
                unsigned n = in.u8() % sizeof bytes;
                for (unsigned i = 0; i < n; i++) bytes[i] = in.u8();
                h.inject(bytes, n);
            } else if (k < 200) {
                h.drain();
            } else {
                h.link(k & 1);
            }
            break;
        }
        case 11: t.reset(); break;
        case 12: t.write(mmio::CONFIG + 8, 4, in.u8()); break;  // emergency write
        }
        if (pin.level != (t.interrupt_status() != 0)) __builtin_trap();
        if (c0.input_available() > 64 || c1.input_available() > 64) __builtin_trap();
        if (t.status() & STATUS_NEEDS_RESET) {
            uint16_t used[kQueues];
            for (unsigned q = 0; q < kQueues; q++) used[q] = t.queue(q).used_idx();
            work.run_pending();
            for (unsigned q = 0; q < kQueues; q++)
                if (t.queue(q).used_idx() != used[q]) __builtin_trap();
        }
    }
    work.run_pending();
    return 0;
}
