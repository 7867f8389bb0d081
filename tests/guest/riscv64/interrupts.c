/* Interrupts: machine timer through CLINT mtimecmp and mip.MTIP, machine
 * software interrupt through MSIP, global/individual enables, priority
 * (MSI before MTI), M interrupts taken in U-mode regardless of MIE,
 * vectored mtvec, WFI waking on a pending-but-disabled and an enabled
 * interrupt, and S-mode timer/software interrupts delegated via mideleg
 * (STIP raised by M-mode software). */
#include "test.h"

#define MIP_SSIP (1ul << IRQ_S_SOFT)
#define MIP_MSIP (1ul << IRQ_M_SOFT)
#define MIP_STIP (1ul << IRQ_S_TIMER)
#define MIP_MTIP (1ul << IRQ_M_TIMER)
#define TIMEOUT  10000000ul          /* 1 s of mtime at 10 MHz */

static volatile uint64_t mcount, scount, order[4], mtime_at_irq, s_cause, m_epc;
extern volatile uint64_t vectored_hits;
extern char vector_table[];

static uint64_t now(void) { return mmio_read64(CLINT_MTIME); }
static void set_timer(uint64_t t) { mmio_write64(CLINT_MTIMECMP, t); }

void handle_mtrap(struct trap_frame *f)
{
    uint64_t cause = csr_read(mcause);
    if (!(cause & INTERRUPT_BIT)) { mtrap_log_skip(f); return; }
    if (mcount < 4) order[mcount] = cause & 0xff;
    mcount++;
    m_epc = csr_read(mepc);
    if ((cause & 0xff) == IRQ_M_TIMER) { mtime_at_irq = now(); set_timer(~0ul); }
    else if ((cause & 0xff) == IRQ_M_SOFT) mmio_write32(CLINT_MSIP, 0);
    else unexpected_trap("M interrupt", cause, csr_read(mepc), 0);
}

void handle_strap(struct trap_frame *f)
{
    uint64_t cause = csr_read(scause);
    if (!(cause & INTERRUPT_BIT)) { strap_log_skip(f); return; }
    s_cause = cause;
    scount++;
    if ((cause & 0xff) == IRQ_S_TIMER) csr_clear(sie, MIP_STIP);   /* S cannot clear STIP */
    else if ((cause & 0xff) == IRQ_S_SOFT) csr_clear(sip, MIP_SSIP);
    else unexpected_trap("S interrupt", cause, csr_read(sepc), 0);
}

/* Spin until the counter moves or a second of mtime passes. */
static int wait_count(volatile uint64_t *c, uint64_t from)
{
    uint64_t start = now();
    while (*c == from)
        if (now() - start > TIMEOUT) return 0;
    return 1;
}

/* Callers reset the counter to 0 before the interrupt can fire. */
static long u_spin(long arg) { (void)arg; return wait_count(&mcount, 0); }
static long u_spin_s(long arg) { (void)arg; return wait_count(&scount, 0); }

static long s_with_sie(long arg)
{
    uint64_t before = scount;
    (void)arg;
    csr_set(sstatus, MSTATUS_SIE);
    long ok = wait_count(&scount, before);
    csr_clear(sstatus, MSTATUS_SIE);
    return ok;
}

static long s_without_sie(long arg)
{
    (void)arg;
    csr_clear(sstatus, MSTATUS_SIE);
    for (volatile int i = 0; i < 1000; i++) {}
    return (long)scount;
}

static long s_self_ipi(long arg)
{
    uint64_t before = scount;
    (void)arg;
    csr_set(sie, MIP_SSIP);
    csr_set(sip, MIP_SSIP);
    csr_set(sstatus, MSTATUS_SIE);
    long ok = wait_count(&scount, before);
    csr_clear(sstatus, MSTATUS_SIE);
    return ok;
}

