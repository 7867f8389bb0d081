/* The program tests/app/gdb_session.py debugs with gdb-multiarch on aarch64-virt. It passes
 * only if the debugger changed it: the debugger writes `unlock` (memory), the argument
 * register of checksum() (x0) and v2 (a SIMD&FP register); a store to `watched` must stop at
 * a watchpoint. v1 holds a value for the debugger to read. */
#include "test.h"

volatile uint64_t unlock;           /* the debugger writes 0x600dcafe */
volatile uint64_t watched;          /* stored once, under a watchpoint */
volatile uint64_t table[4] = {0x11, 0x22, 0x33, 0x44};

__attribute__((noinline)) uint64_t checksum(uint64_t seed)
{
    uint64_t s = seed;
    for (int i = 0; i < 4; i++) s = s * 31 + table[i];
    return s;
}

int main(void)
{
    uint64_t v2hi;
    write_sysreg(cpacr_el1, 3ul << 20);
    __asm__ volatile("isb\n\tmov x9, #0x1234\n\tmovk x9, #0xabcd, lsl #48\n\tdup v1.2d, x9\n\tmovi v2.2d, #0" ::: "x9", "v1", "v2");
    uint64_t r = checksum(1);       /* the debugger makes the argument 2, and v2's top half 0x77 */
    __asm__ volatile("umov %0, v2.d[1]" : "=r"(v2hi) : : "v2");
    uint64_t want = 2;
    for (int i = 0; i < 4; i++) want = want * 31 + table[i];
    CHECK(1, r == want);
    watched = r;
    CHECK(2, unlock == 0x600dcafe);
    CHECK(3, v2hi == 0x77);
    return 0;
}
