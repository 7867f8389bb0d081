// Conversions between binary32, binary64 and integers on raw bits, under an ISA's Policy.
#pragma once
#include "softfloat/format.h"

namespace tessera::softfloat {

// Float to a bits-wide integer (32 or 64; the result is zero-extended raw bits). The value
// is rounded to an integer under rm first; NaN, infinities and out-of-range values raise NV
// only (not NX) and give what the policy's IntInvalid says. A negative value that rounds
// to zero is in range for the unsigned conversions (NX only). fbits > 0 converts to fixed
// point: the value is scaled by 2^fbits first (ARM's FCVTZS #fbits).
template <class F, Policy P>
uint64_t to_int(uint64_t x, bool is_signed, int bits, int rm, uint32_t* flags, int fbits = 0) {
    x = daz<F, P>(x, flags);
    const uint64_t width_mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    const uint64_t max_pos = is_signed ? (uint64_t{1} << (bits - 1)) - 1 : width_mask;
    const uint64_t max_neg_mag = is_signed ? (uint64_t{1} << (bits - 1)) : 0;
    auto invalid = [&](bool nan, bool neg) -> uint64_t {
        *flags |= NV;
        if constexpr (P.int_invalid == IntInvalid::Indefinite) return (uint64_t{1} << (bits - 1));
        if (nan) return P.int_invalid == IntInvalid::SaturateNanZero ? 0 : max_pos;
        return neg ? (uint64_t(0) - max_neg_mag) & width_mask : max_pos;
    };
    if (is_nan<F>(x)) return invalid(true, false);
    const bool sign = sign_of<F>(x);
    if (is_inf<F>(x)) return invalid(false, sign);
    if (is_zero<F>(x)) return 0;
    Unpacked u = unpack<F>(x);
    u.exp += fbits;
    if (u.exp >= 64) return invalid(false, sign);
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
    if (sign ? m > max_neg_mag : m > max_pos) return invalid(false, sign);
    if (inexact) *flags |= NX;
    return (sign ? uint64_t(0) - m : m) & width_mask;
}

// An integer of magnitude mag (and sign) to format F; fbits > 0 reads it as fixed point
// (the value is mag / 2^fbits).
template <class F, Policy P>
uint64_t from_int(bool sign, uint64_t mag, int rm, uint32_t* flags, int fbits = 0) {
    if (mag == 0) return 0;
    int e = 62 - fbits;
    uint64_t sig = mag;  // value = sig * 2^(62 - 62)
    normalize(e, sig);
    return round_pack<F, P>(sign, e, sig, rm, flags);
}
template <class F, Policy P>
uint64_t from_i64(int64_t v, int rm, uint32_t* flags) {
    return from_int<F, P>(v < 0, v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v), rm, flags);
}

// Between formats. A propagated NaN keeps its payload's top bits (narrowing) or gains
// low zero bits (widening), and is quieted.
template <class To, class From, Policy P>
uint64_t convert(uint64_t x, int rm, uint32_t* flags) {
    x = daz<From, P>(x, flags);
    const bool sign = sign_of<From>(x);
    if (is_nan<From>(x)) {
        if (is_snan<From>(x)) *flags |= NV;
        if constexpr (P.nan == NanRule::Default) return default_nan<To, P>();
        const uint64_t payload = x & From::FRAC;
        uint64_t moved;
        if constexpr (To::M >= From::M) moved = payload << (To::M - From::M);
        else moved = payload >> (From::M - To::M);
        return (sign ? To::SIGN : 0) | To::INF | To::QBIT | moved;
    }
    if (is_inf<From>(x)) return (sign ? To::SIGN : 0) | To::INF;
    if (is_zero<From>(x)) return sign ? To::SIGN : 0;
    Unpacked u = unpack<From>(x);
    return round_pack<To, P>(sign, u.exp, u.sig, rm, flags);
}

}  // namespace tessera::softfloat
