// The F/D helpers translated code calls, one per instruction. This file is compiled twice
// from the same source: natively (the interpreter and the baseline call these functions)
// and by clang to LLVM bitcode embedded in the binary, which the LLVM tier links into its
// modules and inlines (docs/architecture.md, "Helpers"). Each helper is a fast path for the
// common case and a call to tessera_rv_fp_slow (helpers.cpp, native only: the soft-float
// core, flags, illegal rounding modes) for everything else, so the inlined code stays small.
//
// What may go here: code that reads the CPU state through env and computes; no globals,
// no calls but the slow path (the bitcode is linked on its own, resolving nothing else).
#include "frontends/riscv/cpu.h"
#include "frontends/riscv/fpu.h"
#include "frontends/riscv/fpu_fast.h"
#include "frontends/riscv/fpu_helpers.h"
#include "frontends/riscv/fpu_misc.h"

namespace tessera::riscv {

namespace {

const RiscvCpu& cpu_of(void* env) { return *static_cast<const RiscvCpu*>(static_cast<Vcpu*>(env)); }

// Flags the fast path may leave unrecorded: those already set in fflags, with FS dirty
// (recording them again would change nothing).
// Branch-free (see fpu_fast.h).
inline bool flags_already_recorded(const RiscvCpu& c, uint32_t flags) {
    return (flags == 0) | (((flags & ~c.fflags) == 0) & ((c.mstatus_ & mstatus::FS) == mstatus::FS));
}

// Arithmetic: the host computes it (fpu_fast.h) when the mode is RNE, NX is already
// recorded and operands and result are ordinary.
template <fp::FpOp OP>
[[gnu::always_inline]] inline uint64_t arith(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t d) {
    const RiscvCpu& c = cpu_of(env);
    unsigned rm = (desc >> 8) & 7;
    uint64_t r = 0;
    const bool fast = fp::fp_fast(OP, a, b, d, &r);
    if ((rm == fp::RNE || (rm == 7 && c.frm == fp::RNE)) & flags_already_recorded(c, fp::NX) & fast) return r;
    return tessera_rv_fp_slow(env, desc, a, b, d);
}

// Everything else: the soft-float operation itself (small for these), with its flags
// collected locally; the slow path records them when they are news.
template <fp::FpOp OP>
[[gnu::always_inline]] inline uint64_t misc(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t d) {
    const RiscvCpu& c = cpu_of(env);
    unsigned rm = (desc >> 8) & 7;
    if (rm == 7) rm = c.frm;
    if (rm <= fp::RMM) {
        uint32_t flags = 0;
        uint64_t r = fp::misc_op(OP, a, b, int(rm), &flags);
        if (flags_already_recorded(c, flags)) return r;
    }
    return tessera_rv_fp_slow(env, desc, a, b, d);
}

// Neither rounding nor flags: a function of the operands.
template <fp::FpOp OP>
[[gnu::always_inline]] inline uint64_t pure(void*, uint64_t, uint64_t a, uint64_t b, uint64_t) {
    uint32_t flags = 0;
    return fp::misc_op(OP, a, b, fp::RNE, &flags);
}

}  // namespace

extern "C" {
#define TESSERA_DEFINE(kind, op) \
    uint64_t tessera_rv_##op(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t d) { return kind<fp::FpOp::op>(env, desc, a, b, d); }
#define TESSERA_DEFINE_ARITH(op) TESSERA_DEFINE(arith, op)
#define TESSERA_DEFINE_MISC(op) TESSERA_DEFINE(misc, op)
#define TESSERA_DEFINE_PURE(op) TESSERA_DEFINE(pure, op)
TESSERA_RV_FP_ARITH_HELPERS(TESSERA_DEFINE_ARITH)
TESSERA_RV_FP_MISC_HELPERS(TESSERA_DEFINE_MISC)
TESSERA_RV_FP_PURE_HELPERS(TESSERA_DEFINE_PURE)
#undef TESSERA_DEFINE_ARITH
#undef TESSERA_DEFINE_MISC
#undef TESSERA_DEFINE_PURE
#undef TESSERA_DEFINE
}

}  // namespace tessera::riscv
