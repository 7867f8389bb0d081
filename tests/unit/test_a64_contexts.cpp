// AArch64's address-space ids for the jump caches (Vcpu::pc_context, Aarch64Cpu::switch_ttbrs):
// each half of the address space is named by its translation table, not by the ASID, so a
// kernel's entries survive the ASID changes of process switches while a new table is a new
// context.
#include <doctest/doctest.h>

#include <cstdint>

#include "frontends/aarch64/cpu.h"

using namespace tessera;

namespace {

// MSR encodings (op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2).
constexpr uint32_t kTtbr0 = 3u << 14 | 2u << 7, kTtbr1 = kTtbr0 | 1;
constexpr uint64_t asid(uint64_t a) { return a << 48; }

}  // namespace

TEST_CASE("a64 contexts: the ASID does not change a half's context, its table does") {
    AddressSpace as;
    aarch64::Aarch64Cpu cpu{as, 0};
    REQUIRE(cpu.sysreg_write(kTtbr0, 0x40100000 | asid(1)));
    REQUIRE(cpu.sysreg_write(kTtbr1, 0x40200000 | asid(2)));
    const uint64_t user = cpu.context_of(0x400000), kernel = cpu.context_of(0xffff800008000000ull);
    CHECK(user != kernel);

    // Linux's process switch: the next process's table in TTBR0, its ASID in TTBR1.
    REQUIRE(cpu.sysreg_write(kTtbr0, 0x40300000));
    REQUIRE(cpu.sysreg_write(kTtbr1, 0x40200000 | asid(7)));
    CHECK(cpu.context_of(0xffff800008000000ull) == kernel);  // the kernel's entries still hold
    const uint64_t user2 = cpu.context_of(0x400000);
    CHECK(user2 != user);
    CHECK(user2 != kernel);

    // Back to the first process under another ASID: its entries hold too.
    REQUIRE(cpu.sysreg_write(kTtbr0, 0x40100000 | asid(9)));
    CHECK(cpu.context_of(0x400000) == user);

    // Another kernel table (KPTI's trampoline) is another context for the upper half only.
    REQUIRE(cpu.sysreg_write(kTtbr1, 0x40400000 | asid(7)));
    CHECK(cpu.context_of(0xffff800008000000ull) != kernel);
    CHECK(cpu.context_of(0x400000) == user);
}
