// RISC-V F/D: sign injection, min/max, compares, classify and conversions
// (unprivileged spec 20191213, sections 11.6-11.9 and 12.3-12.5).
#include <bit>
#include <cstdint>

#include "frontends/riscv/fpu.h"
#include "frontends/riscv/fpu_soft.h"

namespace tessera::riscv::fp {

using namespace soft;

namespace {

// ---- ordering (non-NaN operands only; -0 orders below +0 for min/max) ----------------

template <class F>
bool lt_signed_zero(uint64_t a, uint64_t b) {
    const bool sa = sign_of<F>(a), sb = sign_of<F>(b);
    if (sa != sb) return sa;  // negative < positive, including -0 < +0
    if (!sa) return abs_bits<F>(a) < abs_bits<F>(b);
    return abs_bits<F>(a) > abs_bits<F>(b);
}

template <class F>
bool eq(uint64_t a, uint64_t b) {
    return a == b || (is_zero<F>(a) && is_zero<F>(b));
}

template <class F>
bool lt(uint64_t a, uint64_t b) {
    if (is_zero<F>(a) && is_zero<F>(b)) return false;
    return lt_signed_zero<F>(a, b);
}

// fmin/fmax as in version 2.2 of the F extension (IEEE 754-2019 minimumNumber /
// maximumNumber): a single NaN operand yields the other operand, two NaNs yield the
// canonical NaN, signaling NaN inputs raise NV, and -0.0 < +0.0.
template <class F>
uint64_t minmax(uint64_t a, uint64_t b, bool want_max, uint32_t* flags) {
    if (is_snan<F>(a) || is_snan<F>(b)) *flags |= NV;
    const bool na = is_nan<F>(a), nb = is_nan<F>(b);
    if (na && nb) return F::CNAN;
    if (na) return b;
    if (nb) return a;
    const bool a_lt_b = lt_signed_zero<F>(a, b);
    return want_max ? (a_lt_b ? b : a) : (a_lt_b ? a : b);
}

template <class F>
uint64_t feq(uint64_t a, uint64_t b, uint32_t* flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {  // quiet compare: NV only for signaling NaNs
        if (is_snan<F>(a) || is_snan<F>(b)) *flags |= NV;
        return 0;
    }
    return eq<F>(a, b);
}

template <class F>
uint64_t flt(uint64_t a, uint64_t b, bool or_equal, uint32_t* flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {  // signaling compare: NV for any NaN
        *flags |= NV;
        return 0;
    }
    return lt<F>(a, b) || (or_equal && eq<F>(a, b));
}

template <class F>
uint64_t fclass(uint64_t a) {
    const bool s = sign_of<F>(a);
    if (is_nan<F>(a)) return is_snan<F>(a) ? (1u << 8) : (1u << 9);
    if (is_inf<F>(a)) return s ? (1u << 0) : (1u << 7);
    if (is_zero<F>(a)) return s ? (1u << 3) : (1u << 4);
    const bool subnormal = (abs_bits<F>(a) >> F::M) == 0;
    if (subnormal) return s ? (1u << 2) : (1u << 5);
    return s ? (1u << 1) : (1u << 6);
}

enum SgnjKind { SGNJ, SGNJN, SGNJX };
template <class F>
uint64_t sgnj(uint64_t a, uint64_t b, SgnjKind k) {
    switch (k) {
        case SGNJ: return (a & ~F::SIGN) | (b & F::SIGN);
        case SGNJN: return (a & ~F::SIGN) | (~b & F::SIGN);
        case SGNJX: return a ^ (b & F::SIGN);
    }
    return a;
}

// ---- float -> integer ------------------------------------------------------------------
//
// The value is rounded to an integer under rm first; out-of-range results (and NaN, inf)
// raise NV only (not NX) and saturate per the spec's table 11.4:
//   NaN and too-large positive -> the largest value; too-large negative -> the smallest
//   (0 for unsigned). A negative input that rounds to zero is in range for the unsigned
//   conversions (NX only). 32-bit results are sign-extended to XLEN.
uint64_t sext32(uint64_t v) { return uint64_t(int64_t(int32_t(uint32_t(v)))); }

template <class F>
uint64_t to_int(uint64_t x, bool is_signed, int bits, int rm, uint32_t* flags) {
    const uint64_t max_pos = is_signed ? (uint64_t{1} << (bits - 1)) - 1
                                       : (bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1);
    const uint64_t max_neg_mag = is_signed ? (uint64_t{1} << (bits - 1)) : 0;
    auto finish = [&](uint64_t v) { return bits == 32 ? sext32(v) : v; };
    auto saturate = [&](bool neg) {
        *flags |= NV;
        return finish(neg ? uint64_t(0) - max_neg_mag : max_pos);
    };
    if (is_nan<F>(x)) return saturate(false);
    const bool sign = sign_of<F>(x);
    if (is_inf<F>(x)) return saturate(sign);
    if (is_zero<F>(x)) return 0;
    Unpacked u = unpack<F>(x);
    if (u.exp >= 64) return saturate(sign);
    uint64_t m;
    bool inexact = false;
    if (u.exp >= 62) {
        m = u.sig << (u.exp - 62);
    } else {
        int sh = 62 - u.exp;  // value = sig * 2^-sh
        uint64_t sig = u.sig;
        if (sh > 63) {        // |value| < 1/2: keep only a sticky bit below the half point
            sig = shr_jam(sig, sh - 63);
            sh = 63;
        }
        inexact = (sig & ((uint64_t{1} << sh) - 1)) != 0;
        m = (sig + round_increment(sig, sh, sign, rm)) >> sh;
    }
    if (sign ? m > max_neg_mag : m > max_pos) return saturate(sign);
    if (inexact) *flags |= NX;
    return finish(sign ? uint64_t(0) - m : m);
}

// ---- integer -> float --------------------------------------------------------------------

template <class F>
uint64_t from_int(bool sign, uint64_t mag, int rm, uint32_t* flags) {
    if (mag == 0) return 0;
    int e = 62;
    uint64_t sig = mag;  // value = sig * 2^(62 - 62)
    normalize(e, sig);
    return round_pack<F>(sign, e, sig, rm, flags);
}

template <class F>
uint64_t from_i64(int64_t v, int rm, uint32_t* flags) {
    return from_int<F>(v < 0, v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v), rm, flags);
}

// ---- float <-> float ------------------------------------------------------------------

template <class To, class From>
uint64_t convert(uint64_t x, int rm, uint32_t* flags) {
    const bool sign = sign_of<From>(x);
    if (is_nan<From>(x)) {
        if (is_snan<From>(x)) *flags |= NV;
        return To::CNAN;
    }
    if (is_inf<From>(x)) return (sign ? To::SIGN : 0) | To::INF;
    if (is_zero<From>(x)) return sign ? To::SIGN : 0;
    Unpacked u = unpack<From>(x);
    return round_pack<To>(sign, u.exp, u.sig, rm, flags);
}

}  // namespace

