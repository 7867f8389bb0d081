/* Bare-metal start-up for the bench programs, entered in M-mode at the ELF
 * entry with paging off. Sets up gp/sp, enables the FPU, clears .bss, calls
 * main() and hands its return value to bench_exit(). Any trap is fatal: it
 * prints mcause/mepc/mtval and exits with status BENCH_EXIT_TRAP. */
  .section .text.start, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la t0, bench_trap_entry
  csrw mtvec, t0
  csrw mie, zero
  /* mstatus.FS = Initial (01) so F/D instructions do not trap. */
  li t0, (1 << 13)
  csrs mstatus, t0
  csrw fcsr, zero
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  call main
  call bench_exit
3:
  j 3b

  .align 4
bench_trap_entry:
  la sp, __trap_stack_top
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call bench_trap
4:
  j 4b
