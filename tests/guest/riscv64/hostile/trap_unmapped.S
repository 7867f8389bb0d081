/* Traps to vectors where nothing is mapped: mtvec points into the hole between the MROM and
 * the test device, then the guest jumps there. Each fetch fault traps to the same unmapped
 * vector, forever. The emulator must keep answering (a signal ends it cleanly) with flat
 * memory; tests/app/hostile_guests.py checks that. */
#include "test.h"
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, UNMAPPED_ADDR
    csrw mtvec, t0
    jr t0
