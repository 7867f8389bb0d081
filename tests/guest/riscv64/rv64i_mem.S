/* RV64I loads and stores of every width: little-endian byte order, sign vs
 * zero extension, positive and negative offsets, store-to-load forwarding. */
#include "test.h"

#define TEST_LD(n, op, res, off, base) \
    li gp, n; lla a0, base; op a2, off(a0); CHECK_EQ(n, a2, res)

    .text
    .globl main
main:
    TEST_LD(1, ld,  0x8877665544332211, 0, data)
    TEST_LD(2, lw,  0x0000000044332211, 0, data)
    TEST_LD(3, lw,  0xffffffff88776655, 4, data)
    TEST_LD(4, lwu, 0x0000000088776655, 4, data)
    TEST_LD(5, lh,  0x0000000000002211, 0, data)
    TEST_LD(6, lh,  0xffffffffffff8877, 6, data)
    TEST_LD(7, lhu, 0x0000000000008877, 6, data)
    TEST_LD(8, lb,  0x0000000000000011, 0, data)
    TEST_LD(9, lb,  0xffffffffffffff88, 7, data)
    TEST_LD(10, lbu, 0x0000000000000088, 7, data)
    TEST_LD(11, ld, 0x8877665544332211, -8, data_end)  /* negative offsets */
    TEST_LD(12, lb, 0xffffffffffffff88, -1, data_end)
    TEST_LD(13, lhu, 0x000000000000ff80, 8, data)
    TEST_LD(14, lh, 0xffffffffffffff80, 8, data)

    /* stores write only their own width */
    li gp, 20
    lla a0, buf
    li t0, -1
    sd t0, 0(a0)
    sd t0, 8(a0)
    li t1, 0x0123456789abcdef
    sb t1, 0(a0)
    ld a2, 0(a0)
    CHECK_EQ(20, a2, 0xffffffffffffffef)
    sh t1, 2(a0)
    ld a2, 0(a0)
    CHECK_EQ(21, a2, 0xffffffffcdefffef)
    sw t1, 4(a0)
    ld a2, 0(a0)
    CHECK_EQ(22, a2, 0x89abcdefcdefffef)
    sd t1, 8(a0)
    ld a2, 8(a0)
    CHECK_EQ(23, a2, 0x0123456789abcdef)
    lbu a2, 15(a0)
    CHECK_EQ(24, a2, 0x01)
    lw a2, 12(a0)
    CHECK_EQ(25, a2, 0x01234567)
    /* negative store offset */
    addi a1, a0, 16
    li t1, 0x5a
    sb t1, -16(a1)
    lbu a2, 0(a0)
    CHECK_EQ(26, a2, 0x5a)
    /* maximum immediate offsets */
    lla a1, buf
    addi a1, a1, 2047
    addi a1, a1, 1                  /* a1 = buf + 2048 */
    li t1, 0x1122
    sh t1, -2048(a1)
    lhu a2, 0(a0)
    CHECK_EQ(27, a2, 0x1122)
    lla a1, buf
    addi a1, a1, -2047
    li t1, 0x77
    sb t1, 2047(a1)
    lbu a2, 0(a0)
    CHECK_EQ(28, a2, 0x77)
    /* load into the base register */
    lla a2, ptr
    ld a2, 0(a2)
    lla a3, buf
    li gp, 29
    bne a2, a3, test_fail_gp
    j pass

    .data
    .balign 8
data:
    .dword 0x8877665544332211
    .half 0xff80
data_end = data + 8
    .balign 8
ptr:
    .dword buf
    .bss
    .balign 8
buf:
    .skip 32
