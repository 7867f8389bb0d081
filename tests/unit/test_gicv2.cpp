#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <vector>

#include "machines/devices/gicv2.h"
#include "fake_devices.h"

using namespace tessera;
using namespace tessera::test;

namespace {

// Distributor.
enum : uint64_t {
    GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_IIDR = 0x008, GICD_IGROUPR = 0x080,
    GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180, GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300, GICD_ICACTIVER = 0x380, GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xc00, GICD_SGIR = 0xf00, GICD_CPENDSGIR = 0xf10,
    GICD_SPENDSGIR = 0xf20,
};
// CPU interface.
enum : uint64_t {
    GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0c, GICC_EOIR = 0x10,
    GICC_RPR = 0x14, GICC_HPPIR = 0x18, GICC_ABPR = 0x1c, GICC_AIAR = 0x20, GICC_AEOIR = 0x24,
    GICC_AHPPIR = 0x28, GICC_APR0 = 0xd0, GICC_NSAPR0 = 0xe0, GICC_IIDR = 0xfc, GICC_DIR = 0x1000,
};
constexpr uint32_t kSpurious = 1023;

std::vector<IrqLine> lines(LevelSink& s, unsigned base, unsigned n) {
    std::vector<IrqLine> v;
    for (unsigned i = 0; i < n; i++) v.push_back(IrqLine{&s, base + i});
    return v;
}

// CPU c's IRQ pin is line c, its FIQ pin line 100 + c.
struct Fixture {
    LevelSink pins;
    unsigned current = 0;
    GicV2 gic;
    explicit Fixture(unsigned cpus = 1)
        : gic(cpus, 288, lines(pins, 0, cpus), lines(pins, 100, cpus),
              [this] { return current; }) {}

    uint32_t d(uint64_t off, unsigned cpu = 0) {
        return static_cast<uint32_t>(gic.distributor(cpu).read(off, 4));
    }
    void dw(uint64_t off, uint32_t v, unsigned cpu = 0) { gic.distributor(cpu).write(off, 4, v); }
    uint32_t c(uint64_t off, unsigned cpu = 0) {
        return static_cast<uint32_t>(gic.cpu_interface(cpu).read(off, 4));
    }
    void cw(uint64_t off, uint32_t v, unsigned cpu = 0) { gic.cpu_interface(cpu).write(off, 4, v); }

    bool irq(unsigned cpu = 0) { return pins.at(cpu); }
    bool fiq(unsigned cpu = 0) { return pins.at(100 + cpu); }
    uint32_t iar(unsigned cpu = 0) { return c(GICC_IAR, cpu); }
    void eoi(uint32_t v, unsigned cpu = 0) { cw(GICC_EOIR, v, cpu); }
    void enable(unsigned id, unsigned cpu = 0) { set_bit(GICD_ISENABLER, id, cpu); }
    void disable(unsigned id, unsigned cpu = 0) { set_bit(GICD_ICENABLER, id, cpu); }
    void set_bit(uint64_t reg, unsigned id, unsigned cpu) {
        dw(reg + id / 32 * 4, 1u << (id % 32), cpu);
    }
    bool bit(uint64_t reg, unsigned id, unsigned cpu) {
        return (d(reg + id / 32 * 4, cpu) >> (id % 32)) & 1;
    }
    void set_prio(unsigned id, uint8_t p, unsigned cpu = 0) {
        gic.distributor(cpu).write(GICD_IPRIORITYR + id, 1, p);
    }
    void set_edge(unsigned id, unsigned cpu = 0) {
        uint64_t off = GICD_ICFGR + id / 16 * 4;
        dw(off, d(off, cpu) | (2u << (2 * (id % 16))), cpu);
    }
    bool pending(unsigned id, unsigned cpu = 0) { return bit(GICD_ISPENDR, id, cpu); }
    bool active(unsigned id, unsigned cpu = 0) { return bit(GICD_ISACTIVER, id, cpu); }

