/* UART output, pass/fail reporting and trap dispatch for the guest tests. */
#include "test.h"

extern uint64_t run_ctx[15];

void uart_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
    while (!(uart[5] & 0x20)) {}   /* LSR.THRE */
    uart[0] = (uint8_t)c;
}

void puts_(const char *s)
{
    while (*s) uart_putc(*s++);
}

void put_hex(uint64_t v)
{
    puts_("0x");
    for (int i = 60; i >= 0; i -= 4) uart_putc("0123456789abcdef"[(v >> i) & 15]);
}

void put_dec(uint64_t v)
{
    char buf[24];
    int i = 0;
    do { buf[i++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (i) uart_putc(buf[--i]);
}

void pass(void)
{
    puts_("PASS\n");
    for (;;) mmio_write32(TEST_DEV, 0x5555);
}

void fail(unsigned n)
{
    puts_("FAIL ");
    put_dec(n);
    uart_putc('\n');
    if ((n & 0xff) == 0) n = 255;   /* exit status must never read as 0 */
    for (;;) mmio_write32(TEST_DEV, (n << 16) | 0x3333);
}

void unexpected_trap(const char *who, uint64_t cause, uint64_t epc, uint64_t tval)
{
    puts_("unexpected ");
    puts_(who);
    puts_(" trap cause=");
    put_hex(cause);
    puts_(" epc=");
    put_hex(epc);
    puts_(" tval=");
    put_hex(tval);
    uart_putc('\n');
    fail(250);
}

__attribute__((weak)) void handle_mtrap(struct trap_frame *f)
{
    (void)f;
    unexpected_trap("M", csr_read(mcause), csr_read(mepc), csr_read(mtval));
}

__attribute__((weak)) void handle_strap(struct trap_frame *f)
{
    (void)f;
    unexpected_trap("S", csr_read(scause), csr_read(sepc), csr_read(stval));
}

struct trap_log mlog, slog;

static uint64_t resume_pc(struct trap_frame *f, uint64_t cause, uint64_t epc)
{
    if (cause == CAUSE_FETCH_ACCESS || cause == CAUSE_FETCH_PAGE_FAULT ||
        cause == CAUSE_MISALIGNED_FETCH)
        return f->x[REG_RA];
    return epc + (((*(volatile uint16_t *)epc) & 3) == 3 ? 4 : 2);
}

void mtrap_log_skip(struct trap_frame *f)
{
    mlog.cause = csr_read(mcause);
    mlog.epc = csr_read(mepc);
    mlog.tval = csr_read(mtval);
    mlog.status = csr_read(mstatus);
    mlog.count++;
    if (mlog.cause & INTERRUPT_BIT) unexpected_trap("M interrupt", mlog.cause, mlog.epc, mlog.tval);
    csr_write(mepc, resume_pc(f, mlog.cause, mlog.epc));
}

void strap_log_skip(struct trap_frame *f)
{
    slog.cause = csr_read(scause);
    slog.epc = csr_read(sepc);
    slog.tval = csr_read(stval);
    slog.status = csr_read(sstatus);
    slog.count++;
    if (slog.cause & INTERRUPT_BIT) unexpected_trap("S interrupt", slog.cause, slog.epc, slog.tval);
    csr_write(sepc, resume_pc(f, slog.cause, slog.epc));
}

void mtrap_dispatch(struct trap_frame *f)
{
    uint64_t cause = csr_read(mcause);
    if ((cause == CAUSE_ECALL_U || cause == CAUSE_ECALL_S) && f->x[REG_A7] == ECALL_EXIT_MODE) {
        /* Resume run_mode's caller in M-mode with fn's result in a0. */
        f->x[REG_RA] = run_ctx[0];
        f->x[REG_SP] = run_ctx[1];
        f->x[8] = run_ctx[2];
        f->x[9] = run_ctx[3];
        for (int i = 0; i < 10; i++) f->x[18 + i] = run_ctx[4 + i];
        csr_write(mepc, run_ctx[0]);
        csr_set(mstatus, MSTATUS_MPP);
        if (run_ctx[14] & MSTATUS_MIE) csr_set(mstatus, MSTATUS_MPIE);
        else csr_clear(mstatus, MSTATUS_MPIE);
        return;
    }
    handle_mtrap(f);
}

void strap_dispatch(struct trap_frame *f)
{
    if (csr_read(scause) == CAUSE_ECALL_U && f->x[REG_A7] == ECALL_EXIT_MODE) {
        /* A delegated exit ecall from U: forward it to M from S-mode. */
        register long a0 __asm__("a0") = (long)f->x[REG_A0];
        register long a7 __asm__("a7") = ECALL_EXIT_MODE;
        __asm__ volatile("ecall" :: "r"(a0), "r"(a7));
    }
    handle_strap(f);
}
