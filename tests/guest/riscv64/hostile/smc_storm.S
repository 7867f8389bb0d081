/* A self-modifying code storm: forever, patch the immediate of `fn: addi a0, zero, imm`,
 * which sits on the same page as the loop, fence.i, call it and check the result. Every
 * iteration invalidates the loop's own block and fn's, so an executor translates and
 * compiles both again each time. It never ends by itself: tests/app/smc_storm.py watches
 * Tessera's memory and mappings while it runs, then stops it with a signal. A stale
 * translation ends it with status 1. */
#include "test.h"

    .text
    .balign 4096                 /* loop and fn on one page */
    .globl main
main:
    li s1, 0
    la s2, fn
    li s3, 0x00000513            /* addi a0, zero, 0 */
1:  andi t0, s1, 0x7ff
    slli t1, t0, 20
    or t1, t1, s3
    sw t1, 0(s2)
    fence.i
    jalr ra, 0(s2)
    bne a0, t0, 2f
    addi s1, s1, 1
    j 1b
2:  li a0, 1
    call fail
fn:
    addi a0, zero, 0
    ret