    // What Linux's gic_dist_init and gic_cpu_init do, for every CPU.
    void linux_init() {
        unsigned n = gic.num_irqs();
        dw(GICD_CTLR, 0);
        for (unsigned i = 32; i < n; i += 16) dw(GICD_ICFGR + i / 4, 0);  // level
        for (unsigned i = 32; i < n; i += 4) dw(GICD_ITARGETSR + i, 0x01010101);
        for (unsigned i = 32; i < n; i += 4) dw(GICD_IPRIORITYR + i, 0xa0a0a0a0);
        for (unsigned i = 32; i < n; i += 32) dw(GICD_ICENABLER + i / 8, 0xffffffff);
        dw(GICD_CTLR, 1);
        for (unsigned cpu = 0; cpu < gic.num_cpus(); cpu++) {
            dw(GICD_ICENABLER, 0xffff0000, cpu);
            dw(GICD_ISENABLER, 0x0000ffff, cpu);
            for (unsigned i = 0; i < 32; i += 4) dw(GICD_IPRIORITYR + i, 0xa0a0a0a0, cpu);
            cw(GICC_PMR, 0xf0, cpu);
            cw(GICC_CTLR, 1, cpu);
        }
    }
};

struct Fixture2 : Fixture {
    Fixture2() : Fixture(2) {}
};

}  // namespace

TEST_CASE("gicv2: bad configuration throws") {
    LevelSink s;
    auto one = lines(s, 0, 1);
    CHECK_THROWS_AS(GicV2(0, 64, {}, {}), std::invalid_argument);
    CHECK_THROWS_AS(GicV2(9, 64, lines(s, 0, 9), {}), std::invalid_argument);
    CHECK_THROWS_AS(GicV2(1, 16, one, {}), std::invalid_argument);
    CHECK_THROWS_AS(GicV2(1, 48, one, {}), std::invalid_argument);
    CHECK_THROWS_AS(GicV2(1, 1024, one, {}), std::invalid_argument);  // IDs 1020+ are special
    CHECK_THROWS_AS(GicV2(2, 64, one, {}), std::invalid_argument);
    CHECK_THROWS_AS(GicV2(1, 64, one, lines(s, 0, 2)), std::invalid_argument);
    CHECK_NOTHROW(GicV2(1, 992, one, {}));  // no FIQ wired
    CHECK_NOTHROW(GicV2(8, 32, lines(s, 0, 8), lines(s, 8, 8)));
}

TEST_CASE_FIXTURE(Fixture, "gicv2: reset state and identification") {
    CHECK(d(GICD_CTLR) == 0);
    CHECK(d(GICD_TYPER) == 8);  // (288 / 32) - 1, one CPU, no Security Extensions
    CHECK(d(GICD_IIDR) == 0x0200043b);
    CHECK(d(0xfe8) == 0x2b);  // ICPIDR2: GICv2
    const uint32_t ids[12] = {0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 12; i++) CHECK(d(0xfd0 + 4 * i) == ids[i]);
    CHECK(d(GICD_ISENABLER) == 0xffff);  // SGIs are always enabled
    CHECK(d(GICD_ICFGR) == 0xaaaaaaaa);  // and edge-triggered
    CHECK(d(GICD_ICFGR + 4) == 0);       // PPIs level at reset
    CHECK(c(GICC_CTLR) == 0);
    CHECK(c(GICC_PMR) == 0);
    CHECK(c(GICC_BPR) == 2);
    CHECK(c(GICC_ABPR) == 3);
    CHECK(c(GICC_RPR) == 0xff);
    CHECK(c(GICC_IAR) == kSpurious);
    CHECK(c(GICC_HPPIR) == kSpurious);
    CHECK(c(GICC_IIDR) == 0x0202043b);
    CHECK(!irq());
    CHECK(!fiq());
}

TEST_CASE_FIXTURE(Fixture2, "gicv2: TYPER counts CPUs") {
    CHECK(d(GICD_TYPER) == (8 | (1u << 5)));
}

TEST_CASE_FIXTURE(Fixture, "gicv2: Linux flow for a level SPI") {
    linux_init();
    enable(33);
    CHECK(!irq());
    gic.set_irq(33, true);
    CHECK(irq());
    CHECK(pending(33));
    CHECK(c(GICC_HPPIR) == 33);
    CHECK(iar() == 33);
    CHECK(!irq());  // active: not signalled again
    CHECK(active(33));
    CHECK(c(GICC_RPR) == 0xa0);
    CHECK(c(GICC_APR0) == 1u << (0xa0 >> 3));
    gic.set_irq(33, false);  // the handler quietened the device
    eoi(33);
    CHECK(c(GICC_RPR) == 0xff);
    CHECK(!active(33));
    CHECK(!pending(33));
    CHECK(!irq());
    CHECK(iar() == kSpurious);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: a level line still high is pending again after EOI") {
    linux_init();
    enable(40);
    gic.set_irq(40, true);
    CHECK(iar() == 40);
    CHECK(pending(40));  // active and pending while the input stays high
    CHECK(!irq());
    eoi(40);
    CHECK(irq());
    CHECK(iar() == 40);
    gic.set_irq(40, false);
    eoi(40);
    CHECK(!irq());
}

