// The integer square root behind softfloat::sqrt. The host's double square root is only a
// starting guess; whatever host flags it sets are put back, so the soft-float core leaves
// no trace in the host FP environment and does not depend on its rounding mode or FTZ/DAZ.
// Compiled with -frounding-math so the compiler neither folds nor moves the host operations.
#include <cfenv>
#include <cmath>
#if defined(__x86_64__) && defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "softfloat/arith.h"

namespace tessera::softfloat {

namespace {

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

}  // namespace

uint64_t isqrt128(u128 n, bool* inexact) {
    // A guess within about 2^11 of the root; one Newton correction using the exact residual
    // brings it within a unit or two, and the final loops make it exact.
    uint64_t r;
    {
        HostFpFlagsScope scope;
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

}  // namespace tessera::softfloat
