/* Output and verdicts for the aarch64 guest tests. */
#include "test.h"

unsigned failed_check;

void putc_uart(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
    while (uart[0x18 / 4] & (1u << 5)) /* FR.TXFF */
        ;
    uart[0] = (uint32_t)c;
}

void puts_uart(const char *s)
{
    while (*s)
        putc_uart(*s++);
}

void puthex(uint64_t v)
{
    puts_uart("0x");
    for (int i = 60; i >= 0; i -= 4)
        putc_uart("0123456789abcdef"[(v >> i) & 15]);
}

static void putdec(unsigned v)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc_uart(buf[--n]);
}

void fail(unsigned n)
{
    puts_uart("check ");
    putdec(n);
    puts_uart(" failed\n");
    if (!failed_check)
        failed_check = n;
}

void report(void)
{
    if (failed_check) {
        puts_uart("FAIL ");
        putdec(failed_check);
        puts_uart("\n");
    } else {
        puts_uart("PASS\n");
    }
}

__attribute__((weak)) void handle_exception(struct exc_frame *f)
{
    puts_uart("unexpected exception, esr ");
    puthex(f->esr);
    puts_uart(" elr ");
    puthex(f->elr);
    puts_uart("\n");
    fail(999);
    report();
    system_off();
}
