// libFuzzer target: a hostile virtio-blk driver. Random register accesses on a virtio-mmio
// transport carrying virtio-blk over a small disk in memory (sometimes read-only), random
// bytes and descriptors in the guest RAM where the rings, headers and buffers live,
// notifications and completions served as the board serves them, resets. The device must
// never touch host memory outside guest RAM or the disk (ASan), never read or write the disk
// outside its size, keep its line in step with the interrupt status, and return nothing to a
// driver that broke a rule until it resets.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <vector>

#include "machines/device_work.h"
#include "machines/virtio/virtio_blk.h"
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

// A disk in memory; an access outside it is a device bug, not a guest error.
struct MemDisk : block::BlockBackend {
    std::vector<uint8_t> bytes;
    bool ro;
    MemDisk(size_t n, bool read_only) : bytes(n, 0x5a), ro(read_only) {}
    uint64_t size() const override { return bytes.size(); }
    bool read_only() const override { return ro; }
    block::IoStatus readv(uint64_t off, const struct iovec* iov, int n) override {
        for (int i = 0; i < n; i++) {
            if (off > bytes.size() || iov[i].iov_len > bytes.size() - off) __builtin_trap();
            memcpy(iov[i].iov_base, bytes.data() + off, iov[i].iov_len);
            off += iov[i].iov_len;
        }
        return block::IoStatus::ok;
    }
    block::IoStatus writev(uint64_t off, const struct iovec* iov, int n) override {
        if (ro) __builtin_trap();  // the device refuses writes to a read-only drive itself
        for (int i = 0; i < n; i++) {
            if (off > bytes.size() || iov[i].iov_len > bytes.size() - off) __builtin_trap();
            memcpy(bytes.data() + off, iov[i].iov_base, iov[i].iov_len);
            off += iov[i].iov_len;
        }
        return block::IoStatus::ok;
    }
    block::IoStatus flush() override { return block::IoStatus::ok; }
    std::string describe() const override { return "fuzz disk"; }
};

const uint64_t kHot[] = {mmio::DEVICE_FEATURES, mmio::DEVICE_FEATURES_SEL, mmio::DRIVER_FEATURES,
                         mmio::DRIVER_FEATURES_SEL, mmio::QUEUE_SEL, mmio::QUEUE_NUM, mmio::QUEUE_READY,
                         mmio::QUEUE_NOTIFY, mmio::INTERRUPT_STATUS, mmio::INTERRUPT_ACK, mmio::STATUS,
                         mmio::CONFIG, mmio::CONFIG + 8, mmio::CONFIG + 20, mmio::CONFIG + 56};

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
    VirtioMmio t(0x0a000000, mem, work, IrqLine{&pin, 0});
    uint8_t mode = in.u8();
    VirtioBlk::Options o;
    o.serial = "FUZZ";
    o.cache = mode & 2 ? CacheMode::writethrough : CacheMode::writeback;
    t.plug(std::make_unique<VirtioBlk>(std::make_unique<MemDisk>(32 * 512 + (mode & 4 ? 100 : 0), mode & 1), o));

    while (!in.empty()) {
        switch (in.u8() % 11) {
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
        case 3: {  // features: VERSION_1 plus some of word 0 (FLUSH, RO, INDIRECT, EVENT_IDX)
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
        case 6: {  // a descriptor; lengths around sectors and headers
            uint64_t at = kRam + (in.uN(2) % (kRamSize - 16) & ~uint64_t(15));
            uint64_t addr = pick_addr(in);
            static const uint32_t kLens[] = {1, 15, 16, 17, 512, 513, 1024, 4096, 16 + 512};
            uint8_t k = in.u8();
            uint32_t len = k < 128 ? kLens[k % std::size(kLens)] : k < 220 ? in.u8() : uint32_t(in.uN(4));
            uint16_t flags = in.u8() & 7, next = in.u8() % 20;
            memcpy(ram.host + (at - kRam), &addr, 8);
            memcpy(ram.host + (at - kRam) + 8, &len, 4);
            memcpy(ram.host + (at - kRam) + 12, &flags, 2);
            memcpy(ram.host + (at - kRam) + 14, &next, 2);
            break;
        }
        case 7: {  // a request header: a known type, a sector near the end
            uint64_t at = kRam + (in.uN(2) % (kRamSize - 16));
            static const uint32_t kTypes[] = {0, 1, 4, 8, 11, 13, 99};
            uint32_t type = kTypes[in.u8() % std::size(kTypes)];
            uint64_t sector = in.u8() < 200 ? in.u8() % 40 : in.uN(8);
            memcpy(ram.host + (at - kRam), &type, 4);
            memcpy(ram.host + (at - kRam) + 8, &sector, 8);
            break;
        }
        case 8: t.write(mmio::QUEUE_NOTIFY, 4, in.u8() % 2); break;
        case 9: work.run_pending(); break;
        case 10: t.reset(); break;
        }
        if (pin.level != (t.interrupt_status() != 0)) __builtin_trap();
        if (t.status() & STATUS_NEEDS_RESET) {
            uint16_t used = t.queue(0).used_idx();
            work.run_pending();
            if (t.queue(0).used_idx() != used) __builtin_trap();
        }
    }
    t.reset();  // waits for the I/O thread; what it posted is dropped
    work.run_pending();
    return 0;
}
