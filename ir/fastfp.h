// The fastfp op (ops.def) as C++: the host FPU's IEEE result when that is what an ISA's
// soft-float would give with round-to-nearest-even and no flag but inexact, else
// FASTFP_REFUSED. (Exactly so where tininess is detected after rounding, RISC-V and x86;
// ARM detects it before, so a result of exactly the smallest normal may owe UFC there, and
// the AArch64 frontend refuses that magnitude itself.) The interpreter runs it; RISC-V's F/D helpers (native and bitcode) use it
// for their own fast path; the baseline and LLVM implement the same rule and the op-table
// differential test holds all of them to it.
//
// Accepted: a normal result, or a zero that is exact (exact cancellation in add/sub, a zero
// operand of mul, a zero dividend, the root of a zero). Nothing else needs testing: a NaN
// operand gives a NaN, an infinite one an infinity, division by zero an infinity and the
// root of a negative a NaN, all refused; a zero from x/inf is refused unless x is 0 (then
// exact). The host's own flags are never read. Branch-free tests (& rather than &&): this is
// inlined into translated code, where each op is then smaller for LLVM to compile.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

#include "ir/ir.h"

namespace tessera::ir {

namespace fastfp_detail {
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
template <typename T>
inline bool compute(unsigned kind, T x, T y, T z, T* r) {
    bool ok_zero = false;
    switch (kind) {
    case FF_ADD: *r = x + y; ok_zero = true; break;
    case FF_SUB: *r = x - y; ok_zero = true; break;
    case FF_MUL: *r = x * y; ok_zero = (unsigned(is_zero(x)) | unsigned(is_zero(y))) != 0; break;
    case FF_DIV: *r = x / y; ok_zero = is_zero(x); break;
    case FF_SQRT: *r = std::sqrt(x); ok_zero = is_zero(x); break;
    case FF_MADD: *r = std::fma(x, y, z); break;
    case FF_MSUB: *r = std::fma(x, y, -z); break;
    case FF_NMSUB: *r = std::fma(-x, y, z); break;
    case FF_NMADD: *r = std::fma(-x, y, -z); break;
    default: return false;
    }
    return (unsigned(normal(*r)) | (unsigned(ok_zero) & unsigned(is_zero(*r)))) != 0;
}
}  // namespace fastfp_detail

// kind: FastFpKind; format: FastFpFormat. Operands the kind does not use are ignored.
[[gnu::always_inline]] inline uint64_t fastfp(unsigned kind, unsigned format, uint64_t a, uint64_t b, uint64_t c) {
    using namespace fastfp_detail;
    if (!(format & FF_F32)) {
        double r;
        bool ok = compute<double>(kind, std::bit_cast<double>(a), std::bit_cast<double>(b), std::bit_cast<double>(c), &r);
        return ok ? std::bit_cast<uint64_t>(r) : FASTFP_REFUSED;
    }
    constexpr uint64_t kBox = 0xffffffff00000000ull;
    bool ok = true;
    if (format & FF_BOXED) {
        unsigned n = fastfp_operands(kind);
        ok = ((a & kBox) == kBox) & ((n < 2) | ((b & kBox) == kBox)) & ((n < 3) | ((c & kBox) == kBox));
    }
    float r;
    ok &= compute<float>(kind, std::bit_cast<float>(uint32_t(a)), std::bit_cast<float>(uint32_t(b)),
                         std::bit_cast<float>(uint32_t(c)), &r);
    uint64_t v = std::bit_cast<uint32_t>(r) | ((format & FF_BOXED) ? kBox : 0);
    return ok ? v : FASTFP_REFUSED;
}

}  // namespace tessera::ir
