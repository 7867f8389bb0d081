// libFuzzer target: random MMIO, input and line sequences against the aarch64-virt devices
// (PL011, PL031, GICv2), checking that the interrupt pins the devices drive agree with
// their own view after every step.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>

#include "machines/devices/gicv2.h"
#include "machines/devices/pl011.h"
#include "machines/devices/pl031.h"
#include "tests/fuzz/fuzz_input.h"
#include "util/log.h"

using namespace tessera;
using namespace tessera::fuzz;

namespace {

// Mirrors the CPU pins: 0 IRQ, 1 FIQ. Devices report changes only.
struct Pins : IrqSink {
    bool level[2] = {};
    void set_irq(unsigned line, bool l) override {
        if (line >= 2 || level[line] == l) __builtin_trap();
        level[line] = l;
    }
};

struct Sink : CharBackend {
    void write(uint8_t) override {}
};

const uint64_t kUartHot[] = {0x0, 0x4, 0x18, 0x24, 0x28, 0x2c, 0x30, 0x34, 0x38, 0x3c, 0x40, 0x44, 0x48, 0xfe0, 0xff0};
const uint64_t kRtcHot[] = {0x0, 0x4, 0x8, 0xc, 0x10, 0x14, 0x18, 0x1c, 0xfe0};
const uint64_t kDistHot[] = {0x0,   0x4,   0x8,   0x80,  0x84,  0x100, 0x104, 0x180, 0x184, 0x200, 0x204,
                             0x280, 0x300, 0x380, 0x400, 0x420, 0x800, 0x820, 0xc00, 0xc08, 0xf00, 0xf10,
                             0xf20, 0xfe8};
const uint64_t kCpuHot[] = {0x0, 0x4, 0x8, 0xc, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x28, 0xd0, 0xfc, 0x1000};

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
    Pins pins;
    uint64_t now = 1000, deadline = UINT64_MAX;
    GicV2 gic(1, 288, {IrqLine{&pins, 0}}, {IrqLine{&pins, 1}});
    Sink tx;
    Pl011 uart(&tx, IrqLine{&gic, 33});
    Pl031 rtc([&] { return now; }, [] { return uint64_t(1700000000); }, IrqLine{&gic, 34}, [&](uint64_t d) { deadline = d; });

    while (!in.empty()) {
        uint8_t op = in.u8();
        switch (op % 11) {
        case 0: uart.read(pick_offset(in, kUartHot, std::size(kUartHot), 0x1000), pick_size(in)); break;
        case 1: {
            uint64_t off = pick_offset(in, kUartHot, std::size(kUartHot), 0x1000);
            unsigned sz = pick_size(in);
            uart.write(off, sz, in.uN(4));
            break;
        }
        case 2:
            if (in.u8() & 1 || uart.can_receive()) uart.receive(in.u8());  // sometimes misbehave
            break;
        case 3: rtc.read(pick_offset(in, kRtcHot, std::size(kRtcHot), 0x1000), pick_size(in)); break;
        case 4: {
            uint64_t off = pick_offset(in, kRtcHot, std::size(kRtcHot), 0x1000);
            unsigned sz = pick_size(in);
            rtc.write(off, sz, in.uN(4));
            break;
        }
        case 5: {  // time passes, sometimes straight to the armed deadline like the board
            uint8_t k = in.u8();
            if (k < 64 && deadline != UINT64_MAX && deadline > now) now = deadline;
            else now += in.uN(k < 200 ? 4 : 6);
            rtc.update();
            break;
        }
        case 6: gic.distributor().read(pick_offset(in, kDistHot, std::size(kDistHot), 0x1000), pick_size(in)); break;
        case 7: {
            uint64_t off = pick_offset(in, kDistHot, std::size(kDistHot), 0x1000);
            unsigned sz = pick_size(in);
            gic.distributor().write(off, sz, in.uN(4));
            break;
        }
        case 8: {  // the CPU interface, and the interrupt handler's acknowledge/EOI pairs
            uint64_t off = pick_offset(in, kCpuHot, std::size(kCpuHot), 0x2000);
            unsigned sz = pick_size(in);
            if (in.u8() & 1) {
                gic.cpu_interface().write(off, sz, in.uN(4));
            } else {
                uint64_t id = gic.cpu_interface().read(0xc, 4);
                if ((id & 0x3ff) > 1023) __builtin_trap();
                if (in.u8() & 1) gic.cpu_interface().write(0x10, 4, id);
            }
            break;
        }
        case 9: {  // device lines and PPIs, in range or not
            uint8_t k = in.u8();
            if (k & 1) gic.set_ppi(in.u8() % 4, in.u8(), in.u8() & 1);
            else gic.set_irq(unsigned(in.uN(2)), in.u8() & 1);
            break;
        }
        case 10:
            switch (in.u8() % 3) {
            case 0: uart.reset(); break;
            case 1: rtc.reset(); break;
            default: gic.reset(); break;
            }
            break;
        }
        if (pins.level[0] != gic.irq_level(0) || pins.level[1] != gic.fiq_level(0)) __builtin_trap();
        if (rtc.next_deadline_ns() != UINT64_MAX && rtc.next_deadline_ns() <= now) __builtin_trap();
    }
    return 0;
}
