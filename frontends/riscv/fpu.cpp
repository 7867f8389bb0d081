// RISC-V F/D arithmetic (unprivileged spec 20191213, chapters 11 and 12): the shared
// soft-float core (softfloat/arith.h) under RISC-V's policy, with NaN boxing.
//
// Everything is computed in software so all five rounding modes, including RMM, and all
// five flags come out exactly as RISC-V specifies (notably UF uses tininess after rounding,
// which x86 SSE does not). Results do not depend on the host rounding mode or FTZ/DAZ,
// and the host flags are left as they were. The host fast path is fpu_fast.h.
//
// Compare, classify, sign-injection, min/max and conversions: fpu_misc.h.
#include "frontends/riscv/fpu.h"

#include "frontends/riscv/fpu_misc.h"
#include "softfloat/arith.h"

namespace tessera::riscv::fp {

namespace sf = softfloat;
using sf::F32;
using sf::F64;

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
    constexpr sf::Policy P = kPolicy;
    const uint64_t sa = unbox_s(a), sb = unbox_s(b), sc = unbox_s(c);
    switch (op) {
        case FpOp::FADD_S: return box_s(sf::add<F32, P>(sa, sb, false, rm, flags));
        case FpOp::FSUB_S: return box_s(sf::add<F32, P>(sa, sb, true, rm, flags));
        case FpOp::FMUL_S: return box_s(sf::mul<F32, P>(sa, sb, rm, flags));
        case FpOp::FDIV_S: return box_s(sf::div<F32, P>(sa, sb, rm, flags));
        case FpOp::FSQRT_S: return box_s(sf::sqrt<F32, P>(sa, rm, flags));
        case FpOp::FMADD_S: return box_s(sf::fma<F32, P>(sa, sb, sc, false, false, rm, flags));
        case FpOp::FMSUB_S: return box_s(sf::fma<F32, P>(sa, sb, sc, false, true, rm, flags));
        case FpOp::FNMSUB_S: return box_s(sf::fma<F32, P>(sa, sb, sc, true, false, rm, flags));
        case FpOp::FNMADD_S: return box_s(sf::fma<F32, P>(sa, sb, sc, true, true, rm, flags));

        case FpOp::FADD_D: return sf::add<F64, P>(a, b, false, rm, flags);
        case FpOp::FSUB_D: return sf::add<F64, P>(a, b, true, rm, flags);
        case FpOp::FMUL_D: return sf::mul<F64, P>(a, b, rm, flags);
        case FpOp::FDIV_D: return sf::div<F64, P>(a, b, rm, flags);
        case FpOp::FSQRT_D: return sf::sqrt<F64, P>(a, rm, flags);
        case FpOp::FMADD_D: return sf::fma<F64, P>(a, b, c, false, false, rm, flags);
        case FpOp::FMSUB_D: return sf::fma<F64, P>(a, b, c, false, true, rm, flags);
        case FpOp::FNMSUB_D: return sf::fma<F64, P>(a, b, c, true, false, rm, flags);
        case FpOp::FNMADD_D: return sf::fma<F64, P>(a, b, c, true, true, rm, flags);

        default: return exec_misc(op, a, b, rm, flags);
    }
}

uint64_t exec_misc(FpOp op, uint64_t a, uint64_t b, int rm, uint32_t* flags) { return misc_op(op, a, b, rm, flags); }

}  // namespace tessera::riscv::fp
