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
#include <cstdlib>
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

// Writes a command of a known type, with its fields picked, at RAM offset `at`.
void put_command(Input& in, uint8_t* ram, uint32_t at) {
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
    if (h.type == CMD_RESOURCE_ATTACH_BACKING) words[1] = in.u8() % 5;  // nr_entries
    memcpy(buf + sizeof h, words, sizeof words);
    if (h.type == CMD_RESOURCE_ATTACH_BACKING) {
        for (uint32_t e = 0; e < 4; e++) {
            MemEntry m{pick_addr(in), uint32_t(in.u8() < 200 ? in.uN(2) : in.uN(4)), 0};
            memcpy(buf + sizeof(ResourceAttachBacking) + e * sizeof m, &m, sizeof m);
        }
    }
    memcpy(ram + at, buf, sizeof buf);
}

// Puts a two-descriptor chain (req_len bytes at RAM offset `at`, then resp_len writable bytes
// at resp) on queue q, whose rings must be in RAM, and notifies.
void submit(Input& in, VirtioMmio& t, DeviceWork& work, GuestMemory& mem, unsigned q, uint32_t at, uint32_t req_len, uint64_t resp,
            uint32_t resp_len) {
    Virtqueue& vq = t.queue(q);
    if (!vq.ready() || vq.num == 0) return;
    uint8_t* desc = mem.ram(vq.desc_addr, 16ull * vq.num);
    uint8_t* avail = mem.ram(vq.driver_addr, 4 + 2ull * vq.num);
    if (!desc || !avail) return;
    uint16_t head = uint16_t(in.u8() % vq.num), next = uint16_t((head + 1) % vq.num);
    uint64_t cmd = kRam + at;
    uint16_t f0 = DESC_F_NEXT, f1 = DESC_F_WRITE, zero = 0;
    memcpy(desc + 16 * head, &cmd, 8), memcpy(desc + 16 * head + 8, &req_len, 4);
    memcpy(desc + 16 * head + 12, &f0, 2), memcpy(desc + 16 * head + 14, &next, 2);
    memcpy(desc + 16 * next, &resp, 8), memcpy(desc + 16 * next + 8, &resp_len, 4);
    memcpy(desc + 16 * next + 12, &f1, 2), memcpy(desc + 16 * next + 14, &zero, 2);
    uint16_t idx;
    memcpy(&idx, avail + 2, 2);
    memcpy(avail + 4 + 2 * (idx % vq.num), &head, 2);
    idx++;
    memcpy(avail + 2, &idx, 2);
    t.write(mmio::QUEUE_NOTIFY, 4, q);
    work.run_pending();  // served now, as the board's loop would before the next request
}

constexpr uint32_t kCmdArea = 0x2000, kRespArea = 0x3000, kBackingArea = 0x4000;

