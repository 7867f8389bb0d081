// AdvSIMD floating point, vector and scalar forms: three same, two-register miscellaneous,
// across lanes, scalar pairwise, by element, and the fixed-point conversions of shift by
// immediate. Scalar forms call the scalar helpers (fp_helpers.cpp) on register values; vector
// forms call h_vfp, which works on env->v with register numbers from a layout word. Only the
// FP opcodes are decoded here: the integer ones of the same groups are trans_simd.cpp's.
#include "frontends/aarch64/fp_helpers.h"
#include "frontends/aarch64/fp_ops.h"
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

using fp::Op;
namespace sf = softfloat;
constexpr unsigned FPCR_RM = fp::RM_FPCR;

Temp vreg(Ctx& c, unsigned r, unsigned fmt) {
    Temp v = c.vlo(r);
    return fmt == 3 ? v : c.b.zext(Type::I64, v, fmt == 2 ? 32 : 16);
}
Temp fpcall(Ctx& c, uint64_t desc, Temp a, Temp b = {}, Temp cc = {}) {
    if (!b.valid()) b = c.imm(0);
    if (!cc.valid()) cc = c.imm(0);
    return c.b.call(fp_helper_for(desc), c.imm(int64_t(desc)), a, b, cc);
}
void vcall(Ctx& c, uint64_t desc, uint64_t layout) { c.b.call(&h_vfp, c.imm(int64_t(desc)), c.imm(int64_t(layout))); }

// An element operation as this group names it: the op, its rounding, signedness, shape.
struct ElemOp {
    Op op;
    unsigned rm = FPCR_RM;
    bool is_unsigned = false;
    vfp::Shape shape = vfp::SAME;
    bool ok = true;
};
constexpr ElemOp kBad{Op::COUNT, FPCR_RM, false, vfp::SAME, false};

// Three same, opcodes 11000-11111: (U, a, opcode & 7).
ElemOp three_same_op(unsigned u, unsigned a, unsigned o) {
    static constexpr Op none = Op::COUNT;
    static constexpr Op ops[2][2][8] = {
        {{Op::MAXNM, Op::MADD, Op::ADD, Op::MULX, Op::CMEQ, none, Op::MAX, Op::RECPS},
         {Op::MINNM, Op::MSUB, Op::SUB, none, none, none, Op::MIN, Op::RSQRTS}},
        {{Op::MAXNM, none, Op::ADD, Op::MUL, Op::CMGE, Op::ACGE, Op::MAX, Op::DIV},
         {Op::MINNM, none, Op::ABD, none, Op::CMGT, Op::ACGT, Op::MIN, none}},
    };
    const Op op = ops[u][a][o];
    if (op == none) return kBad;
    const bool pairwise = u && (o == 0 || o == 6 || (o == 2 && !a));  // FMAXNMP FMINNMP FMAXP FMINP FADDP
    return {op, FPCR_RM, false, pairwise ? vfp::PAIR : vfp::SAME};
}

bool trans_simd_fp_3same(Ctx& c, uint32_t w) {
    const bool q = bits(w, 30, 30), sz = bits(w, 22, 22);
    const ElemOp e = three_same_op(bits(w, 29, 29), bits(w, 23, 23), bits(w, 13, 11));
    if (!e.ok || (sz && !q)) return false;
    if (!c.fp_access()) return true;
    const unsigned esz = 2 + sz;
    vcall(c, fp::desc(e.op, esz), vfp::layout(e.shape, rd(w), rn(w), rm(w), q, false, esz));
    return true;
}

bool trans_simd_fp_3same_scalar(Ctx& c, uint32_t w) {
    const unsigned u = bits(w, 29, 29), a = bits(w, 23, 23), o = bits(w, 13, 11), fmt = 2 + bits(w, 22, 22);
    // Scalar: FMULX FCMEQ FRECPS FRSQRTS FCMGE FACGE FABD FCMGT FACGT.
    const ElemOp e = three_same_op(u, a, o);
    const bool scalar_ok = e.ok && e.shape == vfp::SAME && e.op != Op::MAXNM && e.op != Op::MINNM && e.op != Op::MADD &&
                           e.op != Op::MSUB && e.op != Op::ADD && e.op != Op::SUB && e.op != Op::MAX && e.op != Op::MIN &&
                           e.op != Op::MUL && e.op != Op::DIV;
    if (!scalar_ok) return false;
    if (!c.fp_access()) return true;
    c.set_v64(rd(w), fpcall(c, fp::desc(e.op, fmt), vreg(c, rn(w), fmt), vreg(c, rm(w), fmt)));
    return true;
}

