#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <vector>

#include "machines/devices/plic.h"
#include "fake_devices.h"

using namespace tessera;
using namespace tessera::test;

namespace {

constexpr uint64_t kPending = 0x1000;
uint64_t enable_off(unsigned ctx, unsigned word = 0) { return 0x2000 + 0x80 * ctx + 4 * word; }
uint64_t threshold_off(unsigned ctx) { return 0x200000 + 0x1000 * ctx; }
uint64_t claim_off(unsigned ctx) { return 0x200004 + 0x1000 * ctx; }

struct Fixture {
    LevelSink cpu;  // line number = context
    Plic plic{2, {IrqLine{&cpu, 0}, IrqLine{&cpu, 1}, IrqLine{&cpu, 2}, IrqLine{&cpu, 3}}};
    uint32_t rd(uint64_t off) { return static_cast<uint32_t>(plic.read(off, 4)); }
    void wr(uint64_t off, uint32_t v) { plic.write(off, 4, v); }
    void prio(unsigned src, uint32_t p) { wr(4 * src, p); }
    void enable(unsigned ctx, unsigned src) {
        wr(enable_off(ctx, src / 32), rd(enable_off(ctx, src / 32)) | (1u << (src % 32)));
    }
};

}  // namespace

TEST_CASE("plic: output count must match contexts") {
    LevelSink s;
    CHECK_THROWS_AS(Plic(2, {IrqLine{&s, 0}}), std::invalid_argument);
    Plic p(1, {IrqLine{&s, 0}, IrqLine{&s, 1}});
    CHECK(p.contexts() == 2);
    CHECK(Plic::region_size(p.contexts()) == 0x202000);
}

TEST_CASE_FIXTURE(Fixture, "plic: pending follows a level source; priority 0 never delivers") {
    plic.set_irq(10, true);
    CHECK(rd(kPending) == (1u << 10));
    enable(1, 10);
    CHECK(!cpu.at(1));  // priority 0 = disabled
    CHECK(rd(claim_off(1)) == 0);
    prio(10, 1);
    CHECK(cpu.at(1));
    CHECK(!cpu.at(0));  // other contexts have it disabled
    CHECK(!cpu.at(2));
    plic.set_irq(10, false);  // unclaimed request is retracted
    CHECK(rd(kPending) == 0);
    CHECK(!cpu.at(1));
}

TEST_CASE_FIXTURE(Fixture, "plic: claim/complete cycle with the gateway") {
    prio(10, 1);
    enable(0, 10);
    plic.set_irq(10, true);
    CHECK(cpu.at(0));
    CHECK(rd(claim_off(0)) == 10);
    CHECK(!cpu.at(0));
    CHECK(rd(kPending) == 0);
    CHECK(rd(claim_off(0)) == 0);  // not re-claimable while in service
    plic.set_irq(10, false);
    plic.set_irq(10, true);  // new edge while claimed is held back
    CHECK(rd(kPending) == 0);
    CHECK(!cpu.at(0));
    wr(claim_off(0), 10);  // complete: line still high -> requests again
    CHECK(rd(kPending) == (1u << 10));
    CHECK(cpu.at(0));
    CHECK(rd(claim_off(0)) == 10);
    plic.set_irq(10, false);
    wr(claim_off(0), 10);  // line low now: nothing more
    CHECK(rd(kPending) == 0);
    CHECK(!cpu.at(0));
    CHECK(rd(claim_off(0)) == 0);
}

TEST_CASE_FIXTURE(Fixture, "plic: highest priority first, lowest id on ties") {
    for (unsigned s : {3u, 5u, 7u, 40u}) {
        enable(1, s);
        plic.set_irq(s, true);
    }
    prio(3, 2);
    prio(5, 6);
    prio(7, 6);
    prio(40, 7);
    CHECK(rd(claim_off(1)) == 40);
    CHECK(rd(claim_off(1)) == 5);
    CHECK(rd(claim_off(1)) == 7);
    CHECK(rd(claim_off(1)) == 3);
    CHECK(rd(claim_off(1)) == 0);
    CHECK(!cpu.at(1));
}

