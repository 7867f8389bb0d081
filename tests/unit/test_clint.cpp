#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <vector>

#include "machines/devices/clint.h"
#include "fake_devices.h"

using namespace tessera;
using namespace tessera::test;

namespace {

constexpr uint64_t kMtime = 0xbff8;
uint64_t cmp_off(unsigned hart) { return 0x4000 + 8 * hart; }

// Lines: msip of hart h = h, mtip of hart h = 100 + h.
struct Fixture {
    uint64_t t = 5'000;  // fake host ns; nonzero start to check the base offset
    std::vector<uint64_t> armed;
    LevelSink cpu;
    Clint clint;
    explicit Fixture(unsigned harts = 2, uint64_t freq = Clint::kVirtFrequency)
        : clint([this] { return t; }, harts, freq, lines(0, harts), lines(100, harts),
                [this](uint64_t d) { armed.push_back(d); }) {}
    std::vector<IrqLine> lines(unsigned base, unsigned n) {
        std::vector<IrqLine> v;
        for (unsigned i = 0; i < n; i++) v.push_back(IrqLine{&cpu, base + i});
        return v;
    }
    void set_cmp(unsigned hart, uint64_t v) { clint.write(cmp_off(hart), 8, v); }
};

struct SlowFixture : Fixture {
    SlowFixture() : Fixture(1, 3) {}
};

}  // namespace

TEST_CASE("clint: bad configuration throws") {
    auto now = [] { return uint64_t{0}; };
    LevelSink s;
    std::vector<IrqLine> one{IrqLine{&s, 0}};
    CHECK_THROWS_AS(Clint(now, 0, 10, {}, {}, nullptr), std::invalid_argument);
    CHECK_THROWS_AS(Clint(now, 1, 0, one, one, nullptr), std::invalid_argument);
    CHECK_THROWS_AS(Clint(now, 2, 10, one, one, nullptr), std::invalid_argument);
    CHECK_NOTHROW(Clint(now, 1, 10, one, one, nullptr));  // arm_timer may be empty
}

TEST_CASE_FIXTURE(Fixture, "clint: mtime counts at the configured frequency from reset") {
    CHECK(clint.mtime() == 0);
    t += 100;  // one 10 MHz tick
    CHECK(clint.mtime() == 1);
    t += 1'000'000'000;
    CHECK(clint.mtime() == 10'000'001);
    CHECK(clint.read(kMtime, 8) == 10'000'001);
    CHECK(clint.next_deadline_ns() == UINT64_MAX);
    CHECK(armed.empty());
}