// An honest frame with fuzzed sizes: create, attach (1 to 3 entries), transfer, scanout,
// flush, a cursor update: gets the device deep into its state quickly.
void honest_frame(Input& in, VirtioMmio& t, DeviceWork& work, GuestMemory& mem, uint8_t* ram) {
    uint32_t id = 1 + in.u8() % 3, w = 1 + in.u8() % 64, h = 1 + in.u8() % 64;
    uint32_t fmt = kFormats[in.u8() % 8];
    auto send = [&](const void* req, uint32_t len, unsigned q = 0) {
        memcpy(ram + kCmdArea, req, len);
        submit(in, t, work, mem, q, kCmdArea, len, kRam + kRespArea, 1056);
    };
    ResourceCreate2d c{};
    c.hdr.type = CMD_RESOURCE_CREATE_2D;
    c.resource_id = id, c.format = fmt, c.width = w, c.height = h;
    send(&c, sizeof c);
    struct {
        ResourceAttachBacking a;
        MemEntry e[3];
    } ab{};
    ab.a.hdr.type = CMD_RESOURCE_ATTACH_BACKING;
    ab.a.resource_id = id;
    ab.a.nr_entries = 1 + in.u8() % 3;
    uint32_t bytes = w * h * 4, off = 0;
    for (uint32_t i = 0; i < ab.a.nr_entries; i++) {
        uint32_t len = i + 1 == ab.a.nr_entries ? bytes - off + in.u8() % 8 : (bytes - off) / 2;
        ab.e[i] = {kRam + kBackingArea + off, len, 0};
        off += len;
    }
    send(&ab, sizeof ab);
    TransferToHost2d x{};
    x.hdr.type = CMD_TRANSFER_TO_HOST_2D;
    x.r = {in.u8() % 8u, in.u8() % 8u, pick_dim(in), pick_dim(in)};
    x.offset = in.u8() < 200 ? (uint64_t(x.r.y) * w + x.r.x) * 4 : in.uN(8);
    x.resource_id = id;
    send(&x, sizeof x);
    SetScanout ss{};
    ss.hdr.type = CMD_SET_SCANOUT;
    ss.r = {in.u8() % 4u, in.u8() % 4u, pick_dim(in), pick_dim(in)};
    ss.resource_id = in.u8() < 220 ? id : 0;
    send(&ss, sizeof ss);
    ResourceFlush f{};
    f.hdr.type = CMD_RESOURCE_FLUSH;
    f.r = {in.u8() % 8u, in.u8() % 8u, pick_dim(in), pick_dim(in)};
    f.resource_id = id;
    send(&f, sizeof f);
    UpdateCursor u{};
    u.hdr.type = in.u8() & 1 ? CMD_UPDATE_CURSOR : CMD_MOVE_CURSOR;
    u.pos = {0, pick_dim(in), pick_dim(in), 0};
    u.resource_id = id, u.hot_x = pick_dim(in), u.hot_y = pick_dim(in);
    send(&u, sizeof u, 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (!getenv("FUZZ_GPU_LOG")) quiet_logs(); else g_log_mask = LOG_GUEST_ERROR;

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
        switch (in.u8() % 13) {
        case 12: {  // an honest start: features, both queues of 8 at fixed places, DRIVER_OK
            t.write(mmio::STATUS, 4, 0);
            t.write(mmio::STATUS, 4, 3);
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 0);
            t.write(mmio::DRIVER_FEATURES, 4, uint32_t(t.offered_features()) & uint32_t(in.u8() | 2));
            t.write(mmio::DRIVER_FEATURES_SEL, 4, 1);
            t.write(mmio::DRIVER_FEATURES, 4, 1);
            t.write(mmio::STATUS, 4, 11);
            for (uint32_t q = 0; q < 2; q++) {
                uint64_t base = kRam + 0x1000 * q;
                memset(ram.host + 0x1000 * q, 0, 0x1000);
                t.write(mmio::QUEUE_SEL, 4, q);
                t.write(mmio::QUEUE_NUM, 4, 8);
                const uint64_t addrs[3] = {base, base + 0x800, base + 0xc00};
                const uint32_t regs[3] = {mmio::QUEUE_DESC_LOW, mmio::QUEUE_DRIVER_LOW, mmio::QUEUE_DEVICE_LOW};
                for (int i = 0; i < 3; i++) {
                    t.write(regs[i], 4, uint32_t(addrs[i]));
                    t.write(regs[i] + 4, 4, uint32_t(addrs[i] >> 32));
                }
                t.write(mmio::QUEUE_READY, 4, 1);
            }
            t.write(mmio::STATUS, 4, 15);
            if (in.u8() & 1) honest_frame(in, t, work, mem, ram.host);
            break;
        }
        case 0: t.read(pick_offset(in, kHot, std::size(kHot), 0x200), pick_size(in)); break;
        case 1: {
            uint64_t off = pick_offset(in, kHot, std::size(kHot), 0x200);
            unsigned sz = pick_size(in);
            t.write(off, sz, in.uN(4));
            break;
        }
        case 2: {
            static const uint32_t kSteps[] = {0, 1, 3, 11, 15, 0x8b, 0x4f};
            uint32_t step = kSteps[in.u8() % std::size(kSteps)];
            t.write(mmio::STATUS, 4, step);
            if (step == 0 && (gpu->resource_count() != 0 || gpu->hostmem_used() != 0)) __builtin_trap();  // reset frees all
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
            set_up_queue(t, in, 2, 5);
            break;
        }
        case 5: {
            poke_ram(ram, in);
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
        case 7: put_command(in, ram.host, uint32_t(in.uN(2) % (kRamSize - 256))); break;
        case 8: {  // a whole request on a ready queue
            static const uint32_t kLens[] = {8, 24, 32, 40, 48, 56, 96, 408, 1056};
            unsigned q = in.u8() % 2;
            uint32_t at = kCmdArea + uint32_t(in.uN(2) % (kRamSize - kCmdArea - 256));  // past the rings
            put_command(in, ram.host, at);
            uint32_t req_len = kLens[in.u8() % std::size(kLens)], resp_len = kLens[in.u8() % std::size(kLens)];
            submit(in, t, work, mem, q, at, req_len, pick_addr(in), resp_len);
            break;
        }
        case 9: t.write(mmio::QUEUE_NOTIFY, 4, in.u8() % 3); break;
        case 10: work.run_pending(); break;
        case 11:
            t.reset();
            if (gpu->resource_count() != 0 || gpu->hostmem_used() != 0) __builtin_trap();
            break;
        }
        if (pin.level != (t.interrupt_status() != 0)) __builtin_trap();
        if (gpu->hostmem_used() > kBudget) __builtin_trap();
        display.take([](const Frame& f, Rect, bool) {
            if (f.pixels.size() != size_t(f.width) * f.height) __builtin_trap();
        });
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
