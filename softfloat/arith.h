// IEEE 754 add, multiply, divide, square root and fused multiply-add on raw bits, exact in
// all five rounding modes, under an ISA's Policy (softfloat/policy.h).
#pragma once
#include <utility>

#include "softfloat/format.h"

namespace tessera::softfloat {

// floor(sqrt(n)) for n in [2^124, 2^126), and whether it is inexact (isqrt.cpp: it uses the
// host's square root as a first guess and puts the host flags back).
uint64_t isqrt128(u128 n, bool* inexact);

template <class F, Policy P>
uint64_t add(uint64_t a, uint64_t b, bool negate_b, int rm, uint32_t* flags) {
    a = daz<F, P>(a, flags);
    b = daz<F, P>(b, flags);
    if (is_nan<F>(a) || is_nan<F>(b)) return nan_result<F, P>(a, b, 0, 2, flags);
    if (negate_b) b ^= F::SIGN;
    if (is_inf<F>(a)) {
        if (is_inf<F>(b) && sign_of<F>(a) != sign_of<F>(b)) {
            *flags |= NV;
            return default_nan<F, P>();
        }
        return a;
    }
    if (is_inf<F>(b)) return b;
    if (is_zero<F>(a) || is_zero<F>(b)) {
        if (!is_zero<F>(a)) return a;
        if (!is_zero<F>(b)) return b;
        if (sign_of<F>(a) == sign_of<F>(b)) return a;
        return rm == RDN ? F::SIGN : 0;
    }
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    // Work with the leading one at bit 61 so a same-sign sum cannot overflow 63 bits.
    x.sig >>= 1;
    y.sig >>= 1;
    if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) std::swap(x, y);  // |x| >= |y|
    y.sig = shr_jam(y.sig, x.exp - y.exp);
    uint64_t s;
    if (x.sign == y.sign) {
        s = x.sig + y.sig;
    } else {
        s = x.sig - y.sig;
        if (s == 0) return rm == RDN ? F::SIGN : 0;  // exact cancellation
    }
    int e = x.exp + 1;  // value = s * 2^(x.exp - 61) = s * 2^(e - 62)
    normalize(e, s);
    return round_pack<F, P>(x.sign, e, s, rm, flags);
}

template <class F, Policy P>
uint64_t mul(uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    a = daz<F, P>(a, flags);
    b = daz<F, P>(b, flags);
    const bool sign = sign_of<F>(a) != sign_of<F>(b);
    if (is_nan<F>(a) || is_nan<F>(b)) return nan_result<F, P>(a, b, 0, 2, flags);
    if (is_inf<F>(a) || is_inf<F>(b)) {
        if (is_zero<F>(a) || is_zero<F>(b)) {
            *flags |= NV;
            return default_nan<F, P>();
        }
        return (sign ? F::SIGN : 0) | F::INF;
    }
    if (is_zero<F>(a) || is_zero<F>(b)) return sign ? F::SIGN : 0;
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    u128 p = u128(x.sig) * y.sig;  // value p * 2^(ex + ey - 124), p in [2^124, 2^126)
    return round_pack128<F, P>(sign, x.exp + y.exp, p, rm, flags);
}

template <class F, Policy P>
uint64_t div(uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    a = daz<F, P>(a, flags);
    b = daz<F, P>(b, flags);
    const bool sign = sign_of<F>(a) != sign_of<F>(b);
    const uint64_t sbit = sign ? F::SIGN : 0;
    if (is_nan<F>(a) || is_nan<F>(b)) return nan_result<F, P>(a, b, 0, 2, flags);
    if (is_inf<F>(a)) {
        if (is_inf<F>(b)) {
            *flags |= NV;
            return default_nan<F, P>();
        }
        return sbit | F::INF;
    }
    if (is_inf<F>(b)) return sbit;
    if (is_zero<F>(b)) {
        if (is_zero<F>(a)) {
            *flags |= NV;
            return default_nan<F, P>();
        }
        *flags |= DZ;
        return sbit | F::INF;
    }
    if (is_zero<F>(a)) return sbit;
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    u128 num = u128(x.sig) << 63;
    uint64_t q = uint64_t(num / y.sig);  // in (2^62, 2^64)
    bool rem = (num % y.sig) != 0;
    int e = x.exp - y.exp;               // a/b = q * 2^(e - 63)
    if (q >> 63) {
        q = shr_jam(q, 1);
    } else {
        e -= 1;
    }
    q |= rem;
    return round_pack<F, P>(sign, e, q, rm, flags);
}

