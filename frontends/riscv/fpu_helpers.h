// The F/D helpers of fpu_helpers.cpp: C names (the same in the native code and in the
// embedded bitcode), grouped by what they touch.
#pragma once
#include <cstdint>

// Arithmetic: host fast path, reads frm/fflags/mstatus, may call the slow path.
#define TESSERA_RV_FP_ARITH_HELPERS(X)                                                              \
    X(FADD_S) X(FSUB_S) X(FMUL_S) X(FDIV_S) X(FSQRT_S) X(FMADD_S) X(FMSUB_S) X(FNMSUB_S) X(FNMADD_S) \
    X(FADD_D) X(FSUB_D) X(FMUL_D) X(FDIV_D) X(FSQRT_D) X(FMADD_D) X(FMSUB_D) X(FNMSUB_D) X(FNMADD_D)
// Min/max, compares, conversions: the soft-float operation inline, reads frm/fflags/mstatus,
// may call the slow path (new flags, illegal dynamic rounding mode).
#define TESSERA_RV_FP_MISC_HELPERS(X)                                                              \
    X(FMIN_S) X(FMAX_S) X(FEQ_S) X(FLT_S) X(FLE_S)                                                 \
    X(FCVT_W_S) X(FCVT_WU_S) X(FCVT_L_S) X(FCVT_LU_S) X(FCVT_S_W) X(FCVT_S_WU) X(FCVT_S_L) X(FCVT_S_LU) \
    X(FMIN_D) X(FMAX_D) X(FEQ_D) X(FLT_D) X(FLE_D)                                                 \
    X(FCVT_W_D) X(FCVT_WU_D) X(FCVT_L_D) X(FCVT_LU_D) X(FCVT_D_W) X(FCVT_D_WU) X(FCVT_D_L) X(FCVT_D_LU) \
    X(FCVT_S_D) X(FCVT_D_S)
// Sign injection and classify: pure functions of the operands.
#define TESSERA_RV_FP_PURE_HELPERS(X) \
    X(FSGNJ_S) X(FSGNJN_S) X(FSGNJX_S) X(FCLASS_S) X(FSGNJ_D) X(FSGNJN_D) X(FSGNJX_D) X(FCLASS_D)

extern "C" {
#define TESSERA_DECLARE(op) uint64_t tessera_rv_##op(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t d);
TESSERA_RV_FP_ARITH_HELPERS(TESSERA_DECLARE)
TESSERA_RV_FP_MISC_HELPERS(TESSERA_DECLARE)
TESSERA_RV_FP_PURE_HELPERS(TESSERA_DECLARE)
#undef TESSERA_DECLARE
// The generic path (helpers.cpp, native only): any op, any rounding mode, records flags,
// raises illegal instruction for a reserved dynamic mode.
uint64_t tessera_rv_fp_slow(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t d);
}
