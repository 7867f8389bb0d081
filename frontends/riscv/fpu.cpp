// RISC-V F/D arithmetic (unprivileged spec 20191213, chapters 11 and 12).
//
// Everything is computed in software (fpu_soft.h) so all five rounding modes, including
// RMM, and all five flags come out exactly as RISC-V specifies (notably UF uses tininess
// after rounding, which x86 SSE does not). Results do not depend on the host rounding
// mode or FTZ/DAZ, and the host flags are left as they were (see HostFpFlagsScope).
// No special compiler flags are needed (no -frounding-math, no FENV_ACCESS); it needs a
// compiler with unsigned __int128 and GNU inline asm (GCC, Clang).
//
// Compare, classify, sign-injection, min/max and conversions live in fpu_convert.cpp.
#include "frontends/riscv/fpu.h"

#include <bit>
#include <cfenv>
#include <cmath>
#if defined(__x86_64__) && defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "frontends/riscv/fpu_soft.h"

namespace tessera::riscv::fp {

using namespace soft;

namespace {

// ---- host FP environment hygiene ------------------------------------------------------
//
// The only host floating-point instructions used are the square-root starting estimate
// below; whatever host flags they set are put back, so fp_exec leaves no trace in the
// host FP environment and does not depend on its rounding mode or FTZ/DAZ settings.
// (A host-arithmetic fast path for RNE add/mul was tried: restoring MXCSR afterwards
// costs more than the soft-float path itself, so everything is soft-float.)

#if defined(__x86_64__) && defined(__SSE2__)
class HostFpFlagsScope {  // RAII: remembers MXCSR, restores it (its sticky flags) on exit
public:
    HostFpFlagsScope() : saved_(_mm_getcsr()) {}
    ~HostFpFlagsScope() {
        if (_mm_getcsr() != saved_) _mm_setcsr(saved_);
    }

private:
    unsigned saved_;
};
#else
class HostFpFlagsScope {
public:
    HostFpFlagsScope() { std::fegetexceptflag(&saved_, FE_ALL_EXCEPT); }
    ~HostFpFlagsScope() { std::fesetexceptflag(&saved_, FE_ALL_EXCEPT); }

private:
    std::fexcept_t saved_;
};
#endif
// Keeps the compiler from sinking the host computation past the flag restore.
inline void materialize(uint64_t& v) { asm volatile("" : "+r"(v)); }

// ---- add / sub ------------------------------------------------------------------------

template <class F>
uint64_t add(uint64_t a, uint64_t b, bool negate_b, int rm, uint32_t* flags) {
    if (negate_b) b ^= F::SIGN;
    if (is_nan<F>(a) || is_nan<F>(b)) {
        if (is_snan<F>(a) || is_snan<F>(b)) *flags |= NV;
        return F::CNAN;
    }
    if (is_inf<F>(a)) {
        if (is_inf<F>(b) && sign_of<F>(a) != sign_of<F>(b)) {
            *flags |= NV;
            return F::CNAN;
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
    return round_pack<F>(x.sign, e, s, rm, flags);
}

// ---- mul ------------------------------------------------------------------------------

template <class F>
uint64_t mul(uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    const bool sign = sign_of<F>(a) != sign_of<F>(b);
    if (is_nan<F>(a) || is_nan<F>(b)) {
        if (is_snan<F>(a) || is_snan<F>(b)) *flags |= NV;
        return F::CNAN;
    }
    if (is_inf<F>(a) || is_inf<F>(b)) {
        if (is_zero<F>(a) || is_zero<F>(b)) {
            *flags |= NV;
            return F::CNAN;
        }
        return (sign ? F::SIGN : 0) | F::INF;
    }
    if (is_zero<F>(a) || is_zero<F>(b)) return sign ? F::SIGN : 0;
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    u128 p = u128(x.sig) * y.sig;  // value p * 2^(ex + ey - 124), p in [2^124, 2^126)
    return round_pack128<F>(sign, x.exp + y.exp, p, rm, flags);
}

// ---- div ------------------------------------------------------------------------------

template <class F>
uint64_t div(uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    const bool sign = sign_of<F>(a) != sign_of<F>(b);
    const uint64_t sbit = sign ? F::SIGN : 0;
    if (is_nan<F>(a) || is_nan<F>(b)) {
        if (is_snan<F>(a) || is_snan<F>(b)) *flags |= NV;
        return F::CNAN;
    }
    if (is_inf<F>(a)) {
        if (is_inf<F>(b)) {
            *flags |= NV;
            return F::CNAN;
        }
        return sbit | F::INF;
    }
    if (is_inf<F>(b)) return sbit;
    if (is_zero<F>(b)) {
        if (is_zero<F>(a)) {
            *flags |= NV;
            return F::CNAN;
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
    return round_pack<F>(sign, e, q, rm, flags);
}

// ---- sqrt -----------------------------------------------------------------------------

// Integer square root of n in [2^124, 2^126): floor(sqrt(n)), and whether it is inexact.
uint64_t isqrt128(u128 n, bool* inexact) {
    // Host double sqrt is only a starting guess (any rounding mode will do): within about
    // 2^11 of the root. One Newton correction using the exact residual brings it within
    // a unit or two, and the final loops make it exact.
    uint64_t r;
    {
        HostFpFlagsScope scope;  // the host ops below may set host flags: put them back
        r = uint64_t(std::sqrt(double(uint64_t(n >> 64)) * 0x1p64));
        const __int128 resid = static_cast<__int128>(n - u128(r) * r);  // small, maybe < 0
        r += int64_t(double(resid) / (2.0 * double(r)));
        materialize(r);
    }
    while (u128(r) * r > n) --r;
    while (u128(r + 1) * (r + 1) <= n) ++r;
    *inexact = u128(r) * r != n;
    return r;
}

template <class F>
uint64_t fsqrt(uint64_t a, int rm, uint32_t* flags) {
    if (is_nan<F>(a)) {
        if (is_snan<F>(a)) *flags |= NV;
        return F::CNAN;
    }
    if (is_zero<F>(a)) return a;  // sqrt(-0) = -0
    if (sign_of<F>(a)) {
        *flags |= NV;
        return F::CNAN;
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
    return round_pack<F>(false, e, r | inexact, rm, flags);
}

// ---- fused multiply-add: (negp ? -1 : 1) * a * b + (negc ? -1 : 1) * c ------------------

template <class F>
uint64_t fmadd(uint64_t a, uint64_t b, uint64_t c, bool negp, bool negc, int rm, uint32_t* flags) {
    const bool inf_times_zero =
        (is_inf<F>(a) && is_zero<F>(b)) || (is_zero<F>(a) && is_inf<F>(b));
    if (is_nan<F>(a) || is_nan<F>(b) || is_nan<F>(c)) {
        // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
        if (is_snan<F>(a) || is_snan<F>(b) || is_snan<F>(c) || inf_times_zero) *flags |= NV;
        return F::CNAN;
    }
    if (inf_times_zero) {
        *flags |= NV;
        return F::CNAN;
    }
    const bool ps = (sign_of<F>(a) != sign_of<F>(b)) != negp;
    if (negc) c ^= F::SIGN;
    const bool cs = sign_of<F>(c);
    if (is_inf<F>(a) || is_inf<F>(b)) {
        if (is_inf<F>(c) && cs != ps) {
            *flags |= NV;
            return F::CNAN;
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
    if (is_zero<F>(c)) return round_pack128<F>(ps, pe, p, rm, flags);
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
    return round_pack128<F>(sign, e, r, rm, flags);
}

constexpr uint64_t BOX = 0xffffffff00000000ull;

}  // namespace

// ---- NaN boxing -----------------------------------------------------------------------

uint64_t unbox_s(uint64_t x) {
    return (x >> 32) == 0xffffffffu ? (x & 0xffffffffu) : F32::CNAN;
}
uint64_t box_s(uint64_t x) { return BOX | (x & 0xffffffffu); }

// ---- dispatch -------------------------------------------------------------------------

const char* fp_op_name(FpOp op) {
    static constexpr const char* names[] = {
#define X(n) #n,
        TESSERA_FP_OPS(X)
#undef X
    };
    auto i = static_cast<unsigned>(op);
    return i < static_cast<unsigned>(FpOp::COUNT) ? names[i] : "?";
}

uint64_t fp_exec(FpOp op, uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t* flags) {
    switch (op) {
        // single precision arithmetic
        case FpOp::FADD_S: return box_s(add<F32>(unbox_s(a), unbox_s(b), false, rm, flags));
        case FpOp::FSUB_S: return box_s(add<F32>(unbox_s(a), unbox_s(b), true, rm, flags));
        case FpOp::FMUL_S: return box_s(mul<F32>(unbox_s(a), unbox_s(b), rm, flags));
        case FpOp::FDIV_S: return box_s(div<F32>(unbox_s(a), unbox_s(b), rm, flags));
        case FpOp::FSQRT_S: return box_s(fsqrt<F32>(unbox_s(a), rm, flags));
        case FpOp::FMADD_S: return box_s(fmadd<F32>(unbox_s(a), unbox_s(b), unbox_s(c), false, false, rm, flags));
        case FpOp::FMSUB_S: return box_s(fmadd<F32>(unbox_s(a), unbox_s(b), unbox_s(c), false, true, rm, flags));
        case FpOp::FNMSUB_S: return box_s(fmadd<F32>(unbox_s(a), unbox_s(b), unbox_s(c), true, false, rm, flags));
        case FpOp::FNMADD_S: return box_s(fmadd<F32>(unbox_s(a), unbox_s(b), unbox_s(c), true, true, rm, flags));

        // double precision arithmetic
        case FpOp::FADD_D: return add<F64>(a, b, false, rm, flags);
        case FpOp::FSUB_D: return add<F64>(a, b, true, rm, flags);
        case FpOp::FMUL_D: return mul<F64>(a, b, rm, flags);
        case FpOp::FDIV_D: return div<F64>(a, b, rm, flags);
        case FpOp::FSQRT_D: return fsqrt<F64>(a, rm, flags);
        case FpOp::FMADD_D: return fmadd<F64>(a, b, c, false, false, rm, flags);
        case FpOp::FMSUB_D: return fmadd<F64>(a, b, c, false, true, rm, flags);
        case FpOp::FNMSUB_D: return fmadd<F64>(a, b, c, true, false, rm, flags);
        case FpOp::FNMADD_D: return fmadd<F64>(a, b, c, true, true, rm, flags);

        default: return exec_misc(op, a, b, rm, flags);
    }
}

}  // namespace tessera::riscv::fp
