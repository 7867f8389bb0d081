/* F extension: arithmetic, fused multiply-add (single rounding), every
 * rounding mode both static and through frm, fflags, canonical NaN, NaN
 * boxing of singles in 64-bit registers, fmin/fmax, fclass, compares,
 * conversions with saturation, fmv, flw/fsw, and mstatus.FS becoming Dirty. */
#include "fp.h"

#define ONE   0x3f800000
#define TWO   0x40000000
#define HALF  0x3f000000
#define THREE 0x40400000
#define INF   0x7f800000
#define NINF  0xff800000
#define QNAN  0x7fc00000          /* the canonical NaN */
#define SNAN  0x7f800001
#define MAXF  0x7f7fffff
#define P2M24 0x33800000          /* 2^-24: half an ulp of 1.0 */

    .text
    .globl main
main:
    TEST_S_RR(1, fadd.s, rne, THREE, 0, ONE, TWO)
    TEST_S_RR(2, fadd.s, rne, ONE, NX, ONE, 0x30800000)        /* 1 + 2^-30 */
    TEST_S_RR(3, fsub.s, rne, 0x00000000, 0, ONE, ONE)         /* x - x = +0 ... */
    TEST_S_RR(4, fsub.s, rdn, 0x80000000, 0, ONE, ONE)         /* ... but -0 rounding down */
    TEST_S_RR(5, fmul.s, rne, 0x40700000, 0, 0x3fc00000, 0x40200000)  /* 1.5 * 2.5 */
    TEST_S_RR(6, fmul.s, rne, INF, OF|NX, MAXF, TWO)
    TEST_S_RR(7, fmul.s, rtz, MAXF, OF|NX, MAXF, TWO)
    TEST_S_RR(8, fmul.s, rdn, NINF, OF|NX, 0xff7fffff, TWO)
    TEST_S_RR(9, fmul.s, rup, 0xff7fffff, OF|NX, 0xff7fffff, TWO)
    TEST_S_RR(10, fdiv.s, rne, INF, DZ, ONE, 0)
    TEST_S_RR(11, fdiv.s, rne, QNAN, NV, 0, 0)
    TEST_S_RR(12, fmul.s, rne, QNAN, NV, INF, 0)
    TEST_S_RR(13, fadd.s, rne, QNAN, NV, INF, NINF)
    TEST_S_RR(14, fadd.s, rne, QNAN, 0, 0x7fc12345, ONE)      /* NaN payloads are not propagated */
    TEST_S_RR(15, fadd.s, rne, QNAN, NV, SNAN, ONE)
    TEST_S_RR(16, fmul.s, rne, 0x00000000, UF|NX, 0x00800000, 0x00800000)  /* underflow to 0 */
    TEST_S_RR(17, fmul.s, rne, 0x00400000, 0, 0x00800000, HALF)            /* exact subnormal */

    /* 1/3 = 1.0101...b: each rounding mode, positive and negative */
    TEST_S_RR(20, fdiv.s, rne, 0x3eaaaaab, NX, ONE, THREE)
    TEST_S_RR(21, fdiv.s, rtz, 0x3eaaaaaa, NX, ONE, THREE)
    TEST_S_RR(22, fdiv.s, rdn, 0x3eaaaaaa, NX, ONE, THREE)
    TEST_S_RR(23, fdiv.s, rup, 0x3eaaaaab, NX, ONE, THREE)
    TEST_S_RR(24, fdiv.s, rmm, 0x3eaaaaab, NX, ONE, THREE)
    TEST_S_RR(25, fdiv.s, rtz, 0xbeaaaaaa, NX, 0xbf800000, THREE)
    TEST_S_RR(26, fdiv.s, rdn, 0xbeaaaaab, NX, 0xbf800000, THREE)
    TEST_S_RR(27, fdiv.s, rup, 0xbeaaaaaa, NX, 0xbf800000, THREE)
    /* exact ties: 1 + 2^-24 and (1 + 2^-23) + 2^-24 separate rne from rmm */
    TEST_S_RR(28, fadd.s, rne, 0x3f800000, NX, ONE, P2M24)
    TEST_S_RR(29, fadd.s, rmm, 0x3f800001, NX, ONE, P2M24)
    TEST_S_RR(30, fadd.s, rup, 0x3f800001, NX, ONE, P2M24)
    TEST_S_RR(31, fadd.s, rdn, 0x3f800000, NX, ONE, P2M24)
    TEST_S_RR(32, fadd.s, rne, 0x3f800002, NX, 0x3f800001, P2M24)
    TEST_S_RR(33, fadd.s, rmm, 0x3f800002, NX, 0x3f800001, P2M24)
    TEST_S_RR(34, fadd.s, rtz, 0x3f800001, NX, 0x3f800001, P2M24)

    /* the same through frm (dyn); fcsr packs frm in bits 7:5 */
    csrwi frm, 0
    TEST_S_RR(40, fadd.s, dyn, 0x3f800000, NX, ONE, P2M24)
    csrwi frm, 1
    TEST_S_RR(41, fadd.s, dyn, 0x3f800001, NX, 0x3f800001, P2M24)
    csrwi frm, 2
    TEST_S_RR(42, fdiv.s, dyn, 0xbeaaaaab, NX, 0xbf800000, THREE)
    csrwi frm, 3
    TEST_S_RR(43, fdiv.s, dyn, 0xbeaaaaaa, NX, 0xbf800000, THREE)
    csrwi frm, 4
    TEST_S_RR(44, fadd.s, dyn, 0x3f800001, NX, ONE, P2M24)
    TEST_S_RR(45, fadd.s, rne, 0x3f800000, NX, ONE, P2M24)  /* static rm overrides frm */
    csrr a2, fcsr
    CHECK_EQ(46, a2, (4 << 5) | NX)
    li t0, (2 << 5) | 0x1f
    csrw fcsr, t0
    csrr a2, frm
    CHECK_EQ(47, a2, 2)
    csrr a2, fflags
    CHECK_EQ(48, a2, 0x1f)
    csrwi fcsr, 0
    /* flags are sticky: they accumulate until cleared */
    SETS(fa0, ONE)
    SETS(fa1, 0)
    fdiv.s fa2, fa0, fa1
    fdiv.s fa2, fa1, fa1
    CHECK_FLAGS(49, DZ|NV)

    TEST_S_R(50, fsqrt.s, rne, TWO, 0, 0x40800000)
    TEST_S_R(51, fsqrt.s, rne, 0x3fb504f3, NX, TWO)
    TEST_S_R(52, fsqrt.s, rne, QNAN, NV, 0xbf800000)
    TEST_S_R(53, fsqrt.s, rne, 0x80000000, 0, 0x80000000)        /* sqrt(-0) = -0 */

    /* fused multiply-add rounds once: (1+2^-12)^2 - 1 keeps the 2^-24 term */
    TEST_S_FMA(60, fmadd.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0xbf800000)
    TEST_S_FMA(61, fmadd.s, 0x40600000, 0, 0x3fc00000, TWO, HALF)   /*  1.5*2 + 0.5 */
    TEST_S_FMA(62, fmsub.s, 0x40200000, 0, 0x3fc00000, TWO, HALF)   /*  1.5*2 - 0.5 */
    TEST_S_FMA(63, fnmsub.s, 0xc0200000, 0, 0x3fc00000, TWO, HALF)  /* -1.5*2 + 0.5 */
    TEST_S_FMA(64, fnmadd.s, 0xc0600000, 0, 0x3fc00000, TWO, HALF)  /* -1.5*2 - 0.5 */
    TEST_S_FMA(65, fmadd.s, QNAN, NV, INF, 0, ONE)
    TEST_S_FMA(66, fmadd.s, QNAN, NV, INF, 0, QNAN)   /* inf*0 is invalid even with a qNaN addend */
    TEST_S_FMA(67, fmadd.s, QNAN, NV, ONE, ONE, SNAN)

    /* fmin/fmax: a single NaN operand is ignored, sNaN raises NV, -0 < +0 */
    TEST_S_RR_NORM(70, fmin.s, ONE, 0, ONE, QNAN)
    TEST_S_RR_NORM(71, fmax.s, ONE, 0, QNAN, ONE)
    TEST_S_RR_NORM(72, fmin.s, ONE, NV, SNAN, ONE)
    TEST_S_RR_NORM(73, fmax.s, QNAN, 0, 0x7fc00001, 0xffc00000)
    TEST_S_RR_NORM(74, fmin.s, QNAN, NV, SNAN, SNAN)
    TEST_S_RR_NORM(75, fmin.s, 0x80000000, 0, 0x00000000, 0x80000000)
    TEST_S_RR_NORM(76, fmax.s, 0x00000000, 0, 0x80000000, 0x00000000)
    TEST_S_RR_NORM(77, fmin.s, NINF, 0, NINF, MAXF)
    TEST_S_RR_NORM(78, fmax.s, TWO, 0, 0xc0000000, TWO)

    /* sign injection never raises flags and keeps NaN payloads */
    TEST_S_RR_NORM(80, fsgnj.s, 0xbf800000, 0, ONE, 0x80000000)
    TEST_S_RR_NORM(81, fsgnjn.s, 0xbf800000, 0, ONE, 0x00000000)
    TEST_S_RR_NORM(82, fsgnjx.s, 0x3f800000, 0, 0xbf800000, 0x80000000)
    TEST_S_RR_NORM(83, fsgnj.s, 0xff800001, 0, SNAN, 0x80000000)

    /* fclass: one bit per class */
    TEST_S_TOINT(90, fclass.s, 0x001, 0, NINF)
    TEST_S_TOINT(91, fclass.s, 0x002, 0, 0xbf800000)
    TEST_S_TOINT(92, fclass.s, 0x004, 0, 0x807fffff)
    TEST_S_TOINT(93, fclass.s, 0x008, 0, 0x80000000)
    TEST_S_TOINT(94, fclass.s, 0x010, 0, 0x00000000)
    TEST_S_TOINT(95, fclass.s, 0x020, 0, 0x00000001)
    TEST_S_TOINT(96, fclass.s, 0x040, 0, ONE)
    TEST_S_TOINT(97, fclass.s, 0x080, 0, INF)
    TEST_S_TOINT(98, fclass.s, 0x100, 0, SNAN)
    TEST_S_TOINT(99, fclass.s, 0x200, 0, QNAN)

    /* compares: feq is quiet, flt/fle signal on any NaN */
    TEST_S_CMP(100, feq.s, 1, 0, 0x80000000, 0x00000000)
    TEST_S_CMP(101, feq.s, 0, 0, QNAN, QNAN)
    TEST_S_CMP(102, feq.s, 0, NV, SNAN, ONE)
    TEST_S_CMP(103, flt.s, 0, NV, QNAN, ONE)
    TEST_S_CMP(104, fle.s, 0, NV, ONE, QNAN)
    TEST_S_CMP(105, flt.s, 1, 0, 0xbf800000, ONE)
    TEST_S_CMP(106, flt.s, 0, 0, 0x80000000, 0x00000000)
    TEST_S_CMP(107, fle.s, 1, 0, 0x80000000, 0x00000000)

    /* float -> int: every rounding mode, ties, saturation with NV */
    TEST_S_CVTI(110, fcvt.w.s, rne, 2, NX, 0x3fc00000)          /* 1.5 */
    TEST_S_CVTI(111, fcvt.w.s, rtz, 1, NX, 0x3fc00000)
    TEST_S_CVTI(112, fcvt.w.s, rdn, -2, NX, 0xbfc00000)         /* -1.5 */
    TEST_S_CVTI(113, fcvt.w.s, rup, -1, NX, 0xbfc00000)
    TEST_S_CVTI(114, fcvt.w.s, rne, 2, NX, 0x40200000)          /* 2.5 ties to even */
    TEST_S_CVTI(115, fcvt.w.s, rmm, 3, NX, 0x40200000)          /* 2.5 ties away */
    TEST_S_CVTI(116, fcvt.w.s, rtz, 0x7fffffff, NV, QNAN)
    TEST_S_CVTI(117, fcvt.w.s, rtz, 0x7fffffff, NV, INF)
    TEST_S_CVTI(118, fcvt.w.s, rtz, 0xffffffff80000000, NV, NINF)
    TEST_S_CVTI(119, fcvt.w.s, rtz, 0x7fffffff, NV, 0x4f32d05e)  /* 3e9 */
    TEST_S_CVTI(120, fcvt.w.s, rtz, 0xffffffff80000000, 0, 0xcf000000) /* -2^31 exact */
    TEST_S_CVTI(121, fcvt.wu.s, rtz, 0xffffffffb2d05e00, 0, 0x4f32d05e) /* 32-bit result sign-extended */
    TEST_S_CVTI(122, fcvt.wu.s, rtz, 0, NV, 0xbf800000)
    TEST_S_CVTI(123, fcvt.wu.s, rtz, 0, NX, 0xbf000000)         /* -0.5 rounds to 0: in range */
    TEST_S_CVTI(124, fcvt.wu.s, rtz, 0xffffffffffffffff, NV, 0x4f800000) /* 2^32 */
    TEST_S_CVTI(125, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, QNAN)
    TEST_S_CVTI(126, fcvt.l.s, rtz, 0x8000000000000000, NV, NINF)
    TEST_S_CVTI(127, fcvt.l.s, rtz, 0x0000000100000000, 0, 0x4f800000)
    TEST_S_CVTI(128, fcvt.lu.s, rtz, 0, NV, NINF)
    TEST_S_CVTI(129, fcvt.lu.s, rtz, 0xffffffffffffffff, NV, QNAN)
    TEST_S_CVTI(130, fcvt.lu.s, rtz, 0x8000000000000000, 0, 0x5f000000)  /* 2^63 */

    /* int -> float; the .w forms read only the low 32 bits */
    TEST_S_FROMI(140, fcvt.s.w, rne, 0xbf800000, 0, -1)
    TEST_S_FROMI(141, fcvt.s.w, rne, ONE, 0, 0x100000001)
    TEST_S_FROMI(142, fcvt.s.wu, rne, 0x4f800000, NX, 0xffffffff)
    TEST_S_FROMI(143, fcvt.s.wu, rtz, 0x4f7fffff, NX, 0xffffffff)
    TEST_S_FROMI(144, fcvt.s.l, rne, 0xdf000000, 0, 0x8000000000000000)
    TEST_S_FROMI(145, fcvt.s.lu, rne, 0x5f800000, NX, 0xffffffffffffffff)
    TEST_S_FROMI(146, fcvt.s.l, rne, 0x4b800000, NX, 0x1000001)      /* 2^24+1 ties to even */
    TEST_S_FROMI(147, fcvt.s.l, rup, 0x4b800001, NX, 0x1000001)

    /* NaN boxing: single writes set the upper 32 bits; a single operand that
     * is not properly boxed reads as the canonical NaN */
    li t0, ONE
    fmv.w.x fa0, t0
    fmv.x.d a2, fa0
    CHECK_EQ(150, a2, 0xffffffff3f800000)
    SETS(fa0, ONE)
    SETS(fa1, ONE)
    fadd.s fa2, fa0, fa1
    fmv.x.d a2, fa2
    CHECK_EQ(151, a2, 0xffffffff40000000)
    /* fa0 holds 1.0f with the upper half not all ones */
    SETD(fa0, 0x000000003f800000)
    SETS(fa1, ONE)
    csrwi fflags, 0
    fadd.s fa2, fa0, fa1
    CHECK_FLAGS(153, 0)
    fmv.x.w a2, fa2
    CHECK_W(153, a2, QNAN)
    fsgnj.s fa2, fa0, fa1                       /* the input reads as canonical NaN */
    fmv.x.d a2, fa2
    CHECK_EQ(154, a2, 0xffffffff7fc00000)
    fmv.x.w a2, fa0                             /* fmv.x.w just takes bits 31:0 */
    CHECK_EQ(155, a2, ONE)
    fclass.s a2, fa0
    CHECK_EQ(156, a2, 0x200)

    /* flw boxes, fsw stores only 32 bits */
    lla a0, fbuf
    li t0, 0x1122334455667788
    sd t0, 0(a0)
    flw fa0, 0(a0)
    fmv.x.d a2, fa0
    CHECK_EQ(160, a2, 0xffffffff55667788)
    SETS(fa1, TWO)
    fsw fa1, 4(a0)
    ld a2, 0(a0)
    CHECK_EQ(161, a2, 0x4000000055667788)

    /* any FP write leaves mstatus.FS Dirty (and SD set) */
    csrr a2, mstatus
    srli a2, a2, 13
    andi a2, a2, 3
    CHECK_EQ(170, a2, 3)
    csrr a2, mstatus
    srli a2, a2, 63
    CHECK_EQ(171, a2, 1)
    j pass

    .bss
    .balign 8
fbuf:
    .skip 16