TEST_CASE_FIXTURE(Fixture, "plic: threshold masks priorities <= threshold, for lines and claims") {
    prio(4, 3);
    enable(2, 4);
    wr(threshold_off(2), 3);
    CHECK(rd(threshold_off(2)) == 3);
    plic.set_irq(4, true);
    CHECK(!cpu.at(2));
    CHECK(rd(claim_off(2)) == 0);
    CHECK(rd(kPending) == (1u << 4));
    wr(threshold_off(2), 2);
    CHECK(cpu.at(2));
    wr(threshold_off(2), 7);
    CHECK(!cpu.at(2));
    wr(threshold_off(2), 0);
    CHECK(rd(claim_off(2)) == 4);
}

TEST_CASE_FIXTURE(Fixture, "plic: enables are per context; a claim removes the source everywhere") {
    prio(9, 1);
    enable(1, 9);
    enable(3, 9);
    plic.set_irq(9, true);
    CHECK(cpu.at(1));
    CHECK(cpu.at(3));
    CHECK(!cpu.at(0));
    CHECK(!cpu.at(2));
    CHECK(rd(claim_off(3)) == 9);
    CHECK(!cpu.at(1));
    CHECK(rd(claim_off(1)) == 0);
    wr(enable_off(3), 0);
    wr(claim_off(3), 9);  // completion accepted like QEMU even after disabling
    CHECK(cpu.at(1));
    CHECK(!cpu.at(3));
}

TEST_CASE_FIXTURE(Fixture, "plic: high sources, masks and reserved bits") {
    prio(95, 0xff);
    CHECK(rd(4 * 95) == 7);
    enable(0, 95);
    CHECK(rd(enable_off(0, 2)) == (1u << 31));
    plic.set_irq(95, true);
    CHECK(rd(kPending + 8) == (1u << 31));
    CHECK(rd(claim_off(0)) == 95);
    wr(claim_off(0), 95);
    wr(enable_off(0, 0), 0xffffffff);
    CHECK(rd(enable_off(0, 0)) == 0xfffffffe);  // source 0 does not exist
    wr(0, 5);
    CHECK(rd(0) == 0);
    wr(threshold_off(0), 0xff);
    CHECK(rd(threshold_off(0)) == 7);
    plic.set_irq(0, true);   // ignored
    plic.set_irq(96, true);  // ignored
    plic.set_irq(~0u, true);
    CHECK(rd(kPending) == 0);
}

TEST_CASE_FIXTURE(Fixture, "plic: reset clears config but keeps asserted inputs pending") {
    prio(2, 1);
    enable(0, 2);
    plic.set_irq(2, true);
    CHECK(cpu.at(0));
    plic.reset();
    CHECK(!cpu.at(0));
    CHECK(rd(4 * 2) == 0);
    CHECK(rd(kPending) == (1u << 2));
}

TEST_CASE_FIXTURE(Fixture, "plic: bad accesses are harmless") {
    prio(6, 1);
    enable(0, 6);
    plic.set_irq(6, true);
    CHECK(plic.read(claim_off(0), 1) == 0);  // wrong size: must not claim
    CHECK(plic.read(claim_off(0), 8) == 0);
    CHECK(plic.read(claim_off(0) + 1, 4) == 0);
    CHECK(cpu.at(0));
    plic.write(4 * 6, 2, 3);
    CHECK(rd(4 * 6) == 1);
    wr(kPending, 0);  // read-only
    CHECK(rd(kPending) == (1u << 6));
    CHECK(rd(enable_off(4)) == 0);  // context 4 does not exist
    wr(enable_off(4), ~0u);
    CHECK(rd(enable_off(0, 3)) == 0);
    CHECK(rd(threshold_off(4)) == 0);
    CHECK(rd(claim_off(4)) == 0);
    wr(claim_off(4), 6);
    CHECK(rd(threshold_off(0) + 8) == 0);  // reserved context register
    wr(claim_off(0), 0);                   // complete of source 0
    wr(claim_off(0), 1000);                // out of range
    wr(claim_off(0), 6);                   // not claimed
    CHECK(rd(0x4000000) == 0);
    CHECK(plic.read(~0ull - 3, 4) == 0);
    plic.write(~0ull - 3, 4, 1);
    CHECK(cpu.at(0));
    CHECK(rd(claim_off(0)) == 6);
}
