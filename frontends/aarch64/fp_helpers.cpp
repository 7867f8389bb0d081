// The scalar FP helpers translated code calls. Compiled twice from the same source: natively
// (the interpreter and the baseline) and to LLVM bitcode that the LLVM tier inlines
// (docs/architecture.md, "Helpers"). The descriptor is a constant at every call site, so the
// inlined operation folds to one case; anything out of the ordinary goes to
// tessera_a64_fp_slow (fp_native.cpp, native only).
//
// What may go here: code that reads and writes the CPU state through env and computes; no
// globals, no calls but the slow paths (the bitcode is linked on its own; fp_native.cpp
// lists them as the library's externs).
//
// The AdvSIMD FP helper is here too: with its descriptor and layout constant, the inlined
// lane loop unrolls and the host FPU computes the lanes when FPCR and FPSR allow it.
#include "frontends/aarch64/cpu.h"
#include "frontends/aarch64/fp_helpers.h"
#include "frontends/aarch64/fp_lanes.h"
#include "frontends/aarch64/fp_ops.h"
#include "ir/fastfp.h"

namespace tessera::aarch64 {

namespace {

const Aarch64Cpu& cpu_of(void* env) { return *static_cast<const Aarch64Cpu*>(static_cast<Vcpu*>(env)); }
Aarch64Cpu& cpu_mut(void* env) { return *static_cast<Aarch64Cpu*>(static_cast<Vcpu*>(env)); }

// The host computes it when FPCR is round-to-nearest without flush-to-zero (DN does not
// matter: NaN results are refused), IXC is already set and the result is ordinary (and not
// the smallest normal): then it is ARM's result and no flag can be news.
template <fp::Op OP, unsigned FMT>
[[gnu::always_inline]] inline uint64_t arith(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) {
    const Aarch64Cpu& cpu = cpu_of(env);
    constexpr bool dbl = FMT == 3;
    const uint64_t r = ir::fastfp(unsigned(fp::host_kind(OP)), dbl ? ir::FF_F64 : ir::FF_F32, a, b, c);
    // fastfp accepts the smallest normal magnitude, which ARM's tininess before rounding
    // may reach from a tiny exact result (UFC then): the soft-float path decides those.
    const bool ok = (r != ir::FASTFP_REFUSED) & ((r & (fp::sign_bit(FMT) - 1)) != fp::min_normal(FMT)) &
                    ((cpu.fpcr & (fp::FPCR_FZ | fp::FPCR_RMODE)) == 0) & ((cpu.fpsr & fp::FPSR_IXC) != 0);
    if (ok) return OP == fp::Op::NMUL ? r ^ fp::sign_bit(FMT) : r;
    return tessera_a64_fp_slow(env, desc, a, b, c);
}

// The operation and formats are the helper's constants (the rest of desc: rounding, integer
// size, fraction bits, comes from the call site).
template <fp::Op OP, unsigned FMT, unsigned FMT2 = 4>
[[gnu::always_inline]] inline uint64_t misc(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) {
    const Aarch64Cpu& cpu = cpu_of(env);
    uint64_t d = (desc & ~uint64_t(0x3ff)) | uint64_t(OP) | FMT << 8;
    if constexpr (FMT2 < 4) d = (d & ~uint64_t(0xc00)) | FMT2 << 10;
    if ((cpu.fpcr & (fp::FPCR_FZ | fp::FPCR_DN | fp::FPCR_AHP)) == 0) {
        const int rm = fp::desc_rm(d) == fp::RM_FPCR ? fp::rmode_of(cpu.fpcr) : int(fp::desc_rm(d));
        uint32_t flags = 0;
        const uint64_t r = fp::exec_policy<fp::policy(false, false)>(d, a, b, c, rm, false, &flags);
        if ((fp::fpsr_bits(flags) & ~cpu.fpsr) == 0) return r;
    }
    return tessera_a64_fp_slow(env, d, a, b, c);
}

// Lane-wise arithmetic on the host FPU when FPCR and FPSR allow it (see fp::host_kind):
// every lane or none (then the soft-float path computes them all from the same inputs).
[[gnu::always_inline]] inline bool vfp_host(Aarch64Cpu& cpu, uint64_t d, const uint64_t* n, const uint64_t* m, const uint64_t* old, uint64_t* r,
              unsigned lanes, unsigned esz, bool by_elem, unsigned index) {
    const int kind = fp::host_kind(fp::desc_op(d));
    if (kind < 0 || (cpu.fpcr & (fp::FPCR_FZ | fp::FPCR_RMODE)) || !(cpu.fpsr & fp::FPSR_IXC)) return false;
    const unsigned fmt = esz;
    for (unsigned e = 0; e < lanes; e++) {
        const uint64_t x = ir::fastfp(unsigned(kind), esz == 3 ? ir::FF_F64 : ir::FF_F32, lane(n, e, esz),
                                      lane(m, by_elem ? index : e, esz), lane(old, e, esz));
        if (x == ir::FASTFP_REFUSED || (x & (fp::sign_bit(fmt) - 1)) == fp::min_normal(fmt)) return false;
        set_lane(r, e, esz, x);
    }
    return true;
}

// AdvSIMD FP: the host FPU for lane-wise arithmetic when FPCR and FPSR allow it, else the
// soft-float path (native, out of line: small inlined code, the same results).
[[gnu::always_inline]] inline uint64_t vfp_apply(void* env, uint64_t d, uint64_t lay) {
    Aarch64Cpu& cpu = cpu_mut(env);
    const unsigned rd = lay & 31, rn = (lay >> 5) & 31, rm = (lay >> 10) & 31, index = (lay >> 24) & 15;
    const auto shape = vfp::Shape((lay >> 16) & 15);
    const bool q = (lay >> 20) & 1, scalar = (lay >> 21) & 1;
    const unsigned esz = (lay >> 22) & 3;
    if ((shape == vfp::SAME || shape == vfp::ELEM) && esz >= 2 && fp::host_kind(fp::desc_op(d)) >= 0) {
        const uint64_t n[2] = {cpu.v[rn][0], cpu.v[rn][1]}, m[2] = {cpu.v[rm][0], cpu.v[rm][1]};
        const uint64_t old[2] = {cpu.v[rd][0], cpu.v[rd][1]};
        uint64_t r[2] = {0, 0};
        const unsigned lanes = scalar ? 1 : (q ? 16u : 8u) >> esz;
        if (vfp_host(cpu, d, n, m, old, r, lanes, esz, shape == vfp::ELEM, index)) {
            cpu.v[rd][0] = r[0];
            cpu.v[rd][1] = (q && !scalar) ? r[1] : 0;
            return 0;
        }
    }
    return tessera_a64_vfp_slow(env, d, lay, 0, 0);
}

}  // namespace

extern "C" {
#define TESSERA_DEFINE(kind, op)                                                                          \
    uint64_t tessera_a64_fp_##op##_s(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) {     \
        return kind<fp::Op::op, 2>(env, desc, a, b, c);                                                   \
    }                                                                                                     \
    uint64_t tessera_a64_fp_##op##_d(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) {     \
        return kind<fp::Op::op, 3>(env, desc, a, b, c);                                                   \
    }
#define TESSERA_DEFINE_ARITH(op) TESSERA_DEFINE(arith, op)
#define TESSERA_DEFINE_MISC(op) TESSERA_DEFINE(misc, op)
#define TESSERA_DEFINE_CVT(from, to)                                                                      \
    uint64_t tessera_a64_fp_cvt_##from##to(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) { \
        return misc<fp::Op::CVT, from, to>(env, desc, a, b, c);                                           \
    }
TESSERA_A64_FP_ARITH_OPS(TESSERA_DEFINE_ARITH)
TESSERA_A64_FP_MISC_OPS(TESSERA_DEFINE_MISC)
TESSERA_A64_FP_CVTS(TESSERA_DEFINE_CVT)
#undef TESSERA_DEFINE
uint64_t tessera_a64_vfp(void* env, uint64_t desc, uint64_t layout, uint64_t, uint64_t) { return vfp_apply(env, desc, layout); }
#undef TESSERA_DEFINE_ARITH
#undef TESSERA_DEFINE_MISC
#undef TESSERA_DEFINE_CVT
}  // extern "C"

}  // namespace tessera::aarch64
