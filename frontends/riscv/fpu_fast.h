// Host-FPU fast path for RISC-V F/D arithmetic: the IR's fastfp operation (ir/fastfp.h) in
// RISC-V's formats (binary32 NaN-boxed). When the rounding mode is RNE (the host's) and NX is
// already set in fflags (so whether this operation is inexact does not matter), an accepted
// result is exactly the RISC-V result and no flag other than NX can arise; everything else
// goes to the soft-float path in fpu.cpp. Used by the helpers (fpu_helpers.cpp) and, as the
// fastfp op, by translated code (trans_fp.cpp).
#pragma once
#include <cstdint>
#include <iterator>

#include "frontends/riscv/fpu.h"
#include "ir/fastfp.h"

namespace tessera::riscv::fp {

// The fastfp operation and format of an F/D arithmetic instruction; false for the others.
constexpr bool fast_form(FpOp op, ir::FastFpKind* kind, uint8_t* format) {
    constexpr ir::FastFpKind kKinds[] = {ir::FF_ADD, ir::FF_SUB, ir::FF_MUL, ir::FF_DIV, ir::FF_SQRT,
                                         ir::FF_MADD, ir::FF_MSUB, ir::FF_NMSUB, ir::FF_NMADD};
    constexpr FpOp kSingle[] = {FpOp::FADD_S, FpOp::FSUB_S, FpOp::FMUL_S, FpOp::FDIV_S, FpOp::FSQRT_S,
                                FpOp::FMADD_S, FpOp::FMSUB_S, FpOp::FNMSUB_S, FpOp::FNMADD_S};
    constexpr FpOp kDouble[] = {FpOp::FADD_D, FpOp::FSUB_D, FpOp::FMUL_D, FpOp::FDIV_D, FpOp::FSQRT_D,
                                FpOp::FMADD_D, FpOp::FMSUB_D, FpOp::FNMSUB_D, FpOp::FNMADD_D};
    for (unsigned k = 0; k < std::size(kKinds); k++)
        if (op == kSingle[k] || op == kDouble[k]) {
            *kind = kKinds[k];
            *format = op == kSingle[k] ? uint8_t(ir::FF_F32 | ir::FF_BOXED) : uint8_t(ir::FF_F64);
            return true;
        }
    return false;
}

// Returns true with *out set when the fast path applies (rm must be RNE, NX already set).
// Always inlined: with a constant op (fpu_helpers.cpp) the mapping folds away.
[[gnu::always_inline]] inline bool fp_fast(FpOp op, uint64_t a, uint64_t b, uint64_t c, uint64_t* out) {
    ir::FastFpKind kind{};
    uint8_t format = 0;
    if (!fast_form(op, &kind, &format)) return false;
    *out = ir::fastfp(kind, format, a, b, c);
    return *out != ir::FASTFP_REFUSED;
}

}  // namespace tessera::riscv::fp
