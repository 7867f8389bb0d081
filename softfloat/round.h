// IEEE 754 roundToIntegral on raw bits: the value rounded to an integer in the format, under
// a given rounding mode, inexact signalled only when asked (roundToIntegralExact).
#pragma once
#include "softfloat/format.h"

namespace tessera::softfloat {

template <class F, Policy P>
uint64_t round_to_int(uint64_t x, int rm, bool exact, uint32_t* flags) {
    x = daz<F, P>(x, flags);
    if (is_nan<F>(x)) return nan_result<F, P>(x, 0, 0, 1, flags);
    if (is_inf<F>(x) || is_zero<F>(x)) return x;
    const Unpacked u = unpack<F>(x);
    if (u.exp >= F::M) return x;  // no fraction bits left
    int sh = 62 - u.exp;          // value = sig * 2^-sh, sh > 62 - M
    uint64_t sig = u.sig;
    if (sh > 63) {  // |value| < 1/2: only a sticky bit below the half point matters
        sig = shr_jam(sig, sh - 63);
        sh = 63;
    }
    const bool inexact = (sig & ((uint64_t{1} << sh) - 1)) != 0;
    const uint64_t m = (sig + round_increment(sig, sh, u.sign, rm)) >> sh;
    if (inexact && exact) *flags |= NX;
    if (m == 0) return x & F::SIGN;  // a zero keeps the operand's sign
    uint32_t ignored = 0;
    return from_int<F, P>(u.sign, m, RNE, &ignored);  // m <= 2^(M+1): exact
}

}  // namespace tessera::softfloat
