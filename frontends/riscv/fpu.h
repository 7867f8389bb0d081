// RISC-V F and D arithmetic as pure functions over register images: RISC-V's policy for
// the shared soft-float core (softfloat/), NaN boxing, and the x-register forms of results.
// This file knows nothing of CPU state.
#pragma once
#include <cstdint>

#include "softfloat/policy.h"

namespace tessera::riscv::fp {

// fflags bits are the core's flags, static rounding modes its modes (the caller resolves
// DYN=7 from frm and rejects 5, 6, 7).
using softfloat::Flag;
using softfloat::NX;
using softfloat::UF;
using softfloat::OF;
using softfloat::DZ;
using softfloat::NV;
using softfloat::Rm;
using softfloat::RNE;
using softfloat::RTZ;
using softfloat::RDN;
using softfloat::RUP;
using softfloat::RMM;
static_assert(NX == 1 && UF == 2 && OF == 4 && DZ == 8 && NV == 16, "fflags bit order");

// RISC-V: tininess after rounding, every NaN result canonical (positive, quiet, payload 0),
// no flush-to-zero, saturating conversions with NaN giving the largest integer.
inline constexpr softfloat::Policy kPolicy{};

// Operands and results are 64-bit f-register or x-register images.
//  - single-precision operands are NaN-unboxed (an improperly boxed value reads as the
//    canonical NaN 0x7fc00000); single-precision results are NaN-boxed (upper 32 bits all 1).
//  - results going to an x register (compares, fclass, fcvt.w/l*) are the final x value:
//    32-bit integer results sign-extended to 64 bits, compares 0/1.
//  - NaN results of arithmetic are the canonical NaN (0x7fc00000 / 0x7ff8000000000000).
#define TESSERA_FP_OPS(X)                                                               \
    X(FADD_S) X(FSUB_S) X(FMUL_S) X(FDIV_S) X(FSQRT_S) X(FMIN_S) X(FMAX_S)               \
    X(FMADD_S) X(FMSUB_S) X(FNMSUB_S) X(FNMADD_S)                                        \
    X(FSGNJ_S) X(FSGNJN_S) X(FSGNJX_S) X(FEQ_S) X(FLT_S) X(FLE_S) X(FCLASS_S)            \
    X(FCVT_W_S) X(FCVT_WU_S) X(FCVT_L_S) X(FCVT_LU_S)                                    \
    X(FCVT_S_W) X(FCVT_S_WU) X(FCVT_S_L) X(FCVT_S_LU)                                    \
    X(FADD_D) X(FSUB_D) X(FMUL_D) X(FDIV_D) X(FSQRT_D) X(FMIN_D) X(FMAX_D)               \
    X(FMADD_D) X(FMSUB_D) X(FNMSUB_D) X(FNMADD_D)                                        \
    X(FSGNJ_D) X(FSGNJN_D) X(FSGNJX_D) X(FEQ_D) X(FLT_D) X(FLE_D) X(FCLASS_D)            \
    X(FCVT_W_D) X(FCVT_WU_D) X(FCVT_L_D) X(FCVT_LU_D)                                    \
    X(FCVT_D_W) X(FCVT_D_WU) X(FCVT_D_L) X(FCVT_D_LU)                                    \
    X(FCVT_S_D) X(FCVT_D_S)

enum class FpOp : uint8_t {
#define X(n) n,
    TESSERA_FP_OPS(X)
#undef X
    COUNT
};

const char* fp_op_name(FpOp op);

// a, b, c are the rs1, rs2, rs3 images (unused ones ignored). For integer-to-float
// conversions a is the x-register value. rm is a static mode 0..4. Exception flags
// raised by the operation are ORed into *flags (never cleared).
uint64_t fp_exec(FpOp op, uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t* flags);

// NaN boxing of single-precision values in 64-bit f registers.
constexpr uint64_t kBox = 0xffffffff00000000ull;
constexpr uint64_t unbox_s(uint64_t x) { return (x & kBox) == kBox ? (x & 0xffffffffu) : 0x7fc00000u; }
constexpr uint64_t box_s(uint64_t x) { return kBox | (x & 0xffffffffu); }
// Compares, classify, sign injection, min/max and conversions (fpu_convert.cpp).
uint64_t exec_misc(FpOp op, uint64_t a, uint64_t b, int rm, uint32_t* flags);

}  // namespace tessera::riscv::fp
