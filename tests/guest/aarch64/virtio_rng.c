/* virtio-rng through virtio-mmio on aarch64-virt (run with -device virtio-rng-device): the
 * checks of tests/guest/virtio/virtio_rng_test.h, with the device's SPI through the GICv2.
 * Built a second time as virtio_rng_hostile.c, which feeds the device bad descriptors. */
#include "test.h"

#define VIRTIO_BASE 0x0a000000ul
#define VIRTIO_STRIDE 0x200ul
#define VIRTIO_COUNT 32
#define VIRTIO_SPI 16
#define RAM_END 0x48000000ul /* 0x40000000 + the default 128 MiB */
#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define REG32(a) (*(volatile uint32_t *)(a))
#define mb() __asm__ volatile("dmb sy" ::: "memory")
#define TIMER_PPI 27

static uint64_t now_us(void) { return read_sysreg(cntvct_el0) * 2 / 125; } /* 62.5 MHz */
static void irq_enable(unsigned transport);
static void wait_irq(void);
/* Masking around a check-then-WFI: a pending interrupt still ends the WFI. */
#define irq_off() __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory")
#define irq_on() __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory")

#ifdef VIRTIO_BLK
#include "virtio_blk_test.h" /* virtio_blk.c: the same driver on virtio-blk */
#elif defined(VIRTIO_GPU)
#include "virtio_gpu_test.h" /* virtio_gpu_hostile.c: a hostile driver on virtio-gpu */
#else
#include "virtio_rng_test.h"
#endif

static void irq_enable(unsigned transport)
{
    unsigned id = 32 + VIRTIO_SPI + transport;
    REG32(GICD + 0x000) = 1;                              /* GICD_CTLR */
    REG32(GICD + 0x100 + 4 * (id / 32)) = 1u << (id % 32); /* GICD_ISENABLER */
    REG32(GICD + 0x100) = 1u << TIMER_PPI;
    *(volatile uint8_t *)(GICD + 0x400 + id) = 0x80;       /* priorities */
    *(volatile uint8_t *)(GICD + 0x400 + TIMER_PPI) = 0x80;
    REG32(GICC + 0x004) = 0xff;                            /* GICC_PMR */
    REG32(GICC + 0x000) = 1;                               /* GICC_CTLR */
    __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
}

/* WFI, with the virtual timer 10 ms out so the CPU never sleeps for good. */
static void wait_irq(void)
{
    write_sysreg(cntv_tval_el0, 625000);
    write_sysreg(cntv_ctl_el0, 1);
    __asm__ volatile("isb\n\twfi" ::: "memory");
}

void handle_exception(struct exc_frame *f)
{
    uint32_t iar = REG32(GICC + 0x00c); /* GICC_IAR */
    uint32_t id = iar & 0x3ff;
    if (id < 1020) {
        if (id == 32 + VIRTIO_SPI + rng_index)
            virtio_irq();
        else if (id == TIMER_PPI)
            write_sysreg(cntv_ctl_el0, 2); /* masked: the level drops */
        else
            fail(901);
        REG32(GICC + 0x010) = iar; /* GICC_EOIR */
        return;
    }
    puts_uart("unexpected exception, esr ");
    puthex(f->esr);
    puts_uart(" elr ");
    puthex(f->elr);
    puts_uart("\n");
    fail(900);
    report();
    system_off();
}

int main(void)
{
#if defined(VIRTIO_BLK)
    virtio_blk_checks();
#elif defined(VIRTIO_GPU)
    virtio_gpu_checks();
#elif defined(VIRTIO_HOSTILE)
    virtio_hostile_checks();
#else
    virtio_rng_checks();
#endif
    __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory");
    return 0;
}
