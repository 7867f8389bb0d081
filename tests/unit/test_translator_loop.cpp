// The shared fetch loop (frontends/common/translator_loop.h) with a fake ISA whose
// instructions are N bytes long (the first byte says N, up to x86's 15): an instruction that
// straddles into an unmapped page, or past the end of RAM, faults only when it is the
// block's first instruction; as a later one it ends the block quietly before it.
#include <doctest/doctest.h>

#include <vector>

#include "fake_cpu.h"
#include "frontends/common/translator_loop.h"

using namespace tessera;

namespace {

constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kPage2 = kRam + PAGE_SIZE;  // the second page (denied or mapped per test)

// Byte 0 of each instruction is its length; the translation records what it saw.
class LengthIsa : public InsnTranslator {
public:
    unsigned min_insn_bytes() const override { return 1; }
    unsigned insn_length(const uint8_t* p, unsigned) override { return p[0]; }
    bool translate_insn(uint64_t pc, const uint8_t* p, unsigned len, unsigned) override {
        seen.push_back({pc, std::vector<uint8_t>(p, p + len)});
        return false;
    }
    struct Seen {
        uint64_t pc;
        std::vector<uint8_t> bytes;
    };
    std::vector<Seen> seen;
};

struct Rig {
    AddressSpace as;
    test::FakeCpu cpu{as};
    ir::Block out;
    uint64_t page2 = ~0ull;
    LengthIsa isa;
    explicit Rig(uint64_t ram_bytes = 2 * PAGE_SIZE) {
        as.add_ram("ram", kRam, ram_bytes);
        cpu.set_facts(CpuFacts{"fake", 0, 15, 1});
    }
    // Instructions of the given lengths from pc on; every byte after the first is its offset.
    void put(uint64_t pc, std::initializer_list<uint8_t> lens) {
        for (uint8_t n : lens) {
            for (unsigned k = 0; k < n; k++) {
                uint8_t v = k ? uint8_t(k) : n;
                if (pc + k < kRam + as.find(kRam)->size) as.write_phys(pc + k, &v, 1);
            }
            pc += n;
        }
    }
    bool translate(uint64_t pc, unsigned max_insns = 128) {
        ir::Builder b(out);
        TranslatorLimits lim;
        lim.max_insns = max_insns;
        return translator_loop(cpu, isa, b, out, pc, 0, &page2, lim);
    }
    // The block's last op: its exit_tb target.
    uint64_t exit_target() const {
        REQUIRE(!out.insns.empty());
        REQUIRE(out.insns.back().op == ir::Op::exit_tb);
        return uint64_t(out.insns.back().imm);
    }
};

}  // namespace

TEST_CASE("fetch loop: an instruction straddling into an unmapped page faults only as the first") {
    for (uint8_t n : {2, 4, 7, 15}) {
        CAPTURE(int(n));
        uint64_t straddler = kPage2 - n + 1;  // its last n-1 bytes on the second page
        {
            Rig r;
            r.cpu.deny_page = kPage2;
            r.put(straddler, {n});
            CHECK(!r.translate(straddler));  // first instruction: the guest's fault, now
            CHECK(r.cpu.exception_pending);
            CHECK(r.cpu.faults == 1);
            CHECK(r.cpu.fault_va == kPage2);
            CHECK(r.isa.seen.empty());
        }
        {
            Rig r;
            r.cpu.deny_page = kPage2;
            r.put(straddler - 3, {3, n});
            CHECK(r.translate(straddler - 3));  // later instruction: the block ends before it
            CHECK(!r.cpu.exception_pending);
            CHECK(!r.cpu.quiet_faults);  // back to loud for the next fault
            REQUIRE(r.isa.seen.size() == 1);
            CHECK(r.out.guest_insns == 1);
            CHECK(r.out.guest_bytes == 3);
            CHECK(r.exit_target() == straddler);
            CHECK(r.page2 == ~0ull);
        }
        {
            Rig r;  // second page mapped: the instruction is read whole, the page recorded
            r.put(straddler - 3, {3, n, 1});
            CHECK(r.translate(straddler - 3));
            REQUIRE(r.isa.seen.size() == 2);  // the block ends after the page-crossing one
            CHECK(r.isa.seen[1].pc == straddler);
            std::vector<uint8_t> want(n);
            for (unsigned k = 0; k < n; k++) want[k] = k ? uint8_t(k) : n;
            CHECK(r.isa.seen[1].bytes == want);
            CHECK(r.page2 == kPage2);
            CHECK(r.exit_target() == straddler + n);
        }
        {
            Rig r;  // translating ahead: the second page is not touched at all
            r.cpu.fetch_ahead = true;
            r.put(straddler, {n});
            int before = r.cpu.translations;
            CHECK(!r.translate(straddler));
            CHECK(!r.cpu.exception_pending);
            CHECK(r.cpu.translations == before + 1);  // the first page's fill only
            CHECK(r.page2 == ~0ull);
        }
    }
}

TEST_CASE("fetch loop: an instruction running past the end of RAM inside a page faults only as the first") {
    Rig r(PAGE_SIZE + 0x100);  // RAM ends 0x100 bytes into the second page
    uint64_t end = kPage2 + 0x100;
    r.put(end - 4, {6});  // its last 2 bytes are past the end
    CHECK(!r.translate(end - 4));
    CHECK(r.cpu.exception_pending);
    r.cpu.exception_pending = false;
    Rig q(PAGE_SIZE + 0x100);
    q.put(end - 6, {2, 6});
    CHECK(q.translate(end - 6));
    CHECK(!q.cpu.exception_pending);
    CHECK(q.out.guest_insns == 1);
    CHECK(q.exit_target() == end - 4);
}

TEST_CASE("fetch loop: the instruction limit is a parameter (a single step asks for 1)") {
    Rig r;
    r.put(kRam, {2, 2, 2, 2});
    CHECK(r.translate(kRam, 1));
    CHECK(r.out.guest_insns == 1);
    CHECK(r.exit_target() == kRam + 2);
    Rig s;
    s.put(kRam, {2, 2, 2, 2, 2});
    CHECK(s.translate(kRam, 3));
    CHECK(s.out.guest_insns == 3);
    CHECK(s.exit_target() == kRam + 6);
}

TEST_CASE("CPU facts: TLB modes beyond the CPU's are refused; facts beyond the storage too") {
    AddressSpace as;
    as.add_ram("ram", kRam, PAGE_SIZE);
    test::FakeCpu cpu{as};
    cpu.set_facts(CpuFacts{"fake", 0, 4, 2});
    CHECK(cpu.mmu_modes == 2);
    CHECK(cpu.max_insn_bytes == 4);
    CHECK(cpu.tlb_fill(kRam, Access::Load, 1));
    CHECK_THROWS_AS(cpu.tlb_fill(kRam, Access::Load, 2), std::logic_error);
    CHECK_THROWS_AS(cpu.set_facts(CpuFacts{"fake", 0, 4, MAX_MMU_MODES + 1}), std::logic_error);
    CHECK_THROWS_AS(cpu.set_facts(CpuFacts{"fake", 0, MAX_INSN_BYTES + 1, 1}), std::logic_error);
    // A flush walks the used modes: the filled entry of mode 1 is gone.
    cpu.tlb_flush();
    CHECK(cpu.tlb[1][Vcpu::tlb_index(kRam)].tag_read == TLB_INVALID);
}
