/* NS16550A console on the virt board, polled (no interrupts). */
#include "fw.h"

enum { RBR = 0, THR = 0, IER = 1, LCR = 3, LSR = 5 };
#define LSR_DR   0x01
#define LSR_THRE 0x20

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

void uart_init(void)
{
    /* FCR is left alone: toggling FIFO mode flushes input already queued. */
    uart[IER] = 0x00;                  /* polled */
    uart[LCR] = 0x03;                  /* 8N1, divisor latch closed */
}

void putc_(char c)
{
    if (c == '\n') putc_('\r');
    while (!(uart[LSR] & LSR_THRE)) {}
    uart[THR] = (uint8_t)c;
}

void puts_(const char *s)
{
    while (*s) putc_(*s++);
}

int getc_(void)
{
    while (!(uart[LSR] & LSR_DR)) {}
    return uart[RBR];
}

void put_hex(uint64_t v, int digits)
{
    for (int i = (digits - 1) * 4; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]);
}

void put_dec(uint64_t v)
{
    char buf[24];
    int i = 0;
    do { buf[i++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (i) putc_(buf[--i]);
}
