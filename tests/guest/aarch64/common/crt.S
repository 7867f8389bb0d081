/* Start-up for the bare-metal aarch64 guest tests: EL1, MMU off. A stack, the exception
 * vectors (every exception lands in handle_exception), bss cleared, main, then PSCI
 * SYSTEM_OFF (the test's verdict is in what it printed). */
    .section .text.start
    .globl _start
_start:
    mov x1, #(3 << 20)           /* CPACR_EL1.FPEN = 0b11: FP and AdvSIMD usable */
    msr cpacr_el1, x1
    isb
    ldr x1, =__stack_top
    mov sp, x1
    adr x1, vectors
    msr vbar_el1, x1
    isb
    ldr x1, =__bss_start
    ldr x2, =__bss_end
1:  cmp x1, x2
    b.hs 2f
    str xzr, [x1], #8
    b 1b
2:  bl main
    bl report
    .globl system_off
system_off:
    movz x0, #0x0008
    movk x0, #0x8400, lsl #16    /* PSCI SYSTEM_OFF */
    hvc #0
3:  b 3b

/* 16 entries of 0x80 bytes: save the caller-saved registers, call
 * handle_exception(frame), restore, eret (the handler may change elr). */
    .balign 2048
vectors:
    .rept 16
    .balign 128
    b exception_entry
    .endr

exception_entry:
    sub sp, sp, #(34 * 8)
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x30, [sp, #144]
    mrs x1, elr_el1
    mrs x2, esr_el1
    stp x1, x2, [sp, #160]
    mrs x1, far_el1
    mrs x2, spsr_el1
    stp x1, x2, [sp, #176]
    mov x0, sp
    bl handle_exception
    ldp x1, x2, [sp, #160]
    msr elr_el1, x1
    ldp x1, x2, [sp, #176]
    msr spsr_el1, x2
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x30, [sp, #144]
    add sp, sp, #(34 * 8)
    eret
