/* Shared by the FP guest tests: a hash per group of operations over many inputs and FPCR
 * settings. Each result and the FPSR flags it raised go into a group's FNV-1a hash, which is
 * compared with the value QEMU (cortex-a57) gives; build with -DFP_DUMP=n to print every
 * result of group n instead, for diffing against QEMU line by line (fp_dump.sh). */
#ifndef TESSERA_FP_COMMON_H
#define TESSERA_FP_COMMON_H
#include "test.h"

static uint64_t hash;
static uint64_t fpsr_pre; /* FPSR before each operation: flags already set change what is news */
static unsigned group;

static inline void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" : : "r"(v)); }
static inline void clear_fpsr(void) { __asm__ volatile("msr fpsr, xzr"); }
static inline uint64_t get_fpsr(void) { uint64_t v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }

static void mix(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        hash ^= (v >> (8 * i)) & 0xff;
        hash *= 0x100000001b3ull;
    }
}

/* One result: its value and the flags (FPSR was cleared before the operation). */
static void record(uint64_t r, uint64_t a, uint64_t b)
{
    uint64_t f = get_fpsr();
#ifdef FP_DUMP
    if (group == FP_DUMP)
    puthex(group), putc_uart(' '), puthex(a), putc_uart(' '), puthex(b), putc_uart(' '),
    puthex(r), putc_uart(' '), puthex(f), putc_uart('\n');
#else
    (void)a; (void)b;
#endif
    mix(r);
    mix(f);
}

static void begin(unsigned g)
{
    group = g;
    hash = 0xcbf29ce484222325ull;
}

/* Compare with the expected hash (0: unknown, print it). */
static void end(const uint64_t *expected, unsigned n_expected)
{
    uint64_t want = group < n_expected ? expected[group] : 0;
#ifdef FP_PRINT_HASHES
    want = 0; /* fp_expected.sh: every group's hash */
#endif
#ifndef FP_DUMP
    if (!want) {
        puts_uart("group ");
        puthex(group);
        puts_uart(" hash ");
        puthex(hash);
        puts_uart("\n");
        fail(1000 + group);
    } else if (want != hash) {
        puts_uart("group ");
        puthex(group);
        puts_uart(" hash ");
        puthex(hash);
        puts_uart(" want ");
        puthex(want);
        puts_uart("\n");
        fail(group);
    }
#else
    (void)want;
#endif
}

/* FPCR settings each group runs under: RN, RP, RM, RZ, FZ, DN, FZ|DN|RM, AHP. */
static const uint64_t fpcrs[] = {0, 1u << 22, 2u << 22, 3u << 22, 1u << 24, 1u << 25, 7u << 23 | 0, 1u << 26};
#define N_FPCRS (sizeof(fpcrs) / sizeof(fpcrs[0]))

#pragma GCC diagnostic ignored "-Wunused-function"
static const uint32_t s_in[] = {
    0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x3f800000, 0xbf800000, 0x3fc00000,
    0x40200000, 0xc0600000, 0x3eaaaaab, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc12345,
    0xffa00001, 0x4f000000, 0xcf000000, 0x5f800000, 0x4effffff, 0x3effffff, 0x00400000, 0x0c000000,
    0x3f000000, 0x40400000, 0xdf000000, 0x477fe000,
};
static const uint64_t d_in[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff8000000000000ull,
    0x4004000000000000ull, 0xc00c000000000000ull, 0x3fd5555555555555ull, 0x7fefffffffffffffull,
    0xffefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000012345678ull,
    0xfff4000000000001ull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0x43f0000000000000ull,
    0x41dfffffffc00000ull, 0x3fdfffffffffffffull, 0x0008000000000000ull, 0x2000000000000000ull,
    0x3fe0000000000000ull, 0x4008000000000000ull, 0xc3e0000000000000ull, 0x36a0000000000000ull,
    0x380fffffe0000000ull, 0x47efffffe0000000ull, 0x3810000000000000ull,
};
static const uint64_t i_in[] = {
    0, 1, (uint64_t)-1, 0x7fffffff, 0x80000000, 0xffffffff, 0x123456789abcdef0ull, 0x8000000000000001ull,
    0x0020000000000001ull, 0x7fffffffffffffffull, 0x00000000ffffff81ull, 0xfffffffffedcba98ull, 3, 0x1000001,
};
#define NS (sizeof(s_in) / 4)
#define ND (sizeof(d_in) / 8)
#define NI (sizeof(i_in) / 8)
#define OP2S(name, insn)                                                                               \
    static uint64_t name(uint64_t a, uint64_t b)                                                       \
    {                                                                                                  \
        uint32_t r;                                                                                    \
        __asm__ volatile("fmov s1, %w1\n fmov s2, %w2\n msr fpsr, %[pre]\n " insn " s0, s1, s2\n fmov %w0, s0" \
                         : "=r"(r) : "r"((uint32_t)a), "r"((uint32_t)b) , [pre] "r"(fpsr_pre) : "v0", "v1", "v2");          \
        return r;                                                                                      \
    }
