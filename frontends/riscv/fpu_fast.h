// Host-FPU fast path for the common case of RISC-V F/D arithmetic.
// When the rounding mode is RNE (the host's), the inexact flag is already set in fflags
// (so whether this operation is inexact does not matter), the operands are finite and the
// result is a normal number, the host computes exactly the RISC-V result and no flag other
// than NX can arise. Everything else goes to the soft-float path in fpu.cpp.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

#include "frontends/riscv/fpu.h"

namespace tessera::riscv::fp {

namespace fast {
constexpr uint64_t kBox = 0xffffffff00000000ull;
inline bool finite(double v) { return std::isfinite(v); }
inline bool finite(float v) { return std::isfinite(v); }
template <typename T>
inline bool ok_result(T r) {
    return std::fpclassify(r) == FP_NORMAL;
}
// A zero result is exact (no underflow) when it comes from exact cancellation or a zero operand.
template <typename T>
inline bool exact_zero(T r, bool zero_input_or_add) {
    return r == T(0) && zero_input_or_add;
}

template <typename T>
bool arith(FpOp base, unsigned k, T x, T y, T z, T* r) {
    (void)base;
    switch (k) {
    case 0: *r = x + y; return ok_result(*r) || exact_zero(*r, true);
    case 1: *r = x - y; return ok_result(*r) || exact_zero(*r, true);
    case 2: *r = x * y; return ok_result(*r) || exact_zero(*r, x == T(0) || y == T(0));
    case 3:
        if (y == T(0)) return false;
        *r = x / y;
        return ok_result(*r) || exact_zero(*r, x == T(0));
    case 4:
        if (x < T(0)) return false;
        *r = std::sqrt(x);
        return ok_result(*r) || exact_zero(*r, x == T(0));
    case 5: *r = std::fma(x, y, z); return ok_result(*r);
    case 6: *r = std::fma(x, y, -z); return ok_result(*r);
    case 7: *r = std::fma(-x, y, z); return ok_result(*r);
    case 8: *r = std::fma(-x, y, -z); return ok_result(*r);
    }
    return false;
}
}  // namespace fast

// Returns true with *out set when the fast path applies (rm must be RNE, NX already set).
// Always inlined: with a constant op (fp_arith<OP>) the dispatch folds away.
[[gnu::always_inline]] inline bool fp_fast(FpOp op, uint64_t a, uint64_t b, uint64_t c, uint64_t* out) {
    unsigned k;
    bool dbl;
    switch (op) {
    case FpOp::FADD_S: k = 0; dbl = false; break;
    case FpOp::FSUB_S: k = 1; dbl = false; break;
    case FpOp::FMUL_S: k = 2; dbl = false; break;
    case FpOp::FDIV_S: k = 3; dbl = false; break;
    case FpOp::FSQRT_S: k = 4; dbl = false; break;
    case FpOp::FMADD_S: k = 5; dbl = false; break;
    case FpOp::FMSUB_S: k = 6; dbl = false; break;
    case FpOp::FNMSUB_S: k = 7; dbl = false; break;
    case FpOp::FNMADD_S: k = 8; dbl = false; break;
    case FpOp::FADD_D: k = 0; dbl = true; break;
    case FpOp::FSUB_D: k = 1; dbl = true; break;
    case FpOp::FMUL_D: k = 2; dbl = true; break;
    case FpOp::FDIV_D: k = 3; dbl = true; break;
    case FpOp::FSQRT_D: k = 4; dbl = true; break;
    case FpOp::FMADD_D: k = 5; dbl = true; break;
    case FpOp::FMSUB_D: k = 6; dbl = true; break;
    case FpOp::FNMSUB_D: k = 7; dbl = true; break;
    case FpOp::FNMADD_D: k = 8; dbl = true; break;
    default: return false;
    }
    bool three = k >= 5, one = k == 4;
    if (dbl) {
        double x = std::bit_cast<double>(a), y = std::bit_cast<double>(b), z = std::bit_cast<double>(c), r;
        if (!fast::finite(x) || (!one && !fast::finite(y)) || (three && !fast::finite(z))) return false;
        if (!fast::arith<double>(op, k, x, y, z, &r)) return false;
        *out = std::bit_cast<uint64_t>(r);
        return true;
    }
    // Single precision: operands must be properly NaN-boxed.
    if ((a & fast::kBox) != fast::kBox || (!one && (b & fast::kBox) != fast::kBox) || (three && (c & fast::kBox) != fast::kBox))
        return false;
    float x = std::bit_cast<float>(uint32_t(a)), y = std::bit_cast<float>(uint32_t(b)), z = std::bit_cast<float>(uint32_t(c)), r;
    if (!fast::finite(x) || (!one && !fast::finite(y)) || (three && !fast::finite(z))) return false;
    if (!fast::arith<float>(op, k, x, y, z, &r)) return false;
    *out = fast::kBox | std::bit_cast<uint32_t>(r);
    return true;
}

}  // namespace tessera::riscv::fp
