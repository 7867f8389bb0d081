// The A64 FP operations under a run-time FPCR (fp_ops.h): one specialisation per FZ and DN.
#include "frontends/aarch64/fp_ops.h"

namespace tessera::aarch64::fp {

uint64_t exec(uint64_t d, uint64_t a, uint64_t b, uint64_t c, uint64_t fpcr, uint32_t* flags) {
    const int rm = desc_rm(d) == RM_FPCR ? rmode_of(fpcr) : int(desc_rm(d));
    const bool ahp = fpcr & FPCR_AHP;
    switch ((fpcr >> 24) & 3) {  // FZ, DN
    case 0: return exec_policy<policy(false, false)>(d, a, b, c, rm, ahp, flags);
    case 1: return exec_policy<policy(true, false)>(d, a, b, c, rm, ahp, flags);
    case 2: return exec_policy<policy(false, true)>(d, a, b, c, rm, ahp, flags);
    default: return exec_policy<policy(true, true)>(d, a, b, c, rm, ahp, flags);
    }
}

}  // namespace tessera::aarch64::fp
