// libFuzzer target: a hostile driver of virtio-input (a keyboard, a mouse or a tablet, the
// first byte chooses) while the InputHub sends it events. The fuzzer writes registers (the
// select/subsel configuration space too), queue set-ups, descriptors and raw bytes into guest
// RAM (status events among them), notifies either queue, sends events of any kind, code and
// value, whole reports from another thread (joined before the next step), resets. The device
// must never touch host memory outside guest RAM (ASan), never fire its line without a
// reason, keep its pending events bounded, use no eventq buffer before DRIVER_OK, and a
// broken device must stay quiet until reset.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <thread>
#include <vector>

#include "display/input.h"
#include "machines/device_work.h"
#include "machines/virtio/virtio_input.h"
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

const uint64_t kHot[] = {mmio::MAGIC, mmio::DEVICE_FEATURES, mmio::DEVICE_FEATURES_SEL, mmio::DRIVER_FEATURES,
                         mmio::DRIVER_FEATURES_SEL, mmio::QUEUE_SEL, mmio::QUEUE_NUM_MAX, mmio::QUEUE_NUM,
                         mmio::QUEUE_READY, mmio::QUEUE_NOTIFY, mmio::INTERRUPT_STATUS, mmio::INTERRUPT_ACK,
                         mmio::STATUS, mmio::QUEUE_DESC_LOW, mmio::QUEUE_DRIVER_LOW, mmio::QUEUE_DEVICE_LOW,
                         mmio::CONFIG_GENERATION, mmio::CONFIG, mmio::CONFIG + 1, mmio::CONFIG + 2,
                         mmio::CONFIG + 8, mmio::CONFIG + 132};

// Codes near the ones the devices advertise, and anything.
uint16_t pick_code(Input& in) {
    static const uint16_t kCodes[] = {0, 1, 2, 8, 30, 58, 0xf0, 0xff, 0x110, 0x111, 0x112, 0x114, 0x14a, 0x151, 0x2ff};
    uint8_t k = in.u8();
    return k < 200 ? kCodes[k % std::size(kCodes)] : uint16_t(in.uN(2));
}

