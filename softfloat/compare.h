// IEEE 754 comparisons, classification, sign operations and minimumNumber/maximumNumber on
// raw bits. Small and branch-light: the ISAs' inlinable helpers call these directly.
#pragma once
#include "softfloat/format.h"

namespace tessera::softfloat {

// Ordering of non-NaN operands with -0 below +0 (for min/max).
template <class F>
bool lt_signed_zero(uint64_t a, uint64_t b) {
    const bool sa = sign_of<F>(a), sb = sign_of<F>(b);
    if (sa != sb) return sa;  // negative < positive, including -0 < +0
    if (!sa) return abs_bits<F>(a) < abs_bits<F>(b);
    return abs_bits<F>(a) > abs_bits<F>(b);
}
// IEEE equality and less-than of non-NaN operands (-0 == +0).
template <class F>
bool eq(uint64_t a, uint64_t b) {
    return a == b || (is_zero<F>(a) && is_zero<F>(b));
}
template <class F>
bool lt(uint64_t a, uint64_t b) {
    if (is_zero<F>(a) && is_zero<F>(b)) return false;
    return lt_signed_zero<F>(a, b);
}

// compareQuietEqual: NV only for signaling NaNs; unordered is false.
template <class F>
uint64_t quiet_eq(uint64_t a, uint64_t b, uint32_t* flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {
        if (is_snan<F>(a) || is_snan<F>(b)) *flags |= NV;
        return 0;
    }
    return eq<F>(a, b);
}
// compareSignalingLess / LessEqual: NV for any NaN; unordered is false.
template <class F>
uint64_t signaling_lt(uint64_t a, uint64_t b, bool or_equal, uint32_t* flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {
        *flags |= NV;
        return 0;
    }
    return lt<F>(a, b) || (or_equal && eq<F>(a, b));
}

// IEEE 754-2019 minimumNumber / maximumNumber: a single NaN operand yields the other
// operand, two NaNs the default NaN, signaling NaNs raise NV, and -0 < +0.
template <class F, Policy P>
uint64_t min_max_number(uint64_t a, uint64_t b, bool want_max, uint32_t* flags) {
    if (is_snan<F>(a) || is_snan<F>(b)) *flags |= NV;
    const bool na = is_nan<F>(a), nb = is_nan<F>(b);
    if (na && nb) return default_nan<F, P>();
    if (na) return b;
    if (nb) return a;
    const bool a_lt_b = lt_signed_zero<F>(a, b);
    return want_max ? (a_lt_b ? b : a) : (a_lt_b ? a : b);
}

// The ten IEEE classes, in RISC-V's fclass bit order (RISC-V's result is 1 << class).
enum class Class : unsigned {
    NegInf, NegNormal, NegSubnormal, NegZero, PosZero, PosSubnormal, PosNormal, PosInf, SNaN, QNaN
};
template <class F>
Class classify(uint64_t a) {
    const bool s = sign_of<F>(a);
    if (is_nan<F>(a)) return is_snan<F>(a) ? Class::SNaN : Class::QNaN;
    if (is_inf<F>(a)) return s ? Class::NegInf : Class::PosInf;
    if (is_zero<F>(a)) return s ? Class::NegZero : Class::PosZero;
    if (is_subnormal<F>(a)) return s ? Class::NegSubnormal : Class::PosSubnormal;
    return s ? Class::NegNormal : Class::PosNormal;
}

// copySign, negate-copySign and xor-sign (RISC-V fsgnj, fsgnjn, fsgnjx; abs and neg).
enum class SignOp { Copy, CopyNegated, Xor };
template <class F>
uint64_t sign_inject(uint64_t a, uint64_t b, SignOp k) {
    switch (k) {
        case SignOp::Copy: return (a & ~F::SIGN) | (b & F::SIGN);
        case SignOp::CopyNegated: return (a & ~F::SIGN) | (~b & F::SIGN);
        case SignOp::Xor: return a ^ (b & F::SIGN);
    }
    return a;
}

}  // namespace tessera::softfloat