TEST_CASE_FIXTURE(Fixture, "gicv2: a level line dropping before the acknowledge withdraws it") {
    linux_init();
    enable(50);
    gic.set_irq(50, true);
    CHECK(irq());
    gic.set_irq(50, false);
    CHECK(!irq());
    CHECK(!pending(50));
    CHECK(iar() == kSpurious);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: an edge SPI latches, acknowledge clears the latch") {
    linux_init();
    set_edge(41);
    CHECK(((d(GICD_ICFGR + 8) >> 18) & 3) == 2);
    enable(41);
    gic.set_irq(41, true);
    gic.set_irq(41, false);  // a pulse
    CHECK(pending(41));
    CHECK(irq());
    CHECK(iar() == 41);
    CHECK(!pending(41));
    // A second edge while active: active and pending, signalled after deactivation.
    gic.set_irq(41, true);
    gic.set_irq(41, true);  // still high: no new edge
    CHECK(pending(41));
    CHECK(!irq());
    eoi(41);
    CHECK(irq());
    CHECK(iar() == 41);
    eoi(41);
    CHECK(!irq());
    CHECK(!pending(41));  // the line is high but edge-triggered: nothing new
    gic.set_irq(41, false);
    gic.set_irq(41, true);
    CHECK(irq());
}

TEST_CASE_FIXTURE(Fixture, "gicv2: ISPENDR and ICPENDR") {
    linux_init();
    enable(60);
    dw(GICD_ISPENDR + 4, 1u << (60 - 32));
    CHECK(pending(60));
    CHECK(irq());
    dw(GICD_ICPENDR + 4, 1u << (60 - 32));
    CHECK(!pending(60));
    CHECK(!irq());
    // Software pending on a level interrupt lasts until acknowledged...
    dw(GICD_ISPENDR + 4, 1u << (60 - 32));
    CHECK(iar() == 60);
    eoi(60);
    CHECK(!pending(60));
    // ...and clearing it does not hide an asserted input.
    gic.set_irq(60, true);
    dw(GICD_ICPENDR + 4, 1u << (60 - 32));
    CHECK(pending(60));
    // SGI pending bits are not writable here.
    dw(GICD_ISPENDR, 0xffff);
    CHECK((d(GICD_ISPENDR) & 0xffff) == 0);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: SGI to self and spurious reads") {
    linux_init();
    CHECK(iar() == kSpurious);
    dw(GICD_SGIR, (2u << 24) | 5);  // filter 2: the requesting CPU only
    CHECK(irq());
    CHECK(pending(5));
    CHECK(c(GICC_HPPIR) == 5);
    CHECK(iar() == 5);  // source CPU 0 in bits [12:10]
    CHECK(!pending(5));
    CHECK(iar() == kSpurious);
    eoi(5);
    CHECK(!irq());
    CHECK(!active(5));
    eoi(kSpurious);  // no effect, no crash
    CHECK(c(GICC_RPR) == 0xff);
}

