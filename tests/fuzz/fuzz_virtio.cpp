// libFuzzer target: a hostile virtio driver. Random register accesses on a virtio-mmio
// transport carrying virtio-rng, random bytes written into the guest RAM where the rings and
// descriptors live, notifications served as the board serves them, resets. The device must
// never touch host memory outside guest RAM (ASan), never fire its line without a reason,
// and a broken device must stay quiet until the driver resets it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "machines/device_work.h"
#include "machines/virtio/virtio_mmio.h"
#include "machines/virtio/virtio_rng.h"
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
                         mmio::STATUS, mmio::QUEUE_DESC_LOW, mmio::QUEUE_DESC_HIGH, mmio::QUEUE_DRIVER_LOW,
                         mmio::QUEUE_DRIVER_HIGH, mmio::QUEUE_DEVICE_LOW, mmio::QUEUE_DEVICE_HIGH,
                         mmio::CONFIG_GENERATION, mmio::CONFIG, mmio::SHM_LEN_LOW, mmio::QUEUE_RESET};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    quiet_logs();

    Input in{data, size};
    AddressSpace as;
    as.add_rom("rom", 0, 0x1000);
    Region& ram = as.add_ram("ram", kRam, kRamSize);
    as.mark_code(kRam);  // DMA over code must be noticed
    DeviceWork work;
    GuestMemory mem(as);
    Pin pin;
    VirtioMmio t(0x0a000000, mem, work, IrqLine{&pin, 0});
    uint8_t counter = 0;
    t.plug(std::make_unique<VirtioRng>([&](void* buf, size_t len) {
        for (size_t i = 0; i < len; i++) static_cast<uint8_t*>(buf)[i] = counter++;
        return len;
    }));

    while (!in.empty()) {
        switch (in.u8() % 10) {
        case 0: t.read(pick_offset(in, kHot, std::size(kHot), 0x200), pick_size(in)); break;
        case 1: {
            uint64_t off = pick_offset(in, kHot, std::size(kHot), 0x200);
            unsigned sz = pick_size(in);
            t.write(off, sz, in.uN(4));
            break;
        }
        case 2: {  // a status the driver might write next
            static const uint32_t kSteps[] = {0, 1, 3, 11, 15, 0x8b, 0x4f};
            t.write(mmio::STATUS, 4, kSteps[in.u8() % std::size(kSteps)]);
            break;
        }
        case 3: {  // features: VERSION_1 plus some of word 0
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 0);
            t.write(mmio::DRIVER_FEATURES, 4, in.uN(4) & (bit(F_INDIRECT_DESC) | bit(F_EVENT_IDX) | in.u8()));
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 1);
            t.write(mmio::DRIVER_FEATURES, 4, 1);
            break;
        }
        case 4: {  // a whole queue set-up
            set_up_queue(t, in, 3, 5);
            break;
        }
        case 5: {  // bytes into guest RAM (rings, descriptors, buffers)
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
        case 7: t.write(mmio::QUEUE_NOTIFY, 4, in.u8() % 3); break;
        case 8: work.run_pending(); break;
        case 9: t.reset(); break;
        }
        // Invariants: the line follows the interrupt status; a broken device serves nothing.
        if (pin.level != (t.interrupt_status() != 0)) __builtin_trap();
        if (t.status() & STATUS_NEEDS_RESET) {
            uint16_t used = t.queue(0).used_idx();
            work.run_pending();
            if (t.queue(0).used_idx() != used) __builtin_trap();
        }
    }
    work.run_pending();
    return 0;
}
