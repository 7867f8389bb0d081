/* Start-up and trap entry shared by every riscv64 guest test. Entered in
 * M-mode at 0x80000000 with a0 = hart id (QEMU -bios none -kernel). */
#include "test.h"

#define SAVE_ALL                 \
    addi sp, sp, -256;           \
    sd x1, 8(sp);   sd x3, 24(sp);  sd x4, 32(sp);  sd x5, 40(sp);  \
    sd x6, 48(sp);  sd x7, 56(sp);  sd x8, 64(sp);  sd x9, 72(sp);  \
    sd x10, 80(sp); sd x11, 88(sp); sd x12, 96(sp); sd x13, 104(sp); \
    sd x14, 112(sp); sd x15, 120(sp); sd x16, 128(sp); sd x17, 136(sp); \
    sd x18, 144(sp); sd x19, 152(sp); sd x20, 160(sp); sd x21, 168(sp); \
    sd x22, 176(sp); sd x23, 184(sp); sd x24, 192(sp); sd x25, 200(sp); \
    sd x26, 208(sp); sd x27, 216(sp); sd x28, 224(sp); sd x29, 232(sp); \
    sd x30, 240(sp); sd x31, 248(sp)

#define RESTORE_ALL              \
    ld x1, 8(sp);   ld x3, 24(sp);  ld x4, 32(sp);  ld x5, 40(sp);  \
    ld x6, 48(sp);  ld x7, 56(sp);  ld x8, 64(sp);  ld x9, 72(sp);  \
    ld x10, 80(sp); ld x11, 88(sp); ld x12, 96(sp); ld x13, 104(sp); \
    ld x14, 112(sp); ld x15, 120(sp); ld x16, 128(sp); ld x17, 136(sp); \
    ld x18, 144(sp); ld x19, 152(sp); ld x20, 160(sp); ld x21, 168(sp); \
    ld x22, 176(sp); ld x23, 184(sp); ld x24, 192(sp); ld x25, 200(sp); \
    ld x26, 208(sp); ld x27, 216(sp); ld x28, 224(sp); ld x29, 232(sp); \
    ld x30, 240(sp); ld x31, 248(sp); \
    ld sp, 16(sp)

    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, park               /* the tests are single-hart */
    la sp, _stack_top

    /* Open PMP to S/U for all memory; skip quietly if PMP is absent. */
    la t0, 1f
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f                 /* NAPOT, R W X */
    csrw pmpcfg0, t0
    .balign 4
1:  la t0, m_trap_entry
    csrw mtvec, t0
    la t0, _mtrap_stack_top
    csrw mscratch, t0
    la t0, _strap_stack_top
    csrw sscratch, t0
    li t0, (1 << 13)            /* mstatus.FS = Initial: FP usable */
    csrs mstatus, t0
    csrwi fcsr, 0

    la t0, __bss_start
    la t1, __bss_end
2:  bgeu t0, t1, 3f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 2b
3:  call main
    bnez a0, 4f
    call pass
4:  call fail

park:
    wfi
    j park

/* Assembly checks jump here with the failing check number in gp. */
    .globl test_fail_gp
test_fail_gp:
    mv a0, gp
    call fail

/* M-mode trap entry: switch to the trap stack kept in mscratch, save all
 * integer registers and hand the frame to mtrap_dispatch() in lib.c. */
    .balign 4
    .globl m_trap_entry
m_trap_entry:
    csrrw sp, mscratch, sp
    SAVE_ALL
    csrr t0, mscratch
    sd t0, 16(sp)
    mv a0, sp
    call mtrap_dispatch
    addi t0, sp, 256
    csrw mscratch, t0
    RESTORE_ALL
    mret

/* S-mode trap entry, same shape with sscratch. */
    .balign 4
    .globl s_trap_entry
s_trap_entry:
    csrrw sp, sscratch, sp
    SAVE_ALL
    csrr t0, sscratch
    sd t0, 16(sp)
    mv a0, sp
    call strap_dispatch
    addi t0, sp, 256
    csrw sscratch, t0
    RESTORE_ALL
    sret

/* long run_mode(int mode, long (*fn)(long), long arg): drop to `mode` and
 * call fn(arg); fn returns into mode_exit, whose ecall the M-mode dispatcher
 * turns back into a return from run_mode with callee-saved state restored. */
    .globl run_mode
run_mode:
    la t0, run_ctx
    sd ra, 0(t0)
    sd sp, 8(t0)
    sd s0, 16(t0)
    sd s1, 24(t0)
    sd s2, 32(t0)
    sd s3, 40(t0)
    sd s4, 48(t0)
    sd s5, 56(t0)
    sd s6, 64(t0)
    sd s7, 72(t0)
    sd s8, 80(t0)
    sd s9, 88(t0)
    sd s10, 96(t0)
    sd s11, 104(t0)
    csrr t1, mstatus
    sd t1, 112(t0)              /* the caller's MIE is restored on exit */
    li t1, MSTATUS_MPP | MSTATUS_MPIE
    csrc mstatus, t1
    slli t2, a0, 11
    csrs mstatus, t2
    csrw mepc, a1
    mv a0, a2
    la ra, mode_exit
    mret

    .globl mode_exit
mode_exit:
    li a7, ECALL_EXIT_MODE
    ecall
    j mode_exit

    .bss
    .balign 8
    .globl run_ctx
run_ctx:
    .skip 15 * 8
