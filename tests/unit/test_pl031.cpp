#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "machines/devices/pl031.h"

using namespace tessera;

namespace {

struct LevelSink : IrqSink {
    bool level = false;
    int changes = 0;
    void set_irq(unsigned, bool l) override {
        level = l;
        changes++;
    }
};

enum : unsigned {
    DR = 0x00, MR = 0x04, LR = 0x08, CR = 0x0c, IMSC = 0x10, RIS = 0x14, MIS = 0x18, ICR = 0x1c
};
constexpr uint64_t kSec = 1'000'000'000;
constexpr uint64_t kWall = 1'700'000'000;  // November 2023

struct Fixture {
    uint64_t t = 5'000;  // fake host ns; nonzero start to check the base offset
    uint64_t wall = kWall;
    std::vector<uint64_t> armed;
    LevelSink sink;
    Pl031 rtc{[this] { return t; }, [this] { return wall; }, IrqLine{&sink, 34},
              [this](uint64_t d) { armed.push_back(d); }};
    uint32_t rd(unsigned off) { return static_cast<uint32_t>(rtc.read(off, 4)); }
    void wr(unsigned off, uint32_t v) { rtc.write(off, 4, v); }
};

}  // namespace

TEST_CASE("pl031: clocks are required") {
    LevelSink s;
    auto clock = [] { return uint64_t{0}; };
    CHECK_THROWS_AS(Pl031({}, clock, IrqLine{&s, 0}, nullptr), std::invalid_argument);
    CHECK_THROWS_AS(Pl031(clock, {}, IrqLine{&s, 0}, nullptr), std::invalid_argument);
    CHECK_NOTHROW(Pl031(clock, clock, IrqLine{&s, 0}, nullptr));  // arm_timer may be empty
}

