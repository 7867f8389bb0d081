// The A64 FP helpers: C names (the same in the native code and in the embedded bitcode of
// fp_helpers.cpp), and the ir::Helper objects translated code calls (fp_native.cpp).
#pragma once
#include <cstdint>

#include "ir/ir.h"

// One helper per operation and format (S, D), so the LLVM tier inlines only that operation's
// code. Arithmetic: the host FPU as fast path. The rest: the soft-float operation inline
// under FPCR's usual settings.
#define TESSERA_A64_FP_ARITH_OPS(X) X(ADD) X(SUB) X(MUL) X(DIV) X(NMUL) X(SQRT) X(MADD) X(MSUB) X(NMADD) X(NMSUB)
#define TESSERA_A64_FP_MISC_OPS(X)                                                                              \
    X(MAX) X(MIN) X(MAXNM) X(MINNM) X(MULX) X(ABD) X(RECPS) X(RSQRTS) X(RINT) X(RINTX) X(RECPE) X(RSQRTE)      \
    X(RECPX) X(CMEQ) X(CMGE) X(CMGT) X(ACGE) X(ACGT) X(CMP) X(CMPE) X(TOINT) X(FROMINT)
// FCVT between formats: from, to (1 H, 2 S, 3 D).
#define TESSERA_A64_FP_CVTS(X) X(1, 2) X(1, 3) X(2, 1) X(2, 3) X(3, 1) X(3, 2)

extern "C" {
// desc is fp::desc(...) (its op and format match the helper's), a, b, c the operands (S in
// the low 32 bits).
#define TESSERA_A64_DECLARE(op)                                                               \
    uint64_t tessera_a64_fp_##op##_s(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c); \
    uint64_t tessera_a64_fp_##op##_d(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c);
#define TESSERA_A64_DECLARE_CVT(from, to) \
    uint64_t tessera_a64_fp_cvt_##from##to(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c);
TESSERA_A64_FP_ARITH_OPS(TESSERA_A64_DECLARE)
TESSERA_A64_FP_MISC_OPS(TESSERA_A64_DECLARE)
TESSERA_A64_FP_CVTS(TESSERA_A64_DECLARE_CVT)
#undef TESSERA_A64_DECLARE
#undef TESSERA_A64_DECLARE_CVT
// The generic path (fp_native.cpp, native only): any operation under any FPCR; ORs the
// flags into FPSR.
uint64_t tessera_a64_fp_slow(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c);
// AdvSIMD FP on env->v: the element operation desc as the layout word says (vfp::layout).
uint64_t tessera_a64_vfp(void* env, uint64_t desc, uint64_t layout, uint64_t, uint64_t);
// Its soft-float path (fp_native.cpp, native only).
uint64_t tessera_a64_vfp_slow(void* env, uint64_t desc, uint64_t layout, uint64_t, uint64_t);
}

namespace tessera::aarch64 {
// The scalar helper for a descriptor (fp_ops.h): its operation's own, or the generic one.
const ir::Helper* fp_helper_for(uint64_t desc);
extern const ir::Helper h_fp_slow, h_vfp;
}  // namespace tessera::aarch64

// The AdvSIMD FP helper (fp_helpers.cpp): h_vfp(desc, layout) applies the element operation
// desc to registers in env->v as the layout word says.
namespace tessera::aarch64::vfp {
enum Shape : unsigned {
    SAME,       // d[e] = op(n[e], m[e]; addend d[e])
    ELEM,       // d[e] = op(n[e], m[index]; addend d[e])
    PAIR,       // d[e] = op(x[2e], x[2e+1]), x = n's lanes then m's
    UNARY,      // d[e] = op(n[e])
    ZERO,       // d[e] = op(n[e], 0)
    ZERO_SWAP,  // d[e] = op(0, n[e])
    REDUCE,     // d[0] = the pairwise tree of op over n's lanes
    NARROW,     // d's lower (Q=0, upper cleared) or upper half (Q=1) = op(n[e]) at half width
    WIDEN,      // d[e] = op(n's lower (Q=0) or upper (Q=1) half at half width)
};
// rd 0-4, rn 5-9, rm 10-14, shape 16-19, Q 20, scalar 21 (one lane, the rest cleared), the
// source element size 22-23 (2: 32 bits, 3: 64), the index 24-27.
constexpr uint64_t layout(Shape shape, unsigned rd, unsigned rn, unsigned rm, bool q, bool scalar, unsigned esz,
                          unsigned index = 0) {
    return uint64_t(rd) | rn << 5 | rm << 10 | unsigned(shape) << 16 | unsigned(q) << 20 | unsigned(scalar) << 21 |
           (esz & 3) << 22 | (index & 15) << 24;
}
}  // namespace tessera::aarch64::vfp
