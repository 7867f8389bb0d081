// The scalar FP helpers translated code calls. Compiled twice from the same source: natively
// (the interpreter and the baseline) and to LLVM bitcode that the LLVM tier inlines
// (docs/architecture.md, "Helpers"). The descriptor is a constant at every call site, so the
// inlined operation folds to one case; anything out of the ordinary goes to
// tessera_a64_fp_slow (fp_native.cpp, native only).
//
// What may go here: code that reads the CPU state through env and computes; no globals, no
// calls but the slow path (the bitcode is linked on its own).
#include "frontends/aarch64/cpu.h"
#include "frontends/aarch64/fp_helpers.h"
#include "frontends/aarch64/fp_ops.h"
#include "ir/fastfp.h"

namespace tessera::aarch64 {

namespace {

const Aarch64Cpu& cpu_of(void* env) { return *static_cast<const Aarch64Cpu*>(static_cast<Vcpu*>(env)); }

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
#undef TESSERA_DEFINE_ARITH
#undef TESSERA_DEFINE_MISC
#undef TESSERA_DEFINE_CVT
}  // extern "C"

}  // namespace tessera::aarch64
