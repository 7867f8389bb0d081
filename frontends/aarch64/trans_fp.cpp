// Scalar floating point: data processing (1, 2 and 3 sources), compares, conditional compare
// and select, immediates, conversions between FP and integer (and fixed point), FMOV.
// Moves and sign operations are IR; every other operation is a call to its helper
// (fp_helpers.cpp, inlined by the LLVM tier) with a descriptor (fp_ops.h) naming the
// operation, formats and rounding; arithmetic runs on the host FPU (the fastfp op) in blocks
// whose mode allows it, the generic helper behind it.
#include "frontends/aarch64/fp_helpers.h"
#include "frontends/aarch64/fp_ops.h"
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

using fp::Op;

// ftype (bits 23:22) as a format: 00 S, 01 D, 11 H; 10 is unallocated (0).
unsigned fmt_of(unsigned ftype) {
    constexpr unsigned map[4] = {2, 3, 0, 1};
    return map[ftype & 3];
}

// The operand of a scalar register of the format (its low bits; the helper ignores the rest).
Temp vreg(Ctx& c, unsigned r, unsigned fmt) {
    Temp v = c.vlo(r);
    return fmt == 3 ? v : c.b.zext(Type::I64, v, fmt == 2 ? 32 : 16);
}

// An operation whose result goes to Vd. When the block's mode allows it (tbf::FP_FAST), an
// arithmetic op runs on the host FPU (fastfp) and falls back to the soft-float path for what
// it refuses and for the smallest normal magnitude (ARM's tininess before rounding may have
// raised UFC there).
void fp_to_v(Ctx& c, unsigned d, uint64_t desc, Temp a, Temp b = {}, Temp cc = {}) {
    if (!b.valid()) b = c.imm(0);
    if (!cc.valid()) cc = c.imm(0);
    const int kind = fp::host_kind(fp::desc_op(desc));
    const unsigned fmt = fp::desc_fmt(desc);
    if (!(c.flags & tbf::FP_FAST) || kind < 0) {
        c.set_v64(d, c.b.call(fp_helper_for(desc), c.imm(int64_t(desc)), a, b, cc));
        return;
    }
    const bool dbl = fmt == 3;
    const uint64_t sign = fp::sign_bit(fmt);
    Temp r = c.b.fastfp(ir::FastFpKind(kind), dbl ? ir::FF_F64 : ir::FF_F32, a, b, cc);
    ir::Label slow = c.b.new_label(), done = c.b.new_label();
    c.b.brcond(ir::Cond::EQ, r, c.imm(int64_t(ir::FASTFP_REFUSED)), slow);
    c.b.brcond(ir::Cond::EQ, c.b.and_(r, c.imm(int64_t(sign - 1))), c.imm(int64_t(fp::min_normal(fmt))), slow);
    c.set_v64(d, fp::desc_op(desc) == Op::NMUL ? c.b.xor_(r, c.imm(int64_t(sign))) : r);
    c.b.br(done);
    c.b.label(slow);
    c.set_v64(d, c.b.call(&h_fp_slow, c.imm(int64_t(desc)), a, b, cc));
    c.b.label(done);
}

Temp fpcall(Ctx& c, uint64_t desc, Temp a, Temp b = {}, Temp cc = {}) {
    if (!b.valid()) b = c.imm(0);
    if (!cc.valid()) cc = c.imm(0);
    return c.b.call(fp_helper_for(desc), c.imm(int64_t(desc)), a, b, cc);
}

// NZCV from a compare helper's result (NZCV in bits 31:28).
void set_nzcv_word(Ctx& c, Temp r) {
    auto bit = [&](unsigned n) { return c.b.and_(c.b.shr(r, c.imm(n)), c.imm(1)); };
    c.set_nzcv({bit(31), bit(30), bit(29), bit(28)});
}

// Data processing, 1 source: FMOV, FABS, FNEG, FSQRT, FCVT, FRINT*.
bool trans_fp_dp1(Ctx& c, uint32_t w) {
    const unsigned fmt = fmt_of(bits(w, 23, 22)), opcode = bits(w, 20, 15);
    const unsigned d = rd(w), n = rn(w);
    if (!fmt) return false;
    if ((opcode & 0x3c) == 0x04) {  // FCVT: opc (bits 16:15) is the destination
        const unsigned to = fmt_of(opcode & 3);
        if (!to || to == fmt) return false;
        if (!c.fp_access()) return true;
        c.set_v64(d, fpcall(c, fp::desc(Op::CVT, fmt, to), vreg(c, n, fmt)));
        return true;
    }
    if (fmt == 1) return false;  // no other half-precision arithmetic in Armv8.0
    const uint64_t sign = fp::sign_bit(fmt);
    switch (opcode) {
    case 0: case 1: case 2: {  // FMOV, FABS, FNEG
        if (!c.fp_access()) return true;
        Temp v = vreg(c, n, fmt);
        if (opcode == 1) v = c.b.and_(v, c.imm(int64_t(~sign)));
        if (opcode == 2) v = c.b.xor_(v, c.imm(int64_t(sign)));
        c.set_v64(d, v);
        return true;
    }
    case 3:
        if (!c.fp_access()) return true;
        fp_to_v(c, d, fp::desc(Op::SQRT, fmt), vreg(c, n, fmt));
        return true;
    case 8: case 9: case 10: case 11: case 12: case 14: case 15: {  // FRINTN P M Z A - X I
        constexpr unsigned rms[8] = {softfloat::RNE, softfloat::RUP, softfloat::RDN, softfloat::RTZ, softfloat::RMM, 0,
                                     fp::RM_FPCR, fp::RM_FPCR};
        if (!c.fp_access()) return true;
        const Op op = opcode == 14 ? Op::RINTX : Op::RINT;
        c.set_v64(d, fpcall(c, fp::desc(op, fmt, 0, rms[opcode - 8]), vreg(c, n, fmt)));
        return true;
    }
    default: return false;
    }
}

