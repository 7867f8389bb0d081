// libFuzzer target: random MMIO and input sequences against the riscv64-virt devices.
// Build: clang++ -std=c++20 -fsanitize=fuzzer,address,undefined -I. tests/fuzz/fuzz_devices.cpp
//        machines/devices/{uart16550,plic,clint,sifive_test}.cpp util/log.cpp
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <vector>

#include "machines/devices/clint.h"
#include "machines/devices/plic.h"
#include "machines/devices/sifive_test.h"
#include "machines/devices/uart16550.h"
#include "tests/fuzz/fuzz_input.h"
#include "util/log.h"

using namespace tessera;
using namespace tessera::fuzz;

namespace {

// Mirrors every line level so invariants can be checked against the devices.
struct Pins : IrqSink {
    bool level[64] = {};
    void set_irq(unsigned line, bool l) override {
        if (line >= 64)
            __builtin_trap();
        if (level[line] == l)
            __builtin_trap();  // devices only report changes
        level[line] = l;
    }
};

struct Sink : CharBackend {
    void write(uint8_t) override {}
};

constexpr unsigned kHarts = 2;

// Offsets worth hitting often, per device; anything else comes from raw input.
const uint64_t kPlicHot[] = {0x0,      0x28,     0x17c,    0x180,    0x1000,  0x1008,   0x100c,
                             0x2000,   0x2080,   0x2088,   0x2100,   0x2180,  0x200000, 0x200004,
                             0x201000, 0x201004, 0x203004, 0x204004, 0x200008};
const uint64_t kClintHot[] = {0x0,    0x4,    0x8,    0x4000, 0x4004, 0x4008,
                              0x400c, 0x4010, 0xbff8, 0xbffc, 0xbff0, 0xc000};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static FILE* devnull = [] {
        FILE* f = std::fopen("/dev/null", "w");
        log_set_file(f);
        g_log_mask = LOG_GUEST_ERROR;  // exercise the log format strings too
        return f;
    }();
    (void)devnull;

    Input in{data, size};
    Pins pins;  // 0..3 PLIC contexts, 10..11 MSIP, 20..21 MTIP
    uint64_t now = 1000;
    uint64_t deadline = UINT64_MAX;
    int exits = 0, resets = 0;

    Plic plic(kHarts, {IrqLine{&pins, 0}, IrqLine{&pins, 1}, IrqLine{&pins, 2}, IrqLine{&pins, 3}});
    Sink tx;
    Uart16550 uart(&tx, IrqLine{&plic, 10});
    Clint clint([&] { return now; }, kHarts, Clint::kVirtFrequency,
                {IrqLine{&pins, 10}, IrqLine{&pins, 11}}, {IrqLine{&pins, 20}, IrqLine{&pins, 21}},
                [&](uint64_t d) { deadline = d; });
    SifiveTest finisher([&](int) { exits++; }, [&] { resets++; });

    while (!in.empty()) {
        uint8_t op = in.u8();
        switch (op % 12) {
            case 0: uart.read(in.u8() % 10, pick_size(in)); break;
            case 1: uart.write(in.u8() % 10, pick_size(in), in.u8()); break;
            case 2:
                if (in.u8() & 1 || uart.can_receive())
                    uart.receive(in.u8());  // sometimes misbehave
                break;
            case 3:
                plic.read(pick_offset(in, kPlicHot, std::size(kPlicHot), 0x600000), pick_size(in));
                break;
            case 4: {
                uint64_t off = pick_offset(in, kPlicHot, std::size(kPlicHot), 0x600000);
                unsigned sz = pick_size(in);
                plic.write(off, sz, in.uN(4));
                break;
            }
            case 5: plic.set_irq(in.u8(), in.u8() & 1); break;
            case 6:
                clint.read(pick_offset(in, kClintHot, std::size(kClintHot), 0x10000),
                           pick_size(in));
                break;
            case 7: {
                uint64_t off = pick_offset(in, kClintHot, std::size(kClintHot), 0x10000);
                unsigned sz = pick_size(in);
                uint8_t kind = in.u8();
                uint64_t v = kind < 64 ? in.uN(8) : kind < 128 ? clint.mtime() + in.u8() : in.uN(2);
                clint.write(off, sz, v);
                break;
            }
            case 8: {
                // Advance the fake clock; sometimes straight to the armed deadline like the board.
                uint8_t k = in.u8();
                if (k < 64 && deadline != UINT64_MAX && deadline > now)
                    now = deadline;
                else
                    now += in.uN(k < 200 ? 2 : 6);
                clint.update();
                break;
            }
            case 9: {
                uint8_t k = in.u8();
                uint64_t v = k < 128 ? (uint64_t(in.u8()) << 16) | (k & 1   ? 0x3333
                                                                    : k & 2 ? 0x5555
                                                                            : 0x7777)
                                     : in.uN(8);
                finisher.write(k & 4 ? 0 : in.uN(2), pick_size(in), v);
                finisher.read(in.u8(), pick_size(in));
                break;
            }
            case 10:
                switch (in.u8() % 4) {
                    case 0: uart.reset(); break;
                    case 1: plic.reset(); break;
                    case 2: clint.reset(); break;
                    default: finisher.reset(); break;
                }
                break;
            case 11: {
                // The board's interrupt-acknowledge path: claim then complete on a context.
                unsigned ctx = in.u8() % (2 * kHarts);
                uint64_t src = plic.read(0x200004 + 0x1000 * ctx, 4);
                if (src >= Plic::kNumSources)
                    __builtin_trap();
                if (in.u8() & 1)
                    plic.write(0x200004 + 0x1000 * ctx, 4, src);
                break;
            }
        }
        // Invariants: mirrored pins agree with the devices' own view.
        for (unsigned c = 0; c < 2 * kHarts; c++)
            if (pins.level[c] != plic.output_level(c))
                __builtin_trap();
        if (clint.next_deadline_ns() != UINT64_MAX && clint.next_deadline_ns() <= now)
            __builtin_trap();
    }
    // After the board's timer fires, every due comparator must have MTIP raised.
    clint.update();
    uint64_t mt = clint.mtime();
    for (unsigned h = 0; h < kHarts; h++) {
        bool due = mt >= clint.read(0x4000 + 8 * h, 8);
        if (pins.level[20 + h] != due)
            __builtin_trap();
    }
    return 0;
}
