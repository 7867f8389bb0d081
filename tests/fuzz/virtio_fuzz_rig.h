// What the virtio fuzz targets share: the interrupt pin that traps on a report without a
// change, the small guest RAM, addresses the fuzzer picks in and around it, and logs sent to
// /dev/null (guest errors are expected by the thousand).
#pragma once
#include <cstdint>
#include <cstdio>

#include "core/irq.h"
#include "machines/virtio/virtio_spec.h"
#include "tests/fuzz/fuzz_input.h"
#include "util/log.h"

namespace tessera::fuzz {

struct Pin : IrqSink {
    bool level = false;
    void set_irq(unsigned, bool l) override {
        if (level == l) __builtin_trap();  // only changes are reported
        level = l;
    }
};

constexpr uint64_t kRam = 0x40000000, kRamSize = 0x10000;

// An address the fuzzer chooses: mostly inside the small RAM, sometimes just outside it.
inline uint64_t pick_addr(Input& in) {
    uint8_t k = in.u8();
    if (k < 200) return kRam + (in.uN(2) % kRamSize);
    if (k < 240) return kRam + kRamSize - (in.u8() % 64);
    return in.uN(8);
}

// A queue set up as a driver does it, with fuzzed choices: queue `in % queues`, a size of
// 2^(0..log2_sizes-1), the three rings in or near RAM, 16-byte aligned or not, then ready.
template <typename Transport>
void set_up_queue(Transport& t, Input& in, unsigned queues, unsigned log2_sizes) {
    t.write(virtio::mmio::QUEUE_SEL, 4, in.u8() % queues);
    t.write(virtio::mmio::QUEUE_NUM, 4, 1u << (in.u8() % log2_sizes));
    for (uint32_t reg : {virtio::mmio::QUEUE_DESC_LOW, virtio::mmio::QUEUE_DRIVER_LOW, virtio::mmio::QUEUE_DEVICE_LOW}) {
        uint64_t a = pick_addr(in) & ~uint64_t(in.u8() & 1 ? 0 : 15);
        t.write(reg, 4, uint32_t(a));
        t.write(reg + 4, 4, uint32_t(a >> 32));
    }
    t.write(virtio::mmio::QUEUE_READY, 4, 1);
}

// Up to 16 raw bytes somewhere in guest RAM (ram.host is its host copy).
template <typename Ram>
void poke_ram(Ram& ram, Input& in) {
    uint64_t off = in.uN(2) % kRamSize;
    unsigned n = in.u8() % 17;
    for (unsigned i = 0; i < n && off + i < kRamSize; i++) ram.host[off + i] = in.u8();
}

inline void quiet_logs() {
    static FILE* devnull = [] {
        FILE* f = std::fopen("/dev/null", "w");
        log_set_file(f);
        g_log_mask = LOG_GUEST_ERROR;
        return f;
    }();
    (void)devnull;
}

}  // namespace tessera::fuzz
