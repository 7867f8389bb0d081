/* D extension: arithmetic in every rounding mode (static and frm), fused
 * multiply-add, underflow/overflow flags, conversions between double,
 * single and integers with saturation, canonical NaNs, fmin/fmax, fclass,
 * compares, sign injection, fmv and fld/fsd. */
#include "fp.h"

#define ONE   0x3ff0000000000000
#define MONE  0xbff0000000000000
#define TWO   0x4000000000000000
#define HALF  0x3fe0000000000000
#define THREE 0x4008000000000000
#define INF   0x7ff0000000000000
#define NINF  0xfff0000000000000
#define QNAN  0x7ff8000000000000     /* the canonical NaN */
#define SNAN  0x7ff0000000000001
#define MAXD  0x7fefffffffffffff
#define P2M53 0x3ca0000000000000     /* 2^-53: half an ulp of 1.0 */
#define M2M53 0xbca0000000000000

    .text
    .globl main
main:
    TEST_D_RR(1, fadd.d, rne, THREE, 0, ONE, TWO)
    TEST_D_RR(2, fsub.d, rne, 0, 0, ONE, ONE)
    TEST_D_RR(3, fsub.d, rdn, 0x8000000000000000, 0, ONE, ONE)
    TEST_D_RR(4, fmul.d, rne, INF, OF|NX, MAXD, TWO)
    TEST_D_RR(5, fmul.d, rtz, MAXD, OF|NX, MAXD, TWO)
    TEST_D_RR(6, fdiv.d, rne, NINF, DZ, MONE, 0)
    TEST_D_RR(7, fdiv.d, rne, QNAN, NV, INF, INF)
    TEST_D_RR(8, fadd.d, rne, QNAN, NV, SNAN, ONE)
    TEST_D_RR(9, fadd.d, rne, QNAN, 0, 0x7ff800000000beef, ONE)
    /* tiny and inexact raises UF; an exact subnormal result does not */
    TEST_D_RR(10, fmul.d, rne, 0x0008000000000000, UF|NX, 0x0010000000000001, HALF)
    TEST_D_RR(11, fmul.d, rne, 0x0008000000000000, 0, 0x0010000000000000, HALF)
    TEST_D_RR(12, fmul.d, rup, 0x0000000000000001, UF|NX, 0x0000000000000001, HALF)

    /* 1 + 2^-53 is an exact tie; -1 - 2^-53 its mirror */
    TEST_D_RR(20, fadd.d, rne, ONE, NX, ONE, P2M53)
    TEST_D_RR(21, fadd.d, rtz, ONE, NX, ONE, P2M53)
    TEST_D_RR(22, fadd.d, rdn, ONE, NX, ONE, P2M53)
    TEST_D_RR(23, fadd.d, rup, 0x3ff0000000000001, NX, ONE, P2M53)
    TEST_D_RR(24, fadd.d, rmm, 0x3ff0000000000001, NX, ONE, P2M53)
    TEST_D_RR(25, fadd.d, rne, MONE, NX, MONE, M2M53)
    TEST_D_RR(26, fadd.d, rtz, MONE, NX, MONE, M2M53)
    TEST_D_RR(27, fadd.d, rdn, 0xbff0000000000001, NX, MONE, M2M53)
    TEST_D_RR(28, fadd.d, rup, MONE, NX, MONE, M2M53)
    TEST_D_RR(29, fadd.d, rmm, 0xbff0000000000001, NX, MONE, M2M53)
    TEST_D_RR(30, fdiv.d, rne, 0x3fd5555555555555, NX, ONE, THREE)
    TEST_D_RR(31, fdiv.d, rup, 0x3fd5555555555556, NX, ONE, THREE)
    TEST_D_RR(32, fdiv.d, rmm, 0x3fd5555555555555, NX, ONE, THREE)
    csrwi frm, 0
    TEST_D_RR(40, fadd.d, dyn, ONE, NX, ONE, P2M53)
    csrwi frm, 1
    TEST_D_RR(41, fadd.d, dyn, MONE, NX, MONE, M2M53)
    csrwi frm, 2
    TEST_D_RR(42, fadd.d, dyn, 0xbff0000000000001, NX, MONE, M2M53)
    csrwi frm, 3
    TEST_D_RR(43, fadd.d, dyn, 0x3ff0000000000001, NX, ONE, P2M53)
    csrwi frm, 4
    TEST_D_RR(44, fadd.d, dyn, 0xbff0000000000001, NX, MONE, M2M53)
    csrwi frm, 0

    TEST_D_R(50, fsqrt.d, rne, 0x3ff6a09e667f3bcd, NX, TWO)
    TEST_D_R(51, fsqrt.d, rne, QNAN, NV, NINF)
    TEST_D_R(52, fsqrt.d, rne, INF, 0, INF)

    /* (1+2^-27)^2 - 1 = 2^-26 + 2^-54 only when rounded once */
    TEST_D_FMA(60, fmadd.d, 0x3e50000001000000, 0, 0x3ff0000002000000, 0x3ff0000002000000, MONE)
    TEST_D_FMA(61, fmsub.d, 0x3e50000001000000, 0, 0x3ff0000002000000, 0x3ff0000002000000, ONE)
    TEST_D_FMA(62, fnmadd.d, 0xc00c000000000000, 0, 0x3ff8000000000000, TWO, HALF) /* -(3)-0.5 */
    TEST_D_FMA(63, fnmsub.d, 0xc004000000000000, 0, 0x3ff8000000000000, TWO, HALF) /* -(3)+0.5 */
    TEST_D_FMA(64, fmadd.d, QNAN, NV, 0, INF, QNAN)
    TEST_D_FMA(65, fmadd.d, QNAN, 0, QNAN, ONE, ONE)

    TEST_D_RR_NORM(70, fmin.d, ONE, 0, QNAN, ONE)
    TEST_D_RR_NORM(71, fmax.d, ONE, NV, ONE, SNAN)
    TEST_D_RR_NORM(72, fmax.d, QNAN, 0, QNAN, QNAN)
    TEST_D_RR_NORM(73, fmin.d, 0x8000000000000000, 0, 0, 0x8000000000000000)
    TEST_D_RR_NORM(74, fmax.d, 0, 0, 0x8000000000000000, 0)
    TEST_D_RR_NORM(75, fsgnj.d, MONE, 0, ONE, NINF)
    TEST_D_RR_NORM(76, fsgnjn.d, MONE, 0, ONE, ONE)
    TEST_D_RR_NORM(77, fsgnjx.d, ONE, 0, MONE, MONE)

    TEST_D_TOINT(80, fclass.d, 0x001, 0, NINF)
    TEST_D_TOINT(81, fclass.d, 0x002, 0, MONE)
    TEST_D_TOINT(82, fclass.d, 0x004, 0, 0x800fffffffffffff)
    TEST_D_TOINT(83, fclass.d, 0x008, 0, 0x8000000000000000)
    TEST_D_TOINT(84, fclass.d, 0x010, 0, 0)
    TEST_D_TOINT(85, fclass.d, 0x020, 0, 1)
    TEST_D_TOINT(86, fclass.d, 0x040, 0, MAXD)
    TEST_D_TOINT(87, fclass.d, 0x080, 0, INF)
    TEST_D_TOINT(88, fclass.d, 0x100, 0, SNAN)
    TEST_D_TOINT(89, fclass.d, 0x200, 0, QNAN)

    TEST_D_CMP(90, feq.d, 0, 0, QNAN, ONE)
    TEST_D_CMP(91, feq.d, 0, NV, SNAN, SNAN)
    TEST_D_CMP(92, flt.d, 0, NV, ONE, QNAN)
    TEST_D_CMP(93, fle.d, 1, 0, ONE, ONE)
    TEST_D_CMP(94, flt.d, 1, 0, NINF, MONE)

    /* double -> integer with saturation */
    TEST_D_CVTI(100, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, 0x43e0000000000000) /* 2^63 */
    TEST_D_CVTI(101, fcvt.l.d, rtz, 0x8000000000000000, 0, 0xc3e0000000000000)  /* -2^63 */
    TEST_D_CVTI(102, fcvt.l.d, rtz, 0x8000000000000000, NV, NINF)
    TEST_D_CVTI(103, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, QNAN)
    TEST_D_CVTI(104, fcvt.lu.d, rtz, 0, NV, MONE)
    TEST_D_CVTI(105, fcvt.lu.d, rtz, 0xffffffffffffffff, NV, 0x43f0000000000000) /* 2^64 */
    TEST_D_CVTI(106, fcvt.lu.d, rtz, 0xffffffffffffffff, NV, QNAN)
    TEST_D_CVTI(107, fcvt.w.d, rtz, 0x7fffffff, NV, 0x41e0000000000000)  /* 2^31 */
    TEST_D_CVTI(108, fcvt.w.d, rtz, 0xffffffff80000000, NX, 0xc1e0000000100000) /* -2^31-0.5 */
    TEST_D_CVTI(109, fcvt.w.d, rne, 0xffffffff80000000, NX, 0xc1e0000000100000)
    TEST_D_CVTI(110, fcvt.w.d, rdn, 0xffffffff80000000, NV, 0xc1e0000000100000)
    TEST_D_CVTI(111, fcvt.wu.d, rtz, 0xffffffffffffffff, 0, 0x41efffffffe00000) /* 2^32-1 */
    TEST_D_CVTI(112, fcvt.wu.d, rtz, 0xffffffffffffffff, NV, 0x41f0000000000000) /* 2^32 */
    TEST_D_CVTI(113, fcvt.w.d, rmm, -3, NX, 0xc004000000000000)   /* -2.5 */
    TEST_D_CVTI(114, fcvt.w.d, rne, -2, NX, 0xc004000000000000)
    TEST_D_CVTI(115, fcvt.l.d, rup, 3, NX, 0x4004000000000000)

    /* integer -> double */
    TEST_D_FROMI(120, fcvt.d.l, rne, 0x4340000000000000, NX, 0x20000000000001) /* 2^53+1 */
    TEST_D_FROMI(121, fcvt.d.l, rup, 0x4340000000000001, NX, 0x20000000000001)
    TEST_D_FROMI(122, fcvt.d.lu, rne, 0x43f0000000000000, NX, 0xffffffffffffffff)
    TEST_D_FROMI(123, fcvt.d.lu, rtz, 0x43efffffffffffff, NX, 0xffffffffffffffff)
    li a0, 0x1234567880000000                 /* .w forms read bits 31:0 only, always exact */
    fcvt.d.w fa2, a0
    fmv.x.d a2, fa2
    CHECK_EQ(124, a2, 0xc1e0000000000000)
    fcvt.d.wu fa2, a0
    fmv.x.d a2, fa2
    CHECK_EQ(125, a2, 0x41e0000000000000)
    TEST_D_FROMI(126, fcvt.d.l, rne, 0xc3e0000000000000, 0, 0x8000000000000000)

    /* double <-> single */
    SETD(fa0, 0x3fd5555555555555)
    fcvt.s.d fa2, fa0, rtz
    fmv.x.w a2, fa2
    CHECK_W(131, a2, 0x3eaaaaaa)
    SETD(fa0, 0x3fd5555555555555)
    csrwi fflags, 0
    fcvt.s.d fa2, fa0, rne
    CHECK_FLAGS(132, NX)
    fmv.x.w a2, fa2
    CHECK_W(132, a2, 0x3eaaaaab)
    SETD(fa0, 0x7e37e43c8800759c)               /* 1e300 overflows single */
    csrwi fflags, 0
    fcvt.s.d fa2, fa0
    CHECK_FLAGS(133, OF|NX)
    fmv.x.w a2, fa2
    CHECK_W(133, a2, 0x7f800000)
    SETD(fa0, 0x7ff800000000beef)               /* NaN payload is dropped */
    csrwi fflags, 0
    fcvt.s.d fa2, fa0
    CHECK_FLAGS(134, 0)
    fmv.x.d a2, fa2
    CHECK_EQ(134, a2, 0xffffffff7fc00000)       /* and the result is NaN-boxed */
    SETD(fa0, SNAN)
    csrwi fflags, 0
    fcvt.s.d fa2, fa0
    CHECK_FLAGS(135, NV)
    SETS(fa0, 0x3fc00000)
    csrwi fflags, 0
    fcvt.d.s fa2, fa0
    CHECK_FLAGS(136, 0)
    fmv.x.d a2, fa2
    CHECK_EQ(136, a2, 0x3ff8000000000000)
    SETS(fa0, 0x7f800001)                       /* single sNaN */
    csrwi fflags, 0
    fcvt.d.s fa2, fa0
    CHECK_FLAGS(137, NV)
    fmv.x.d a2, fa2
    CHECK_EQ(137, a2, QNAN)
    SETD(fa0, 0x000000003fc00000)               /* unboxed single reads as NaN */
    csrwi fflags, 0
    fcvt.d.s fa2, fa0
    CHECK_FLAGS(138, 0)
    fmv.x.d a2, fa2
    CHECK_EQ(138, a2, QNAN)
    SETS(fa0, 0x00000001)                       /* single subnormal is exact in double */
    fcvt.d.s fa2, fa0
    fmv.x.d a2, fa2
    CHECK_EQ(139, a2, 0x36a0000000000000)

    /* fld/fsd move all 64 bits untouched (even NaN payloads) */
    lla a0, dbuf
    li t0, 0x7ff4000000000123
    sd t0, 0(a0)
    fld fa0, 0(a0)
    fsd fa0, 8(a0)
    ld a2, 8(a0)
    CHECK_EQ(150, a2, 0x7ff4000000000123)
    fmv.x.d a2, fa0
    CHECK_EQ(151, a2, 0x7ff4000000000123)
    fsgnj.d fa1, fa0, fa0                      /* fmv.d keeps the sNaN */
    fmv.x.d a2, fa1
    CHECK_EQ(152, a2, 0x7ff4000000000123)
    j pass

    .bss
    .balign 8
dbuf:
    .skip 16