TEST_CASE_FIXTURE(Fixture, "pl031: reset state and ID registers") {
    CHECK(rd(DR) == kWall);
    CHECK(rd(MR) == 0);
    CHECK(rd(LR) == 0);
    CHECK(rd(CR) == 1);
    CHECK(rd(IMSC) == 0);
    CHECK(rd(RIS) == 0);
    CHECK(rd(MIS) == 0);
    CHECK(!sink.level);
    const uint32_t ids[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++) CHECK(rd(0xfe0 + 4 * i) == ids[i]);
    // MR = 0 is met again only after the counter wraps in 2106.
    REQUIRE(armed.size() == 1);
    CHECK(armed[0] == 5'000 + ((1ull << 32) - kWall) * kSec);
    CHECK(rtc.next_deadline_ns() == armed[0]);
}

TEST_CASE_FIXTURE(Fixture, "pl031: the counter follows host time in whole seconds") {
    t += kSec - 1;
    CHECK(rd(DR) == kWall);
    t += 1;
    CHECK(rd(DR) == kWall + 1);
    t += 10 * kSec + kSec / 2;
    CHECK(rd(DR) == kWall + 11);
    CHECK(rtc.counter() == kWall + 11);
    t = 1'000;  // a clock stepping back before the base does not make the counter jump
    CHECK(rd(DR) == kWall);
}

TEST_CASE_FIXTURE(Fixture, "pl031: LR loads the counter, reads back what was written") {
    t += 3 * kSec + 123;
    wr(LR, 100);
    CHECK(rd(LR) == 100);
    CHECK(rd(DR) == 100);
    t += kSec - 1;
    CHECK(rd(DR) == 100);  // a load restarts the second
    t += 1;
    CHECK(rd(DR) == 101);
    wr(LR, 0xffffffff);
    t += kSec;
    CHECK(rd(DR) == 0);  // 32-bit wrap
}

TEST_CASE_FIXTURE(Fixture, "pl031: match sets RIS at the deadline; IMSC gates; ICR clears") {
    wr(IMSC, 1);
    wr(MR, kWall + 3);
    REQUIRE(!armed.empty());
    uint64_t deadline = 5'000 + 3 * kSec;
    CHECK(armed.back() == deadline);
    CHECK(rtc.next_deadline_ns() == deadline);
    t = deadline - 1;
    rtc.update();
    CHECK(!sink.level);
    CHECK(rd(RIS) == 0);
    t = deadline;
    rtc.update();
    CHECK(sink.level);
    CHECK(rd(RIS) == 1);
    CHECK(rd(MIS) == 1);
    CHECK(rd(DR) == kWall + 3);
    // The next match is a full wrap away.
    CHECK(armed.back() == deadline + (1ull << 32) * kSec);
    wr(ICR, 1);
    CHECK(!sink.level);
    CHECK(rd(RIS) == 0);
    t += 10 * kSec;
    rtc.update();
    CHECK(!sink.level);  // no second match
}

TEST_CASE_FIXTURE(Fixture, "pl031: a late timer still raises the match") {
    wr(MR, kWall + 2);
    t += 60 * kSec;  // the board served its events late
    rtc.update();
    CHECK(rd(RIS) == 1);
    CHECK(!sink.level);  // masked
    wr(IMSC, 1);
    CHECK(sink.level);
    wr(IMSC, 0);
    CHECK(!sink.level);
}

TEST_CASE_FIXTURE(Fixture, "pl031: a register read sees a match due before the timer fires") {
    wr(MR, kWall + 1);
    t += kSec;
    CHECK(rd(RIS) == 1);
}

TEST_CASE_FIXTURE(Fixture, "pl031: MR or LR making the counter equal to MR matches at once") {
    wr(IMSC, 1);
    SUBCASE("MR") {
        t += 7 * kSec;
        wr(MR, kWall + 7);
    }
    SUBCASE("LR") {
        wr(MR, 42);
        CHECK(!sink.level);
        wr(LR, 42);
    }
    // Matched already: the next match is a full wrap away, not now again.
    CHECK(rtc.next_deadline_ns() > t + 1000 * kSec);
    CHECK(armed.back() == rtc.next_deadline_ns());
    CHECK(sink.level);
    CHECK(rd(RIS) == 1);
    wr(ICR, 1);
    rtc.update();
    CHECK(!sink.level);
    CHECK(rd(RIS) == 0);
}

TEST_CASE_FIXTURE(Fixture, "pl031: moving MR moves the deadline") {
    wr(MR, kWall + 100);
    CHECK(armed.back() == 5'000 + 100 * kSec);
    t += 2 * kSec + 5;
    wr(MR, kWall + 3);  // due at the start of second 3 since the base
    CHECK(armed.back() == 5'000 + 3 * kSec);
    wr(LR, 10);          // a load rebases the clock: MR is now far ahead
    CHECK(armed.back() == t + (kWall + 3 - 10) * kSec);
}

TEST_CASE_FIXTURE(Fixture, "pl031: CR cannot stop the clock") {
    wr(CR, 0);
    CHECK(rd(CR) == 1);
    t += kSec;
    CHECK(rd(DR) == kWall + 1);
}

TEST_CASE_FIXTURE(Fixture, "pl031: reset reads the wall clock again and drops the interrupt") {
    wr(IMSC, 1);
    wr(MR, kWall);
    CHECK(sink.level);
    wall = kWall + 500;
    t += 5 * kSec;
    rtc.reset();
    CHECK(!sink.level);
    CHECK(rd(DR) == kWall + 500);
    CHECK(rd(MR) == 0);
    CHECK(rd(IMSC) == 0);
    CHECK(rd(RIS) == 0);
}

TEST_CASE_FIXTURE(Fixture, "pl031: bad accesses read 0 and change nothing") {
    wr(MR, 0x12345678);
    CHECK(rtc.read(DR, 8) == 0);
    CHECK(rtc.read(MR + 2, 4) == 0);
    CHECK(rtc.read(Pl031::kRegionSize, 4) == 0);
    CHECK(rtc.read(~0ull, 4) == 0);
    CHECK(rtc.read(0x20, 4) == 0);  // reserved
    CHECK(rtc.read(ICR, 4) == 0);   // write-only
    rtc.write(MR + 1, 1, 0xff);     // unaligned
    rtc.write(MR, 8, 0);
    rtc.write(0x800, 4, 0);
    rtc.write(~0ull, 4, 0);
    rtc.write(DR, 4, 0);  // read-only
    rtc.write(RIS, 4, 1);
    rtc.write(MIS, 4, 1);
    CHECK(rd(MR) == 0x12345678);
    CHECK(rd(DR) == kWall);
    CHECK(rd(RIS) == 0);
    CHECK(rtc.read(MR, 2) == 0x5678);  // narrow reads within a register
    CHECK(rtc.read(MR + 3, 1) == 0x12);
}