TEST_CASE_FIXTURE(Fixture, "clint: no overflow after a long uptime") {
    t += 1'000'000'000'000'000'000ull;  // ~31.7 years
    CHECK(clint.mtime() == 10'000'000'000'000'000ull);
}

TEST_CASE_FIXTURE(Fixture, "clint: mtimecmp arms the timer and MTIP follows time") {
    set_cmp(0, 1000);  // 1000 ticks = 100 us
    REQUIRE(armed.size() == 1);
    CHECK(armed.back() == 5'000 + 100'000);
    CHECK(clint.next_deadline_ns() == 105'000);
    CHECK(!cpu.at(100));
    t = 104'999;
    clint.update();
    CHECK(!cpu.at(100));
    CHECK(armed.size() == 1);  // deadline unchanged: no call
    t = 105'000;
    CHECK(clint.mtime() == 1000);
    clint.update();
    CHECK(cpu.at(100));
    CHECK(!cpu.at(101));
    CHECK(armed.back() == UINT64_MAX);  // nothing left in the future
    CHECK(clint.next_deadline_ns() == UINT64_MAX);
    set_cmp(0, 3000);  // pushing it out lowers MTIP at once
    CHECK(!cpu.at(100));
    CHECK(armed.back() == 5'000 + 300'000);
}

TEST_CASE_FIXTURE(Fixture, "clint: mtimecmp already passed raises MTIP immediately") {
    t += 1'000'000;
    set_cmp(1, 5);
    CHECK(cpu.at(101));
    CHECK(armed.empty());
    set_cmp(1, UINT64_MAX);
    CHECK(!cpu.at(101));
}

// The loop serves clocks as update() then next_deadline_ns(); host time moves on between the
// two. A compare value reached in that gap left MTIP low, so it must still give a deadline
// (now): else the loop sleeps past it and the guest's timer interrupt is lost.
TEST_CASE_FIXTURE(Fixture, "clint: a compare value reached after update() still gives a deadline") {
    set_cmp(0, 1000);  // due at 105'000 ns
    t = 104'999;
    clint.update();
    CHECK(!cpu.at(100));
    t = 105'500;  // passed, but not yet seen by update()
    CHECK(clint.next_deadline_ns() <= t);
    clint.update();
    CHECK(cpu.at(100));
    CHECK(clint.next_deadline_ns() == UINT64_MAX);  // raised: nothing to wake for
}

TEST_CASE_FIXTURE(Fixture, "clint: earliest deadline across harts") {
    set_cmp(0, 5000);
    set_cmp(1, 2000);
    CHECK(armed == std::vector<uint64_t>{505'000, 205'000});
    t = 205'000;
    clint.update();
    CHECK(cpu.at(101));
    CHECK(!cpu.at(100));
    CHECK(armed.back() == 505'000);
    CHECK(clint.next_deadline_ns() == 505'000);
}

TEST_CASE_FIXTURE(Fixture, "clint: 32-bit halves of mtimecmp and mtime") {
    clint.write(cmp_off(0) + 4, 4, 0xffffffff);  // the RV32 update sequence
    clint.write(cmp_off(0), 4, 0x00000010);
    CHECK(!cpu.at(100));
    clint.write(cmp_off(0) + 4, 4, 0x00000001);
    CHECK(clint.read(cmp_off(0), 8) == 0x1'00000010ull);
    CHECK(clint.read(cmp_off(0), 4) == 0x10);
    CHECK(clint.read(cmp_off(0) + 4, 4) == 1);
    CHECK(armed.back() == 5'000 + 0x1'00000010ull * 100);

    clint.write(kMtime + 4, 4, 2);  // mtime high half
    CHECK(clint.mtime() == 0x2'00000000ull);
    CHECK(cpu.at(100));  // mtime jumped past mtimecmp
    clint.write(kMtime, 4, 7);
    CHECK(clint.read(kMtime, 4) == 7);
    CHECK(clint.read(kMtime + 4, 4) == 2);
}

TEST_CASE_FIXTURE(Fixture, "clint: mtime writes offset the clock") {
    t += 777;
    clint.write(kMtime, 8, 1'000'000);
    CHECK(clint.mtime() == 1'000'000);
    t += 200;
    CHECK(clint.mtime() == 1'000'002);
    set_cmp(0, 1'000'010);
    CHECK(armed.back() == t + 800);
    clint.write(kMtime, 8, 0);  // moving time back moves the deadline out
    CHECK(armed.back() == t + 1'000'010ull * 100);
}

TEST_CASE_FIXTURE(SlowFixture, "clint: deadline rounds up for non-dividing frequencies") {
    t = 0;
    clint.write(kMtime, 8, 0);
    set_cmp(0, 1);
    uint64_t d = armed.back();
    CHECK(d == 333'333'334);
    t = d - 1;
    CHECK(clint.mtime() == 0);
    t = d;
    CHECK(clint.mtime() == 1);
    clint.update();
    CHECK(cpu.at(100));
}

TEST_CASE_FIXTURE(Fixture, "clint: msip sets and clears the software interrupt line") {
    clint.write(4, 4, 1);
    CHECK(cpu.at(1));
    CHECK(!cpu.at(0));
    CHECK(clint.read(4, 4) == 1);
    clint.write(4, 4, 0xfffffffe);  // only bit 0 is implemented
    CHECK(!cpu.at(1));
    CHECK(clint.read(4, 4) == 0);
    clint.write(0, 4, 3);
    CHECK(clint.read(0, 4) == 1);
    clint.reset();
    CHECK(!cpu.at(0));
}

TEST_CASE_FIXTURE(Fixture, "clint: reset restarts mtime and disarms comparators") {
    t += 1'000'000;
    set_cmp(0, 1);
    CHECK(cpu.at(100));
    clint.reset();
    CHECK(!cpu.at(100));
    CHECK(clint.mtime() == 0);
    CHECK(clint.read(cmp_off(0), 8) == UINT64_MAX);
}

TEST_CASE_FIXTURE(Fixture, "clint: bad accesses are harmless") {
    int changes = cpu.changes;
    CHECK(clint.read(8, 4) == 0);  // msip of hart 2 (absent)
    clint.write(8, 4, 1);
    clint.write(0, 8, 1);  // msip is 32-bit only
    clint.write(0, 1, 1);
    clint.write(2, 4, 1);  // misaligned
    CHECK(clint.read(0, 2) == 0);
    CHECK(clint.read(cmp_off(2), 8) == 0);  // mtimecmp of hart 2 (absent)
    clint.write(cmp_off(2), 8, 0);
    clint.write(cmp_off(0) + 2, 4, 0);
    clint.write(cmp_off(0) + 4, 8, 0);
    clint.write(cmp_off(0), 2, 0);
    CHECK(clint.read(0xbff0, 8) == 0);
    CHECK(clint.read(kMtime + 2, 4) == 0);
    clint.write(kMtime, 1, 0x55);
    CHECK(clint.read(0xc000, 8) == 0);
    CHECK(clint.read(~0ull, 8) == 0);
    clint.write(~0ull - 7, 8, 0);
    CHECK(cpu.changes == changes);
    CHECK(armed.empty());
    CHECK(clint.read(cmp_off(0), 8) == UINT64_MAX);
}
