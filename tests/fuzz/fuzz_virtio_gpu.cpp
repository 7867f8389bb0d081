// libFuzzer target: a hostile virtio-gpu driver. Random register accesses on a virtio-mmio
// transport carrying virtio-gpu (a small host-memory budget), random bytes, descriptors and
// well-formed-looking commands (ids, formats, rectangles, offsets and backing entries near
// the edges) in the guest RAM where the rings and requests live, notifications on both queues,
// resets. The device must never touch host memory outside guest RAM and its own buffers
// (ASan), keep within its budget, keep the Display's frame the size it set, keep its line in
// step with the interrupt status, return nothing to a driver that broke a rule until it
// resets, and hold nothing after a reset.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "display/display.h"
#include "machines/device_work.h"
#include "machines/virtio/virtio_gpu.h"
#include "machines/virtio/virtio_mmio.h"
#include "machines/virtio/virtio_spec.h"
#include "softmmu/address_space.h"
#include "softmmu/guest_memory.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/virtio_fuzz_rig.h"

using namespace tessera;
using namespace tessera::fuzz;
using namespace tessera::virtio;
using namespace tessera::virtio_gpu;

namespace {

constexpr uint64_t kBudget = 2 << 20;

const uint64_t kHot[] = {mmio::DEVICE_FEATURES, mmio::DEVICE_FEATURES_SEL, mmio::DRIVER_FEATURES,
                         mmio::DRIVER_FEATURES_SEL, mmio::QUEUE_SEL, mmio::QUEUE_NUM, mmio::QUEUE_READY,
                         mmio::QUEUE_NOTIFY, mmio::INTERRUPT_STATUS, mmio::INTERRUPT_ACK, mmio::STATUS,
                         mmio::CONFIG, mmio::CONFIG + 4, mmio::CONFIG + 8, mmio::CONFIG + 12};

const uint32_t kCommands[] = {CMD_GET_DISPLAY_INFO, CMD_RESOURCE_CREATE_2D, CMD_RESOURCE_UNREF, CMD_SET_SCANOUT,
                              CMD_RESOURCE_FLUSH, CMD_TRANSFER_TO_HOST_2D, CMD_RESOURCE_ATTACH_BACKING,
                              CMD_RESOURCE_DETACH_BACKING, CMD_GET_EDID, CMD_UPDATE_CURSOR, CMD_MOVE_CURSOR,
                              CMD_GET_CAPSET_INFO, 0x0200, 0xffffffff};
const uint32_t kFormats[] = {FORMAT_B8G8R8A8_UNORM, FORMAT_B8G8R8X8_UNORM, FORMAT_A8R8G8B8_UNORM,
                             FORMAT_X8R8G8B8_UNORM, FORMAT_R8G8B8A8_UNORM, FORMAT_X8B8G8R8_UNORM,
                             FORMAT_A8B8G8R8_UNORM, FORMAT_R8G8B8X8_UNORM, 0, 5, 0xffffffff};

// A size or coordinate: small, near a resource's edge, or anything.
uint32_t pick_dim(Input& in) {
    uint8_t k = in.u8();
    if (k < 150) return k % 70;
    if (k < 200) return 64 + (in.u8() % 3) - 1;
    if (k < 230) return 0xffffffffu - (in.u8() % 4);
    return uint32_t(in.uN(4));
}

// Writes a command of a known type, with its fields picked, at a RAM offset.
void put_command(Input& in, uint8_t* ram) {
    uint32_t at = uint32_t(in.uN(2) % (kRamSize - 256));
    uint8_t buf[256] = {};
    CtrlHdr h{};
    h.type = kCommands[in.u8() % std::size(kCommands)];
    h.flags = in.u8() & 3;
    h.fence_id = in.u8();
    memcpy(buf, &h, sizeof h);
    uint32_t words[8];
    words[0] = in.u8() % 6;  // mostly a resource id (or a scanout id, a rectangle's x)
    for (int i = 1; i < 8; i++) words[i] = pick_dim(in);
    if (h.type == CMD_RESOURCE_CREATE_2D) words[1] = kFormats[in.u8() % std::size(kFormats)];
    if (h.type == CMD_RESOURCE_ATTACH_BACKING) {
        words[1] = in.u8() % 5;  // nr_entries
        for (uint32_t e = 0; e < 4; e++) {
            MemEntry m{pick_addr(in), uint32_t(in.u8() < 200 ? in.uN(2) : in.uN(4)), 0};
            memcpy(buf + sizeof(ResourceAttachBacking) + e * sizeof m, &m, sizeof m);
        }
    }
    memcpy(buf + sizeof h, words, sizeof words);
    memcpy(ram + at, buf, sizeof buf);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    quiet_logs();

    Input in{data, size};
    AddressSpace as;
    as.add_rom("rom", 0, 0x1000);
    Region& ram = as.add_ram("ram", kRam, kRamSize);
    DeviceWork work;
    GuestMemory mem(as);
    Pin pin;
    Display display;
    display.attach_source("virtio-gpu-device");
    VirtioMmio t(0x0a000000, mem, work, IrqLine{&pin, 0});
    VirtioGpu::Options o;
    o.max_hostmem = kBudget;
    o.edid = in.u8() & 1;
    auto dev = std::make_unique<VirtioGpu>(display, o);
    VirtioGpu* gpu = dev.get();
    t.plug(std::move(dev));

    while (!in.empty()) {
        switch (in.u8() % 12) {
        case 0: t.read(pick_offset(in, kHot, std::size(kHot), 0x200), pick_size(in)); break;
        case 1: {
            uint64_t off = pick_offset(in, kHot, std::size(kHot), 0x200);
            unsigned sz = pick_size(in);
            t.write(off, sz, in.uN(4));
            break;
        }
        case 2: {
            static const uint32_t kSteps[] = {0, 1, 3, 11, 15, 0x8b, 0x4f};
            t.write(mmio::STATUS, 4, kSteps[in.u8() % std::size(kSteps)]);
            break;
        }
        case 3: {  // features: VERSION_1 plus what is offered (EDID, INDIRECT, EVENT_IDX)
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 0);
            t.write(mmio::DRIVER_FEATURES, 4, uint32_t(in.uN(4)) & uint32_t(t.offered_features()));
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 1);
            t.write(mmio::DRIVER_FEATURES, 4, 1);
            break;
        }
        case 4: {
            t.write(mmio::QUEUE_SEL, 4, in.u8() % 2);
            t.write(mmio::QUEUE_NUM, 4, 1u << (in.u8() % 5));
            for (uint32_t reg : {mmio::QUEUE_DESC_LOW, mmio::QUEUE_DRIVER_LOW, mmio::QUEUE_DEVICE_LOW}) {
                uint64_t a = pick_addr(in) & ~uint64_t(in.u8() & 1 ? 0 : 15);
                t.write(reg, 4, uint32_t(a));
                t.write(reg + 4, 4, uint32_t(a >> 32));
            }
            t.write(mmio::QUEUE_READY, 4, 1);
            break;
        }
        case 5: {
            uint64_t off = in.uN(2) % kRamSize;
            unsigned n = in.u8() % 17;
            for (unsigned i = 0; i < n && off + i < kRamSize; i++) ram.host[off + i] = in.u8();
            break;
        }
        case 6: {  // a descriptor; lengths around the requests' sizes
            uint64_t at = kRam + (in.uN(2) % (kRamSize - 16) & ~uint64_t(15));
            uint64_t addr = pick_addr(in);
            static const uint32_t kLens[] = {0, 1, 23, 24, 25, 32, 40, 48, 56, 64, 96, 408, 1056};
            uint8_t k = in.u8();
            uint32_t len = k < 160 ? kLens[k % std::size(kLens)] : k < 230 ? in.u8() : uint32_t(in.uN(4));
            uint16_t flags = in.u8() & 7, next = in.u8() % 20;
            memcpy(ram.host + (at - kRam), &addr, 8);
            memcpy(ram.host + (at - kRam) + 8, &len, 4);
            memcpy(ram.host + (at - kRam) + 12, &flags, 2);
            memcpy(ram.host + (at - kRam) + 14, &next, 2);
            break;
        }
        case 7:
        case 8: put_command(in, ram.host); break;
        case 9: t.write(mmio::QUEUE_NOTIFY, 4, in.u8() % 3); break;
        case 10: work.run_pending(); break;
        case 11: t.reset(); break;
        }
        if (pin.level != (t.interrupt_status() != 0)) __builtin_trap();
        if (gpu->hostmem_used() > kBudget) __builtin_trap();
        display.take([](const Frame& f, Rect, bool) {
            if (f.pixels.size() != size_t(f.width) * f.height) __builtin_trap();
        });
        if (t.status() == 0 && gpu->resource_count() != 0) __builtin_trap();  // reset frees all
        if (t.status() & STATUS_NEEDS_RESET) {
            uint16_t used0 = t.queue(0).used_idx(), used1 = t.queue(1).used_idx();
            t.write(mmio::QUEUE_NOTIFY, 4, 0);
            t.write(mmio::QUEUE_NOTIFY, 4, 1);
            if (t.queue(0).used_idx() != used0 || t.queue(1).used_idx() != used1) __builtin_trap();
        }
    }
    t.reset();
    if (gpu->resource_count() != 0 || gpu->hostmem_used() != 0) __builtin_trap();
    return 0;
}
