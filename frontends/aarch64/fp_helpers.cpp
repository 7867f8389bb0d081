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
// matter: NaN results are refused), IXC is already set and the result is ordinary: then it
// is ARM's result and no flag can be news.
[[gnu::always_inline]] inline bool host_kind(fp::Op op, unsigned* kind) {
    switch (op) {
    case fp::Op::ADD: *kind = ir::FF_ADD; return true;
    case fp::Op::SUB: *kind = ir::FF_SUB; return true;
    case fp::Op::MUL: case fp::Op::NMUL: *kind = ir::FF_MUL; return true;
    case fp::Op::DIV: *kind = ir::FF_DIV; return true;
    case fp::Op::SQRT: *kind = ir::FF_SQRT; return true;
    case fp::Op::MADD: *kind = ir::FF_MADD; return true;    // a*b + c
    case fp::Op::MSUB: *kind = ir::FF_NMSUB; return true;   // -a*b + c
    case fp::Op::NMADD: *kind = ir::FF_NMADD; return true;  // -a*b - c
    case fp::Op::NMSUB: *kind = ir::FF_MSUB; return true;   // a*b - c
    default: return false;
    }
}

}  // namespace

extern "C" {

uint64_t tessera_a64_fp_arith(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) {
    const Aarch64Cpu& cpu = cpu_of(env);
    const fp::Op op = fp::desc_op(desc);
    unsigned kind = 0;
    if (host_kind(op, &kind)) {
        const bool dbl = fp::desc_fmt(desc) == 3;
        const uint64_t r = ir::fastfp(kind, dbl ? ir::FF_F64 : ir::FF_F32, a, b, c);
        const bool ok = (r != ir::FASTFP_REFUSED) & ((cpu.fpcr & (fp::FPCR_FZ | fp::FPCR_RMODE)) == 0) &
                        ((cpu.fpsr & fp::FPSR_IXC) != 0);
        if (ok) return op == fp::Op::NMUL ? r ^ (dbl ? fp::F64::SIGN : fp::F32::SIGN) : r;
    }
    return tessera_a64_fp_slow(env, desc, a, b, c);
}

uint64_t tessera_a64_fp_misc(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) {
    const Aarch64Cpu& cpu = cpu_of(env);
    if ((cpu.fpcr & (fp::FPCR_FZ | fp::FPCR_DN | fp::FPCR_AHP)) == 0) {
        const int rm = fp::desc_rm(desc) == fp::RM_FPCR ? fp::rmode_of(cpu.fpcr) : int(fp::desc_rm(desc));
        uint32_t flags = 0;
        const uint64_t r = fp::exec_policy<fp::policy(false, false)>(desc, a, b, c, rm, false, &flags);
        if ((fp::fpsr_bits(flags) & ~cpu.fpsr) == 0) return r;
    }
    return tessera_a64_fp_slow(env, desc, a, b, c);
}

}  // extern "C"

}  // namespace tessera::aarch64
