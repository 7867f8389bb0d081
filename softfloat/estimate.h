// ARM's reciprocal and reciprocal square root estimates and FRECPX, as the Armv8.0
// pseudocode defines them (FPRecipEstimate, FPRSqrtEstimate, RecipEstimate,
// RecipSqrtEstimate, UnsignedRecipEstimate, UnsignedRSqrtEstimate, FPRecpX): 8-bit
// estimates whose every bit is architectural, so they are computed exactly as specified.
#pragma once
#include "softfloat/format.h"

namespace tessera::softfloat {

// RecipEstimate: a in [256, 512) is a fixed-point value in [0.5, 1); the result in
// [256, 512) is its reciprocal in [1, 2), rounded to nearest.
constexpr unsigned recip_estimate_int(unsigned a) {
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}
// RecipSqrtEstimate: a in [128, 512) is a fixed-point value in [0.25, 1).
constexpr unsigned rsqrt_estimate_int(unsigned a) {
    if (a < 256) a = a * 2 + 1;
    else a = ((a >> 1) << 1) * 2 + 2;  // (bottom bit dropped + 1) * 2
    // The pseudocode counts b up from 512 while a * (b+1)^2 < 2^28: b ends as the largest j
    // with a * j^2 < 2^28 (a in [257, 1022] puts it in [512, 1023]).
    uint64_t lo = 512, hi = 1023;
    while (lo < hi) {
        uint64_t mid = (lo + hi + 1) / 2;
        if (uint64_t(a) * mid * mid < (uint64_t{1} << 28)) lo = mid;
        else hi = mid - 1;
    }
    return (unsigned(lo) + 1) / 2;
}

constexpr uint64_t kFrac52 = (uint64_t{1} << 52) - 1;

// FRECPE on format F (single or double).
template <class F, Policy P>
uint64_t recip_estimate(uint64_t x, int rm, uint32_t* flags) {
    x = daz<F, P>(x, flags);
    const bool sign = sign_of<F>(x);
    const uint64_t sbit = x & F::SIGN;
    if (is_nan<F>(x)) return nan_result<F, P>(x, 0, 0, 1, flags);
    if (is_inf<F>(x)) return sbit;
    if (is_zero<F>(x)) {
        *flags |= DZ;
        return sbit | F::INF;
    }
    if (abs_bits<F>(x) < (uint64_t{1} << (F::M - 2))) {  // |x| < 2^-(BIAS+1): 1/x overflows
        bool to_inf = rm == RNE || (rm == RUP && !sign) || (rm == RDN && sign);
        *flags |= OF | NX;
        return sbit | (to_inf ? F::INF : F::MAXF);
    }
    if (P.flush_to_zero && abs_bits<F>(x) >= (uint64_t(2 * F::BIAS - 1) << F::M)) {  // |x| >= 2^(BIAS-1)
        *flags |= UF;
        return sbit;
    }
    uint64_t frac = (x & F::FRAC) << (52 - F::M);
    int exp = int(abs_bits<F>(x) >> F::M);
    if (exp == 0) {
        if (!((frac >> 51) & 1)) {
            exp = -1;
            frac = (frac << 2) & kFrac52;
        } else {
            frac = (frac << 1) & kFrac52;
        }
    }
    const unsigned scaled = 256 | unsigned(frac >> 44);
    int result_exp = 2 * F::BIAS - 1 - exp;
    const unsigned est = recip_estimate_int(scaled);
    frac = uint64_t(est & 0xff) << 44;
    if (result_exp == 0) {
        frac = (uint64_t{1} << 51) | (frac >> 1);
    } else if (result_exp == -1) {
        frac = (uint64_t{1} << 50) | (frac >> 2);
        result_exp = 0;
    }
    return sbit | (uint64_t(result_exp) << F::M) | (frac >> (52 - F::M));
}

// FRSQRTE on format F (single or double).
template <class F, Policy P>
uint64_t rsqrt_estimate(uint64_t x, uint32_t* flags) {
    x = daz<F, P>(x, flags);
    if (is_nan<F>(x)) return nan_result<F, P>(x, 0, 0, 1, flags);
    if (is_zero<F>(x)) {
        *flags |= DZ;
        return (x & F::SIGN) | F::INF;
    }
    if (sign_of<F>(x)) {
        *flags |= NV;
        return default_nan<F, P>();
    }
    if (is_inf<F>(x)) return 0;
    uint64_t frac = (x & F::FRAC) << (52 - F::M);
    int exp = int(x >> F::M);
    if (exp == 0) {
        while (!((frac >> 51) & 1)) {
            frac = (frac << 1) & kFrac52;
            exp--;
        }
        frac = (frac << 1) & kFrac52;
    }
    const unsigned scaled = (exp & 1) == 0 ? 256 | unsigned(frac >> 44) : 128 | unsigned(frac >> 45);
    const int result_exp = (3 * F::BIAS - 1 - exp) / 2;  // positive: plain division floors
    const unsigned est = rsqrt_estimate_int(scaled);
    return (uint64_t(result_exp) << F::M) | (uint64_t(est & 0xff) << (F::M - 8));
}

// URECPE and URSQRTE on a 32-bit unsigned fixed-point value (binary point above bit 31).
constexpr uint32_t unsigned_recip_estimate(uint32_t x) {
    if (!(x >> 31)) return 0xffffffffu;
    return (recip_estimate_int(x >> 23) & 0x1ff) << 23;
}
constexpr uint32_t unsigned_rsqrt_estimate(uint32_t x) {
    if (!(x >> 30)) return 0xffffffffu;
    return (rsqrt_estimate_int(x >> 23) & 0x1ff) << 23;
}

// FRECPX: the exponent inverted, the fraction cleared (zeros and subnormals give the largest
// exponent below infinity's).
template <class F, Policy P>
uint64_t recpx(uint64_t x, uint32_t* flags) {
    const uint64_t raw = x;
    x = daz<F, P>(x, flags);
    if (is_nan<F>(x)) return nan_result<F, P>(x, 0, 0, 1, flags);
    const uint64_t sbit = raw & F::SIGN;
    const uint64_t exp = abs_bits<F>(raw) >> F::M;
    if (exp == 0) return sbit | (uint64_t(F::EMASK - 1) << F::M);
    return sbit | ((~exp & uint64_t(F::EMASK)) << F::M);
}

}  // namespace tessera::softfloat
