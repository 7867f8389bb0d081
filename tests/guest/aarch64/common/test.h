/* Shared definitions for Tessera's bare-metal aarch64 guest tests.
 *
 * Result protocol: the test prints "PASS" or "FAIL n" on the PL011 and powers off through
 * PSCI; the suite checks the line and the exit status. */
#ifndef TESSERA_A64_TEST_H
#define TESSERA_A64_TEST_H
#include <stdint.h>

#define UART_BASE 0x09000000ul

struct exc_frame {
    uint64_t x[19];
    uint64_t lr;
    uint64_t elr, esr, far, spsr;
};

void putc_uart(char c);
void puts_uart(const char *s);
void puthex(uint64_t v);
void fail(unsigned n);
void report(void);
void system_off(void) __attribute__((noreturn));
/* Tests may define it; the default reports an unexpected exception as failure 999. */
void handle_exception(struct exc_frame *f);

extern unsigned failed_check;
#define CHECK(n, cond) do { if (!(cond)) fail(n); } while (0)

#define read_sysreg(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))
#endif