uint64_t exec_misc(FpOp op, uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    switch (op) {
        case FpOp::FMIN_S: return box_s(minmax<F32>(unbox_s(a), unbox_s(b), false, flags));
        case FpOp::FMAX_S: return box_s(minmax<F32>(unbox_s(a), unbox_s(b), true, flags));
        case FpOp::FMIN_D: return minmax<F64>(a, b, false, flags);
        case FpOp::FMAX_D: return minmax<F64>(a, b, true, flags);

        case FpOp::FSGNJ_S: return box_s(sgnj<F32>(unbox_s(a), unbox_s(b), SGNJ));
        case FpOp::FSGNJN_S: return box_s(sgnj<F32>(unbox_s(a), unbox_s(b), SGNJN));
        case FpOp::FSGNJX_S: return box_s(sgnj<F32>(unbox_s(a), unbox_s(b), SGNJX));
        case FpOp::FSGNJ_D: return sgnj<F64>(a, b, SGNJ);
        case FpOp::FSGNJN_D: return sgnj<F64>(a, b, SGNJN);
        case FpOp::FSGNJX_D: return sgnj<F64>(a, b, SGNJX);

        case FpOp::FEQ_S: return feq<F32>(unbox_s(a), unbox_s(b), flags);
        case FpOp::FLT_S: return flt<F32>(unbox_s(a), unbox_s(b), false, flags);
        case FpOp::FLE_S: return flt<F32>(unbox_s(a), unbox_s(b), true, flags);
        case FpOp::FEQ_D: return feq<F64>(a, b, flags);
        case FpOp::FLT_D: return flt<F64>(a, b, false, flags);
        case FpOp::FLE_D: return flt<F64>(a, b, true, flags);

        case FpOp::FCLASS_S: return fclass<F32>(unbox_s(a));
        case FpOp::FCLASS_D: return fclass<F64>(a);

        case FpOp::FCVT_W_S: return to_int<F32>(unbox_s(a), true, 32, rm, flags);
        case FpOp::FCVT_WU_S: return to_int<F32>(unbox_s(a), false, 32, rm, flags);
        case FpOp::FCVT_L_S: return to_int<F32>(unbox_s(a), true, 64, rm, flags);
        case FpOp::FCVT_LU_S: return to_int<F32>(unbox_s(a), false, 64, rm, flags);
        case FpOp::FCVT_W_D: return to_int<F64>(a, true, 32, rm, flags);
        case FpOp::FCVT_WU_D: return to_int<F64>(a, false, 32, rm, flags);
        case FpOp::FCVT_L_D: return to_int<F64>(a, true, 64, rm, flags);
        case FpOp::FCVT_LU_D: return to_int<F64>(a, false, 64, rm, flags);

        // Integer sources are x-register values; the W forms use the low 32 bits.
        case FpOp::FCVT_S_W: return box_s(from_i64<F32>(int32_t(uint32_t(a)), rm, flags));
        case FpOp::FCVT_S_WU: return box_s(from_int<F32>(false, uint32_t(a), rm, flags));
        case FpOp::FCVT_S_L: return box_s(from_i64<F32>(int64_t(a), rm, flags));
        case FpOp::FCVT_S_LU: return box_s(from_int<F32>(false, a, rm, flags));
        case FpOp::FCVT_D_W: return from_i64<F64>(int32_t(uint32_t(a)), rm, flags);
        case FpOp::FCVT_D_WU: return from_int<F64>(false, uint32_t(a), rm, flags);
        case FpOp::FCVT_D_L: return from_i64<F64>(int64_t(a), rm, flags);
        case FpOp::FCVT_D_LU: return from_int<F64>(false, a, rm, flags);

        case FpOp::FCVT_S_D: return box_s(convert<F32, F64>(a, rm, flags));
        case FpOp::FCVT_D_S: return convert<F64, F32>(unbox_s(a), rm, flags);

        default: break;  // arithmetic ops are handled in fp_exec; COUNT is not an op
    }
    *flags |= NV;
    return 0;
}

}  // namespace tessera::riscv::fp
