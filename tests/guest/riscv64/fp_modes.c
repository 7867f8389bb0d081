/* F/D arithmetic while fflags and frm change under hot code. Translated blocks run
 * arithmetic on the host's FPU only when their mode says NX is already set and (for the
 * dynamic rounding mode) frm is RNE; these loops change both between and within blocks, run
 * long enough to be compiled, and check every result and every flag. */
#include "test.h"

#define NX 1
#define UF 2
#define OF 4

static inline uint64_t bits(double d)
{
    uint64_t u;
    __builtin_memcpy(&u, &d, 8);
    return u;
}
static inline double dbl(uint64_t u)
{
    double d;
    __builtin_memcpy(&d, &u, 8);
    return d;
}

/* Block A divides x by y (exact when y = 1, inexact when y = 3) and jumps to block B, whose
 * division is always inexact: after B, NX is set whatever A did. A block whose run sets NX
 * must not stay linked to a successor translated for "NX set" when the next run does not. */
__attribute__((noinline)) static uint64_t a_then_b(double x, double y, double *b_result)
{
    uint64_t fl;
    double q;
    __asm__ volatile("csrwi fflags, 0\n"
                     "fdiv.d ft0, %2, %3\n"
                     "j 1f\n"
                     "1: fdiv.d %1, %4, %5\n"
                     "frflags %0\n"
                     : "=r"(fl), "=&f"(q)
                     : "f"(x), "f"(y), "f"(1.0), "f"(3.0)
                     : "ft0");
    *b_result = q;
    return fl;
}

/* One division and one addition in the dynamic rounding mode, under frm = rm, with fflags set
 * to `flags` first. */
__attribute__((noinline)) static void dyn_ops(uint64_t rm, uint64_t flags, double *q, double *s, uint64_t *fl)
{
    double one = 1.0, three = 3.0, tiny = dbl(0x3ca0000000000000); /* 2^-53 */
    __asm__ volatile("fsrm %3\n"
                     "fsflags %4\n"
                     "fdiv.d %0, %5, %6, dyn\n"
                     "fadd.d %1, %5, %7, dyn\n"
                     "frflags %2\n"
                     : "=&f"(*q), "=&f"(*s), "=&r"(*fl)
                     : "r"(rm), "r"(flags), "f"(one), "f"(three), "f"(tiny));
}

/* An exact addition, then an inexact division, from fflags = `flags`. */
__attribute__((noinline)) static void exact_then_inexact(uint64_t flags, uint64_t *after_exact, uint64_t *after_inexact)
{
    double r;
    __asm__ volatile("fsflags %2\n"
                     "fadd.d %3, %4, %5\n"
                     "frflags %0\n"
                     "fdiv.d %3, %4, %6\n"
                     "frflags %1\n"
                     : "=&r"(*after_exact), "=&r"(*after_inexact), "+r"(flags), "=&f"(r)
                     : "f"(1.0), "f"(2.0), "f"(3.0));
}

/* With NX set, results the host computes but may not give: underflow, overflow, a NaN from an
 * invalid operation, and a single-precision operand that is not NaN-boxed. */
__attribute__((noinline)) static void refused(uint64_t *uf, uint64_t *of, uint64_t *nv, uint64_t *unboxed, uint64_t *r_unboxed)
{
    double tiny = dbl(0x1ff0000000000001), huge = dbl(0x7fe0000000000000), r, zero = 0.0;
    uint64_t v, not_boxed = 0x3f800000; /* 1.0f without its upper ones */
    __asm__ volatile("csrwi fflags, 1\n fmul.d %1, %2, %2\n frflags %0" : "=&r"(*uf), "=&f"(r) : "f"(tiny));
    __asm__ volatile("csrwi fflags, 1\n fmul.d %1, %2, %2\n frflags %0" : "=&r"(*of), "=&f"(r) : "f"(huge));
    __asm__ volatile("csrwi fflags, 1\n fdiv.d %1, %2, %2\n frflags %0" : "=&r"(*nv), "=&f"(r) : "f"(zero));
    __asm__ volatile("csrwi fflags, 1\n"
                     "fmv.d.x ft0, %2\n"
                     "fadd.s ft1, ft0, ft0\n"
                     "fmv.x.d %1, ft1\n"
                     "frflags %0"
                     : "=&r"(*unboxed), "=&r"(v)
                     : "r"(not_boxed)
                     : "ft0", "ft1");
    *r_unboxed = v;
}

int main(void)
{
    for (int i = 0; i < 400; i++) {
        double b;
        uint64_t fl = a_then_b(1.0, (i & 1) ? 1.0 : 3.0, &b);
        CHECK(1, fl == NX);
        CHECK(2, bits(b) == 0x3fd5555555555555);
    }

    /* 1/3 and 1 + 2^-53 in RNE, RTZ, RDN, RUP, RMM */
    static const uint64_t third[5] = {0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555555,
                                      0x3fd5555555555556, 0x3fd5555555555555};
    static const uint64_t sum[5] = {0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000,
                                    0x3ff0000000000001, 0x3ff0000000000001};
    for (int i = 0; i < 500; i++) {
        uint64_t rm = (uint64_t)(i % 5), fl;
        double q, s;
        dyn_ops(rm, (i / 5) & 1 ? NX : 0, &q, &s, &fl);
        CHECK(10 + rm, bits(q) == third[rm]);
        CHECK(20 + rm, bits(s) == sum[rm]);
        CHECK(30, fl == NX);
    }
    __asm__ volatile("fsrm zero");

    for (int i = 0; i < 400; i++) {
        uint64_t start = (i & 1) ? NX : 0, e, n;
        exact_then_inexact(start, &e, &n);
        CHECK(40, e == start);
        CHECK(41, n == NX);
    }

    for (int i = 0; i < 300; i++) {
        uint64_t uf, of, nv, ub, r;
        refused(&uf, &of, &nv, &ub, &r);
        CHECK(50, uf == (UF | NX));
        CHECK(51, of == (OF | NX));
        CHECK(52, nv == (0x10 | NX));
        CHECK(53, ub == NX);                       /* an unboxed operand is the canonical NaN: quiet */
        CHECK(54, r == 0xffffffff7fc00000ull);     /* canonical NaN, boxed */
    }
    return 0;
}