// Data processing, 2 sources.
bool trans_fp_dp2(Ctx& c, uint32_t w) {
    constexpr Op ops[9] = {Op::MUL, Op::DIV, Op::ADD, Op::SUB, Op::MAX, Op::MIN, Op::MAXNM, Op::MINNM, Op::NMUL};
    const unsigned fmt = fmt_of(bits(w, 23, 22)), opcode = bits(w, 15, 12);
    if (fmt < 2 || opcode > 8) return false;
    if (!c.fp_access()) return true;
    fp_to_v(c, rd(w), fp::desc(ops[opcode], fmt), vreg(c, rn(w), fmt), vreg(c, rm(w), fmt));
    return true;
}

// Data processing, 3 sources: FMADD, FMSUB, FNMADD, FNMSUB (Ra + or - Rn*Rm).
bool trans_fp_dp3(Ctx& c, uint32_t w) {
    constexpr Op ops[4] = {Op::MADD, Op::MSUB, Op::NMADD, Op::NMSUB};
    const unsigned fmt = fmt_of(bits(w, 23, 22)), o = bits(w, 21, 21) << 1 | bits(w, 15, 15);
    if (fmt < 2) return false;
    if (!c.fp_access()) return true;
    fp_to_v(c, rd(w), fp::desc(ops[o], fmt), vreg(c, rn(w), fmt), vreg(c, rm(w), fmt), vreg(c, bits(w, 14, 10), fmt));
    return true;
}

// FCMP, FCMPE (E signals on quiet NaNs), against a register or #0.0.
bool trans_fp_cmp(Ctx& c, uint32_t w) {
    const unsigned fmt = fmt_of(bits(w, 23, 22));
    const bool zero = bits(w, 3, 3), signal = bits(w, 4, 4);
    if (fmt < 2) return false;
    if (!c.fp_access()) return true;
    Temp m = zero ? c.imm(0) : vreg(c, rm(w), fmt);
    set_nzcv_word(c, fpcall(c, fp::desc(signal ? Op::CMPE : Op::CMP, fmt), vreg(c, rn(w), fmt), m));
    return true;
}

// FCCMP, FCCMPE: the compare when the condition holds, else NZCV = #nzcv.
bool trans_fp_ccmp(Ctx& c, uint32_t w) {
    const unsigned fmt = fmt_of(bits(w, 23, 22)), nzcv = bits(w, 3, 0);
    const bool signal = bits(w, 4, 4);
    if (fmt < 2) return false;
    if (!c.fp_access()) return true;
    ir::Label skip = c.b.new_label(), done = c.b.new_label();
    c.b.brcond(ir::Cond::EQ, c.cond(bits(w, 15, 12)), c.imm(0), skip);
    set_nzcv_word(c, fpcall(c, fp::desc(signal ? Op::CMPE : Op::CMP, fmt), vreg(c, rn(w), fmt), vreg(c, rm(w), fmt)));
    c.b.br(done);
    c.b.label(skip);
    set_nzcv_word(c, c.imm(int64_t(nzcv) << 28));
    c.b.label(done);
    return true;
}

bool trans_fp_csel(Ctx& c, uint32_t w) {
    const unsigned fmt = fmt_of(bits(w, 23, 22));
    if (fmt < 2) return false;
    if (!c.fp_access()) return true;
    Temp cond = c.cond(bits(w, 15, 12));
    c.set_v64(rd(w), c.b.select(cond, vreg(c, rn(w), fmt), vreg(c, rm(w), fmt)));
    return true;
}

// FMOV (scalar, immediate): VFPExpandImm of imm8.
bool trans_fp_imm(Ctx& c, uint32_t w) {
    const unsigned fmt = fmt_of(bits(w, 23, 22)), imm8 = bits(w, 20, 13);
    if (fmt < 2) return false;
    if (!c.fp_access()) return true;
    const uint64_t sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, frac = imm8 & 15, e = (imm8 >> 4) & 3;
    uint64_t v;
    if (fmt == 2) {  // sign : NOT(b) : b x5 : cd : efgh : 0 x19
        const uint64_t exp = (b6 ? 0x7cu : 0x80u) | e;
        v = sign << 31 | exp << 23 | frac << 19;
    } else {  // sign : NOT(b) : b x8 : cd : efgh : 0 x48
        const uint64_t exp = (b6 ? 0x3fcu : 0x400u) | e;
        v = sign << 63 | exp << 52 | frac << 48;
    }
    c.set_v64(rd(w), c.imm(int64_t(v)));
    return true;
}