int main(void)
{
    csr_write(mie, 0);
    csr_write(mideleg, 0);

    /* mip.MTIP follows mtime >= mtimecmp */
    set_timer(~0ul);
    CHECK(1, !(csr_read(mip) & MIP_MTIP));
    set_timer(0);
    CHECK(2, csr_read(mip) & MIP_MTIP);
    set_timer(~0ul);
    CHECK(3, !(csr_read(mip) & MIP_MTIP));

    /* pending + individually enabled but globally disabled: not taken;
     * setting mstatus.MIE takes it right away */
    csr_set(mie, MIP_MTIP);
    set_timer(0);
    for (volatile int i = 0; i < 100; i++) {}
    CHECK(10, mcount == 0);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 100 && mcount == 0; i++) {}
    CHECK(11, mcount == 1 && order[0] == IRQ_M_TIMER);
    CHECK(12, csr_read(mcause) == (INTERRUPT_BIT | IRQ_M_TIMER));

    /* a timer in the future fires once mtime reaches mtimecmp */
    uint64_t deadline = now() + 20000;          /* 2 ms */
    set_timer(deadline);
    CHECK(13, wait_count(&mcount, 1));
    CHECK(14, mtime_at_irq >= deadline);
    csr_clear(mstatus, MSTATUS_MIE);
    csr_clear(mie, MIP_MTIP);

    /* machine software interrupt through the CLINT MSIP register */
    mcount = 0;
    mmio_write32(CLINT_MSIP, 1);
    CHECK(20, csr_read(mip) & MIP_MSIP);
    CHECK(21, mmio_read32(CLINT_MSIP) == 1);
    csr_set(mie, MIP_MSIP);
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(22, wait_count(&mcount, 0) && order[0] == IRQ_M_SOFT);
    CHECK(23, !(csr_read(mip) & MIP_MSIP));
    csr_clear(mstatus, MSTATUS_MIE);

    /* priority: with MSI and MTI both pending, MSI is taken first */
    mcount = 0;
    csr_set(mie, MIP_MSIP | MIP_MTIP);
    mmio_write32(CLINT_MSIP, 1);
    set_timer(0);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 1000 && mcount < 2; i++) {}
    CHECK(30, mcount == 2 && order[0] == IRQ_M_SOFT && order[1] == IRQ_M_TIMER);
    csr_clear(mstatus, MSTATUS_MIE);

    /* below M, machine interrupts are enabled whatever mstatus.MIE says */
    mcount = 0;
    set_timer(now() + 10000);
    CHECK(40, run_mode(PRV_U, u_spin, 0) == 1);
    CHECK(41, order[0] == IRQ_M_TIMER);
    CHECK(42, !(csr_read(mstatus) & MSTATUS_MIE));

    /* vectored mtvec: interrupt cause n goes to base + 4n */
    csr_write(mtvec, (uint64_t)vector_table | 1);
    CHECK(50, csr_read(mtvec) == ((uint64_t)vector_table | 1));
    mcount = 0;
    vectored_hits = 0;
    set_timer(0);
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(51, wait_count(&mcount, 0));
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK(52, vectored_hits != 0);
    csr_write(mtvec, (uint64_t)m_trap_entry);

    /* WFI wakes on a pending interrupt even with MIE clear (no trap) ... */
    csr_write(mie, MIP_MTIP);
    mcount = 0;
    uint64_t start = now();
    set_timer(start + 20000);
    while (!(csr_read(mip) & MIP_MTIP)) {
        __asm__ volatile("wfi");
        CHECK(60, now() - start < TIMEOUT);
    }
    CHECK(61, mcount == 0 && now() >= start + 20000);
    /* ... and with MIE set the interrupt is taken right after the wfi */
    uint64_t wfi_pc = 0;
    /* 100 ms: long enough that even a slow first execution (a JIT compiling every new
     * block) reaches the wfi before the timer fires */
    set_timer(now() + 1000000);
    csr_set(mstatus, MSTATUS_MIE);
    while (mcount == 0) {
        __asm__ volatile("lla %0, 1f\n wfi\n1:" : "=r"(wfi_pc) :: "memory");
        CHECK(62, now() - start < 2 * TIMEOUT);
    }
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK(63, m_epc == wfi_pc);
    csr_write(mie, 0);

    /* S-mode timer interrupt: delegated, raised by M writing mip.STIP */
    csr_write(stvec, (uint64_t)s_trap_entry);
    csr_write(mideleg, MIP_SSIP | MIP_STIP);
    CHECK(70, (csr_read(mideleg) & (MIP_SSIP | MIP_STIP)) == (MIP_SSIP | MIP_STIP));
    csr_set(mie, MIP_STIP);
    csr_set(mip, MIP_STIP);
    CHECK(71, csr_read(mip) & MIP_STIP);
    CHECK(72, csr_read(sip) & MIP_STIP);        /* visible to S as delegated */
    mcount = scount = 0;
    csr_set(mstatus, MSTATUS_MIE);              /* S interrupts never trap M-mode */
    for (volatile int i = 0; i < 100; i++) {}
    CHECK(73, scount == 0 && mcount == 0);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK(74, run_mode(PRV_S, s_without_sie, 0) == 0);   /* S with SIE=0: masked */
    CHECK(75, run_mode(PRV_S, s_with_sie, 0) == 1);
    CHECK(76, s_cause == (INTERRUPT_BIT | IRQ_S_TIMER) && mcount == 0);
    /* in U-mode, S interrupts are taken whatever sstatus.SIE says */
    csr_set(mie, MIP_STIP);
    scount = 0;
    CHECK(77, run_mode(PRV_U, u_spin_s, 0) == 1);
    csr_clear(mip, MIP_STIP);
    CHECK(78, !(csr_read(mip) & MIP_STIP));

    /* S-mode software interrupt raised by S itself through sip.SSIP */
    scount = 0;
    CHECK(80, run_mode(PRV_S, s_self_ipi, 0) == 1);
    CHECK(81, s_cause == (INTERRUPT_BIT | IRQ_S_SOFT));
    CHECK(82, !(csr_read(mip) & MIP_SSIP));
    CHECK(83, mlog.count == 0 && slog.count == 0);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
    return 0;
}

/* Vector table: exceptions and most causes enter the common handler; cause 7
 * first marks vectored_hits (using only the trap stack) and then does too. */
__asm__(
    ".pushsection .text\n"
    ".balign 256\n"
    "vector_table:\n"
    "   .rept 7\n"
    "   j m_trap_entry\n"
    "   .endr\n"
    "   j vec_mtimer\n"
    "   .rept 8\n"
    "   j m_trap_entry\n"
    "   .endr\n"
    "vec_mtimer:\n"
    "   csrrw sp, mscratch, sp\n"
    "   sd t0, -8(sp)\n"
    "   lla t0, vectored_hits\n"
    "   sd t0, 0(t0)\n"
    "   ld t0, -8(sp)\n"
    "   csrrw sp, mscratch, sp\n"
    "   j m_trap_entry\n"
    ".popsection\n"
    ".pushsection .data\n"
    ".balign 8\n"
    "vectored_hits: .dword 0\n"
    ".popsection\n");
