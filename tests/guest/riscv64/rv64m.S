/* M extension: multiply high parts for every signedness, the W forms, and
 * the spec's fixed results for division by zero and signed overflow
 * (which must not trap). */
#include "test.h"

    .text
    .globl main
main:
    TEST_RR(1, mul, 0xfffffffffffffffe, 0x7fffffffffffffff, 2)
    TEST_RR(2, mul, 0x0000000000000001, -1, -1)
    TEST_RR(3, mul, 0x2236d88fe5618cf0, 0x123456789abcdef0, 0x0fedcba987654321)
    TEST_RR(4, mulh, 0, -1, -1)
    TEST_RR(5, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(6, mulh, 0xffffffffffffffff, -2, 3)
    TEST_RR(7, mulh, 0x0000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR(8, mulhu, 0xfffffffffffffffe, -1, -1)
    TEST_RR(9, mulhu, 0x0000000000000001, 0x8000000000000000, 2)
    TEST_RR(10, mulhsu, 0xffffffffffffffff, -1, -1)
    TEST_RR(11, mulhsu, 0x8000000000000000, 0x8000000000000000, -1)
    TEST_RR(12, mulhsu, 0x0000000000000001, 2, -1)
    TEST_RR(13, mulw, 0xfffffffffffffffe, 0x7fffffff, 2)
    TEST_RR(14, mulw, 15, 0x100000003, 0x100000005)
    TEST_RR(15, mulw, 0x0000000000000000, 0x10000, 0x10000)
    TEST_RR(16, mulw, 0xffffffff80000000, 0x40000000, 2)

    TEST_RR(20, div, -3, -7, 2)
    TEST_RR(21, rem, -1, -7, 2)
    TEST_RR(22, div, -3, 7, -2)
    TEST_RR(23, rem, 1, 7, -2)
    TEST_RR(24, divu, 0x7fffffffffffffff, -1, 2)
    TEST_RR(25, remu, 1, -1, 2)
    TEST_RR(26, div, 0xffffffffffffffff, 42, 0)          /* x / 0 = -1 */
    TEST_RR(27, divu, 0xffffffffffffffff, 42, 0)         /* x / 0 = all ones */
    TEST_RR(28, rem, 42, 42, 0)                          /* x % 0 = x */
    TEST_RR(29, remu, -42, -42, 0)
    TEST_RR(30, div, 0x8000000000000000, 0x8000000000000000, -1)  /* overflow */
    TEST_RR(31, rem, 0, 0x8000000000000000, -1)
    TEST_RR(32, divu, 0, 5, 6)
    TEST_RR(33, remu, 5, 5, 6)

    TEST_RR(40, divw, -3, -7, 2)
    TEST_RR(41, remw, -1, -7, 2)
    TEST_RR(42, divw, 4, 0x10000000e, 0x100000003)       /* upper halves ignored */
    TEST_RR(43, divw, 0xffffffff80000000, 0x80000000, -1) /* overflow */
    TEST_RR(44, remw, 0, 0x80000000, -1)
    TEST_RR(45, divw, -1, 7, 0x100000000)                /* divisor is 0 in 32 bits */
    TEST_RR(46, remw, 7, 0x100000007, 0)
    TEST_RR(47, remw, 0xffffffff80000005, 0x80000005, 0)
    TEST_RR(48, divuw, 0x7fffffff, 0xffffffff, 2)
    TEST_RR(49, divuw, 0xfffffffffffffffe, 0x1fffffffe, 1) /* 32-bit result sign-extended */
    TEST_RR(50, divuw, 0xffffffffffffffff, 9, 0)
    TEST_RR(51, remuw, 0xffffffff80000005, 0x180000005, 0)
    TEST_RR(52, remuw, 1, -7, 2)
    TEST_RR(53, remuw, 0x7fffffff, 0x7fffffff, 0x80000000)
    j pass
