/* Jumps into a device (the UART's registers): the fetch must raise an instruction access
 * fault with mtval = the device address, and -d guest_errors must log the refused fetch
 * (tests/app/hostile_guests.py checks the line). Exits 0 if the trap was right. */
#include "test.h"
    .section .text.init, "ax"
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t0, UART_BASE
    jr t0
    .balign 4
handler:
    li t1, TEST_DEV
    csrr t0, mcause
    li t2, CAUSE_FETCH_ACCESS
    bne t0, t2, 1f
    csrr t0, mtval
    li t2, UART_BASE
    bne t0, t2, 1f
    li t0, 0x5555
    sw t0, 0(t1)
1:  li t0, (9 << 16) | 0x3333
    sw t0, 0(t1)
2:  j 2b
