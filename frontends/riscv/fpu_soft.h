// Internal to fpu.cpp / fpu_convert.cpp: a small IEEE 754 binary32/binary64 soft-float
// core (unpack, normalise, round-and-pack) with RISC-V's choices baked in:
//  - tininess is detected AFTER rounding (round as if the exponent range were unbounded;
//    tiny if that result is below the smallest normal), UF = tiny && inexact;
//  - every NaN result is the canonical NaN;
//  - RMM (round to nearest, ties to max magnitude) is a first-class mode.
// Nothing here touches the host floating-point environment.
#pragma once
#include <bit>
#include <cstdint>

#include "frontends/riscv/fpu.h"

namespace tessera::riscv::fp::soft {

using u128 = unsigned __int128;

// Format traits. Values are held as raw bits in a uint64_t (binary32 in the low 32 bits).
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
    static constexpr uint64_t CNAN = INF | QBIT;            // canonical NaN: +, quiet, payload 0
    static constexpr uint64_t MAXF = INF - 1;               // largest finite magnitude
};
using F32 = Format<8, 23>;
using F64 = Format<11, 52>;

template <class F> constexpr uint64_t abs_bits(uint64_t x) { return x & ~F::SIGN; }
template <class F> constexpr bool sign_of(uint64_t x) { return (x & F::SIGN) != 0; }
template <class F> constexpr bool is_nan(uint64_t x) { return abs_bits<F>(x) > F::INF; }
template <class F> constexpr bool is_snan(uint64_t x) { return is_nan<F>(x) && !(x & F::QBIT); }
template <class F> constexpr bool is_inf(uint64_t x) { return abs_bits<F>(x) == F::INF; }
template <class F> constexpr bool is_zero(uint64_t x) { return abs_bits<F>(x) == 0; }

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
// `lsb_odd` is the parity of the kept part (for ties-to-even).
inline uint64_t round_increment(uint64_t sig, int sh, bool sign, int rm) {
    const uint64_t half = uint64_t{1} << (sh - 1);
    const uint64_t rbits = sig & ((uint64_t{1} << sh) - 1);
    switch (rm) {
        case RNE: return (rbits > half || (rbits == half && ((sig >> sh) & 1))) ? (uint64_t{1} << sh) : 0;
        case RMM: return rbits >= half ? (uint64_t{1} << sh) : 0;
        case RTZ: return 0;
        case RDN: return (rbits && sign) ? (uint64_t{1} << sh) : 0;
        case RUP: return (rbits && !sign) ? (uint64_t{1} << sh) : 0;
    }
    return 0;
}

template <class F>
inline uint64_t overflow_result(bool sign, int rm) {
    bool to_inf = rm == RNE || rm == RMM || (rm == RDN && sign) || (rm == RUP && !sign);
    return (sign ? F::SIGN : 0) | (to_inf ? F::INF : F::MAXF);
}

// Round (sign, exp, sig) in the Unpacked form to format F under rm, raising flags.
template <class F>
inline uint64_t round_pack(bool sign, int exp, uint64_t sig, int rm, uint32_t* flags) {
    constexpr int SH = 62 - F::M;                 // bits below the last kept bit
    constexpr uint64_t RMASK = (uint64_t{1} << SH) - 1;
    const uint64_t sbit = sign ? F::SIGN : 0;
    if (exp < F::EMIN) {
        // Tininess after rounding: would rounding to full precision with an unbounded
        // exponent reach 2^EMIN? Only possible from exp == EMIN-1.
        bool tiny = true;
        if (exp == F::EMIN - 1) {
            uint64_t r = sig + round_increment(sig, SH, sign, rm);
            if (r >> 63) tiny = false;
        }
        sig = shr_jam(sig, F::EMIN - exp);
        const uint64_t rbits = sig & RMASK;
        const uint64_t inc = round_increment(sig, SH, sign, rm);
        uint64_t m = (sig + inc) >> SH;
        if (rm == RNE && rbits == (uint64_t{1} << (SH - 1))) m &= ~uint64_t{1};
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
template <class F>
inline uint64_t round_pack128(bool sign, int exp, u128 x, int rm, uint32_t* flags) {
    int msb = 127 - clz128(x);
    // Move the leading one to bit 62; value = sig * 2^(e' - 62).
    int e = exp - 124 + msb;
    uint64_t sig;
    if (msb > 62) sig = uint64_t(shr_jam128(x, msb - 62));
    else sig = uint64_t(x) << (62 - msb);
    return round_pack<F>(sign, e, sig, rm, flags);
}

}  // namespace tessera::riscv::fp::soft

namespace tessera::riscv::fp {
// Shared between fpu.cpp and fpu_convert.cpp.
uint64_t unbox_s(uint64_t x);  // improperly boxed -> canonical NaN 0x7fc00000
uint64_t box_s(uint64_t x);    // upper 32 bits set to ones
// Compares, classify, sign injection, min/max and conversions (fpu_convert.cpp).
uint64_t exec_misc(FpOp op, uint64_t a, uint64_t b, int rm, uint32_t* flags);
}  // namespace tessera::riscv::fp
