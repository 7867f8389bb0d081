/* The program tests/app/gdb_session.py debugs with gdb-multiarch. It passes only if the
 * debugger changed it: the debugger writes `unlock` (memory) and the argument register of
 * checksum() (a register); a store to `watched` must stop at a watchpoint. */
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
    uint64_t r = checksum(1);       /* the debugger makes the argument 2 */
    uint64_t want = 2;
    for (int i = 0; i < 4; i++) want = want * 31 + table[i];
    CHECK(1, r == want);
    watched = r;
    CHECK(2, unlock == 0x600dcafe);
    pass();
}
