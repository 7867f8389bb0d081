// The aarch64-virt board's view of the generic timers (machines/aarch64-virt/arch_timer.h):
// the PPI follows ENABLE, IMASK and the count; the loop sleeps until the next deadline.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "fake_devices.h"
#include "frontends/aarch64/cpu.h"
#include "machines/aarch64-virt/arch_timer.h"
#include "machines/devices/gicv2.h"

using namespace tessera;
using namespace tessera::test;

namespace {

constexpr uint64_t kHz = 62'500'000;  // 16 ns a tick
constexpr unsigned kPpiVirt = 27, kPpiPhys = 30;

struct Fixture {
    AddressSpace as;
    aarch64::Aarch64Cpu cpu{as, 0};
    LevelSink pins;
    GicV2 gic{1, 64, {IrqLine{&pins, 0}}, {IrqLine{&pins, 1}}};
    ArchTimer timer{cpu, gic, kHz, kPpiVirt, kPpiPhys};
    uint64_t ticks = 1000;
    Fixture() { cpu.read_counter = [this] { return ticks; }; }
    bool virt_pending() { return gic.describe(0).find("pending 27") != std::string::npos; }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "arch timer: a deadline at the compare value, the PPI once it is reached") {
    cpu.cntv_cval = 2000;
    cpu.cntv_ctl = 1;  // ENABLE, not IMASK
    timer.update();
    CHECK(!virt_pending());
    CHECK(timer.next_deadline_ns() == 2000 * 16);
    ticks = 2000;
    timer.update();
    CHECK(virt_pending());
    CHECK(timer.next_deadline_ns() == UINT64_MAX);  // raised: nothing to wake for
    cpu.cntv_ctl = 3;  // IMASK: the output drops, and no deadline either
    timer.update();
    CHECK(!virt_pending());
    CHECK(timer.next_deadline_ns() == UINT64_MAX);
}

// The loop serves clocks as update() then next_deadline_ns(), and the board re-arms after a
// timer register write the same way; the count moves on between the two. A compare value
// reached in that gap left the PPI low, so it must still give a deadline (in the past: the
// host timer fires at once). Else the loop sleeps past it and the guest's tick is lost.
TEST_CASE_FIXTURE(Fixture, "arch timer: a compare value reached after update() still gives a deadline") {
    cpu.cntv_cval = 2000;
    cpu.cntv_ctl = 1;
    ticks = 1999;
    timer.update();
    CHECK(!virt_pending());
    ticks = 2500;  // passed, not yet seen by update()
    CHECK(timer.next_deadline_ns() == 2000 * 16);
    timer.update();
    CHECK(virt_pending());
}

TEST_CASE_FIXTURE(Fixture, "arch timer: the earlier of the virtual and physical timers") {
    cpu.cntv_cval = 5000;
    cpu.cntv_ctl = 1;
    cpu.cntp_cval = 3000;
    cpu.cntp_ctl = 1;
    timer.update();
    CHECK(timer.next_deadline_ns() == 3000 * 16);
    cpu.cntp_ctl = 0;
    timer.update();
    CHECK(timer.next_deadline_ns() == 5000 * 16);
}