// Conversions between FP and integer: FCVT[NPMZA][SU], [SU]CVTF, FMOV to and from general.
bool trans_fp_int(Ctx& c, uint32_t w) {
    const bool is64 = sf(w);
    const unsigned ftype = bits(w, 23, 22), fmt = fmt_of(ftype), rmode = bits(w, 20, 19), opcode = bits(w, 18, 16);
    const unsigned d = rd(w), n = rn(w), isz = is64 ? 3 : 2;
    if (opcode >= 6) {  // FMOV
        const bool to_gp = opcode == 6;
        if (rmode == 0 && ((ftype == 0 && !is64) || (ftype == 1 && is64))) {
            if (!c.fp_access()) return true;
            if (to_gp) c.set_x(d, vreg(c, n, fmt));
            else c.set_v64(d, is64 ? c.x(n) : c.w32(c.x(n)));
            return true;
        }
        if (rmode == 1 && ftype == 2 && is64) {  // the top half: Vn.D[1]
            if (!c.fp_access()) return true;
            if (to_gp) c.set_x(d, c.vhi(n));
            else c.b.st_env(c.x(n), c.voff(d, 1));  // the low half is kept
            return true;
        }
        return false;
    }
    if (fmt < 2) return false;
    if (opcode < 2 || opcode >= 4) {  // FCVT*: rmode N P M Z for opcodes 0-1, A for 4-5
        if (opcode >= 4 && rmode) return false;
        constexpr unsigned rms[4] = {softfloat::RNE, softfloat::RUP, softfloat::RDN, softfloat::RTZ};
        const unsigned rm = opcode >= 4 ? unsigned(softfloat::RMM) : rms[rmode];
        if (!c.fp_access()) return true;
        c.set_x(d, fpcall(c, fp::desc(Op::TOINT, fmt, isz, rm, opcode & 1), vreg(c, n, fmt)));
        return true;
    }
    if (rmode) return false;  // SCVTF, UCVTF
    if (!c.fp_access()) return true;
    c.set_v64(d, fpcall(c, fp::desc(Op::FROMINT, fmt, isz, fp::RM_FPCR, opcode & 1), c.x(n)));
    return true;
}

// Conversions between FP and fixed point: FCVTZ[SU] and [SU]CVTF with #fbits = 64 - scale.
bool trans_fp_fixed(Ctx& c, uint32_t w) {
    const bool is64 = sf(w);
    const unsigned fmt = fmt_of(bits(w, 23, 22)), rmode = bits(w, 20, 19), opcode = bits(w, 18, 16);
    const unsigned scale = bits(w, 15, 10), fbits = 64 - scale, isz = is64 ? 3 : 2;
    if (fmt < 2 || (!is64 && scale < 32)) return false;
    if (rmode == 3 && opcode < 2) {
        if (!c.fp_access()) return true;
        c.set_x(rd(w), fpcall(c, fp::desc(Op::TOINT, fmt, isz, softfloat::RTZ, opcode & 1, fbits), vreg(c, rn(w), fmt)));
        return true;
    }
    if (rmode == 0 && (opcode == 2 || opcode == 3)) {
        if (!c.fp_access()) return true;
        c.set_v64(rd(w), fpcall(c, fp::desc(Op::FROMINT, fmt, isz, fp::RM_FPCR, opcode & 1, fbits), c.x(rn(w))));
        return true;
    }
    return false;
}

constexpr Pattern kTable[] = {
    pattern("fp_dp1", "000 11110 tt 1 oooooo 10000 nnnnn ddddd", trans_fp_dp1),
    pattern("fp_cmp", "000 11110 tt 1 mmmmm 00 1000 nnnnn ez000", trans_fp_cmp),
    pattern("fp_imm", "000 11110 tt 1 iiiiiiii 100 00000 ddddd", trans_fp_imm),
    pattern("fp_ccmp", "000 11110 tt 1 mmmmm cccc 01 nnnnn effff", trans_fp_ccmp),
    pattern("fp_dp2", "000 11110 tt 1 mmmmm oooo 10 nnnnn ddddd", trans_fp_dp2),
    pattern("fp_csel", "000 11110 tt 1 mmmmm cccc 11 nnnnn ddddd", trans_fp_csel),
    pattern("fp_dp3", "000 11111 tt o mmmmm p aaaaa nnnnn ddddd", trans_fp_dp3),
    pattern("fp_fixed", "s00 11110 tt 0 rr ooo ssssss nnnnn ddddd", trans_fp_fixed),
    pattern("fp_int", "s00 11110 tt 1 rr ooo 000000 nnnnn ddddd", trans_fp_int),
};
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kFpPatterns{kTable};

}  // namespace tessera::aarch64
