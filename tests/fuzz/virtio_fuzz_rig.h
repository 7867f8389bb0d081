// What the virtio fuzz targets share: the interrupt pin that traps on a report without a
// change, the small guest RAM, addresses the fuzzer picks in and around it, and logs sent to
// /dev/null (guest errors are expected by the thousand).
#pragma once
#include <cstdint>
#include <cstdio>

#include "core/irq.h"
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
