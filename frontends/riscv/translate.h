// Translation context and the trans_* handlers named by the decode table.
#pragma once
#include <cstdint>

#include "frontends/riscv/cpu.h"
#include "frontends/riscv/decode.h"
#include "frontends/riscv/fpu.h"
#include "ir/builder.h"

namespace tessera::riscv {

using ir::Temp;
using ir::Type;

struct Ctx {
    RiscvCpu& cpu;
    ir::Builder& b;
    uint64_t flags;  // TbMode::flags (RISC-V has no extra mode word)
    uint64_t pc = 0;
    unsigned len = 4;
    uint32_t insn = 0;
    unsigned index = 0;   // guest instruction index within the block
    unsigned mem_idx = 0; // mmu index for data accesses
    bool ended = false;   // the instruction ended the block
    bool fs_marked = false;
    unsigned side_exits = 0;  // conditional branches that left the block mid-way (slots 2..)

    unsigned priv() const { return flags & tbf::PRIV_MASK; }
    unsigned fs() const { return (flags >> tbf::FS_SHIFT) & 3; }
    uint64_t next_pc() const { return pc + len; }

    Temp imm(int64_t v) { return b.movi(Type::I64, uint64_t(v)); }
    // x[] and f[] are only ever accessed by translated code, never by helpers.
    Temp x(unsigned r) { return r ? b.ld_env(Type::I64, env_off(cpu, cpu.x[r]), true) : imm(0); }
    void set_x(unsigned r, Temp v) {
        if (r) b.st_env(v, env_off(cpu, cpu.x[r]), true);
    }
    Temp f(unsigned r) { return b.ld_env(Type::I64, env_off(cpu, cpu.f[r]), true); }
    void set_f(unsigned r, Temp v);  // marks FS dirty
    Temp sext32(Temp v) { return b.sext(Type::I64, v, 32); }

    // Leave the block for a known target (chainable) or a computed one.
    void exit_to(uint64_t target, unsigned slot = 0) {
        b.exit_tb(target, slot);
        ended = true;
    }
    void exit_ind(Temp target, bool mode_change = false) {
        b.exit_ind(target, mode_change);
        ended = true;
    }
    // Raise a guest exception at this instruction.
    void raise(uint64_t cause, uint64_t tval);
    bool illegal() {
        raise(EXC_ILLEGAL, insn);
        return true;
    }
};

// Helpers callable from IR (helpers.cpp).
extern const ir::Helper h_raise, h_csr, h_mret, h_sret, h_wfi, h_sfence_vma, h_fp, h_amo,
    h_lr, h_sc, h_mark_fs_dirty;
// The helper of an F/D op: one per instruction (fpu_helpers.cpp: a fast path, inlined by the
// LLVM tier, and h_fp, the soft-float slow path, for the rest).
const ir::Helper* fp_helper_for(fp::FpOp op);

#define RISCV_HANDLERS(X)                                                                                    \
    X(lui) X(auipc) X(jal) X(jalr) X(beq) X(bne) X(blt) X(bge) X(bltu) X(bgeu)                               \
    X(lb) X(lh) X(lw) X(ld) X(lbu) X(lhu) X(lwu) X(sb) X(sh) X(sw) X(sd)                                     \
    X(addi) X(slti) X(sltiu) X(xori) X(ori) X(andi) X(slli) X(srli) X(srai)                                  \
    X(addiw) X(slliw) X(srliw) X(sraiw)                                                                      \
    X(add) X(sub) X(sll) X(slt) X(sltu) X(xor) X(srl) X(sra) X(or) X(and)                                    \
    X(addw) X(subw) X(sllw) X(srlw) X(sraw)                                                                  \
    X(fence) X(fence_i) X(ecall) X(ebreak) X(sret) X(mret) X(wfi) X(sfence_vma)                              \
    X(csrrw) X(csrrs) X(csrrc) X(csrrwi) X(csrrsi) X(csrrci)                                                 \
    X(mul) X(mulh) X(mulhsu) X(mulhu) X(div) X(divu) X(rem) X(remu)                                          \
    X(mulw) X(divw) X(divuw) X(remw) X(remuw)                                                                \
    X(lr_w) X(sc_w) X(amoswap_w) X(amoadd_w) X(amoxor_w) X(amoand_w) X(amoor_w)                              \
    X(amomin_w) X(amomax_w) X(amominu_w) X(amomaxu_w)                                                        \
    X(lr_d) X(sc_d) X(amoswap_d) X(amoadd_d) X(amoxor_d) X(amoand_d) X(amoor_d)                              \
    X(amomin_d) X(amomax_d) X(amominu_d) X(amomaxu_d)                                                        \
    X(flw) X(fsw) X(fld) X(fsd)                                                                              \
    X(fmadd_s) X(fmsub_s) X(fnmsub_s) X(fnmadd_s) X(fadd_s) X(fsub_s) X(fmul_s) X(fdiv_s) X(fsqrt_s)         \
    X(fsgnj_s) X(fsgnjn_s) X(fsgnjx_s) X(fmin_s) X(fmax_s) X(fcvt_w_s) X(fcvt_wu_s) X(fcvt_l_s)              \
    X(fcvt_lu_s) X(fmv_x_w) X(feq_s) X(flt_s) X(fle_s) X(fclass_s) X(fcvt_s_w) X(fcvt_s_wu) X(fcvt_s_l)      \
    X(fcvt_s_lu) X(fmv_w_x)                                                                                  \
    X(fmadd_d) X(fmsub_d) X(fnmsub_d) X(fnmadd_d) X(fadd_d) X(fsub_d) X(fmul_d) X(fdiv_d) X(fsqrt_d)         \
    X(fsgnj_d) X(fsgnjn_d) X(fsgnjx_d) X(fmin_d) X(fmax_d) X(fcvt_w_d) X(fcvt_wu_d) X(fcvt_l_d)              \
    X(fcvt_lu_d) X(fmv_x_d) X(feq_d) X(flt_d) X(fle_d) X(fclass_d) X(fcvt_d_w) X(fcvt_d_wu) X(fcvt_d_l)      \
    X(fcvt_d_lu) X(fmv_d_x) X(fcvt_s_d) X(fcvt_d_s)

#define X(n) bool trans_##n(Ctx&, const Args&);
RISCV_HANDLERS(X)
#undef X

}  // namespace tessera::riscv