TEST_CASE_FIXTURE(Fixture2, "gicv2: SGIs between CPUs carry their source") {
    linux_init();
    dw(GICD_SGIR, (0u << 24) | (1u << 16) | 3, 1);  // CPU 1 -> target list {CPU 0}
    CHECK(irq(0));
    CHECK(!irq(1));
    CHECK(d(GICD_SPENDSGIR, 0) == (0x02u << 24));  // SGI 3, source CPU 1
    CHECK(iar(0) == (3u | (1u << 10)));
    eoi(3u | (1u << 10), 0);
    dw(GICD_SGIR, (1u << 24) | 7, 0);  // filter 1: everyone but the requester
    CHECK(!irq(0));
    CHECK(irq(1));
    CHECK(iar(1) == 7);
    eoi(7, 1);
    // Two sources of the same SGI: delivered one at a time.
    dw(GICD_SGIR, (0x3u << 16) | 2, 0);
    dw(GICD_SGIR, (0x3u << 16) | 2, 1);
    CHECK(d(GICD_CPENDSGIR, 0) == (0x03u << 16));
    CHECK(iar(0) == 2);
    CHECK(!irq(0));  // active; the other source waits
    eoi(2, 0);
    CHECK(iar(0) == (2u | (1u << 10)));
    eoi(2u | (1u << 10), 0);
    // CPENDSGIR clears pending SGIs, SPENDSGIR sets them (byte access).
    gic.distributor(1).write(GICD_CPENDSGIR + 2, 1, 0xff);
    CHECK(!irq(1));
    gic.distributor(1).write(GICD_SPENDSGIR + 9, 1, 0xff);  // source mask limited to real CPUs
    CHECK(gic.distributor(1).read(GICD_SPENDSGIR + 9, 1) == 0x03);
    CHECK(iar(1) == 9);
    // Reserved filter 3: ignored.
    dw(GICD_SGIR, (3u << 24) | 1, 0);
    CHECK(!pending(1, 0));
    CHECK(!pending(1, 1));
}

TEST_CASE_FIXTURE(Fixture, "gicv2: PMR masks by priority, strictly") {
    linux_init();
    enable(34);
    set_prio(34, 0xa0);
    cw(GICC_PMR, 0);
    gic.set_irq(34, true);
    CHECK(!irq());
    CHECK(iar() == kSpurious);
    CHECK(c(GICC_HPPIR) == 34);  // HPPIR ignores the mask
    cw(GICC_PMR, 0xa0);
    CHECK(!irq());  // equal priority does not pass
    cw(GICC_PMR, 0xa8);
    CHECK(irq());
    cw(GICC_PMR, 0xff);
    CHECK(c(GICC_PMR) == 0xf8);  // five priority bits
    CHECK(iar() == 34);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: highest priority first, then lowest ID") {
    linux_init();
    for (unsigned id : {70u, 71u, 72u}) enable(id);
    set_prio(70, 0xa0);
    set_prio(71, 0x80);
    set_prio(72, 0x80);
    dw(GICD_ISPENDR + 8, 0x7u << (70 - 64));
    CHECK(c(GICC_HPPIR) == 71);
    CHECK(iar() == 71);
    eoi(71);
    CHECK(iar() == 72);
    eoi(72);
    CHECK(iar() == 70);
    eoi(70);
    CHECK(iar() == kSpurious);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: preemption by group priority; BPR groups priorities") {
    linux_init();
    enable(80);
    enable(81);
    set_prio(80, 0xa0);
    set_prio(81, 0x80);
    gic.set_irq(80, true);
    CHECK(iar() == 80);
    SUBCASE("a higher priority preempts") {
        gic.set_irq(81, true);
        CHECK(irq());
        CHECK(iar() == 81);
        CHECK(c(GICC_RPR) == 0x80);
        gic.set_irq(81, false);
        eoi(81);
        CHECK(c(GICC_RPR) == 0xa0);
        gic.set_irq(80, false);
        eoi(80);
        CHECK(c(GICC_RPR) == 0xff);
    }
    SUBCASE("equal priority does not preempt") {
        set_prio(81, 0xa0);
        gic.set_irq(81, true);
        CHECK(!irq());
        CHECK(iar() == kSpurious);
        gic.set_irq(80, false);
        eoi(80);
        CHECK(iar() == 81);
    }
    SUBCASE("BPR: same group priority does not preempt") {
        gic.set_irq(80, false);
        eoi(80);
        cw(GICC_BPR, 5);  // group priority = bits [7:6]: 0x80 and 0xa0 share a group
        CHECK(c(GICC_BPR) == 5);
        gic.set_irq(80, true);
        CHECK(iar() == 80);
        CHECK(c(GICC_RPR) == 0x80);
        gic.set_irq(81, true);
        CHECK(!irq());
        CHECK(iar() == kSpurious);
    }
    SUBCASE("BPR below the minimum reads the minimum") {
        cw(GICC_BPR, 0);
        CHECK(c(GICC_BPR) == 2);
        cw(GICC_ABPR, 1);
        CHECK(c(GICC_ABPR) == 3);
    }
}

