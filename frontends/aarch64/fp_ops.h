// A64 floating point as pure functions of operand bits and FPCR: ARM's policy for the shared
// soft-float core (softfloat/) and the operations whose rules are ARM's own (FPMax/FPMin and
// their Num forms, FPMulAdd's NaN order, FMULX, the step and estimate instructions, FPCR.AHP
// half precision). Knows nothing of CPU state; fp_helpers.cpp and fp_vec.cpp apply these to
// registers, FPCR and FPSR.
#pragma once
#include <cstdint>

#include "ir/ir.h"
#include "softfloat/arith.h"
#include "softfloat/compare.h"
#include "softfloat/convert.h"
#include "softfloat/estimate.h"
#include "softfloat/round.h"

namespace tessera::aarch64::fp {

namespace sf = softfloat;
using sf::F16;
using sf::F32;
using sf::F64;

// FPCR and FPSR bits.
constexpr uint64_t FPCR_AHP = 1u << 26, FPCR_DN = 1u << 25, FPCR_FZ = 1u << 24, FPCR_RMODE_SHIFT = 22,
                   FPCR_RMODE = 3u << 22;
constexpr uint64_t FPSR_IOC = 1, FPSR_DZC = 2, FPSR_OFC = 4, FPSR_UFC = 8, FPSR_IXC = 16, FPSR_IDC = 128,
                   FPSR_QC = 1u << 27;

// The soft-float flags as FPSR's cumulative bits.
constexpr uint64_t fpsr_bits(uint32_t f) {
    return ((f & sf::NV) ? FPSR_IOC : 0) | ((f & sf::DZ) ? FPSR_DZC : 0) | ((f & sf::OF) ? FPSR_OFC : 0) |
           ((f & sf::UF) ? FPSR_UFC : 0) | ((f & sf::NX) ? FPSR_IXC : 0) | ((f & sf::ID) ? FPSR_IDC : 0);
}
// FPCR.RMode (RN, RP, RM, RZ) as a soft-float rounding mode.
constexpr int rmode_of(uint64_t fpcr) {
    constexpr int map[4] = {sf::RNE, sf::RUP, sf::RDN, sf::RTZ};
    return map[(fpcr >> FPCR_RMODE_SHIFT) & 3];
}

// ARM: tininess before rounding; the first signaling NaN, else the first quiet one; invalid
// conversions saturate and NaN converts to 0. FPCR.FZ flushes subnormal operands (IDC) and
// tiny results (UFC); FPCR.DN makes every NaN result the default NaN.
constexpr sf::Policy policy(bool fz, bool dn) {
    sf::Policy p{};
    p.tininess = sf::Tininess::BeforeRounding;
    p.nan = dn ? sf::NanRule::Default : sf::NanRule::SignalingFirst;
    p.flush_to_zero = fz;
    p.ftz_flags = sf::UF;
    p.denormals_are_zero = fz;
    p.daz_flags = sf::ID;
    p.int_invalid = sf::IntInvalid::SaturateNanZero;
    return p;
}
// Half precision ignores FZ in Armv8.0 (FZ16 is not implemented and reads as 0).
constexpr sf::Policy no_fz(sf::Policy p) {
    p.flush_to_zero = p.denormals_are_zero = false;
    return p;
}

// The element operations. Operands: a, b (and c, the addend, for the fused forms, which
// compute c + a*b with the negations the name says).
enum class Op : uint8_t {
    ADD, SUB, MUL, DIV, NMUL, MAX, MIN, MAXNM, MINNM, MULX, ABD, RECPS, RSQRTS,  // two operands
    MADD, MSUB, NMADD, NMSUB,                                                   // c + a*b, c - a*b, -c - a*b, -c + a*b
    SQRT, RINT, RINTX, RECPE, RSQRTE, RECPX, URECPE, URSQRTE,                   // one operand
    CMEQ, CMGE, CMGT, ACGE, ACGT,                                               // all ones if true
    CMP, CMPE,                                                                  // NZCV << 28
    TOINT, FROMINT, CVT,                                                        // conversions
    COUNT
};

// The host FPU's operation (an ir::FastFpKind: a*b+c, -a*b+c, ...) for an arithmetic op,
// or -1: fastfp gives ARM's result for it when FPCR is RN without FZ and IXC is already set,
// except at the smallest normal magnitude (ARM's tininess is before rounding).
constexpr int host_kind(Op op) {
    switch (op) {
    case Op::ADD: return ir::FF_ADD;
    case Op::SUB: return ir::FF_SUB;
    case Op::MUL: case Op::NMUL: return ir::FF_MUL;
    case Op::DIV: return ir::FF_DIV;
    case Op::SQRT: return ir::FF_SQRT;
    case Op::MADD: return ir::FF_MADD;    // c + a*b
    case Op::MSUB: return ir::FF_NMSUB;   // c - a*b
    case Op::NMADD: return ir::FF_NMADD;  // -c - a*b
    case Op::NMSUB: return ir::FF_MSUB;   // -c + a*b
    default: return -1;
    }
}
constexpr uint64_t min_normal(unsigned fmt) { return fmt == 3 ? uint64_t{1} << 52 : uint64_t{1} << 23; }
constexpr uint64_t sign_bit(unsigned fmt) { return fmt == 3 ? uint64_t{1} << 63 : uint64_t{1} << 31; }

// The descriptor translated code passes (an immediate, so inlined helpers fold on it):
//   bits 0-7 op, 8-9 format (1 H, 2 S, 3 D), 10-11 the other format (CVT's destination) or
//   the integer size (2: 32 bits, 3: 64 bits), 12-14 rounding (a softfloat::Rm, 7: FPCR's),
//   15 unsigned integer, 16-22 fixed-point fraction bits.
// Bits 32 and up belong to the vector helpers (fp_vec.cpp).
constexpr unsigned RM_FPCR = 7;
constexpr uint64_t desc(Op op, unsigned fmt, unsigned fmt2 = 0, unsigned rm = RM_FPCR, bool is_unsigned = false,
                        unsigned fbits = 0) {
    return uint64_t(op) | fmt << 8 | fmt2 << 10 | rm << 12 | unsigned(is_unsigned) << 15 | fbits << 16;
}
constexpr Op desc_op(uint64_t d) { return Op(d & 0xff); }
constexpr unsigned desc_fmt(uint64_t d) { return (d >> 8) & 3; }
constexpr unsigned desc_fmt2(uint64_t d) { return (d >> 10) & 3; }
constexpr unsigned desc_rm(uint64_t d) { return (d >> 12) & 7; }

namespace detail {

template <class F> constexpr uint64_t ones() { return F::SIGN | (F::SIGN - 1); }
template <class F> constexpr uint64_t fconst(unsigned biased_exp, uint64_t frac = 0) { return uint64_t(biased_exp) << F::M | frac; }
template <class F> constexpr uint64_t two() { return fconst<F>(F::BIAS + 1); }
template <class F> constexpr uint64_t three() { return fconst<F>(F::BIAS + 1, uint64_t{1} << (F::M - 1)); }
template <class F> constexpr uint64_t one_half_three() { return fconst<F>(F::BIAS, uint64_t{1} << (F::M - 1)); }  // 1.5
template <class F> constexpr bool is_qnan(uint64_t x) { return sf::is_nan<F>(x) && !sf::is_snan<F>(x); }
template <class F> constexpr bool inf_times_zero(uint64_t a, uint64_t b) {
    return (sf::is_inf<F>(a) && sf::is_zero<F>(b)) || (sf::is_zero<F>(a) && sf::is_inf<F>(b));
}

// FPMax, FPMin, FPMaxNum, FPMinNum.
template <class F, sf::Policy P>
uint64_t min_max(uint64_t a, uint64_t b, bool want_max, bool num, uint32_t* flags) {
    a = sf::daz<F, P>(a, flags);
    b = sf::daz<F, P>(b, flags);
    if (num) {  // a single quiet NaN loses against anything: it reads as the far infinity
        const uint64_t far = (want_max ? F::SIGN : 0) | F::INF;
        if (is_qnan<F>(a) && !sf::is_nan<F>(b)) a = far;
        else if (!sf::is_nan<F>(a) && is_qnan<F>(b)) b = far;
    }
    if (sf::is_nan<F>(a) || sf::is_nan<F>(b)) return sf::nan_result<F, P>(a, b, 0, 2, flags);
    const bool a_lt_b = sf::lt_signed_zero<F>(a, b);  // -0 < +0 gives max(+0,-0) = +0, min -0
    return want_max ? (a_lt_b ? b : a) : (a_lt_b ? a : b);
}

// FPMulAdd(addend c, a, b) after the instruction's negations: the addend's NaN comes first,
// and inf * 0 with a quiet NaN addend is invalid (the default NaN).
template <class F, sf::Policy P>
uint64_t mul_add(uint64_t c, uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    a = sf::daz<F, P>(a, flags);
    b = sf::daz<F, P>(b, flags);
    c = sf::daz<F, P>(c, flags);
    if (sf::is_nan<F>(a) || sf::is_nan<F>(b) || sf::is_nan<F>(c)) {
        uint64_t r = sf::nan_result<F, P>(c, a, b, 3, flags);
        if (is_qnan<F>(c) && inf_times_zero<F>(a, b)) {
            *flags |= sf::NV;
            return sf::default_nan<F, P>();
        }
        return r;
    }
    return sf::fma<F, P>(a, b, c, false, false, rm, flags);
}

// FMULX: FPMul, but inf * 0 is 2.0 with the product's sign.
template <class F, sf::Policy P>
uint64_t mulx(uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    a = sf::daz<F, P>(a, flags);
    b = sf::daz<F, P>(b, flags);
    if (!sf::is_nan<F>(a) && !sf::is_nan<F>(b) && inf_times_zero<F>(a, b))
        return ((a ^ b) & F::SIGN) | two<F>();
    return sf::mul<F, P>(a, b, rm, flags);
}

// FRECPS (2 - a*b) and FRSQRTS ((3 - a*b) / 2), fused; inf * 0 gives 2.0 or 1.5.
template <class F, sf::Policy P>
uint64_t step(uint64_t a, uint64_t b, bool rsqrt, int rm, uint32_t* flags) {
    a ^= F::SIGN;  // FPNeg first: a NaN a propagates negated
    a = sf::daz<F, P>(a, flags);
    b = sf::daz<F, P>(b, flags);
    if (sf::is_nan<F>(a) || sf::is_nan<F>(b)) return sf::nan_result<F, P>(a, b, 0, 2, flags);
    if (inf_times_zero<F>(a, b)) return rsqrt ? one_half_three<F>() : two<F>();
    if (sf::is_inf<F>(a) || sf::is_inf<F>(b)) return ((a ^ b) & F::SIGN) | F::INF;
    if (sf::is_zero<F>(a) || sf::is_zero<F>(b)) return rsqrt ? one_half_three<F>() : two<F>();
    return sf::fma<F, P>(a, b, rsqrt ? three<F>() : two<F>(), false, false, rm, flags, rsqrt ? -1 : 0);
}

// FPCompare: NZCV (unordered 0011, equal 0110, less 1000, greater 0010) in bits 31:28.
template <class F, sf::Policy P>
uint64_t compare(uint64_t a, uint64_t b, bool signal, uint32_t* flags) {
    a = sf::daz<F, P>(a, flags);
    b = sf::daz<F, P>(b, flags);
    if (sf::is_nan<F>(a) || sf::is_nan<F>(b)) {
        if (signal || sf::is_snan<F>(a) || sf::is_snan<F>(b)) *flags |= sf::NV;
        return 0x3ull << 28;
    }
    if (sf::eq<F>(a, b)) return 0x6ull << 28;
    return (sf::lt<F>(a, b) ? 0x8ull : 0x2ull) << 28;
}

// The AdvSIMD compares: all ones when true. EQ is quiet, GE/GT signal on any NaN.
template <class F, sf::Policy P>
uint64_t cmp_mask(Op op, uint64_t a, uint64_t b, uint32_t* flags) {
    if (op == Op::ACGE || op == Op::ACGT) {
        a &= ~F::SIGN;
        b &= ~F::SIGN;
    }
    a = sf::daz<F, P>(a, flags);
    b = sf::daz<F, P>(b, flags);
    bool r;
    if (op == Op::CMEQ) {
        r = sf::quiet_eq<F>(a, b, flags);
    } else if (sf::is_nan<F>(a) || sf::is_nan<F>(b)) {
        *flags |= sf::NV;
        r = false;
    } else {
        r = sf::lt<F>(b, a) || ((op == Op::CMGE || op == Op::ACGE) && sf::eq<F>(a, b));
    }
    return r ? ones<F>() : 0;
}

// Conversions between H, S and D (FPConvert). H ignores FZ; FPCR.AHP selects the
// alternative half precision (no infinities or NaNs: exponent 31 is a normal exponent).
struct F16Alt : F16 {
    static constexpr int EMAX = 16;
};
template <class To, class From, sf::Policy P>
uint64_t convert(uint64_t x, int rm, bool ahp, uint32_t* flags) {
    constexpr sf::Policy NP = no_fz(P);
    if constexpr (std::is_same_v<From, F16>) {
        if (ahp) {
            if (sf::is_zero<F16>(x)) return (x & F16::SIGN) ? To::SIGN : 0;
            const sf::Unpacked u = sf::unpack<F16>(x);  // exact in S and D
            return sf::round_pack<To, NP>(u.sign, u.exp, u.sig, rm, flags);
        }
        return sf::convert<To, F16, NP>(x, rm, flags);
    } else if constexpr (std::is_same_v<To, F16>) {
        x = sf::daz<From, P>(x, flags);
        if (!ahp) return sf::convert<F16, From, NP>(x, rm, flags);
        const uint64_t sbit = (x & From::SIGN) ? F16::SIGN : 0;
        if (sf::is_nan<From>(x)) {
            *flags |= sf::NV;
            return sbit;
        }
        if (sf::is_inf<From>(x)) {
            *flags |= sf::NV;
            return sbit | 0x7fff;
        }
        if (sf::is_zero<From>(x)) return sbit;
        const sf::Unpacked u = sf::unpack<From>(x);
        uint32_t f = 0;
        const uint64_t r = sf::round_pack<F16Alt, NP>(u.sign, u.exp, u.sig, rm, &f);
        if (f & sf::OF) {  // saturates, invalid rather than overflow
            *flags |= sf::NV;
            return sbit | 0x7fff;
        }
        *flags |= f;
        return r;
    } else {
        return sf::convert<To, From, P>(x, rm, flags);
    }
}

// One element operation in format F under policy P (rm already resolved).
template <class F, sf::Policy P>
[[gnu::always_inline]] inline uint64_t elem(uint64_t d, uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t* flags) {
    const Op op = desc_op(d);
    switch (op) {
    case Op::ADD: return sf::add<F, P>(a, b, false, rm, flags);
    case Op::SUB: return sf::add<F, P>(a, b, true, rm, flags);
    case Op::MUL: return sf::mul<F, P>(a, b, rm, flags);
    case Op::DIV: return sf::div<F, P>(a, b, rm, flags);
    case Op::NMUL: return sf::mul<F, P>(a, b, rm, flags) ^ F::SIGN;
    case Op::MAX: return min_max<F, P>(a, b, true, false, flags);
    case Op::MIN: return min_max<F, P>(a, b, false, false, flags);
    case Op::MAXNM: return min_max<F, P>(a, b, true, true, flags);
    case Op::MINNM: return min_max<F, P>(a, b, false, true, flags);
    case Op::MULX: return mulx<F, P>(a, b, rm, flags);
    case Op::ABD: return sf::add<F, P>(a, b, true, rm, flags) & ~F::SIGN;
    case Op::RECPS: return step<F, P>(a, b, false, rm, flags);
    case Op::RSQRTS: return step<F, P>(a, b, true, rm, flags);
    case Op::MADD: return mul_add<F, P>(c, a, b, rm, flags);
    case Op::MSUB: return mul_add<F, P>(c, a ^ F::SIGN, b, rm, flags);
    case Op::NMADD: return mul_add<F, P>(c ^ F::SIGN, a ^ F::SIGN, b, rm, flags);
    case Op::NMSUB: return mul_add<F, P>(c ^ F::SIGN, a, b, rm, flags);
    case Op::SQRT: return sf::sqrt<F, P>(a, rm, flags);
    case Op::RINT: return sf::round_to_int<F, P>(a, rm, false, flags);
    case Op::RINTX: return sf::round_to_int<F, P>(a, rm, true, flags);
    case Op::RECPE: return sf::recip_estimate<F, P>(a, rm, flags);
    case Op::RSQRTE: return sf::rsqrt_estimate<F, P>(a, flags);
    case Op::RECPX: return sf::recpx<F, P>(a, flags);
    case Op::URECPE: return sf::unsigned_recip_estimate(uint32_t(a));
    case Op::URSQRTE: return sf::unsigned_rsqrt_estimate(uint32_t(a));
    case Op::CMEQ: case Op::CMGE: case Op::CMGT: case Op::ACGE: case Op::ACGT:
        return cmp_mask<F, P>(op, a, b, flags);
    case Op::CMP: return compare<F, P>(a, b, false, flags);
    case Op::CMPE: return compare<F, P>(a, b, true, flags);
    case Op::TOINT:
        return sf::to_int<F, P>(a, !((d >> 15) & 1), desc_fmt2(d) == 3 ? 64 : 32, rm, flags, int((d >> 16) & 0x7f));
    case Op::FROMINT: {
        const bool is64 = desc_fmt2(d) == 3, is_signed = !((d >> 15) & 1);
        const int fbits = int((d >> 16) & 0x7f);
        if (!is64) a = is_signed ? uint64_t(int64_t(int32_t(uint32_t(a)))) : uint32_t(a);
        const bool neg = is_signed && int64_t(a) < 0;
        return sf::from_int<F, P>(neg, neg ? uint64_t(0) - a : a, rm, flags, fbits);
    }
    default: return 0;  // CVT is dispatched on both formats by exec
    }
}

}  // namespace detail

// The whole operation under policy P: format dispatch, CVT's two formats.
template <sf::Policy P>
[[gnu::always_inline]] inline uint64_t exec_policy(uint64_t d, uint64_t a, uint64_t b, uint64_t c, int rm, bool ahp,
                                                   uint32_t* flags) {
    using namespace detail;
    const unsigned fmt = desc_fmt(d);
    if (desc_op(d) == Op::CVT) {
        switch (fmt << 2 | desc_fmt2(d)) {
        case 1 << 2 | 2: return convert<F32, F16, P>(a, rm, ahp, flags);
        case 1 << 2 | 3: return convert<F64, F16, P>(a, rm, ahp, flags);
        case 2 << 2 | 1: return convert<F16, F32, P>(a, rm, ahp, flags);
        case 2 << 2 | 3: return convert<F64, F32, P>(a, rm, ahp, flags);
        case 3 << 2 | 1: return convert<F16, F64, P>(a, rm, ahp, flags);
        case 3 << 2 | 2: return convert<F32, F64, P>(a, rm, ahp, flags);
        default: return 0;
        }
    }
    if (fmt == 3) return elem<F64, P>(d, a, b, c, rm, flags);
    const uint64_t a32 = desc_op(d) == Op::FROMINT ? a : uint32_t(a);  // an integer source keeps 64 bits
    return elem<F32, P>(d, a32, uint32_t(b), uint32_t(c), rm, flags);
}

// The operation under FPCR: its rounding mode (unless the descriptor fixes one), FZ, DN
// and AHP. Flags raised are ORed into *flags (soft-float bits; fpsr_bits maps them).
uint64_t exec(uint64_t d, uint64_t a, uint64_t b, uint64_t c, uint64_t fpcr, uint32_t* flags);

}  // namespace tessera::aarch64::fp
