// MSR and blocks (Aarch64Cpu::sysreg_write_keeps_block): a write that changes neither the mode
// nor the translation (TPIDR_EL0, ELR_EL1, ...) lets the block go on, and a later MRS in the
// same block reads the new value, in every executor; a TTBR write still ends the block.
#include <doctest/doctest.h>

#include "a64_block_rig.h"
#include "backends/interp/interp.h"

#if defined(__x86_64__)

using namespace tessera;
using a64_test::kRam;

TEST_CASE("a64 MSR to a register that keeps the block: the block goes on, MRS reads it back") {
    a64_test::Rig rig;
    aarch64::Aarch64Cpu& cpu = rig.cpu;
    REQUIRE(cpu.el == 1);
    ir::Block blk = rig.translate({
        0xd51bd041,  // msr tpidr_el0, x1
        0xd53bd042,  // mrs x2, tpidr_el0
        0xd5184023,  // msr elr_el1, x3
        0xd5384024,  // mrs x4, elr_el1
        0xd5182005,  // msr ttbr0_el1, x5: ends the block
        0xd503201f,  // nop
    });
    CHECK(blk.guest_insns == 5);

    auto code = interp::compile(blk, interp::frame_offset(cpu));
    jit::BlockFn base = rig.baseline.compile(*code, nullptr, false);
    REQUIRE(reinterpret_cast<const void*>(base) != nullptr);
    jit::CompiledBlock compiled = rig.llvm.compile(blk, false, false);
    for (int e = 0; e < 3; e++) {
        CAPTURE(e);
        cpu.x[1] = 0x1111;
        cpu.x[2] = 0;
        cpu.x[3] = 0xffff000012345678ull;
        cpu.x[4] = 0;
        cpu.x[5] = 0x40008000;
        cpu.tpidr_el0 = cpu.elr_el1 = 0;
        if (e == 0) interp::run(*code, cpu);
        else if (e == 1) rig.baseline.enter(base, &cpu);
        else rig.llvm.enter(compiled.fn, &cpu);
        CHECK(cpu.x[2] == 0x1111);
        CHECK(cpu.x[4] == 0xffff000012345678ull);
        CHECK(cpu.tpidr_el0 == 0x1111);
        CHECK(cpu.elr_el1 == 0xffff000012345678ull);
        CHECK(cpu.ttbr0_el1 == 0x40008000);
        CHECK(cpu.pc == kRam + 20);
    }
    rig.llvm.release(compiled);
}

#endif
