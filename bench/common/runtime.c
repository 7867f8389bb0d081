/* Guest side of the bench runtime: NS16550A UART and sifive_test finisher
 * of the riscv64 virt board (libc.c holds the libc pieces). */
#include "bench.h"

#define UART_BASE 0x10000000ul
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define FINISHER_BASE 0x100000ul
#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

void bench_putc(char c)
{
  volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
  while (!(uart[UART_LSR] & UART_LSR_THRE))
    ;
  uart[UART_THR] = (uint8_t)c;
}

_Noreturn void bench_exit(int code)
{
  volatile uint32_t *finisher = (volatile uint32_t *)FINISHER_BASE;
  if (code == 0)
    *finisher = FINISHER_PASS;
  else
    *finisher = ((uint32_t)(code & 0xffff) << 16) | FINISHER_FAIL;
  for (;;)
    __asm__ volatile("wfi");
}

void bench_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
  bench_printf("bench: unexpected trap mcause=0x%lx mepc=0x%lx mtval=0x%lx\n",
               mcause, mepc, mtval);
  bench_exit(BENCH_EXIT_TRAP);
}
