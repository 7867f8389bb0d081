/* Guest side of the bench runtime on aarch64-virt: the PL011 UART and power-off through
 * PSCI. PSCI SYSTEM_OFF carries no status, so a failure is only what the program printed
 * (a FAIL line, no "ok" line); bench/compare checks for the ok line. */
#include "bench.h"

#define UART_BASE 0x09000000ul
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)

_Noreturn void bench_power_off(void); /* crt.S */

/* The exception path must not touch FP/SIMD registers: their use may be what faulted. */
#define GPR_ONLY __attribute__((target("general-regs-only")))

GPR_ONLY void bench_putc(char c)
{
  volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
  while (uart[UART_FR / 4] & UART_FR_TXFF)
    ;
  uart[UART_DR / 4] = (uint8_t)c;
}

_Noreturn void bench_exit(int code)
{
  if (code != 0)
    bench_printf("bench: exit status %d\n", code);
  bench_power_off();
}

GPR_ONLY static void put_str(const char *s)
{
  while (*s)
    bench_putc(*s++);
}

GPR_ONLY static void put_hex(const char *name, uint64_t v)
{
  put_str(name);
  put_str("=0x");
  for (int i = 60; i >= 0; i -= 4)
    bench_putc("0123456789abcdef"[(v >> i) & 15]);
}

/* Called from the vectors in crt.S with the vector's index (0..15). Prints the syndrome and
 * the faulting instruction word, then powers off so a run never hangs. */
GPR_ONLY _Noreturn void bench_trap(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far)
{
  static int nested;
  if (nested++) /* the handler itself faulted (say, reading the word at a bad elr) */
    bench_power_off();
  put_str("bench: unexpected exception");
  put_hex(" vector", vector);
  put_hex(" esr", esr);
  put_hex(" elr", elr);
  put_hex(" far", far);
  put_hex(" insn", *(volatile uint32_t *)elr);
  put_str("\n");
  bench_power_off();
}
