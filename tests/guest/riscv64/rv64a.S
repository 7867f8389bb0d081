/* A extension: lr/sc success and failure, and every AMO in .w and .d form.
 * A .w AMO returns the old word sign-extended and must leave the upper word
 * of the doubleword (a guard value) untouched. */
#include "test.h"

/* mem64 := init; rd := op(operand, mem); check rd and the whole doubleword. */
#define TEST_AMO(n, op, init, operand, rd, mem) \
    li gp, n; lla a0, cell; li t0, init; sd t0, 0(a0); li a1, operand; \
    op a2, a1, (a0); CHECK_EQ(n, a2, rd); ld a3, 0(a0); CHECK_EQ(n, a3, mem)

    .text
    .globl main
main:
    /* lr.w/sc.w success: sc writes 0 to rd and stores */
    li gp, 1
    lla a0, cell
    li t0, 0xdeadbeef80000001
    sd t0, 0(a0)
    lr.w a2, (a0)
    CHECK_EQ(1, a2, 0xffffffff80000001)     /* lr.w sign-extends */
    li t1, 0x12345678
    sc.w a3, t1, (a0)
    CHECK_EQ(2, a3, 0)
    ld a4, 0(a0)
    CHECK_EQ(3, a4, 0xdeadbeef12345678)
    /* the reservation is consumed: a second sc.w fails and stores nothing */
    li t1, 0x5555
    sc.w a3, t1, (a0)
    li gp, 4
    beqz a3, test_fail_gp
    ld a4, 0(a0)
    CHECK_EQ(5, a4, 0xdeadbeef12345678)

    /* lr.d/sc.d */
    lr.d a2, (a0)
    CHECK_EQ(6, a2, 0xdeadbeef12345678)
    li t1, 0x0123456789abcdef
    sc.d a3, t1, (a0)
    CHECK_EQ(7, a3, 0)
    ld a4, 0(a0)
    CHECK_EQ(8, a4, 0x0123456789abcdef)
    li t1, 1
    sc.d a3, t1, (a0)
    li gp, 9
    beqz a3, test_fail_gp
    ld a4, 0(a0)
    CHECK_EQ(10, a4, 0x0123456789abcdef)

    /* an lr/sc retry loop as compilers emit it (atomic increment) */
    li gp, 11
    sd zero, 0(a0)
    li t2, 100
12: lr.d t0, (a0)
    addi t0, t0, 1
    sc.d t1, t0, (a0)
    bnez t1, 12b
    addi t2, t2, -1
    bnez t2, 12b
    ld a4, 0(a0)
    CHECK_EQ(11, a4, 100)

    /* ordering bits do not change results */
    lla a0, cell
    sd zero, 0(a0)
    li a1, 3
    amoadd.d.aqrl a2, a1, (a0)
    lr.d.aq a2, (a0)
    sc.d.rl a3, a1, (a0)
    CHECK_EQ(12, a3, 0)

    TEST_AMO(20, amoswap.w, 0xdeadbeef80000000, 0x12345678, 0xffffffff80000000, 0xdeadbeef12345678)
    TEST_AMO(21, amoadd.w,  0xdeadbeef7fffffff, 1, 0x7fffffff, 0xdeadbeef80000000)
    TEST_AMO(22, amoadd.w,  0xdeadbeefffffffff, 1, 0xffffffffffffffff, 0xdeadbeef00000000)
    TEST_AMO(23, amoxor.w,  0xdeadbeeff0f0f0f0, 0xff00ff00, 0xfffffffff0f0f0f0, 0xdeadbeef0ff00ff0)
    TEST_AMO(24, amoand.w,  0xdeadbeeff0f0f0f0, 0xff00ff00, 0xfffffffff0f0f0f0, 0xdeadbeeff000f000)
    TEST_AMO(25, amoor.w,   0xdeadbeef0f0f0f0f, 0xf0000000, 0x0f0f0f0f, 0xdeadbeefff0f0f0f)
    TEST_AMO(26, amomin.w,  0xdeadbeef80000000, 1, 0xffffffff80000000, 0xdeadbeef80000000)
    TEST_AMO(27, amomin.w,  0xdeadbeef00000005, 0xfffffffffffffffe, 5, 0xdeadbeeffffffffe)
    TEST_AMO(28, amominu.w, 0xdeadbeef80000000, 1, 0xffffffff80000000, 0xdeadbeef00000001)
    TEST_AMO(29, amomax.w,  0xdeadbeefffffffff, 0xffffffff00000005, 0xffffffffffffffff, 0xdeadbeef00000005)
    TEST_AMO(30, amomaxu.w, 0xdeadbeefffffffff, 5, 0xffffffffffffffff, 0xdeadbeefffffffff)
    TEST_AMO(31, amomaxu.w, 0xdeadbeef00000003, 0x100000002, 3, 0xdeadbeef00000003)
    TEST_AMO(32, amominu.w, 0xdeadbeef00000003, 0x100000002, 3, 0xdeadbeef00000002)

    TEST_AMO(40, amoswap.d, 0x8000000000000000, 1, 0x8000000000000000, 1)
    TEST_AMO(41, amoadd.d,  0xffffffffffffffff, 2, 0xffffffffffffffff, 1)
    TEST_AMO(42, amoxor.d,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
    TEST_AMO(43, amoand.d,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
    TEST_AMO(44, amoor.d,   0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
    TEST_AMO(45, amomin.d,  0x8000000000000000, 1, 0x8000000000000000, 0x8000000000000000)
    TEST_AMO(46, amominu.d, 0x8000000000000000, 1, 0x8000000000000000, 1)
    TEST_AMO(47, amomax.d,  0xffffffffffffffff, 5, 0xffffffffffffffff, 5)
    TEST_AMO(48, amomaxu.d, 0xffffffffffffffff, 5, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_AMO(49, amomax.d,  0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)

    /* rd = x0 still performs the store */
    li gp, 50
    lla a0, cell
    sd zero, 0(a0)
    li a1, 9
    amoadd.d x0, a1, (a0)
    ld a2, 0(a0)
    CHECK_EQ(50, a2, 9)
    /* rd == rs2: the old value wins */
    li a1, 4
    amoadd.d a1, a1, (a0)
    CHECK_EQ(51, a1, 9)
    ld a2, 0(a0)
    CHECK_EQ(52, a2, 13)
    j pass

    .bss
    .balign 64
cell:
    .skip 64