TEST_CASE_FIXTURE(Fixture, "gicv2: distributor and CPU interface enables gate delivery") {
    linux_init();
    enable(90);
    gic.set_irq(90, true);
    CHECK(irq());
    dw(GICD_CTLR, 0);
    CHECK(!irq());
    CHECK(iar() == kSpurious);
    dw(GICD_CTLR, 1);
    CHECK(irq());
    cw(GICC_CTLR, 0);
    CHECK(!irq());
    CHECK(iar() == kSpurious);
    cw(GICC_CTLR, 1);
    disable(90);
    CHECK(!irq());
    CHECK(pending(90));  // still pending, just not forwarded
    CHECK(d(GICD_ICENABLER + 8) == 0);
    enable(90);
    CHECK(d(GICD_ISENABLER + 8) == 1u << (90 - 64));
    CHECK(irq());
}

TEST_CASE_FIXTURE(Fixture, "gicv2: group 1 through the aliases, AckCtl, and group 0 as FIQ") {
    linux_init();
    enable(100);
    enable(101);
    set_prio(100, 0x80);
    dw(GICD_IGROUPR + 12, 1u << (100 - 96));  // 100 in group 1, 101 in group 0
    gic.set_irq(100, true);
    CHECK(!irq());  // group 1 not enabled yet
    dw(GICD_CTLR, 3);
    CHECK(!irq());  // nor at the CPU interface
    cw(GICC_CTLR, 3);
    CHECK(irq());
    CHECK(c(GICC_HPPIR) == 1022);  // group 1 without AckCtl
    CHECK(iar() == 1022);
    CHECK(!active(100));
    CHECK(c(GICC_AHPPIR) == 100);
    CHECK(c(GICC_AIAR) == 100);
    CHECK(c(GICC_NSAPR0) == 1u << (0x80 >> 3));
    CHECK(c(GICC_APR0) == 0);
    gic.set_irq(100, false);
    cw(GICC_AEOIR, 100);
    CHECK(!active(100));
    CHECK(c(GICC_RPR) == 0xff);
    // AckCtl: IAR acknowledges group 1 too.
    cw(GICC_CTLR, 3 | 4);
    gic.set_irq(100, true);
    CHECK(iar() == 100);
    gic.set_irq(100, false);
    eoi(100);
    // Group 0 with FIQEn goes to the FIQ pin; the aliases do not see it.
    cw(GICC_CTLR, 3 | 8);
    gic.set_irq(101, true);
    CHECK(fiq());
    CHECK(!irq());
    CHECK(c(GICC_AHPPIR) == kSpurious);
    CHECK(c(GICC_AIAR) == kSpurious);
    CHECK(iar() == 101);
    CHECK(!fiq());
    gic.set_irq(101, false);
    eoi(101);
    cw(GICC_CTLR, 3);
    gic.set_irq(101, true);
    CHECK(irq());  // FIQEn clear: group 0 is an IRQ
    CHECK(!fiq());
}

TEST_CASE_FIXTURE(Fixture, "gicv2: EOImode splits priority drop from deactivation") {
    linux_init();
    cw(GICC_CTLR, 1 | (1u << 9));  // what Linux does when it owns EL2
    enable(110);
    gic.set_irq(110, true);
    CHECK(iar() == 110);
    eoi(110);
    CHECK(c(GICC_RPR) == 0xff);  // priority dropped
    CHECK(active(110));          // but not deactivated
    CHECK(!irq());
    cw(GICC_DIR, 110);
    CHECK(!active(110));
    CHECK(irq());  // still asserted
}

TEST_CASE_FIXTURE(Fixture, "gicv2: ISACTIVER and ICACTIVER") {
    linux_init();
    enable(120);
    dw(GICD_ISACTIVER + 12, 1u << (120 - 96));
    gic.set_irq(120, true);
    CHECK(!irq());  // active interrupts are not signalled
    dw(GICD_ICACTIVER + 12, 1u << (120 - 96));
    CHECK(irq());
}

TEST_CASE_FIXTURE(Fixture, "gicv2: uniprocessor ITARGETSR is RAZ/WI, SPIs reach the CPU anyway") {
    CHECK(d(GICD_ITARGETSR) == 0);
    dw(GICD_ITARGETSR + 32, 0x02020202);
    CHECK(d(GICD_ITARGETSR + 32) == 0);
    linux_init();
    enable(35);
    gic.set_irq(35, true);
    CHECK(irq());
}