template <class F, Policy P>
uint64_t sqrt(uint64_t a, int rm, uint32_t* flags) {
    a = daz<F, P>(a, flags);
    if (is_nan<F>(a)) return nan_result<F, P>(a, 0, 0, 1, flags);
    if (is_zero<F>(a)) return a;  // sqrt(-0) = -0
    if (sign_of<F>(a)) {
        *flags |= NV;
        return default_nan<F, P>();
    }
    if (is_inf<F>(a)) return a;
    Unpacked x = unpack<F>(a);
    // value = sig * 2^(exp - 62). Make the scale exponent even: N = sig << 62 (exp even)
    // or sig << 63 (exp odd); then sqrt = isqrt(N) * 2^(e' - 62).
    int e;
    u128 n;
    if (x.exp & 1) {
        n = u128(x.sig) << 63;
        e = (x.exp - 1) / 2;
    } else {
        n = u128(x.sig) << 62;
        e = x.exp / 2;
    }
    bool inexact;
    uint64_t r = isqrt128(n, &inexact);  // in [2^62, 2^63)
    return round_pack<F, P>(false, e, r | inexact, rm, flags);
}

// (negp ? -1 : 1) * a * b + (negc ? -1 : 1) * c, rounded once. scale != 0 multiplies the
// exact sum by 2^scale before rounding when a, b and c are finite and nonzero (ARM's
// FRSQRTS halves 3 - a*b); the caller handles the other cases itself.
template <class F, Policy P>
uint64_t fma(uint64_t a, uint64_t b, uint64_t c, bool negp, bool negc, int rm, uint32_t* flags, int scale = 0) {
    a = daz<F, P>(a, flags);
    b = daz<F, P>(b, flags);
    c = daz<F, P>(c, flags);
    const bool inf_times_zero = (is_inf<F>(a) && is_zero<F>(b)) || (is_zero<F>(a) && is_inf<F>(b));
    if (is_nan<F>(a) || is_nan<F>(b) || is_nan<F>(c)) {
        // inf * 0 raises NV even when the addend is a quiet NaN (RISC-V, x86, ARM alike).
        if (inf_times_zero) *flags |= NV;
        return nan_result<F, P>(a, b, c, 3, flags);
    }
    if (inf_times_zero) {
        *flags |= NV;
        return default_nan<F, P>();
    }
    const bool ps = (sign_of<F>(a) != sign_of<F>(b)) != negp;
    if (negc) c ^= F::SIGN;
    const bool cs = sign_of<F>(c);
    if (is_inf<F>(a) || is_inf<F>(b)) {
        if (is_inf<F>(c) && cs != ps) {
            *flags |= NV;
            return default_nan<F, P>();
        }
        return (ps ? F::SIGN : 0) | F::INF;
    }
    if (is_inf<F>(c)) return c;
    if (is_zero<F>(a) || is_zero<F>(b)) {
        if (!is_zero<F>(c)) return c;
        if (ps == cs) return c;
        return rm == RDN ? F::SIGN : 0;
    }
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    u128 p = u128(x.sig) * y.sig;  // value p * 2^(pe - 124)
    int pe = x.exp + y.exp;
    if (is_zero<F>(c)) return round_pack128<F, P>(ps, pe + scale, p, rm, flags);
    Unpacked z = unpack<F>(c);
    u128 q = u128(z.sig) << 62;    // value q * 2^(z.exp - 124)
    int qe = z.exp;
    bool qs = cs;
    bool sign;
    // Align to the larger exponent (both leading ones are at bit 124 or 125; a carry fits).
    int e;
    if (pe >= qe) {
        q = shr_jam128(q, pe - qe);
        e = pe;
    } else {
        p = shr_jam128(p, qe - pe);
        e = qe;
    }
    u128 r;
    if (ps == qs) {
        r = p + q;
        sign = ps;
    } else {
        const bool pbig = p >= q;
        if (p == q) return rm == RDN ? F::SIGN : 0;  // exact cancellation
        r = pbig ? p - q : q - p;
        sign = pbig ? ps : qs;
    }
    return round_pack128<F, P>(sign, e + scale, r, rm, flags);
}

}  // namespace tessera::softfloat
