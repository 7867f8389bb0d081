// IEEE 754 binary32/binary64 as raw bits: format traits, classification, unpacking,
// and rounding (round_pack) under an ISA's Policy. Pure integer code: nothing here
// touches the host floating-point environment.
#pragma once
#include <bit>
#include <cstdint>

#include "softfloat/policy.h"

namespace tessera::softfloat {

using u128 = unsigned __int128;

// Values are held as raw bits in a uint64_t (binary32 in the low 32 bits).
template <int EBITS, int MBITS>
struct Format {
    static constexpr int M = MBITS;                         // stored fraction bits
    static constexpr int BIAS = (1 << (EBITS - 1)) - 1;
    static constexpr int EMIN = 1 - BIAS;                   // exponent of the smallest normal
    static constexpr int EMAX = BIAS;
    static constexpr int EMASK = (1 << EBITS) - 1;
    static constexpr uint64_t FRAC = (uint64_t{1} << MBITS) - 1;
    static constexpr uint64_t SIGN = uint64_t{1} << (EBITS + MBITS);
    static constexpr uint64_t INF = uint64_t(EMASK) << MBITS;
    static constexpr uint64_t QBIT = uint64_t{1} << (MBITS - 1);
    static constexpr uint64_t CNAN = INF | QBIT;            // positive quiet NaN, payload 0
    static constexpr uint64_t MAXF = INF - 1;               // largest finite magnitude
};
using F16 = Format<5, 10>;
using F32 = Format<8, 23>;
using F64 = Format<11, 52>;

template <class F> constexpr uint64_t abs_bits(uint64_t x) { return x & ~F::SIGN; }
template <class F> constexpr bool sign_of(uint64_t x) { return (x & F::SIGN) != 0; }
template <class F> constexpr bool is_nan(uint64_t x) { return abs_bits<F>(x) > F::INF; }
template <class F> constexpr bool is_snan(uint64_t x) { return is_nan<F>(x) && !(x & F::QBIT); }
template <class F> constexpr bool is_inf(uint64_t x) { return abs_bits<F>(x) == F::INF; }
template <class F> constexpr bool is_zero(uint64_t x) { return abs_bits<F>(x) == 0; }
template <class F> constexpr bool is_subnormal(uint64_t x) { return abs_bits<F>(x) != 0 && abs_bits<F>(x) <= F::FRAC; }

template <class F, Policy P>
constexpr uint64_t default_nan() { return (P.default_nan_negative ? F::SIGN : 0) | F::CNAN; }

// The NaN result of an operation with at least one NaN among its n operands; NV if any
// operand is signaling.
template <class F, Policy P>
uint64_t nan_result(uint64_t a, uint64_t b, uint64_t c, int n, uint32_t* flags) {
    const uint64_t ops[3] = {a, b, c};
    int first_snan = -1, first_nan = -1;
    for (int k = n - 1; k >= 0; k--) {
        if (is_snan<F>(ops[k])) first_snan = k;
        if (is_nan<F>(ops[k])) first_nan = k;
    }
    if (first_snan >= 0) *flags |= NV;
    if constexpr (P.nan == NanRule::Default) return default_nan<F, P>();
    int pick = P.nan == NanRule::SignalingFirst && first_snan >= 0 ? first_snan : first_nan;
    if (pick < 0) return default_nan<F, P>();  // an invalid operation on non-NaN operands
    return ops[pick] | F::QBIT;
}

// Subnormal operands read as zeros under DAZ.
template <class F, Policy P>
inline uint64_t daz(uint64_t x, uint32_t* flags) {
    if constexpr (P.denormals_are_zero) {
        if (is_subnormal<F>(x)) {
            *flags |= P.daz_flags;
            return x & F::SIGN;
        }
    }
    (void)flags;
    return x;
}

// Shift right, ORing every bit shifted out into bit 0 ("jamming" the sticky bit).
constexpr uint64_t shr_jam(uint64_t x, int n) {
    if (n <= 0) return x;
    if (n >= 64) return x != 0;
    return (x >> n) | ((x & ((uint64_t{1} << n) - 1)) != 0);
}
constexpr u128 shr_jam128(u128 x, int n) {
    if (n <= 0) return x;
    if (n >= 128) return x != 0;
    return (x >> n) | ((x & ((u128{1} << n) - 1)) != 0);
}
constexpr int clz128(u128 x) {
    uint64_t hi = uint64_t(x >> 64);
    return hi ? std::countl_zero(hi) : 64 + std::countl_zero(uint64_t(x));
}

// A finite nonzero value: sig has its leading one at bit 62 and the value is
// sig * 2^(exp - 62), i.e. 1.fff * 2^exp. Bit 0 may be a sticky bit.
struct Unpacked {
    bool sign;
    int exp;
    uint64_t sig;
};

// Precondition: x finite and nonzero.
template <class F>
inline Unpacked unpack(uint64_t x) {
    Unpacked u;
    u.sign = sign_of<F>(x);
    int be = int((abs_bits<F>(x)) >> F::M);
    uint64_t frac = x & F::FRAC;
    if (be != 0) {
        u.exp = be - F::BIAS;
        u.sig = (frac | (uint64_t{1} << F::M)) << (62 - F::M);
    } else {  // subnormal: normalise
        uint64_t s = frac << (62 - F::M);
        int sh = std::countl_zero(s) - 1;
        u.exp = F::EMIN - sh;
        u.sig = s << sh;
    }
    return u;
}

// Bring an arbitrary nonzero sig (value sig * 2^(exp-62)) to the leading-one-at-62 form.
inline void normalize(int& exp, uint64_t& sig) {
    int lz = std::countl_zero(sig);
    if (lz == 0) {
        sig = shr_jam(sig, 1);
        exp += 1;
    } else if (lz > 1) {
        sig <<= (lz - 1);
        exp -= (lz - 1);
    }
}

// Rounding increment for a value whose low `sh` bits are to be discarded.
inline uint64_t round_increment(uint64_t sig, int sh, bool sign, int rm) {
    const uint64_t half = uint64_t{1} << (sh - 1);
    const uint64_t rbits = sig & ((uint64_t{1} << sh) - 1);
    switch (rm) {
        case RNE: return (rbits > half || (rbits == half && ((sig >> sh) & 1))) ? (uint64_t{1} << sh) : 0;
        case RMM: return rbits >= half ? (uint64_t{1} << sh) : 0;
        case RTZ: return 0;
        case RDN: return (rbits && sign) ? (uint64_t{1} << sh) : 0;
        case RUP: return (rbits && !sign) ? (uint64_t{1} << sh) : 0;
        case ROD: return 0;  // truncate, then force the last bit (round_pack)
    }
    return 0;
}

template <class F>
inline uint64_t overflow_result(bool sign, int rm) {
    bool to_inf = rm == RNE || rm == RMM || (rm == RDN && sign) || (rm == RUP && !sign);
    return (sign ? F::SIGN : 0) | (to_inf ? F::INF : F::MAXF);
}

// Round (sign, exp, sig) in the Unpacked form to format F under rm, raising flags.
template <class F, Policy P>
inline uint64_t round_pack(bool sign, int exp, uint64_t sig, int rm, uint32_t* flags) {
    constexpr int SH = 62 - F::M;                 // bits below the last kept bit
    constexpr uint64_t RMASK = (uint64_t{1} << SH) - 1;
    const uint64_t sbit = sign ? F::SIGN : 0;
    if (exp < F::EMIN) {
        // Before rounding, the value is below 2^EMIN: tiny. After rounding (to full precision,
        // unbounded exponent) it can reach 2^EMIN only from exp == EMIN-1.
        bool tiny = true;
        if (P.tininess == Tininess::AfterRounding && exp == F::EMIN - 1) {
            uint64_t r = sig + round_increment(sig, SH, sign, rm);
            if (r >> 63) tiny = false;
        }
        if (P.flush_to_zero && tiny) {
            *flags |= P.ftz_flags;
            return sbit;
        }
        sig = shr_jam(sig, F::EMIN - exp);
        const uint64_t rbits = sig & RMASK;
        const uint64_t inc = round_increment(sig, SH, sign, rm);
        uint64_t m = (sig + inc) >> SH;
        if (rm == RNE && rbits == (uint64_t{1} << (SH - 1))) m &= ~uint64_t{1};
        if (rm == ROD && rbits) m |= 1;
        if (rbits) {
            *flags |= NX;
            if (tiny) *flags |= UF;
        }
        // m <= 2^M; if m == 2^M the carry lands in the exponent field: smallest normal.
        return sbit | m;
    }
    const uint64_t rbits = sig & RMASK;
    const uint64_t inc = round_increment(sig, SH, sign, rm);
    uint64_t m = (sig + inc) >> SH;               // sig < 2^63, no wrap
    if (rm == RNE && rbits == (uint64_t{1} << (SH - 1))) m &= ~uint64_t{1};
    if (rm == ROD && rbits) m |= 1;
    if (m >> (F::M + 1)) {                        // carried out to 2^(M+1)
        m >>= 1;
        exp += 1;
    }
    if (exp > F::EMAX) {
        *flags |= OF | NX;
        return overflow_result<F>(sign, rm);
    }
    if (rbits) *flags |= NX;
    return sbit | (uint64_t(exp + F::BIAS) << F::M) | (m & F::FRAC);
}

// Round a u128 magnitude (value = x * 2^(exp - 124), x != 0) to format F.
template <class F, Policy P>
inline uint64_t round_pack128(bool sign, int exp, u128 x, int rm, uint32_t* flags) {
    int msb = 127 - clz128(x);
    int e = exp - 124 + msb;  // leading one moved to bit 62: value = sig * 2^(e - 62)
    uint64_t sig;
    if (msb > 62) sig = uint64_t(shr_jam128(x, msb - 62));
    else sig = uint64_t(x) << (62 - msb);
    return round_pack<F, P>(sign, e, sig, rm, flags);
}

}  // namespace tessera::softfloat