TEST_CASE_FIXTURE(Fixture2, "gicv2: ITARGETSR routes SPIs; SGI/PPI targets name the reader") {
    CHECK(d(GICD_ITARGETSR, 0) == 0x01010101);
    CHECK(d(GICD_ITARGETSR + 28, 1) == 0x02020202);
    gic.distributor(1).write(GICD_ITARGETSR + 16, 1, 0x03);  // read-only for PPIs
    CHECK(gic.distributor(1).read(GICD_ITARGETSR + 16, 1) == 0x02);
    linux_init();
    enable(36);
    gic.distributor(0).write(GICD_ITARGETSR + 36, 1, 0x02);
    CHECK(gic.distributor(0).read(GICD_ITARGETSR + 36, 1) == 0x02);
    gic.set_irq(36, true);
    CHECK(!irq(0));
    CHECK(irq(1));
    CHECK(iar(0) == kSpurious);
    gic.distributor(0).write(GICD_ITARGETSR + 36, 1, 0xff);  // both (bits for absent CPUs dropped)
    CHECK(gic.distributor(0).read(GICD_ITARGETSR + 36, 1) == 0x03);
    CHECK(irq(0));
    CHECK(iar(1) == 36);  // one CPU takes it: gone for the other
    CHECK(!irq(0));
    CHECK(iar(0) == kSpurious);
    gic.distributor(0).write(GICD_ITARGETSR + 36, 1, 0);
    gic.set_irq(36, false);
    eoi(36, 1);
    gic.set_irq(36, true);
    CHECK(!irq(0));  // no target: not forwarded
    CHECK(!irq(1));
}

TEST_CASE_FIXTURE(Fixture2, "gicv2: PPIs and their registers are banked per CPU") {
    linux_init();
    enable(27, 1);  // the virtual timer on CPU 1 only
    gic.set_ppi(0, 27, true);
    CHECK(!irq(0));  // disabled on CPU 0
    IrqLine timer1{&gic, GicV2::ppi_line(1, 27)};
    timer1.raise();
    CHECK(irq(1));
    CHECK(pending(27, 0));
    CHECK(pending(27, 1));
    CHECK(iar(1) == 27);
    CHECK(active(27, 1));
    CHECK(!active(27, 0));
    set_prio(27, 0x10, 0);
    CHECK(gic.distributor(1).read(GICD_IPRIORITYR + 27, 1) == 0xa0);
    set_edge(27, 1);
    CHECK(d(GICD_ICFGR + 4, 1) == 2u << 22);
    CHECK(d(GICD_ICFGR + 4, 0) == 0);
    timer1.lower();
    eoi(27, 1);
    CHECK(!irq(1));
    gic.set_ppi(1, 27, true);  // edge now: latches
    gic.set_ppi(1, 27, false);
    CHECK(irq(1));
    // The current-CPU views follow current_cpu().
    current = 1;
    CHECK(((gic.distributor().read(GICD_ISENABLER, 4) >> 27) & 1) == 1);
    CHECK(gic.cpu_interface().read(GICC_IAR, 4) == 27);
    current = 0;
    CHECK(!((gic.distributor().read(GICD_ISENABLER, 4) >> 27) & 1));
    current = 7;  // not a CPU of ours: treated as CPU 0, never out of bounds
    CHECK(gic.cpu_interface().read(GICC_IAR, 4) == kSpurious);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: ICFGR: SGIs read-only, SPIs configurable") {
    dw(GICD_ICFGR, 0);
    CHECK(d(GICD_ICFGR) == 0xaaaaaaaa);
    dw(GICD_ICFGR + 8, 0xffffffff);
    CHECK(d(GICD_ICFGR + 8) == 0xaaaaaaaa);  // bit 0 of each field is reserved
    dw(GICD_ICFGR + 8, 0);
    CHECK(d(GICD_ICFGR + 8) == 0);
    CHECK(d(GICD_ICFGR + 18 * 4) == 0);  // beyond the last ID
}