InputEvent pick_event(Input& in) {
    InputEvent e{InputKind(in.u8() % 6)};  // 5: a kind the hub does not define
    e.code = pick_code(in);
    e.value = int32_t(in.uN(in.u8() % 5));
    return e;
}

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
    InputHub hub;  // outlives the device
    VirtioMmio t(0x0a000000, mem, work, IrqLine{&pin, 0});
    auto owned = std::make_unique<VirtioInput>(virtio_input::Kind(in.u8() % 3), &hub, "fuzz");
    VirtioInput* dev = owned.get();
    t.plug(std::move(owned));

    // The driver's way up, when the fuzzer takes it: both queues at fixed places, the buffers
    // at kBufs + 64 * q + 8 * i. Without it few inputs reach delivery.
    constexpr uint64_t kRings[2] = {kRam, kRam + 0x3000}, kBufs = kRam + 0x8000;
    uint32_t num[2] = {0, 0};
    uint16_t avail[2] = {0, 0};
    auto start = [&](Input& in) {
        t.write(mmio::STATUS, 4, 0);
        t.write(mmio::STATUS, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        t.write(mmio::DRIVER_FEATURES_SEL, 4, 0);
        t.write(mmio::DRIVER_FEATURES, 4, in.u8() & 1 ? bit(F_EVENT_IDX) : 0);
        t.write(mmio::DRIVER_FEATURES_SEL, 4, 1);
        t.write(mmio::DRIVER_FEATURES, 4, 1);
        t.write(mmio::STATUS, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        for (unsigned q = 0; q < 2; q++) {
            num[q] = 1u << (in.u8() % 4);
            avail[q] = 0;
            memset(ram.host + (kRings[q] - kRam), 0, 0x3000);
            t.write(mmio::QUEUE_SEL, 4, q);
            t.write(mmio::QUEUE_NUM, 4, num[q]);
            t.write(mmio::QUEUE_DESC_LOW, 4, uint32_t(kRings[q]));
            t.write(mmio::QUEUE_DRIVER_LOW, 4, uint32_t(kRings[q] + 0x1000));
            t.write(mmio::QUEUE_DEVICE_LOW, 4, uint32_t(kRings[q] + 0x2000));
            t.write(mmio::QUEUE_READY, 4, 1);
        }
        t.write(mmio::STATUS, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    };
    // One buffer on queue q: an 8-byte event buffer (writable on the eventq, an LED event on
    // the statusq) mostly, a short or odd one sometimes.
    auto add_buffer = [&](Input& in, unsigned q) {
        if (!num[q]) return;
        uint16_t i = uint16_t(avail[q] % num[q]);
        uint64_t at = kBufs + 64 * q + 8 * i, d = kRings[q] + 16 * i;
        uint8_t k = in.u8();
        uint32_t len = k < 220 ? 8 : k % 12;
        uint16_t flags = q == 0 ? DESC_F_WRITE : 0;
        if (k == 255) flags ^= DESC_F_WRITE;
        if (q == 1) {
            uint16_t type = virtio_input::EV_LED, code = in.u8() % 4;
            int32_t value = in.u8() & 1;
            memcpy(ram.host + (at - kRam), &type, 2);
            memcpy(ram.host + (at - kRam) + 2, &code, 2);
            memcpy(ram.host + (at - kRam) + 4, &value, 4);
        }
        uint16_t zero = 0;
        memcpy(ram.host + (d - kRam), &at, 8);
        memcpy(ram.host + (d - kRam) + 8, &len, 4);
        memcpy(ram.host + (d - kRam) + 12, &flags, 2);
        memcpy(ram.host + (d - kRam) + 14, &zero, 2);
        uint64_t ring = kRings[q] + 0x1000 - kRam;
        memcpy(ram.host + ring + 4 + 2 * i, &i, 2);
        avail[q]++;
        memcpy(ram.host + ring + 2, &avail[q], 2);
        if (in.u8() & 1) t.write(mmio::QUEUE_NOTIFY, 4, q);
    };

    while (!in.empty()) {
        uint16_t used0 = t.queue(0).used_idx();
        switch (in.u8() % 16) {
        case 0: t.read(pick_offset(in, kHot, std::size(kHot), 0x200), pick_size(in)); break;
        case 1: t.write(pick_offset(in, kHot, std::size(kHot), 0x200), pick_size(in), in.uN(4)); break;
        case 2: {
            static const uint32_t kSteps[] = {0, 1, 3, 11, 15, 0x8b, 0x4f};
            t.write(mmio::STATUS, 4, kSteps[in.u8() % std::size(kSteps)]);
            break;
        }
        case 3: {  // features: VERSION_1 mostly
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 0);
            t.write(mmio::DRIVER_FEATURES, 4, in.uN(4) & (bit(F_INDIRECT_DESC) | bit(F_EVENT_IDX) | 1u));
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 1);
            t.write(mmio::DRIVER_FEATURES, 4, in.u8() < 220 ? 1 : 0);
            break;
        }
        case 4: {  // a whole queue set-up
            set_up_queue(t, in, 3, 8);
            break;
        }
        case 5: {  // raw bytes into guest RAM
            poke_ram(ram, in);
            break;
        }
        case 6: {  // a descriptor
            uint64_t at = kRam + (in.uN(2) % (kRamSize - 16) & ~uint64_t(15));
            uint64_t addr = pick_addr(in);
            uint32_t len = in.u8() < 200 ? in.u8() % 24 : uint32_t(in.uN(4));
            uint16_t flags = in.u8() & 7, next = in.u8() % 20;
            memcpy(ram.host + (at - kRam), &addr, 8);
            memcpy(ram.host + (at - kRam) + 8, &len, 4);
            memcpy(ram.host + (at - kRam) + 12, &flags, 2);
            memcpy(ram.host + (at - kRam) + 14, &next, 2);
            break;
        }
        case 7: {  // a well-formed status event somewhere in RAM (mostly an LED)
            uint64_t off = in.uN(2) % (kRamSize - 8);
            uint16_t type = in.u8() < 200 ? virtio_input::EV_LED : in.u8(), code = in.u8() % 8;
            int32_t value = int32_t(in.u8() % 3);
            memcpy(ram.host + off, &type, 2);
            memcpy(ram.host + off + 2, &code, 2);
            memcpy(ram.host + off + 4, &value, 4);
            break;
        }
        case 8: t.write(mmio::QUEUE_NOTIFY, 4, in.u8() % 3); break;
        case 9: work.run_pending(); break;
        case 10: {  // events from the hub on this thread: one event, or a report
            if (in.u8() & 1) {
                hub.send(pick_event(in));
            } else {
                std::vector<InputEvent> r;
                for (unsigned n = in.u8() % 80; n > 0; n--) r.push_back(pick_event(in));
                hub.send_report(r);
            }
            break;
        }
        case 11: {  // reports from another thread, the vCPU side serving meanwhile
            std::vector<InputEvent> r{pick_event(in), pick_event(in)};
            unsigned count = in.u8() % 64;
            std::thread sender([&] {
                for (unsigned i = 0; i < count; i++) hub.send_report(r);
            });
            for (int i = 0; i < 4; i++) work.run_pending();
            sender.join();
            break;
        }
        case 12: t.reset(); break;
        case 13: start(in); break;
        case 14:
        case 15: add_buffer(in, in.u8() % 4 == 0 ? 1 : 0); break;
        }
        if (pin.level != (t.interrupt_status() != 0)) __builtin_trap();
        if (dev->pending_events() > VirtioInput::kMaxPendingEvents) __builtin_trap();
        if (dev->leds() > 7) __builtin_trap();
        // No event buffer is used while the driver is not up.
        if (!(t.status() & STATUS_DRIVER_OK) && t.queue(0).used_idx() != used0 && t.queue(0).used_idx() != 0)
            __builtin_trap();
        if (t.status() & STATUS_NEEDS_RESET) {
            uint16_t used[2] = {t.queue(0).used_idx(), t.queue(1).used_idx()};
            hub.send_report({{InputKind::Key, 30, 1}, {InputKind::Button, 0x110, 1}, {InputKind::Abs, 0, 5}});
            work.run_pending();
            if (t.queue(0).used_idx() != used[0] || t.queue(1).used_idx() != used[1]) __builtin_trap();
        }
    }
    work.run_pending();
    return 0;
}