// Two-register miscellaneous, opcodes 01100-01111, 10110-10111, 11000-11111.
ElemOp misc_op(unsigned u, unsigned a, unsigned o) {
    switch (o) {
    case 0x0c: return a ? ElemOp{u ? Op::CMGE : Op::CMGT, FPCR_RM, false, vfp::ZERO} : kBad;
    case 0x0d: return a ? ElemOp{u ? Op::CMGE : Op::CMEQ, FPCR_RM, false, u ? vfp::ZERO_SWAP : vfp::ZERO} : kBad;
    case 0x0e: return a && !u ? ElemOp{Op::CMGT, FPCR_RM, false, vfp::ZERO_SWAP} : kBad;
    case 0x18:
        if (!u) return {Op::RINT, unsigned(a ? sf::RUP : sf::RNE), false, vfp::UNARY};
        return a ? kBad : ElemOp{Op::RINT, sf::RMM, false, vfp::UNARY};
    case 0x19:
        if (!u) return {Op::RINT, unsigned(a ? sf::RTZ : sf::RDN), false, vfp::UNARY};
        return {a ? Op::RINT : Op::RINTX, FPCR_RM, false, vfp::UNARY};
    case 0x1a: return {Op::TOINT, unsigned(a ? sf::RUP : sf::RNE), bool(u), vfp::UNARY};
    case 0x1b: return {Op::TOINT, unsigned(a ? sf::RTZ : sf::RDN), bool(u), vfp::UNARY};
    case 0x1c:
        if (!a) return {Op::TOINT, sf::RMM, bool(u), vfp::UNARY};
        return {u ? Op::URSQRTE : Op::URECPE, FPCR_RM, false, vfp::UNARY};
    case 0x1d:
        if (!a) return {Op::FROMINT, FPCR_RM, bool(u), vfp::UNARY};
        return {u ? Op::RSQRTE : Op::RECPE, FPCR_RM, false, vfp::UNARY};
    case 0x1f:
        if (a && u) return {Op::SQRT, FPCR_RM, false, vfp::UNARY};
        if (a && !u) return {Op::RECPX, FPCR_RM, false, vfp::UNARY};  // scalar only
        return kBad;
    default: return kBad;
    }
}

bool trans_simd_fp_misc(Ctx& c, uint32_t w) {
    const bool q = bits(w, 30, 30), u = bits(w, 29, 29), a = bits(w, 23, 23), sz = bits(w, 22, 22);
    const unsigned o = bits(w, 16, 12), d = rd(w), n = rn(w);
    if (o == 0x16 || o == 0x17) {  // FCVTN(2), FCVTXN(2), FCVTL(2): Q picks the half
        if (a || (u && (o == 0x17 || !sz))) return false;
        if (!c.fp_access()) return true;
        if (o == 0x16) {
            const uint64_t desc = fp::desc(Op::CVT, 2 + sz, 1 + sz, u ? unsigned(sf::ROD) : FPCR_RM);
            vcall(c, desc, vfp::layout(vfp::NARROW, d, n, 0, q, false, 2 + sz));
        } else {
            vcall(c, fp::desc(Op::CVT, 1 + sz, 2 + sz), vfp::layout(vfp::WIDEN, d, n, 0, q, false, 1 + sz));
        }
        return true;
    }
    if (o == 0x0f) {  // FABS, FNEG: sign bits
        if (!a || (sz && !q)) return false;
        if (!c.fp_access()) return true;
        const uint64_t sign = sz ? (1ull << 63) : 0x8000000080000000ull;
        auto f = [&](Temp v) { return u ? c.b.xor_(v, c.imm(int64_t(sign))) : c.b.and_(v, c.imm(int64_t(~sign))); };
        Temp lo = f(c.vlo(n));
        Temp hi = q ? f(c.vhi(n)) : c.imm(0);
        c.set_v(d, lo, hi);
        return true;
    }
    const ElemOp e = misc_op(u, a, o);
    if (!e.ok || e.op == Op::RECPX || (sz && !q)) return false;
    if ((e.op == Op::URECPE || e.op == Op::URSQRTE) && sz) return false;
    if (!c.fp_access()) return true;
    const unsigned esz = 2 + sz;
    vcall(c, fp::desc(e.op, esz, esz, e.rm, e.is_unsigned), vfp::layout(e.shape, d, n, 0, q, false, esz));
    return true;
}

