/* The generic timer and the GICv2: the virtual timer's PPI 27 reaches the CPU through the
 * distributor and CPU interface, is held off while PSTATE.I masks it (pending, ISTATUS set),
 * is taken once unmasked, and WFI wakes for it. The physical timer (PPI 30) as well. */
#include "test.h"

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define REG32(a) (*(volatile uint32_t *)(a))

static volatile unsigned irqs, last_id;

void handle_exception(struct exc_frame *f)
{
    uint32_t id = REG32(GICC + 0x00c) & 0x3ff; /* GICC_IAR */
    if (id < 1020) {
        irqs++;
        last_id = id;
        if (id == 27)
            write_sysreg(cntv_ctl_el0, 2); /* masked: the level drops */
        if (id == 30)
            write_sysreg(cntp_ctl_el0, 2);
        REG32(GICC + 0x010) = id; /* GICC_EOIR */
        return;
    }
    puts_uart("unexpected exception, esr ");
    puthex(f->esr);
    puts_uart("\n");
    fail(900);
    system_off();
}

int main(void)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    CHECK(1, freq == 62500000);

    REG32(GICD + 0x000) = 1;                       /* GICD_CTLR: forward */
    REG32(GICD + 0x100) = 1u << 27 | 1u << 30;     /* GICD_ISENABLER0: PPIs 27, 30 */
    REG32(GICD + 0x400 + 27) = 0x80;               /* priorities (byte access) */
    REG32(GICD + 0x400 + 28) = 0x80808080u;        /* 28-31 */
    *(volatile uint8_t *)(GICD + 0x400 + 27) = 0x80;
    REG32(GICC + 0x004) = 0xff;                    /* GICC_PMR */
    REG32(GICC + 0x000) = 1;                       /* GICC_CTLR */

    /* Masked: the timer fires, the interrupt stays pending. */
    uint64_t t0 = read_sysreg(cntvct_el0);
    write_sysreg(cntv_tval_el0, freq / 1000); /* 1 ms */
    write_sysreg(cntv_ctl_el0, 1);
    while (!(read_sysreg(cntv_ctl_el0) & 4)) /* ISTATUS */
        ;
    uint64_t t1 = read_sysreg(cntvct_el0);
    CHECK(2, t1 - t0 >= freq / 1000);
    for (volatile int i = 0; i < 1000; i++)
        ;
    CHECK(3, irqs == 0);
    CHECK(4, REG32(GICD + 0x200) & (1u << 27)); /* GICD_ISPENDR0 */

    /* Unmasked: taken once, and the handler's masking of the timer ends it. */
    __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
    for (volatile int i = 0; i < 1000 && !irqs; i++)
        ;
    CHECK(5, irqs == 1 && last_id == 27);

    /* WFI sleeps until the next one: the physical timer, 2 ms out. */
    t0 = read_sysreg(cntpct_el0);
    write_sysreg(cntp_tval_el0, freq / 500);
    write_sysreg(cntp_ctl_el0, 1);
    while (irqs < 2)
        __asm__ volatile("wfi");
    t1 = read_sysreg(cntpct_el0);
    CHECK(6, last_id == 30 && t1 - t0 >= freq / 500);
    __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory");
    CHECK(7, irqs == 2);

    /* A write that unmasks a pending interrupt has it taken before the next instruction
     * (the load sees the handler's count), by MSR DAIFClr and by MSR DAIF alike. */
    for (int form = 0; form < 2; form++) {
        write_sysreg(cntv_tval_el0, freq / 10000);
        write_sysreg(cntv_ctl_el0, 1);
        while (!(read_sysreg(cntv_ctl_el0) & 4))
            ;
        unsigned before = irqs, seen;
        if (form == 0)
            __asm__ volatile("msr daifclr, #2\n\tldr %w0, [%1]" : "=&r"(seen) : "r"(&irqs) : "memory");
        else
            __asm__ volatile("msr daif, %2\n\tldr %w0, [%1]" : "=&r"(seen) : "r"(&irqs), "r"(0ul) : "memory");
        __asm__ volatile("msr daifset, #2" ::: "memory");
        CHECK(8 + form, seen == before + 1 && last_id == 27);
    }
    return 0;
}