#define OP2D(name, insn)                                                                               \
    static uint64_t name(uint64_t a, uint64_t b)                                                       \
    {                                                                                                  \
        uint64_t r;                                                                                    \
        __asm__ volatile("fmov d1, %1\n fmov d2, %2\n msr fpsr, %[pre]\n " insn " d0, d1, d2\n fmov %0, d0" \
                         : "=r"(r) : "r"(a), "r"(b) , [pre] "r"(fpsr_pre) : "v0", "v1", "v2");                               \
        return r;                                                                                      \
    }
#define OP2(insn) OP2S(insn##_s, #insn) OP2D(insn##_d, #insn)
#define OP1S(name, insn)                                                                         \
    static uint64_t name(uint64_t a, uint64_t b)                                                 \
    {                                                                                            \
        uint32_t r;                                                                              \
        (void)b;                                                                                 \
        __asm__ volatile("fmov s1, %w1\n msr fpsr, %[pre]\n " insn "\n fmov %w0, s0"                \
                         : "=r"(r) : "r"((uint32_t)a) , [pre] "r"(fpsr_pre) : "v0", "v1");                             \
        return r;                                                                                \
    }
#define OP1D(name, insn)                                                                         \
    static uint64_t name(uint64_t a, uint64_t b)                                                 \
    {                                                                                            \
        uint64_t r;                                                                              \
        (void)b;                                                                                 \
        __asm__ volatile("fmov d1, %1\n msr fpsr, %[pre]\n " insn "\n fmov %0, d0"                  \
                         : "=r"(r) : "r"(a) , [pre] "r"(fpsr_pre) : "v0", "v1");                                       \
        return r;                                                                                \
    }
#define OP1(insn) OP1S(insn##_s, #insn " s0, s1") OP1D(insn##_d, #insn " d0, d1")
#define CVT(name, src, insn, get)                                                               \
    static uint64_t name(uint64_t a, uint64_t b)                                                \
    {                                                                                           \
        uint64_t r;                                                                             \
        (void)b;                                                                                \
        __asm__ volatile("fmov d1, %1\n msr fpsr, %[pre]\n " insn "\n " get                        \
                         : "=r"(r) : "r"(a) , [pre] "r"(fpsr_pre) : "v0", "v1", "x2");                                      \
        return r;                                                                               \
    }
