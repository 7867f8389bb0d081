// Host-FPU fast path for the common case of RISC-V F/D arithmetic.
// When the rounding mode is RNE (the host's), the inexact flag is already set in fflags
// (so whether this operation is inexact does not matter) and the result is a normal number
// (or an exact zero), the host computes exactly the RISC-V result and no flag other than NX
// can arise. Everything else goes to the soft-float path in fpu.cpp.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

#include "frontends/riscv/fpu.h"

namespace tessera::riscv::fp {

namespace fast {
constexpr uint64_t kBox = 0xffffffff00000000ull;
// Computed with few branches (& rather than &&, tests on the bits rather than
// std::fpclassify's chain): inlined into translated code, each op is then smaller and less
// for LLVM to compile. The host operation runs whatever the operands; its host flags are
// never read.
template <typename T>
struct Bits;
template <>
struct Bits<double> {
    using U = uint64_t;
    static constexpr U kAbs = 0x7fffffffffffffffull, kInf = 0x7ff0000000000000ull, kMinNormal = 0x0010000000000000ull;
};
template <>
struct Bits<float> {
    using U = uint32_t;
    static constexpr U kAbs = 0x7fffffffu, kInf = 0x7f800000u, kMinNormal = 0x00800000u;
};
template <typename T>
inline bool normal(T r) {  // |r| in [min normal, inf): unsigned wrap-around makes it one compare
    using B = Bits<T>;
    return typename B::U((std::bit_cast<typename B::U>(r) & B::kAbs) - B::kMinNormal) < typename B::U(B::kInf - B::kMinNormal);
}
template <typename T>
inline bool is_zero(T r) {
    using B = Bits<T>;
    return (std::bit_cast<typename B::U>(r) & B::kAbs) == 0;
}

// k: 0 add, 1 sub, 2 mul, 3 div, 4 sqrt, 5-8 fmadd, fmsub, fnmsub, fnmadd. True when r is
// RISC-V's result and no flag but NX arises: a normal result, or a zero that is exact
// (exact cancellation, or a zero operand where that makes it exact). The operands need no
// test of their own: a NaN operand gives a NaN, an infinite one an infinity, a NaN or (x/inf)
// a zero that is only accepted when x is 0, and 0/inf = 0 exactly. Division by zero and the
// square root of a negative give inf or NaN: not normal, refused.
template <typename T>
inline bool arith(unsigned k, T x, T y, T z, T* r) {
    bool ok_zero = false;
    switch (k) {
    case 0: *r = x + y; ok_zero = true; break;
    case 1: *r = x - y; ok_zero = true; break;
    case 2: *r = x * y; ok_zero = is_zero(x) | is_zero(y); break;
    case 3: *r = x / y; ok_zero = is_zero(x); break;
    case 4: *r = std::sqrt(x); ok_zero = is_zero(x); break;
    case 5: *r = std::fma(x, y, z); break;
    case 6: *r = std::fma(x, y, -z); break;
    case 7: *r = std::fma(-x, y, z); break;
    case 8: *r = std::fma(-x, y, -z); break;
    default: return false;
    }
    return normal(*r) | (ok_zero & is_zero(*r));
}
}  // namespace fast

// Returns true with *out set when the fast path applies (rm must be RNE, NX already set).
// Always inlined: with a constant op (fpu_helpers.cpp) the dispatch folds away.
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
    const bool three = k >= 5, one = k == 4;
    if (dbl) {
        double x = std::bit_cast<double>(a), y = std::bit_cast<double>(b), z = std::bit_cast<double>(c), r;
        bool ok = fast::arith<double>(k, x, y, z, &r);
        *out = std::bit_cast<uint64_t>(r);
        return ok;
    }
    // Single precision: operands must be properly NaN-boxed.
    bool ok = ((a & fast::kBox) == fast::kBox) & (one | ((b & fast::kBox) == fast::kBox)) &
              (!three | ((c & fast::kBox) == fast::kBox));
    float x = std::bit_cast<float>(uint32_t(a)), y = std::bit_cast<float>(uint32_t(b)), z = std::bit_cast<float>(uint32_t(c)), r;
    ok &= fast::arith<float>(k, x, y, z, &r);
    *out = fast::kBox | std::bit_cast<uint32_t>(r);
    return ok;
}

}  // namespace tessera::riscv::fp
