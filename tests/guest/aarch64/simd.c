/* AdvSIMD integer instructions and SIMD&FP loads and stores at EL1, MMU off.
 *
 * Each case runs one instruction on V0-V7 (loaded from fixed inputs with saturating and
 * sign-boundary lanes), X9-X11 and a 64-byte buffer, then hashes V0-V7, X10, FPSR and the
 * buffer. The expected hashes (simd_expected.h) come from qemu-system-aarch64 -M virt -cpu
 * cortex-a57 running this program built with -DGOLDEN, which prints them instead of checking.
 * A failing case prints its number: the instruction is on the matching T() line below.
 * The FP access trap is checked by hand at the end. */
#include "test.h"

static uint64_t vin[8][2];
static uint64_t vout[8][2];
static uint64_t mem[8], mem_init[8];
static uint64_t x10_out, fpsr_out;

/* x9: a general-register operand; x10: a general-register result; x11: the buffer. */
#define T(insn)                                                                              \
    static void __attribute__((noinline)) CAT(t_, __LINE__)(void)                            \
    {                                                                                        \
        __asm__ volatile("ldp q0, q1, [%[in]]\n\t"                                           \
                         "ldp q2, q3, [%[in], #32]\n\t"                                      \
                         "ldp q4, q5, [%[in], #64]\n\t"                                      \
                         "ldp q6, q7, [%[in], #96]\n\t"                                      \
                         "msr fpsr, xzr\n\t"                                                 \
                         "movz x9, #0x8081\n\t"                                              \
                         "movk x9, #0xfe12, lsl #16\n\t"                                     \
                         "movk x9, #0x3456, lsl #32\n\t"                                     \
                         "movk x9, #0xc789, lsl #48\n\t"                                     \
                         "mov x10, #0\n\t"                                                   \
                         "mov x11, %[mem]\n\t" insn "\n\t"                                   \
                         "stp q0, q1, [%[out]]\n\t"                                          \
                         "stp q2, q3, [%[out], #32]\n\t"                                     \
                         "stp q4, q5, [%[out], #64]\n\t"                                     \
                         "stp q6, q7, [%[out], #96]\n\t"                                     \
                         "str x10, [%[x10]]\n\t"                                             \
                         "mrs x12, fpsr\n\t"                                                 \
                         "str x12, [%[fpsr]]"                                                \
                         :                                                                   \
                         : [in] "r"(vin), [out] "r"(vout), [mem] "r"(mem), [x10] "r"(&x10_out), \
                           [fpsr] "r"(&fpsr_out)                                             \
                         : "memory", "x9", "x10", "x11", "x12", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"); \
    }
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#include "simd_cases.h"
#undef T

typedef void (*case_fn)(void);
#define T(insn) CAT(t_, __LINE__),
static const case_fn cases[] = {
#include "simd_cases.h"
};
#undef T

#ifndef GOLDEN
static const uint64_t expected[] = {
#include "simd_expected.h"
};
#endif

static uint64_t hash(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static volatile unsigned fp_traps;
void handle_exception(struct exc_frame *f)
{
    if ((f->esr >> 26) == 0x07) { /* FP access trap: enable and retry */
        fp_traps++;
        write_sysreg(cpacr_el1, 3ul << 20);
        __asm__ volatile("isb");
        return;
    }
    puts_uart("unexpected exception, esr ");
    puthex(f->esr);
    puts_uart("\n");
    fail(900);
}

int main(void)
{
    write_sysreg(cpacr_el1, 3ul << 20);
    __asm__ volatile("isb");
    for (int i = 0; i < 4; i++) {
        vin[i][0] = next();
        vin[i][1] = next();
    }
    vin[4][0] = 0x7f7f80807fff8000ull, vin[4][1] = 0x7fffffff80000000ull;
    vin[5][0] = 0xffffffffffffffffull, vin[5][1] = 0x0000000000000001ull;
    vin[6][0] = 0x0102030405060708ull, vin[6][1] = 0x090a0b0c0d0e1f3full;
    vin[7][0] = 0x8000000000000000ull, vin[7][1] = 0x7fffffffffffffffull;
    for (int i = 0; i < 8; i++)
        mem_init[i] = next();

    unsigned n = sizeof cases / sizeof cases[0];
    for (unsigned i = 0; i < n; i++) {
        for (int k = 0; k < 8; k++)
            mem[k] = mem_init[k];
        cases[i]();
        uint64_t h = 0xcbf29ce484222325ull;
        for (int k = 0; k < 8; k++) {
            h = hash(h, vout[k][0]);
            h = hash(h, vout[k][1]);
            h = hash(h, mem[k]);
        }
        h = hash(h, x10_out);
        h = hash(h, fpsr_out);
#ifdef GOLDEN
        puthex(h);
        puts_uart(",\n");
#else
        if (i >= sizeof expected / sizeof expected[0] || h != expected[i]) {
            puts_uart("case ");
            puthex(i);
            puts_uart(" hash ");
            puthex(h);
            puts_uart("\n");
            fail(100 + i);
        }
#endif
    }
    /* CPACR_EL1.FPEN = 0 traps FP/AdvSIMD (EC 0x07); the handler enables it and retries. */
    write_sysreg(cpacr_el1, 0);
    __asm__ volatile("isb");
    uint64_t r;
    __asm__ volatile("movi v0.16b, #3\n\tumov %0, v0.d[1]" : "=r"(r) : : "v0");
    CHECK(1, fp_traps == 1);
    CHECK(2, r == 0x0303030303030303ull);
    return 0;
}
