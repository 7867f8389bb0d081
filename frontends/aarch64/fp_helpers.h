// The A64 FP helpers: C names (the same in the native code and in the embedded bitcode of
// fp_helpers.cpp), and the ir::Helper objects translated code calls (fp_native.cpp).
#pragma once
#include <cstdint>

#include "ir/ir.h"

extern "C" {
// Scalar operations: desc is fp::desc(...), a, b, c the operands (S in the low 32 bits).
// Arithmetic with the host FPU as fast path (add, sub, mul, div, sqrt, the fused forms).
uint64_t tessera_a64_fp_arith(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c);
// Everything else: the soft-float operation inline under FPCR's usual settings.
uint64_t tessera_a64_fp_misc(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c);
// The generic path (fp_native.cpp, native only): any operation under any FPCR; ORs the
// flags into FPSR.
uint64_t tessera_a64_fp_slow(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c);
}

namespace tessera::aarch64 {
extern const ir::Helper h_fp_arith, h_fp_misc, h_fp_slow, h_vfp;
}  // namespace tessera::aarch64

// The AdvSIMD FP helper (fp_native.cpp): h_vfp(desc, layout) applies the element operation
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
