/* Deliberately broken expectation: proves a failing check reaches the exit
 * status. Must exit with status 7 (registered as an expected failure). */
#include "test.h"

    .text
    .globl main
main:
    TEST_RR(1, add, 2, 1, 1)
    TEST_RR(7, add, 3, 1, 1)        /* wrong on purpose */
    j pass
