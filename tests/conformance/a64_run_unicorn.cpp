// The Unicorn side of the A64 conformance harness: Unicorn 2.0.1 (QEMU 5.0's AArch64) as a
// Cortex-A72, the reference. No QEMU deviation needed correcting so far (the generator
// leaves out what the architecture leaves to the implementation; see a64_stream_gen.cpp).
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "tests/conformance/a64_runners.h"
#include "tests/conformance/unicorn_session.h"

namespace tessera::conformance::a64 {

namespace {

constexpr UnicornArch kArch{UC_ARCH_ARM64, UC_MODE_ARM, UC_ARM64_REG_PC};
constexpr int kUdef = 1;  // QEMU's EXCP_UDEF, as UC_HOOK_INTR reports it

int uc_x(unsigned i) {
    return i < 29 ? UC_ARM64_REG_X0 + int(i) : i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

}  // namespace

FinalState run_on_unicorn(const Stream& s, const InitialState& init) {
    FinalState out;
    UnicornSession uc(kArch);
    if (!uc.ok()) {
        out.problem = "uc_open failed";
        return out;
    }
    // Before anything else touches the engine: the model is fixed when it is first used.
    if (uc_ctl_set_cpu_model(uc.engine(), int(UC_CPU_ARM64_A72)) != UC_ERR_OK) {
        out.problem = "uc_ctl_set_cpu_model(A72) failed";
        return out;
    }
    uc.map(kRamBase, kRamSize);
    std::vector<uint8_t> code = s.code();
    uc.write(kCodeBase, code.data(), code.size());
    uc.write(kDataBase, init.data.data(), init.data.size());
    // SCTLR_EL1.SA/SA0 off, as in Tessera (neither checks SP alignment then).
    uc_arm64_cp_reg sctlr{1, 0, 3, 0, 0, 0};
    uc_reg_read(uc.engine(), UC_ARM64_REG_CP_REG, &sctlr);
    sctlr.val &= ~uint64_t(0x18);
    uc_reg_write(uc.engine(), UC_ARM64_REG_CP_REG, &sctlr);
    for (unsigned i = 0; i < 31; i++) uc.set_reg(uc_x(i), init.x[i]);
    uc.set_reg(UC_ARM64_REG_SP, init.sp);
    uc.set_reg(UC_ARM64_REG_NZCV, init.nzcv);
    for (unsigned i = 0; i < 32; i++) uc_reg_write(uc.engine(), UC_ARM64_REG_Q0 + int(i), init.v[i]);
    uc.set_reg(UC_ARM64_REG_FPCR, init.fpcr);
    uc.set_reg(UC_ARM64_REG_FPSR, init.fpsr);
    uc.set_reg(UC_ARM64_REG_TPIDR_EL0, init.tpidr_el0);

    uint64_t executed = 0;
    const std::string problem = uc.run(kCodeBase, s.end_pc, [&](uint64_t pc) {
        if (pc >= kCodeBase && pc < s.end_pc) executed++;
    });
    unsigned intno = 0;
    uint64_t at = 0;
    if (problem.empty()) {
        out.completed = true;
    } else if (sscanf(problem.c_str(), "exception %u at pc=%" SCNx64, &intno, &at) == 2 && intno == kUdef) {
        out.undefined = true;
        out.undefined_pc = at;
    } else {
        out.problem = problem;
    }

    for (unsigned i = 0; i < 31; i++) out.x[i] = uc.reg(uc_x(i));
    out.sp = uc.reg(UC_ARM64_REG_SP);
    out.nzcv = uint32_t(uc.reg(UC_ARM64_REG_NZCV)) & 0xf0000000u;
    for (unsigned i = 0; i < 32; i++) uc_reg_read(uc.engine(), UC_ARM64_REG_Q0 + int(i), out.v[i]);
    out.fpcr = uc.reg(UC_ARM64_REG_FPCR) & 0xffffffffu;
    out.fpsr = uc.reg(UC_ARM64_REG_FPSR) & 0xffffffffu;
    out.tpidr_el0 = uc.reg(UC_ARM64_REG_TPIDR_EL0);
    out.executed = executed;
    out.data.resize(kDataSize);
    uc.read(kDataBase, out.data.data(), kDataSize);
    return out;
}

}  // namespace tessera::conformance::a64
