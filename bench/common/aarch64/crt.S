/* Bare-metal start-up for the bench programs on aarch64-virt, entered at EL1 at the ELF
 * entry with the MMU off (QEMU's and Tessera's -kernel ELF boot). Sets up the stack and the
 * exception vectors, enables FP/AdvSIMD (the compiler vectorizes), clears .bss, calls main()
 * and hands its return value to bench_exit(). Any exception is fatal: bench_trap() prints it
 * and powers off. */
  .section .text.start, "ax"
  .globl _start
_start:
  ldr x0, =__stack_top
  mov sp, x0
  adr x0, bench_vectors
  msr vbar_el1, x0
  /* CPACR_EL1.FPEN = 0b11: FP and AdvSIMD do not trap at EL0/EL1. */
  mov x0, #(3 << 20)
  msr cpacr_el1, x0
  isb
  msr fpcr, xzr
  ldr x0, =__bss_start
  ldr x1, =__bss_end
1:
  cmp x0, x1
  b.hs 2f
  str xzr, [x0], #8
  b 1b
2:
  bl main
  bl bench_exit
3:
  b 3b

  .globl bench_power_off
bench_power_off:
  movz x0, #0x0008
  movk x0, #0x8400, lsl #16   /* PSCI SYSTEM_OFF: ends QEMU and Tessera with status 0 */
  hvc #0
4:
  wfi
  b 4b

/* 16 vectors of 0x80 bytes; each passes its index to bench_trap on a stack of its own
 * (the fault may have been a bad sp). */
  .balign 2048
bench_vectors:
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  .balign 128
  mov x0, #\n
  b bench_trap_entry
  .endr

bench_trap_entry:
  ldr x1, =__trap_stack_top
  mov sp, x1
  mrs x1, esr_el1
  mrs x2, elr_el1
  mrs x3, far_el1
  bl bench_trap
5:
  b 5b
