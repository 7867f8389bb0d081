/* Floating-point check macros for the F/D tests (assembly only).
 * Values go in and out as raw bit patterns through fmv, so every check is
 * exact, and each check also compares the accumulated fflags:
 * NV=0x10 DZ=0x08 OF=0x04 UF=0x02 NX=0x01. */
#include "test.h"

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

#define SETS(f, bits) li t0, bits; fmv.w.x f, t0
#define SETD(f, bits) li t0, bits; fmv.d.x f, t0
/* fmv.x.w sign-extends, so compare single results as sign-extended words. */
#define CHECK_W(n, reg, val) li gp, n; li t6, val; sext.w t6, t6; bne reg, t6, test_fail_gp
#define CHECK_FLAGS(n, fl) csrr a3, fflags; CHECK_EQ(n, a3, fl)

/* rm is a static rounding mode operand, e.g. rne, rtz, rdn, rup, rmm, dyn */
#define TEST_S_RR(n, op, rm, res, fl, a, b) SETS(fa0, a); SETS(fa1, b); csrwi fflags, 0; \
    op fa2, fa0, fa1, rm; CHECK_FLAGS(n, fl); fmv.x.w a2, fa2; CHECK_W(n, a2, res)
#define TEST_D_RR(n, op, rm, res, fl, a, b) SETD(fa0, a); SETD(fa1, b); csrwi fflags, 0; \
    op fa2, fa0, fa1, rm; CHECK_FLAGS(n, fl); fmv.x.d a2, fa2; CHECK_EQ(n, a2, res)
/* ops without a rounding mode (fmin/fmax/fsgnj*) */
#define TEST_S_RR_NORM(n, op, res, fl, a, b) SETS(fa0, a); SETS(fa1, b); csrwi fflags, 0; \
    op fa2, fa0, fa1; CHECK_FLAGS(n, fl); fmv.x.w a2, fa2; CHECK_W(n, a2, res)
#define TEST_D_RR_NORM(n, op, res, fl, a, b) SETD(fa0, a); SETD(fa1, b); csrwi fflags, 0; \
    op fa2, fa0, fa1; CHECK_FLAGS(n, fl); fmv.x.d a2, fa2; CHECK_EQ(n, a2, res)
#define TEST_S_R(n, op, rm, res, fl, a) SETS(fa0, a); csrwi fflags, 0; \
    op fa2, fa0, rm; CHECK_FLAGS(n, fl); fmv.x.w a2, fa2; CHECK_W(n, a2, res)
#define TEST_D_R(n, op, rm, res, fl, a) SETD(fa0, a); csrwi fflags, 0; \
    op fa2, fa0, rm; CHECK_FLAGS(n, fl); fmv.x.d a2, fa2; CHECK_EQ(n, a2, res)
#define TEST_S_FMA(n, op, res, fl, a, b, c) SETS(fa0, a); SETS(fa1, b); SETS(fa3, c); \
    csrwi fflags, 0; op fa2, fa0, fa1, fa3; CHECK_FLAGS(n, fl); fmv.x.w a2, fa2; CHECK_W(n, a2, res)
#define TEST_D_FMA(n, op, res, fl, a, b, c) SETD(fa0, a); SETD(fa1, b); SETD(fa3, c); \
    csrwi fflags, 0; op fa2, fa0, fa1, fa3; CHECK_FLAGS(n, fl); fmv.x.d a2, fa2; CHECK_EQ(n, a2, res)
/* float -> integer register (fcvt.[w|l][u].[s|d], fclass, compares) */
#define TEST_S_TOINT(n, op, res, fl, a) SETS(fa0, a); csrwi fflags, 0; \
    op a2, fa0; CHECK_FLAGS(n, fl); CHECK_EQ(n, a2, res)
#define TEST_D_TOINT(n, op, res, fl, a) SETD(fa0, a); csrwi fflags, 0; \
    op a2, fa0; CHECK_FLAGS(n, fl); CHECK_EQ(n, a2, res)
#define TEST_S_CVTI(n, op, rm, res, fl, a) SETS(fa0, a); csrwi fflags, 0; \
    op a2, fa0, rm; CHECK_FLAGS(n, fl); CHECK_EQ(n, a2, res)
#define TEST_D_CVTI(n, op, rm, res, fl, a) SETD(fa0, a); csrwi fflags, 0; \
    op a2, fa0, rm; CHECK_FLAGS(n, fl); CHECK_EQ(n, a2, res)
#define TEST_S_CMP(n, op, res, fl, a, b) SETS(fa0, a); SETS(fa1, b); csrwi fflags, 0; \
    op a2, fa0, fa1; CHECK_FLAGS(n, fl); CHECK_EQ(n, a2, res)
#define TEST_D_CMP(n, op, res, fl, a, b) SETD(fa0, a); SETD(fa1, b); csrwi fflags, 0; \
    op a2, fa0, fa1; CHECK_FLAGS(n, fl); CHECK_EQ(n, a2, res)
/* integer register -> float */
#define TEST_S_FROMI(n, op, rm, res, fl, a) li a0, a; csrwi fflags, 0; \
    op fa2, a0, rm; CHECK_FLAGS(n, fl); fmv.x.w a2, fa2; CHECK_W(n, a2, res)
#define TEST_D_FROMI(n, op, rm, res, fl, a) li a0, a; csrwi fflags, 0; \
    op fa2, a0, rm; CHECK_FLAGS(n, fl); fmv.x.d a2, fa2; CHECK_EQ(n, a2, res)