bool trans_simd_fp_misc_scalar(Ctx& c, uint32_t w) {
    const bool u = bits(w, 29, 29), a = bits(w, 23, 23), sz = bits(w, 22, 22);
    const unsigned o = bits(w, 16, 12), d = rd(w), n = rn(w), fmt = 2 + sz;
    if (o == 0x16) {  // FCVTXN Sd, Dn
        if (!u || a || !sz) return false;
        if (!c.fp_access()) return true;
        c.set_v64(d, fpcall(c, fp::desc(Op::CVT, 3, 2, sf::ROD), vreg(c, n, 3)));
        return true;
    }
    const ElemOp e = misc_op(u, a, o);
    const bool scalar_ok = e.ok && e.op != Op::RINT && e.op != Op::RINTX && e.op != Op::SQRT && e.op != Op::URECPE &&
                           e.op != Op::URSQRTE;
    if (!scalar_ok) return false;
    if (!c.fp_access()) return true;
    Temp v = vreg(c, n, fmt), r;
    const uint64_t desc = fp::desc(e.op, fmt, fmt, e.rm, e.is_unsigned);
    if (e.shape == vfp::ZERO_SWAP) r = fpcall(c, desc, c.imm(0), v);
    else r = fpcall(c, desc, v, c.imm(0));
    c.set_v64(d, r);
    return true;
}

// Across lanes: FMAXNMV FMINNMV FMAXV FMINV (4S only).
bool trans_simd_fp_across(Ctx& c, uint32_t w) {
    const bool q = bits(w, 30, 30), a = bits(w, 23, 23), sz = bits(w, 22, 22);
    const unsigned o = bits(w, 16, 12);
    if (!q || sz || (o != 0x0c && o != 0x0f)) return false;
    if (!c.fp_access()) return true;
    const Op op = o == 0x0c ? (a ? Op::MINNM : Op::MAXNM) : (a ? Op::MIN : Op::MAX);
    vcall(c, fp::desc(op, 2), vfp::layout(vfp::REDUCE, rd(w), rn(w), 0, true, true, 2));
    return true;
}

// Scalar pairwise: FMAXNMP FADDP FMAXP FMINNMP FMINP of the two lanes of Vn.2S or Vn.2D.
bool trans_simd_fp_pair_scalar(Ctx& c, uint32_t w) {
    const bool a = bits(w, 23, 23), sz = bits(w, 22, 22);
    const unsigned o = bits(w, 16, 12), fmt = 2 + sz;
    Op op;
    switch (o) {
    case 0x0c: op = a ? Op::MINNM : Op::MAXNM; break;
    case 0x0d: if (a) return false; op = Op::ADD; break;
    case 0x0f: op = a ? Op::MIN : Op::MAX; break;
    default: return false;
    }
    if (!c.fp_access()) return true;
    Temp lo = c.vlo(rn(w)), x, y;
    if (sz) {
        x = lo;
        y = c.vhi(rn(w));
    } else {
        x = c.b.zext(Type::I64, lo, 32);
        y = c.b.shr(lo, c.imm(32));
    }
    c.set_v64(rd(w), fpcall(c, fp::desc(op, fmt), x, y));
    return true;
}

// By element: FMLA FMLS FMUL FMULX (opcodes 0001, 0101, 1001), vector and scalar.
bool by_element(Ctx& c, uint32_t w, bool scalar) {
    const bool q = bits(w, 30, 30), u = bits(w, 29, 29), sz = bits(w, 22, 22), l = bits(w, 21, 21);
    const unsigned o = bits(w, 15, 12), h = bits(w, 11, 11), m = bits(w, 20, 16);
    if (!bits(w, 23, 23)) return false;  // size 0x: half precision (FEAT_FP16)
    if (sz && (l || (!q && !scalar))) return false;
    Op op;
    if (o == 1 || o == 5) {
        if (u) return false;
        op = o == 1 ? Op::MADD : Op::MSUB;
    } else {
        op = u ? Op::MULX : Op::MUL;
    }
    if (!c.fp_access()) return true;
    const unsigned esz = 2 + sz, index = sz ? h : (h << 1 | l);
    vcall(c, fp::desc(op, esz), vfp::layout(vfp::ELEM, rd(w), rn(w), m, q, scalar, esz, index));
    return true;
}
bool trans_simd_fp_elem(Ctx& c, uint32_t w) { return by_element(c, w, false); }
bool trans_simd_fp_elem_scalar(Ctx& c, uint32_t w) { return by_element(c, w, true); }

// Shift by immediate: SCVTF UCVTF (opcode 11100), FCVTZS FCVTZU (11111) with #fbits.
bool fixed(Ctx& c, uint32_t w, bool scalar) {
    const bool q = bits(w, 30, 30), u = bits(w, 29, 29);
    const unsigned immh = bits(w, 22, 19), immhb = bits(w, 22, 16), o = bits(w, 15, 11);
    const bool dbl = immh & 8;
    if (dbl && !q && !scalar) return false;
    const unsigned esz = dbl ? 3 : 2, fbits = (dbl ? 128 : 64) - immhb;
    const bool to_int = o == 0x1f;
    if (!c.fp_access()) return true;
    const uint64_t desc = to_int ? fp::desc(Op::TOINT, esz, esz, sf::RTZ, u, fbits)
                                 : fp::desc(Op::FROMINT, esz, esz, FPCR_RM, u, fbits);
    if (scalar) c.set_v64(rd(w), fpcall(c, desc, vreg(c, rn(w), esz)));
    else vcall(c, desc, vfp::layout(vfp::UNARY, rd(w), rn(w), 0, q, false, esz));
    return true;
}
bool trans_simd_fp_fixed(Ctx& c, uint32_t w) { return fixed(c, w, false); }
bool trans_simd_fp_fixed_scalar(Ctx& c, uint32_t w) { return fixed(c, w, true); }

