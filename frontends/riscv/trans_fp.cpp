// F and D: loads/stores and moves inline; arithmetic on the host's FPU (the fastfp op) when
// the block's mode allows it, with the soft-float path behind; every other instruction is a
// call to its own helper (fp_helper_for: fpu_helpers.cpp, inlined by the LLVM tier), whose
// slow path is fpu.cpp and the shared soft-float core, which own rounding, flags and NaN rules.
#include "frontends/riscv/fpu.h"
#include "frontends/riscv/fpu_fast.h"
#include "frontends/riscv/translate.h"

namespace tessera::riscv {

using fp::FpOp;

namespace {

constexpr uint64_t kBox = 0xffffffff00000000ull;

// Where an fp_exec result goes and where its first operand comes from.
enum class Dst { F, X };
enum class Src { F, X };

// When the block's mode says no flag but NX can be news and the rounding is RNE (see
// tbf::FP_NX), the host computes: fastfp, and the soft-float path for what it refuses.
bool fast_arith(Ctx& c, const Args& a, FpOp op, uint64_t desc, Temp s1) {
    ir::FastFpKind kind;
    uint8_t format;
    bool rne = a.rm == fp::RNE || (a.rm == 7 && (c.flags & tbf::FRM_RNE));
    if (!rne || c.fs() != 3 || !(c.flags & tbf::FP_NX) || !fp::fast_form(op, &kind, &format)) return false;
    Temp s2 = c.f(a.rs2), s3 = c.f(a.rs3);
    Temp r = c.b.fastfp(kind, format, s1, s2, s3);
    ir::Label fast = c.b.new_label(), done = c.b.new_label();
    c.b.brcond(ir::Cond::NE, r, c.imm(int64_t(ir::FASTFP_REFUSED)), fast);
    c.set_f(a.rd, c.b.call(&h_fp, c.imm(int64_t(desc)), s1, s2, s3));
    c.b.br(done);
    c.b.label(fast);
    c.set_f(a.rd, r);
    c.b.label(done);
    return true;
}

bool fpop(Ctx& c, const Args& a, FpOp op, Dst dst, Src src = Src::F) {
    if (!c.fs()) return c.illegal();
    if (a.rm == 5 || a.rm == 6) return c.illegal();  // reserved static rounding modes
    Temp s1 = src == Src::X ? c.x(a.rs1) : c.f(a.rs1);
    uint64_t desc = unsigned(op) | a.rm << 8 | uint64_t(c.insn) << 32;
    if (dst == Dst::F && src == Src::F && fast_arith(c, a, op, desc, s1)) return true;
    Temp r = c.b.call(fp_helper_for(op), c.imm(int64_t(desc)), s1, c.f(a.rs2), c.f(a.rs3));
    if (dst == Dst::X) c.set_x(a.rd, r);
    else c.set_f(a.rd, r);
    return true;
}
bool fload(Ctx& c, const Args& a, bool dbl) {
    if (!c.fs()) return c.illegal();
    Temp addr = c.b.add(c.x(a.rs1), c.imm(a.imm));
    Temp v = c.b.ld(Type::I64, addr, dbl ? ir::MO_64 : ir::MO_32, c.mem_idx);
    c.set_f(a.rd, dbl ? v : c.b.or_(v, c.imm(int64_t(kBox))));
    return true;
}
bool fstore(Ctx& c, const Args& a, bool dbl) {
    if (!c.fs()) return c.illegal();
    Temp addr = c.b.add(c.x(a.rs1), c.imm(a.imm));
    c.b.st(addr, c.f(a.rs2), dbl ? ir::MO_64 : ir::MO_32, c.mem_idx);
    return true;
}

}  // namespace

bool trans_flw(Ctx& c, const Args& a) { return fload(c, a, false); }
bool trans_fld(Ctx& c, const Args& a) { return fload(c, a, true); }
bool trans_fsw(Ctx& c, const Args& a) { return fstore(c, a, false); }
bool trans_fsd(Ctx& c, const Args& a) { return fstore(c, a, true); }

bool trans_fmv_x_w(Ctx& c, const Args& a) {
    if (!c.fs()) return c.illegal();
    c.set_x(a.rd, c.sext32(c.f(a.rs1)));
    return true;
}
bool trans_fmv_w_x(Ctx& c, const Args& a) {
    if (!c.fs()) return c.illegal();
    c.set_f(a.rd, c.b.or_(c.b.zext(Type::I64, c.x(a.rs1), 32), c.imm(int64_t(kBox))));
    return true;
}
bool trans_fmv_x_d(Ctx& c, const Args& a) {
    if (!c.fs()) return c.illegal();
    c.set_x(a.rd, c.f(a.rs1));
    return true;
}
bool trans_fmv_d_x(Ctx& c, const Args& a) {
    if (!c.fs()) return c.illegal();
    c.set_f(a.rd, c.x(a.rs1));
    return true;
}

#define FP_F(name, OP) \
    bool trans_##name(Ctx& c, const Args& a) { return fpop(c, a, FpOp::OP, Dst::F); }
#define FP_TO_X(name, OP) \
    bool trans_##name(Ctx& c, const Args& a) { return fpop(c, a, FpOp::OP, Dst::X); }
#define FP_FROM_X(name, OP) \
    bool trans_##name(Ctx& c, const Args& a) { return fpop(c, a, FpOp::OP, Dst::F, Src::X); }

FP_F(fmadd_s, FMADD_S) FP_F(fmsub_s, FMSUB_S) FP_F(fnmsub_s, FNMSUB_S) FP_F(fnmadd_s, FNMADD_S)
FP_F(fadd_s, FADD_S) FP_F(fsub_s, FSUB_S) FP_F(fmul_s, FMUL_S) FP_F(fdiv_s, FDIV_S) FP_F(fsqrt_s, FSQRT_S)
FP_F(fsgnj_s, FSGNJ_S) FP_F(fsgnjn_s, FSGNJN_S) FP_F(fsgnjx_s, FSGNJX_S) FP_F(fmin_s, FMIN_S) FP_F(fmax_s, FMAX_S)
FP_TO_X(fcvt_w_s, FCVT_W_S) FP_TO_X(fcvt_wu_s, FCVT_WU_S) FP_TO_X(fcvt_l_s, FCVT_L_S) FP_TO_X(fcvt_lu_s, FCVT_LU_S)
FP_TO_X(feq_s, FEQ_S) FP_TO_X(flt_s, FLT_S) FP_TO_X(fle_s, FLE_S) FP_TO_X(fclass_s, FCLASS_S)
FP_FROM_X(fcvt_s_w, FCVT_S_W) FP_FROM_X(fcvt_s_wu, FCVT_S_WU) FP_FROM_X(fcvt_s_l, FCVT_S_L) FP_FROM_X(fcvt_s_lu, FCVT_S_LU)
FP_F(fmadd_d, FMADD_D) FP_F(fmsub_d, FMSUB_D) FP_F(fnmsub_d, FNMSUB_D) FP_F(fnmadd_d, FNMADD_D)
FP_F(fadd_d, FADD_D) FP_F(fsub_d, FSUB_D) FP_F(fmul_d, FMUL_D) FP_F(fdiv_d, FDIV_D) FP_F(fsqrt_d, FSQRT_D)
FP_F(fsgnj_d, FSGNJ_D) FP_F(fsgnjn_d, FSGNJN_D) FP_F(fsgnjx_d, FSGNJX_D) FP_F(fmin_d, FMIN_D) FP_F(fmax_d, FMAX_D)
FP_TO_X(fcvt_w_d, FCVT_W_D) FP_TO_X(fcvt_wu_d, FCVT_WU_D) FP_TO_X(fcvt_l_d, FCVT_L_D) FP_TO_X(fcvt_lu_d, FCVT_LU_D)
FP_TO_X(feq_d, FEQ_D) FP_TO_X(flt_d, FLT_D) FP_TO_X(fle_d, FLE_D) FP_TO_X(fclass_d, FCLASS_D)
FP_FROM_X(fcvt_d_w, FCVT_D_W) FP_FROM_X(fcvt_d_wu, FCVT_D_WU) FP_FROM_X(fcvt_d_l, FCVT_D_L) FP_FROM_X(fcvt_d_lu, FCVT_D_LU)
FP_F(fcvt_s_d, FCVT_S_D) FP_F(fcvt_d_s, FCVT_D_S)

#undef FP_F
#undef FP_TO_X
#undef FP_FROM_X

}  // namespace tessera::riscv
