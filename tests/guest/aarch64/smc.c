/* Self-modifying code: a function rewritten in place (with the cache maintenance the
 * architecture asks for) runs its new instructions, including when the old ones were hot
 * enough to be compiled; and code written to a fresh page runs. */
#include "test.h"

static uint32_t code[64] __attribute__((aligned(4096)));

static void sync_code(void *p, unsigned bytes)
{
    for (uintptr_t a = (uintptr_t)p & ~63ul; a < (uintptr_t)p + bytes; a += 64)
        __asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0" : : "r"(a) : "memory");
    __asm__ volatile("dsb ish\n\tisb" ::: "memory");
}

/* movz w0, #imm; ret */
static void emit_const(uint32_t *p, unsigned imm)
{
    p[0] = 0x52800000u | (imm & 0xffff) << 5;
    p[1] = 0xd65f03c0u;
    sync_code(p, 8);
}

int main(void)
{
    typedef unsigned (*fn)(void);
    fn f = (fn)(void *)code;
    for (unsigned round = 1; round <= 40; round++) {
        emit_const(code, round);
        unsigned sum = 0;
        for (int i = 0; i < 200; i++) /* hot: the tiers compile it */
            sum += f();
        CHECK(round, sum == 200 * round);
    }
    /* A second function in the same page, then the first rewritten to call it. */
    emit_const(code + 32, 777);
    /* first: b code+32 (a tail call) */
    code[0] = 0x14000000u | 32;
    sync_code(code, 4);
    CHECK(100, f() == 777);
    return 0;
}
