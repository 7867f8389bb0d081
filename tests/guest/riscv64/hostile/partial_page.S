/* Code written to and run from the last page of RAM, rewritten and run again. Run with
 * -m 16385K: RAM then ends 1 KiB into a page (the board rounds it up to a whole page; the
 * address space must cope either way). The second call must run the new instruction and
 * return 7, not the stale 42: exit status 0 if it did, else the value it got. */
#include "test.h"
    .section .text.init, "ax"
    .globl _start
_start:
    li s0, 0x81000000
    li t0, 0x02a00513            /* li a0, 42 */
    sw t0, 0(s0)
    li t0, 0x00008067            /* ret */
    sw t0, 4(s0)
    fence.i
    jalr ra, 0(s0)
    li t0, 0x00700513            /* li a0, 7 */
    sw t0, 0(s0)
    fence.i
    jalr ra, 0(s0)
    li t1, TEST_DEV
    li t0, 7
    bne a0, t0, 1f
    li t0, 0x5555
    sw t0, 0(t1)
1:  slli a0, a0, 16
    li t0, 0x3333
    or a0, a0, t0
    sw a0, 0(t1)
2:  j 2b
