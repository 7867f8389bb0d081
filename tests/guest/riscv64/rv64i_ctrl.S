/* RV64I control transfer: every conditional branch taken and not taken at
 * signed/unsigned edges, backward loops, jal/jalr link values, jalr clearing
 * bit 0 of the target, and jalr with rd == rs1. */
#include "test.h"

#define TEST_TAKEN(n, op, a, b) \
    li gp, n; li a0, a; li a1, b; op a0, a1, 1f; j test_fail_gp; 1:
#define TEST_NOT_TAKEN(n, op, a, b) \
    li gp, n; li a0, a; li a1, b; op a0, a1, 2f; j 3f; 2: j test_fail_gp; 3:

    .text
    .globl main
main:
    TEST_TAKEN(1, beq, 5, 5)
    TEST_NOT_TAKEN(2, beq, 5, 6)
    TEST_NOT_TAKEN(3, beq, 0x100000000, 0)     /* all 64 bits compared */
    TEST_TAKEN(4, bne, 0x100000000, 0)
    TEST_NOT_TAKEN(5, bne, -1, -1)
    TEST_TAKEN(6, blt, -1, 0)
    TEST_NOT_TAKEN(7, blt, 0, -1)
    TEST_NOT_TAKEN(8, blt, 3, 3)
    TEST_TAKEN(9, blt, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_TAKEN(10, bge, 3, 3)
    TEST_TAKEN(11, bge, 0, -1)
    TEST_NOT_TAKEN(12, bge, -1, 0)
    TEST_TAKEN(13, bltu, 0, -1)
    TEST_NOT_TAKEN(14, bltu, -1, 0)
    TEST_NOT_TAKEN(15, bltu, 7, 7)
    TEST_TAKEN(16, bgeu, -1, 0)
    TEST_TAKEN(17, bgeu, 7, 7)
    TEST_NOT_TAKEN(18, bgeu, 0x7fffffffffffffff, 0x8000000000000000)

    /* backward branch: sum 1..10 */
    li gp, 20
    li a0, 10
    li a1, 0
4:  add a1, a1, a0
    addi a0, a0, -1
    bnez a0, 4b
    li t6, 55
    bne a1, t6, test_fail_gp

    /* jal writes pc+4 and jumps; jal x0 is a plain jump */
    li gp, 21
5:  jal a2, 6f
    j test_fail_gp
6:  lla a3, 5b
    addi a3, a3, 4
    bne a2, a3, test_fail_gp
    li gp, 22
    j 7f
    j test_fail_gp
7:
    /* jalr: target = (rs1 + imm) & ~1, link = pc + 4 */
    li gp, 23
    lla t0, 9f
    addi t0, t0, -8
8:  jalr a2, 8(t0)
    j test_fail_gp
9:  lla a3, 8b
    addi a3, a3, 4
    bne a2, a3, test_fail_gp
    li gp, 24
    lla t0, 11f
10: jalr a2, 1(t0)                  /* odd target: bit 0 is dropped */
    j test_fail_gp
11: lla a3, 10b
    addi a3, a3, 4
    bne a2, a3, test_fail_gp
    /* rd == rs1: the old value is the target */
    li gp, 25
    lla t1, 13f
12: jalr t1, 0(t1)
    j test_fail_gp
13: lla a3, 12b
    addi a3, a3, 4
    bne t1, a3, test_fail_gp
    /* call/ret through a real function */
    li gp, 26
    li a0, 20
    call double_it
    li t6, 40
    bne a0, t6, test_fail_gp
    /* negative jal offset */
    li gp, 27
    li a1, 0
    j 15f
14: addi a1, a1, 1
    j 16f
15: jal x0, 14b
16: li t6, 1
    bne a1, t6, test_fail_gp
    j pass

double_it:
    add a0, a0, a0
    ret