constexpr Pattern kTable[] = {
    pattern("simd_fp_3same", "0 q u 01110 a z 1 mmmmm 11 ooo 1 nnnnn ddddd", trans_simd_fp_3same),
    pattern("simd_fp_3same_s", "01 u 11110 a z 1 mmmmm 11 ooo 1 nnnnn ddddd", trans_simd_fp_3same_scalar),
    pattern("simd_fp_misc_a", "0 q u 01110 a z 10000 011oo 10 nnnnn ddddd", trans_simd_fp_misc),
    pattern("simd_fp_misc_b", "0 q u 01110 a z 10000 1011o 10 nnnnn ddddd", trans_simd_fp_misc),
    pattern("simd_fp_misc_c", "0 q u 01110 a z 10000 11ooo 10 nnnnn ddddd", trans_simd_fp_misc),
    pattern("simd_fp_misc_sa", "01 u 11110 a z 10000 011oo 10 nnnnn ddddd", trans_simd_fp_misc_scalar),
    pattern("simd_fp_misc_sb", "01 u 11110 a z 10000 1011o 10 nnnnn ddddd", trans_simd_fp_misc_scalar),
    pattern("simd_fp_misc_sc", "01 u 11110 a z 10000 11ooo 10 nnnnn ddddd", trans_simd_fp_misc_scalar),
    pattern("simd_fp_across", "0 q 1 01110 a z 11000 011oo 10 nnnnn ddddd", trans_simd_fp_across),
    pattern("simd_fp_pair_s", "01 1 11110 a z 11000 011oo 10 nnnnn ddddd", trans_simd_fp_pair_scalar),
    pattern("simd_fp_elem_a", "0 q u 01111 s z l M mmmm 0001 h 0 nnnnn ddddd", trans_simd_fp_elem),
    pattern("simd_fp_elem_b", "0 q u 01111 s z l M mmmm 0101 h 0 nnnnn ddddd", trans_simd_fp_elem),
    pattern("simd_fp_elem_c", "0 q u 01111 s z l M mmmm 1001 h 0 nnnnn ddddd", trans_simd_fp_elem),
    pattern("simd_fp_elem_sa", "01 u 11111 s z l M mmmm 0001 h 0 nnnnn ddddd", trans_simd_fp_elem_scalar),
    pattern("simd_fp_elem_sb", "01 u 11111 s z l M mmmm 0101 h 0 nnnnn ddddd", trans_simd_fp_elem_scalar),
    pattern("simd_fp_elem_sc", "01 u 11111 s z l M mmmm 1001 h 0 nnnnn ddddd", trans_simd_fp_elem_scalar),
    pattern("simd_fp_fixed_cvtf_s32", "0 q u 011110 01hh bbb 11100 1 nnnnn ddddd", trans_simd_fp_fixed),
    pattern("simd_fp_fixed_cvtz_s32", "0 q u 011110 01hh bbb 11111 1 nnnnn ddddd", trans_simd_fp_fixed),
    pattern("simd_fp_fixed_cvtf_d", "0 q u 011110 1hhh bbb 11100 1 nnnnn ddddd", trans_simd_fp_fixed),
    pattern("simd_fp_fixed_cvtz_d", "0 q u 011110 1hhh bbb 11111 1 nnnnn ddddd", trans_simd_fp_fixed),
    pattern("simd_fp_fixed_scvtf_s32", "01 u 111110 01hh bbb 11100 1 nnnnn ddddd", trans_simd_fp_fixed_scalar),
    pattern("simd_fp_fixed_scvtz_s32", "01 u 111110 01hh bbb 11111 1 nnnnn ddddd", trans_simd_fp_fixed_scalar),
    pattern("simd_fp_fixed_scvtf_d", "01 u 111110 1hhh bbb 11100 1 nnnnn ddddd", trans_simd_fp_fixed_scalar),
    pattern("simd_fp_fixed_scvtz_d", "01 u 111110 1hhh bbb 11111 1 nnnnn ddddd", trans_simd_fp_fixed_scalar),
};
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kSimdFpPatterns{kTable};

}  // namespace tessera::aarch64
