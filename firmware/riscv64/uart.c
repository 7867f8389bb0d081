/* NS16550A console on the virt board. Output is polled; input sleeps in WFI until the
 * UART's receive interrupt (through the PLIC) is pending, so an idle prompt costs no host CPU. */
#include "fw.h"

enum { RBR = 0, THR = 0, IER = 1, LCR = 3, LSR = 5 };
#define LSR_DR   0x01
#define LSR_THRE 0x20

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;
static volatile uint32_t *const PLIC = (volatile uint32_t *)0x0c000000;
enum { UART_IRQ = 10, PLIC_ENABLE_CTX0 = 0x2000, PLIC_THRESHOLD_CTX0 = 0x200000, PLIC_CLAIM_CTX0 = 0x200004 };

void uart_init(void)
{
    /* FCR is left alone: toggling FIFO mode flushes input already queued. */
    uart[LCR] = 0x03;                  /* 8N1, divisor latch closed */
    uart[IER] = 0x01;                  /* receive-data interrupt */
    /* Route UART IRQ 10 to hart 0's M-mode context. mstatus.MIE stays clear: the
     * interrupt is never taken, it only ends WFI (which wakes on mip & mie). */
    PLIC[UART_IRQ] = 1;                              /* priority */
    PLIC[PLIC_ENABLE_CTX0 / 4] |= 1u << UART_IRQ;
    PLIC[PLIC_THRESHOLD_CTX0 / 4] = 0;
    __asm__ volatile("csrs mie, %0" ::"r"(1ul << 11));  /* MEIE */
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
    while (!(uart[LSR] & LSR_DR)) {
        __asm__ volatile("wfi");
        uint32_t id = PLIC[PLIC_CLAIM_CTX0 / 4];    /* claim and complete, so the */
        if (id) PLIC[PLIC_CLAIM_CTX0 / 4] = id;     /* next byte can wake us again */
    }
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
