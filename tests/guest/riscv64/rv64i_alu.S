/* RV64I integer computation: register/immediate ALU ops, shifts including
 * the W forms (32-bit result sign-extended), lui/auipc, slt/sltu, x0. */
#include "test.h"

    .text
    .globl main
main:
    /* add/sub and the W forms: wrap-around and sign extension of bit 31 */
    TEST_RR(1, add, 0x0000000100000000, 0x00000000ffffffff, 1)
    TEST_RR(2, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR(3, sub, 0xffffffffffffffff, 0, 1)
    TEST_RR(4, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
    TEST_RR(5, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(6, addw, 0, 0xffffffff, 1)
    TEST_RR(7, subw, 0x000000007fffffff, 0xffffffff80000000, 1)
    TEST_RR(8, subw, 0xffffffffffffffff, 0x100000000, 1)
    TEST_RI(9, addi, 0xfffffffffffff800, 0, -2048)
    TEST_RI(10, addi, 0x80000000000007fe, 0x7fffffffffffffff, 2047)
    TEST_RI(11, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RI(12, addiw, 0x000000007fffffff, 0x17fffffff, 0)
    TEST_RI(13, addiw, 0xffffffffffffffff, 0x123456780000000f, -16)

    /* logic, register and immediate (immediates are sign-extended) */
    TEST_RR(20, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(21, or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(22, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RI(23, andi, 0xffffffffff00ff00, 0xffffffffff00ff00, -1)
    TEST_RI(24, andi, 0x0000000000000700, 0xffffffffff00ff00, 0x7ff)
    TEST_RI(25, ori,  0xfffffffffffffff0, 0x0, -16)
    TEST_RI(26, ori,  0x12345678000007ff, 0x1234567800000000, 0x7ff)
    TEST_RI(27, xori, 0xedcba987fffff0f0, 0x1234567800000f0f, -1)
    TEST_RI(28, xori, 0x00000000000000f0, 0x000000000000000f, 0xff)

    /* 64-bit shifts: only the low 6 bits of rs2 count */
    TEST_RR(30, sll, 0x8000000000000000, 1, 63)
    TEST_RR(31, sll, 0x0000000000000001, 1, 64)
    TEST_RR(32, sll, 0x0000000123456780, 0x12345678, 68)
    TEST_RR(33, srl, 0x0000000000000001, 0x8000000000000000, 63)
    TEST_RR(34, srl, 0x0800000000000000, 0x8000000000000000, 0xffffffffffffffc4)
    TEST_RR(35, sra, 0xffffffffffffffff, 0x8000000000000000, 63)
    TEST_RR(36, sra, 0xf800000000000000, 0x8000000000000000, 4)
    TEST_RR(37, sra, 0x0000000000000001, 0x4000000000000000, 62)
    TEST_RI(38, slli, 0x8000000000000000, 1, 63)
    TEST_RI(39, slli, 0x2468acf000000000, 0x12345678, 33)
    TEST_RI(40, srli, 0x0000000000000001, 0x8000000000000000, 63)
    TEST_RI(41, srli, 0x00000000ffffffff, 0xffffffffffffffff, 32)
    TEST_RI(42, srai, 0xffffffffffffffff, 0x8000000000000000, 63)
    TEST_RI(43, srai, 0xffffffff80000000, 0x8000000000000000, 32)
    TEST_RI(44, srai, 0x0000000000000000, 0x7fffffffffffffff, 63)

    /* 32-bit shifts: low 5 bits of rs2, result sign-extended from bit 31 */
    TEST_RR(50, sllw, 0xffffffff80000000, 1, 31)
    TEST_RR(51, sllw, 0x0000000000000001, 1, 32)
    TEST_RR(52, sllw, 0x0000000000000000, 0xffffffff00000000, 0)
    TEST_RR(53, srlw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RR(54, srlw, 0x0000000040000000, 0xffffffff80000000, 1)
    TEST_RR(55, srlw, 0x0000000000000001, 0x80000000, 63)
    TEST_RR(56, sraw, 0xfffffffff8000000, 0x80000000, 4)
    TEST_RR(57, sraw, 0xffffffffffffffff, 0x0000000080000000, 31)
    TEST_RR(58, sraw, 0x0000000000000001, 0x1234567840000000, 30)
    TEST_RI(59, slliw, 0xffffffff80000000, 1, 31)
    TEST_RI(60, slliw, 0x0000000012345678, 0xabcdef0012345678, 0)
    TEST_RI(61, srliw, 0x000000007fffffff, 0xffffffffffffffff, 1)
    TEST_RI(62, srliw, 0xffffffff80000000, 0x0000000080000000, 0)
    TEST_RI(63, srliw, 0x0000000000000001, 0x0000000080000000, 31)
    TEST_RI(64, sraiw, 0xffffffffc0000000, 0x0000000080000000, 1)
    TEST_RI(65, sraiw, 0x0000000000000000, 0xffffffff7fffffff, 31)

    /* set-less-than, signed and unsigned; the immediate is sign-extended */
    TEST_RR(70, slt,  1, 0xffffffffffffffff, 1)
    TEST_RR(71, slt,  0, 1, 0xffffffffffffffff)
    TEST_RR(72, sltu, 0, 0xffffffffffffffff, 1)
    TEST_RR(73, sltu, 1, 1, 0xffffffffffffffff)
    TEST_RR(74, slt,  0, 5, 5)
    TEST_RI(75, slti, 1, 0x8000000000000000, -1)
    TEST_RI(76, slti, 0, 0, -1)
    TEST_RI(77, sltiu, 1, 0xfffffffffffffffe, -1)
    TEST_RI(78, sltiu, 0, 0xffffffffffffffff, -1)
    TEST_RI(79, sltiu, 1, 0, 1)
    TEST_RI(80, sltiu, 0, 2, 1)

    /* lui sign-extends its 32-bit result; auipc adds to its own pc */
    li gp, 90
    lui a2, 0x80000
    li t6, 0xffffffff80000000
    bne a2, t6, test_fail_gp
    li gp, 91
    lui a2, 0x7ffff
    li t6, 0x7ffff000
    bne a2, t6, test_fail_gp
    li gp, 92
1:  auipc a2, 0
    lla a3, 1b
    bne a2, a3, test_fail_gp
    li gp, 93
2:  auipc a2, 0x80000               /* pc + 0xffffffff80000000 */
    lla a3, 2b
    sub a2, a2, a3
    li t6, 0xffffffff80000000
    bne a2, t6, test_fail_gp
    li gp, 94
3:  auipc a2, 1
    lla a3, 3b
    sub a2, a2, a3
    li t6, 0x1000
    bne a2, t6, test_fail_gp

    /* x0 ignores writes and reads as zero */
    li gp, 100
    addi x0, x0, 5
    lui x0, 0x12345
    bnez x0, test_fail_gp
    li a0, 7
    add a1, a0, x0
    bne a1, a0, test_fail_gp

    /* source and destination being the same register */
    li gp, 101
    li a0, 13
    add a0, a0, a0
    li t6, 26
    bne a0, t6, test_fail_gp

    j pass