TEST_CASE_FIXTURE(Fixture, "gicv2: priority bytes and words") {
    gic.distributor().write(GICD_IPRIORITYR + 40, 1, 0xff);
    CHECK(gic.distributor().read(GICD_IPRIORITYR + 40, 1) == 0xf8);
    dw(GICD_IPRIORITYR + 44, 0x10203047);
    CHECK(d(GICD_IPRIORITYR + 44) == 0x10203040);
    CHECK(gic.distributor().read(GICD_IPRIORITYR + 46, 1) == 0x20);
    CHECK(d(GICD_IPRIORITYR + 288) == 0);  // beyond the last ID: RAZ/WI
    dw(GICD_IPRIORITYR + 288, 0xffffffff);
    CHECK(d(GICD_IPRIORITYR + 288) == 0);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: bad accesses are ignored") {
    linux_init();
    enable(33);
    uint32_t en = d(GICD_ISENABLER + 4);
    Device& dist = gic.distributor();
    Device& cpu = gic.cpu_interface();
    CHECK(dist.read(GICD_ISENABLER + 4, 2) == 0);   // halfword
    CHECK(dist.read(GICD_ISENABLER + 4, 1) == 0);   // byte on a word-only register
    CHECK(dist.read(GICD_ISENABLER + 6, 4) == 0);   // unaligned
    CHECK(dist.read(GICD_IPRIORITYR + 1, 4) == 0);  // unaligned word on a byte register
    CHECK(dist.read(GICD_ISENABLER, 8) == 0);
    CHECK(dist.read(GicV2::kDistSize, 4) == 0);
    CHECK(dist.read(~0ull, 4) == 0);
    CHECK(dist.read(GICD_SGIR, 4) == 0);  // write-only
    CHECK(dist.read(0xd00, 4) == 0);      // reserved
    dist.write(GICD_ICENABLER + 4, 2, 0xffff);
    dist.write(GICD_ICENABLER + 4, 1, 0xff);
    dist.write(GICD_ICENABLER + 5, 4, 0xffffffff);
    dist.write(GicV2::kDistSize + 0x180, 4, 0xffffffff);
    dist.write(~0ull, 1, 0xff);
    dist.write(GICD_TYPER, 4, 0);
    dist.write(0xfe8, 4, 0);
    CHECK(d(GICD_ISENABLER + 4) == en);
    CHECK(d(GICD_TYPER) == 8);
    // Words beyond ITLinesNumber are RAZ/WI.
    dw(GICD_ISENABLER + 4 * 9, 0xffffffff);
    dw(GICD_ISPENDR + 4 * 31, 0xffffffff);
    CHECK(d(GICD_ISENABLER + 4 * 9) == 0);
    CHECK(d(GICD_ISPENDR + 4 * 31) == 0);
    CHECK(!irq());
    // CPU interface: word accesses only, within 8 KiB.
    CHECK(cpu.read(GICC_IAR, 1) == 0);
    CHECK(cpu.read(GICC_IAR + 2, 4) == 0);
    CHECK(cpu.read(GicV2::kCpuSize, 4) == 0);
    CHECK(cpu.read(0x800, 4) == 0);
    CHECK(cpu.read(GICC_EOIR, 4) == 0);
    cpu.write(GICC_PMR, 1, 0xff);
    cpu.write(GICC_PMR + 1, 4, 0xff);
    cpu.write(GicV2::kCpuSize + 4, 4, 0xff);
    cpu.write(GICC_IAR, 4, 33);
    CHECK(c(GICC_PMR) == 0xf0);
    // Interrupt IDs out of range.
    eoi(1022);
    eoi(500);  // beyond num_irqs
    cw(GICC_DIR, 1000);
    cw(GICC_DIR, 0xffffffff);
    // Device lines that do not exist.
    gic.set_irq(0, true);
    gic.set_irq(5, true);
    gic.set_irq(20, true);  // PPIs need ppi_line()
    gic.set_irq(288, true);
    gic.set_irq(5000, true);
    gic.set_irq(GicV2::ppi_line(1, 27), true);  // no CPU 1
    gic.set_irq(GicV2::ppi_line(0, 5), true);   // an SGI is not a line
    gic.set_irq(~0u, true);
    gic.set_ppi(3, 27, true);
    gic.set_ppi(0, 40, true);
    CHECK(!irq());
    CHECK(iar() == kSpurious);
}

TEST_CASE_FIXTURE(Fixture, "gicv2: reset lowers the pins and keeps the input levels") {
    linux_init();
    enable(33);
    gic.set_irq(33, true);
    CHECK(irq());
    gic.distributor().reset();
    CHECK(!irq());
    CHECK(d(GICD_CTLR) == 0);
    CHECK(d(GICD_ISENABLER + 4) == 0);
    CHECK(c(GICC_PMR) == 0);
    linux_init();
    enable(33);
    CHECK(irq());  // the device still holds its line high
}
