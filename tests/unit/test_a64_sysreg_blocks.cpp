// MSR and blocks (Aarch64Cpu::sysreg_write_keeps_block): a write that changes neither the mode
// nor the translation (TPIDR_EL0, ELR_EL1, ...) lets the block go on, and a later MRS in the
// same block reads the new value, in every executor; a TTBR write still ends the block.
#include <doctest/doctest.h>

#include <vector>

#include "backends/interp/interp.h"
#include "backends/llvm/jit.h"
#include "backends/x64/baseline.h"
#include "frontends/aarch64/cpu.h"
#include "ir/opt.h"

#if defined(__x86_64__)

using namespace tessera;
using namespace tessera::aarch64;

TEST_CASE("a64 MSR to a register that keeps the block: the block goes on, MRS reads it back") {
    constexpr uint64_t kRam = 0x40000000;
    AddressSpace as;
    as.add_ram("ram", kRam, 1 << 16);
    Aarch64Cpu cpu{as, 0};
    cpu.reset(kRam);
    REQUIRE(cpu.el == 1);
    const std::vector<uint32_t> code = {
        0xd51bd041,  // msr tpidr_el0, x1
        0xd53bd042,  // mrs x2, tpidr_el0
        0xd5184023,  // msr elr_el1, x3
        0xd5384024,  // mrs x4, elr_el1
        0xd5182005,  // msr ttbr0_el1, x5: ends the block
        0xd503201f,  // nop
    };
    as.write_phys(kRam, code.data(), code.size() * 4);
    ir::Block blk;
    uint64_t page2 = ~0ull;
    REQUIRE(cpu.translate_block(kRam, cpu.tb_mode(), blk, &page2));
    ir::optimize(blk);
    REQUIRE(ir::verify(blk) == "");
    CHECK(blk.guest_insns == 5);

    auto interp_code = interp::compile(blk, interp::frame_offset(cpu));
    x64::Baseline baseline{cpu, 8 << 20};
    jit::BlockFn base = baseline.compile(*interp_code, nullptr, false);
    REQUIRE(reinterpret_cast<const void*>(base) != nullptr);
    jit::Jit llvm{cpu};
    jit::CompiledBlock compiled = llvm.compile(blk, false, false);
    for (int e = 0; e < 3; e++) {
        CAPTURE(e);
        cpu.x[1] = 0x1111;
        cpu.x[2] = 0;
        cpu.x[3] = 0xffff000012345678ull;
        cpu.x[4] = 0;
        cpu.x[5] = 0x40008000;
        cpu.tpidr_el0 = cpu.elr_el1 = 0;
        if (e == 0) interp::run(*interp_code, cpu);
        else if (e == 1) baseline.enter(base, &cpu);
        else llvm.enter(compiled.fn, &cpu);
        CHECK(cpu.x[2] == 0x1111);
        CHECK(cpu.x[4] == 0xffff000012345678ull);
        CHECK(cpu.tpidr_el0 == 0x1111);
        CHECK(cpu.elr_el1 == 0xffff000012345678ull);
        CHECK(cpu.ttbr0_el1 == 0x40008000);
        CHECK(cpu.pc == kRam + 20);
    }
}

#endif
