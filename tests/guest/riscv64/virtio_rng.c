/* virtio-rng through virtio-mmio on riscv64-virt (run with -device virtio-rng-device): the
 * checks of tests/guest/virtio/virtio_rng_test.h, with the device's interrupt through the
 * PLIC to M-mode. Built a second time as virtio_rng_hostile.c, which feeds the device bad
 * descriptors. */
#include "test.h"

#define VIRTIO_BASE 0x10001000ul
#define VIRTIO_STRIDE 0x1000ul
#define VIRTIO_COUNT 8
#define VIRTIO_IRQ 1
#define RAM_END 0x88000000ul /* 0x80000000 + the default 128 MiB */
#define PLIC 0x0c000000ul
#define PLIC_CLAIM (PLIC + 0x200004) /* context 0: hart 0, M-mode */
#define MIE_MTIE (1ul << 7)
#define MIE_MEIE (1ul << 11)
#define mb() __asm__ volatile("fence" ::: "memory")

static uint64_t now_us(void) { return mmio_read64(CLINT_MTIME) / 10; } /* 10 MHz */
static void irq_enable(unsigned transport);
static void wait_irq(void);
/* Masking around a check-then-WFI: a pending interrupt still ends the WFI. */
#define irq_off() csr_clear(mstatus, MSTATUS_MIE)
#define irq_on() csr_set(mstatus, MSTATUS_MIE)

#ifdef VIRTIO_BLK
#include "virtio_blk_test.h" /* virtio_blk.c: the same driver on virtio-blk */
#elif defined(VIRTIO_GPU)
#include "virtio_gpu_test.h" /* virtio_gpu_hostile.c: a hostile driver on virtio-gpu */
#else
#include "virtio_rng_test.h"
#endif

static void irq_enable(unsigned transport)
{
    unsigned src = VIRTIO_IRQ + transport;
    mmio_write32(PLIC + 4 * src, 1);                      /* priority */
    mmio_write32(PLIC + 0x2000 + 4 * (src / 32), 1u << (src % 32)); /* enable, context 0 */
    mmio_write32(PLIC + 0x200000, 0);                     /* threshold */
    mmio_write64(CLINT_MTIMECMP, ~0ul);
    csr_set(mie, MIE_MEIE | MIE_MTIE);
    csr_set(mstatus, MSTATUS_MIE);
}

/* WFI, with the timer 10 ms out so the hart never sleeps for good. */
static void wait_irq(void)
{
    mmio_write64(CLINT_MTIMECMP, mmio_read64(CLINT_MTIME) + 100000);
    __asm__ volatile("wfi" ::: "memory");
}

void handle_mtrap(struct trap_frame *f)
{
    uint64_t cause = csr_read(mcause);
    (void)f;
    if (cause == (INTERRUPT_BIT | 11)) {
        uint32_t src = mmio_read32(PLIC_CLAIM);
        if (src != VIRTIO_IRQ + rng_index) fail(901);
        virtio_irq();
        mmio_write32(PLIC_CLAIM, src); /* complete */
    } else if (cause == (INTERRUPT_BIT | IRQ_M_TIMER)) {
        mmio_write64(CLINT_MTIMECMP, ~0ul);
    } else {
        unexpected_trap("M", cause, csr_read(mepc), csr_read(mtval));
    }
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
    csr_clear(mstatus, MSTATUS_MIE);
    return 0;
}
