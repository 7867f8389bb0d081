/* Self-modifying code: after fence.i the hart must execute the new bytes.
 * Covers a code buffer rewritten between calls, a buffer patched in a hot
 * loop (so any cached or compiled translation must be dropped), code in
 * .text that already ran, an instruction patched a few bytes ahead in the
 * same straight-line block, 16-bit instructions, changed control flow, and
 * data stores into a page that also holds hot code. */
#include "test.h"

#define ADDI_A0(imm) ((((uint32_t)(imm) & 0xfff) << 20) | 0x00000513u)  /* addi a0, zero, imm */
#define RET          0x00008067u                                       /* jalr zero, 0(ra) */
#define JAL_X0(off)  (((((off) >> 20) & 1) << 31) | ((((off) >> 1) & 0x3ff) << 21) | \
                      ((((off) >> 11) & 1) << 20) | ((((off) >> 12) & 0xff) << 12) | 0x6f)
#define C_LI_A0(imm) ((uint16_t)(0x4501 | (((imm) & 0x1f) << 2) | ((((imm) >> 5) & 1) << 12)))
#define C_JR_RA      ((uint16_t)0x8082)

static uint32_t code[1024] __attribute__((aligned(4096)));
extern char patched_fn[];

typedef long (*fn_t)(void);
static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }

static long run_patch_ahead(uint32_t insn)
{
    long a0;
    /* store over the addi 8 bytes ahead, fence.i, then fall into it */
    __asm__ volatile(
        "   lla t0, 1f\n"
        "   sw %1, 0(t0)\n"
        "   fence.i\n"
        "1: addi a0, zero, 1\n"
        "   mv %0, a0\n"
        : "=r"(a0) : "r"(insn) : "t0", "a0", "memory");
    return a0;
}

int main(void)
{
    fn_t f = (fn_t)code;

    code[0] = ADDI_A0(1);
    code[1] = RET;
    fence_i();
    CHECK(1, f() == 1);
    code[0] = ADDI_A0(2);
    fence_i();
    CHECK(2, f() == 2);

    /* patch inside a hot loop: each version runs many times before the next */
    for (long i = 0; i < 40; i++) {
        code[0] = ADDI_A0(i * 37);
        fence_i();
        long sum = 0;
        for (int j = 0; j < 500; j++) sum += f();
        CHECK(3, sum == 500 * i * 37);
    }

    /* code in .text that has already run */
    CHECK(10, ((fn_t)patched_fn)() == 10);
    CHECK(11, ((fn_t)patched_fn)() == 10);
    *(volatile uint32_t *)patched_fn = ADDI_A0(99);
    fence_i();
    CHECK(12, ((fn_t)patched_fn)() == 99);
    *(volatile uint32_t *)patched_fn = ADDI_A0(10);
    fence_i();
    CHECK(13, ((fn_t)patched_fn)() == 10);

    /* the instruction right ahead in the same block */
    for (int i = 2; i < 50; i++) CHECK(20, run_patch_ahead(ADDI_A0(i)) == i);

    /* control flow changes: a jump over code becomes a plain addi */
    code[0] = JAL_X0(8);
    code[1] = RET;
    code[2] = ADDI_A0(3);
    code[3] = RET;
    fence_i();
    CHECK(30, f() == 3);
    code[0] = ADDI_A0(5);
    fence_i();
    CHECK(31, f() == 5);
    code[0] = JAL_X0(8);
    fence_i();
    CHECK(32, f() == 3);

    /* 16-bit instructions replaced by halfword stores */
    uint16_t *h = (uint16_t *)&code[8];
    h[0] = C_LI_A0(5);
    h[1] = C_JR_RA;
    fence_i();
    CHECK(40, ((fn_t)h)() == 5);
    h[0] = C_LI_A0(-7);
    fence_i();
    CHECK(41, ((fn_t)h)() == -7);

    /* data stores into the code page must not disturb the code */
    code[0] = ADDI_A0(77);
    code[1] = RET;
    fence_i();
    long sum = 0;
    for (int j = 0; j < 1000; j++) {
        code[512 + (j & 255)] = (uint32_t)j;
        sum += f();
    }
    CHECK(50, sum == 77 * 1000 && code[512 + (999 & 255)] == 999);
    return 0;
}

/* A function in .text that the test rewrites: addi a0, zero, 10; ret. */
__asm__(
    ".pushsection .text\n"
    ".balign 4\n"
    "patched_fn:\n"
    "   addi a0, zero, 10\n"
    "   ret\n"
    ".popsection\n");
