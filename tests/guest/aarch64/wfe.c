/* WFE, SEV, SEVL and the timer's event stream. A pending event (SEVL) lets WFE through at
 * once; without one, WFE waits for the event stream (CNTKCTL_EL1.EVNTEN) or an interrupt,
 * masked or not. Tessera sleeps there: every WFE in a row waits for the next change of the
 * chosen count bit (check 3). QEMU 7.2 completes WFE at once, which the architecture allows:
 * build with -DWFE_MAY_NOT_WAIT to run this on it. */
#include "test.h"

#define EVNTI 11 /* the event stream follows count bit 11: a 0-to-1 change every 4096 ticks */

void handle_exception(struct exc_frame *f)
{
    (void)f;
    puts_uart("unexpected exception\n");
    fail(900);
    system_off();
}

int main(void)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory");

    /* No event stream, no interrupt: only the local event lets WFE through (or it hangs). */
    write_sysreg(cntkctl_el1, 0);
    __asm__ volatile("sevl\n\twfe" ::: "memory");
    CHECK(1, 1);
    __asm__ volatile("sev\n\twfe" ::: "memory");
    CHECK(2, 1);

    /* The event stream: each WFE ends at the next 0-to-1 change of bit EVNTI. */
    write_sysreg(cntkctl_el1, EVNTI << 4 | 1u << 2);
    __asm__ volatile("isb\n\tsevl\n\twfe" ::: "memory"); /* the event register is clear now */
    uint64_t t0 = read_sysreg(cntvct_el0);
    for (int i = 0; i < 100; i++)
        __asm__ volatile("wfe" ::: "memory");
    uint64_t t1 = read_sysreg(cntvct_el0);
#ifndef WFE_MAY_NOT_WAIT
    CHECK(3, t1 - t0 >= 99ull << (EVNTI + 1));
#endif
    /* The other direction (EVNTDIR): 1-to-0 changes, as often. */
    write_sysreg(cntkctl_el1, EVNTI << 4 | 1u << 3 | 1u << 2);
    t0 = read_sysreg(cntvct_el0);
    for (int i = 0; i < 20; i++)
        __asm__ volatile("wfe" ::: "memory");
    t1 = read_sysreg(cntvct_el0);
#ifndef WFE_MAY_NOT_WAIT
    CHECK(4, t1 - t0 >= 19ull << (EVNTI + 1));
#endif

    /* No event stream: a masked timer interrupt (PSTATE.I set) wakes it. */
    write_sysreg(cntkctl_el1, 0);
    t0 = read_sysreg(cntvct_el0);
    write_sysreg(cntv_tval_el0, freq / 1000); /* 1 ms */
    write_sysreg(cntv_ctl_el0, 1);
    __asm__ volatile("isb" ::: "memory");
    /* The GIC forwards PPI 27 to the CPU's IRQ line. */
    *(volatile uint32_t *)0x08000000ul = 1;          /* GICD_CTLR */
    *(volatile uint32_t *)0x08000100ul = 1u << 27;   /* GICD_ISENABLER0 */
    *(volatile uint8_t *)(0x08000400ul + 27) = 0x80; /* priority */
    *(volatile uint32_t *)0x08010004ul = 0xff;       /* GICC_PMR */
    *(volatile uint32_t *)0x08010000ul = 1;          /* GICC_CTLR */
    while (!(read_sysreg(cntv_ctl_el0) & 4))
        __asm__ volatile("wfe" ::: "memory");
    t1 = read_sysreg(cntvct_el0);
    CHECK(5, t1 - t0 >= freq / 1000);
    write_sysreg(cntv_ctl_el0, 0);

    /* An exclusive load arms the monitor: WFE does not wait then (another observer's store
     * would wake it, and that is not modelled), so this returns. */
    static volatile uint64_t word;
    uint64_t v;
    __asm__ volatile("ldxr %0, [%1]\n\twfe\n\tclrex" : "=&r"(v) : "r"(&word) : "memory");
    CHECK(6, v == 0);
    return 0;
}