#define TOI4(base) \
    CVT(base##_ws, 0, #base " w2, s1", "mov %0, x2") CVT(base##_xs, 0, #base " x2, s1", "mov %0, x2") \
    CVT(base##_wd, 0, #base " w2, d1", "mov %0, x2") CVT(base##_xd, 0, #base " x2, d1", "mov %0, x2")
#define FROMI(name, insn)                                                                       \
    static uint64_t name(uint64_t a, uint64_t b)                                                \
    {                                                                                           \
        uint64_t r;                                                                             \
        (void)b;                                                                                \
        __asm__ volatile("mov x2, %1\n msr fpsr, %[pre]\n " insn "\n fmov %0, d0"                  \
                         : "=r"(r) : "r"(a) , [pre] "r"(fpsr_pre) : "v0", "x2");                                      \
        return r;                                                                               \
    }
#define CMP(name, setup, insn)                                                                   \
    static uint64_t name(uint64_t a, uint64_t b)                                                 \
    {                                                                                            \
        uint64_t r;                                                                              \
        __asm__ volatile(setup "\n msr fpsr, %[pre]\n msr nzcv, xzr\n " insn "\n mrs %0, nzcv"      \
                         : "=r"(r) : "r"(a), "r"(b) , [pre] "r"(fpsr_pre) : "v1", "v2", "cc");                         \
        return r;                                                                                \
    }
static uint64_t addend;
#define OP3S(name, insn)                                                                               \
    static uint64_t name(uint64_t a, uint64_t b)                                                       \
    {                                                                                                  \
        uint32_t r;                                                                                    \
        __asm__ volatile("fmov s1, %w1\n fmov s2, %w2\n fmov s3, %w3\n msr fpsr, %[pre]\n " insn          \
                         " s0, s1, s2, s3\n fmov %w0, s0"                                              \
                         : "=r"(r) : "r"((uint32_t)a), "r"((uint32_t)b), "r"((uint32_t)addend)         \
                         , [pre] "r"(fpsr_pre) : "v0", "v1", "v2", "v3");                                                    \
        return r;                                                                                      \
    }
#define OP3D(name, insn)                                                                               \
    static uint64_t name(uint64_t a, uint64_t b)                                                       \
    {                                                                                                  \
        uint64_t r;                                                                                    \
        __asm__ volatile("fmov d1, %1\n fmov d2, %2\n fmov d3, %3\n msr fpsr, %[pre]\n " insn             \
                         " d0, d1, d2, d3\n fmov %0, d0"                                               \
                         : "=r"(r) : "r"(a), "r"(b), "r"(addend) , [pre] "r"(fpsr_pre) : "v0", "v1", "v2", "v3");            \
        return r;                                                                                      \
    }
#define OP3(insn) OP3S(insn##_s, #insn) OP3D(insn##_d, #insn)
typedef uint64_t (*fn_t)(uint64_t, uint64_t);
struct op { fn_t f; unsigned kind; };
enum { S2, D2, S1, D1, I1, S3, D3 };

static void run_op(const struct op *o)
{
    const uint64_t *in = 0;
    unsigned n = 0;
    switch (o->kind) {
    case S1: case S2: case S3: in = (const uint64_t *)0; n = NS; break;
    case D1: case D2: case D3: in = d_in; n = ND; break;
    case I1: in = i_in; n = NI; break;
    }
    static const uint64_t pres[] = {0, 0x10, 0x9f};
    for (unsigned p = 0; p < 3; p++)
    for (unsigned k = 0; k < N_FPCRS; k++) {
        fpsr_pre = pres[p];
        set_fpcr(fpcrs[k]);
        for (unsigned i = 0; i < n; i++) {
            uint64_t a = in ? in[i] : s_in[i];
            if (o->kind == S1 || o->kind == D1 || o->kind == I1) {
                /* one operand: the next input is the vector forms' other lanes */
                uint64_t b = in ? in[(i + 1) % n] : s_in[(i + 1) % n];
                record(o->f(a, b), a, fpcrs[k]);
                continue;
            }
            for (unsigned j = 0; j < n; j++) {
                uint64_t b = in ? in[j] : s_in[j];
                if (o->kind == S3 || o->kind == D3) {
                    if ((i | j) & 1) continue; /* a subset: three operands multiply fast */
                    for (unsigned m = 0; m < n; m += 3) {
                        addend = in ? in[m] : s_in[m];
                        record(o->f(a, b), a, b);
                    }
                } else {
                    record(o->f(a, b), a, b);
                }
            }
        }
    }
    set_fpcr(0);
    fpsr_pre = 0;
}

#endif
