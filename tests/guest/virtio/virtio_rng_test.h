/* A bare-metal virtio-mmio driver and the virtio-rng checks, shared by the aarch64 and riscv64
 * guest tests (tests/guest/<isa>/virtio_rng.c). The board is started with
 * `-device virtio-rng-device`. The including file defines, before including this:
 *
 *   VIRTIO_BASE, VIRTIO_STRIDE, VIRTIO_COUNT  the board's transports (QEMU's virt layout)
 *   RAM_END                                   the end of RAM with the default -m 128M
 *   CHECK(n, cond), fail(n)                   from its test.h
 *   mb()                                      a full memory barrier
 *   uint64_t now_us(void)                     a clock
 *   void irq_enable(unsigned transport)       routes transport's interrupt to the CPU, unmasked
 *   void wait_irq(void)                       sleeps (WFI) until some interrupt was taken
 *
 * and its interrupt handler calls virtio_irq() for the transport's interrupt.
 *
 * virtio_rng_checks() probes the transports, negotiates, sets up the queue and reads random
 * bytes through direct, chained and indirect descriptors, with and without interrupts;
 * virtio_hostile_checks() hands the device bad descriptors and rings and checks it answers
 * DEVICE_NEEDS_RESET with a configuration-change interrupt, and works again after a reset.
 *
 * The first set passes on QEMU too (with -global virtio-mmio.force-legacy=false: QEMU's
 * transports are legacy by default). The hostile set checks Tessera's answers: QEMU stops
 * at some of these cases, and goes on with others (a buffer running past RAM is bounced). */
#ifndef TESSERA_VIRTIO_RNG_TEST_H
#define TESSERA_VIRTIO_RNG_TEST_H
#include <stdint.h>

#define VR_MAGIC 0x000
#define VR_VERSION 0x004
#define VR_DEVICE_ID 0x008
#define VR_VENDOR_ID 0x00c
#define VR_DEVICE_FEATURES 0x010
#define VR_DEVICE_FEATURES_SEL 0x014
#define VR_DRIVER_FEATURES 0x020
#define VR_DRIVER_FEATURES_SEL 0x024
#define VR_QUEUE_SEL 0x030
#define VR_QUEUE_NUM_MAX 0x034
#define VR_QUEUE_NUM 0x038
#define VR_QUEUE_READY 0x044
#define VR_QUEUE_NOTIFY 0x050
#define VR_INTERRUPT_STATUS 0x060
#define VR_INTERRUPT_ACK 0x064
#define VR_STATUS 0x070
#define VR_QUEUE_DESC 0x080
#define VR_QUEUE_DRIVER 0x090
#define VR_QUEUE_DEVICE 0x0a0

#define ST_ACK 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
#define ST_NEEDS_RESET 64

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4
#define F_INDIRECT_DESC (1u << 28)

#define QSIZE 8
#define TIMEOUT_US 1000000

struct vdesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static struct {
    struct vdesc desc[QSIZE] __attribute__((aligned(16)));
    struct {
        uint16_t flags, idx, ring[QSIZE], used_event;
    } avail __attribute__((aligned(16)));
    struct {
        uint16_t flags, idx;
        struct {
            uint32_t id, len;
        } ring[QSIZE];
        uint16_t avail_event;
    } used __attribute__((aligned(16)));
    struct vdesc indirect[4] __attribute__((aligned(16)));
    uint8_t buf[6][64] __attribute__((aligned(64)));
} vq;

static uintptr_t rng;  /* the transport carrying virtio-rng */
static unsigned rng_index;
static volatile unsigned virtio_irqs;
static volatile uint32_t isr_seen;  /* InterruptStatus bits the handler acknowledged */

static inline uint32_t vr(uint32_t off) { return *(volatile uint32_t *)(rng + off); }
static inline void vw(uint32_t off, uint32_t v) { *(volatile uint32_t *)(rng + off) = v; }

/* The handler's part: read and acknowledge what the device raised. */
static void virtio_irq(void)
{
    uint32_t isr = vr(VR_INTERRUPT_STATUS);
    isr_seen |= isr;
    vw(VR_INTERRUPT_ACK, isr);
    virtio_irqs++;
}

static void zero(void *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++) ((volatile uint8_t *)p)[i] = 0;
}

static int all_zero(const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static int same(const uint8_t *a, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* Spins until cond holds or a second passes. */
#define WAIT_FOR(cond) ({                                      \
        uint64_t t0_ = now_us();                               \
        while (!(cond) && now_us() - t0_ < TIMEOUT_US) mb();   \
        (cond);                                                \
    })

/* Reset, acknowledge, negotiate `features` (word 0; VERSION_1 in word 1 unless `legacy`). */
static uint32_t negotiate(uint32_t features, int legacy)
{
    vw(VR_STATUS, 0);
    vw(VR_STATUS, ST_ACK);
    vw(VR_STATUS, ST_ACK | ST_DRIVER);
    vw(VR_DRIVER_FEATURES_SEL, 0);
    vw(VR_DRIVER_FEATURES, features);
    vw(VR_DRIVER_FEATURES_SEL, 1);
    vw(VR_DRIVER_FEATURES, legacy ? 0 : 1);
    vw(VR_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
    return vr(VR_STATUS);
}

static void set_addr(uint32_t reg, uint64_t a)
{
    vw(reg, (uint32_t)a);
    vw(reg + 4, (uint32_t)(a >> 32));
}

/* Queue 0 on fresh rings; descriptor table at `desc` (normally vq.desc). */
static void setup_queue(uintptr_t desc)
{
    zero(&vq.avail, sizeof vq.avail);
    zero(&vq.used, sizeof vq.used);
    vw(VR_QUEUE_SEL, 0);
    vw(VR_QUEUE_NUM, QSIZE);
    set_addr(VR_QUEUE_DESC, desc);
    set_addr(VR_QUEUE_DRIVER, (uintptr_t)&vq.avail);
    set_addr(VR_QUEUE_DEVICE, (uintptr_t)&vq.used);
    vw(VR_QUEUE_READY, 1);
}

static int start_device(void)
{
    if (!(negotiate(F_INDIRECT_DESC, 0) & ST_FEATURES_OK)) return 0;
    setup_queue((uintptr_t)vq.desc);
    vw(VR_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    return vr(VR_QUEUE_READY) == 1 && vr(VR_STATUS) == (ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
}

static void set_desc(unsigned i, void *addr, uint32_t len, uint16_t flags, uint16_t next)
{
    vq.desc[i].addr = (uintptr_t)addr;
    vq.desc[i].len = len;
    vq.desc[i].flags = flags;
    vq.desc[i].next = next;
}

/* Makes chain `head` available and notifies; returns the used index to wait for. */
static uint16_t post(uint16_t head)
{
    uint16_t idx = vq.avail.idx;
    vq.avail.ring[idx % QSIZE] = head;
    mb();
    vq.avail.idx = (uint16_t)(idx + 1);
    mb();
    vw(VR_QUEUE_NOTIFY, 0);
    return (uint16_t)(idx + 1);
}

static int used_reached(uint16_t idx) { return *(volatile uint16_t *)&vq.used.idx == idx; }

/* One request through the interrupt: returns 1 when it was used and interrupted. */
static int read_with_irq(uint16_t head)
{
    unsigned before = virtio_irqs;
    uint16_t want = post(head);
    int got = WAIT_FOR(virtio_irqs != before);
    return got && used_reached(want);
}

/* Probes every transport: all are virtio-mmio version 2, exactly one is virtio-rng, in the
 * highest transport (where QEMU's virt puts the first -device). */
__attribute__((unused)) static void probe(void)
{
    unsigned found = 0;
    for (unsigned i = 0; i < VIRTIO_COUNT; i++) {
        uintptr_t base = VIRTIO_BASE + (uintptr_t)i * VIRTIO_STRIDE;
        volatile uint32_t *r = (volatile uint32_t *)base;
        CHECK(1, r[VR_MAGIC / 4] == 0x74726976);
        CHECK(2, r[VR_VERSION / 4] == 2);
        uint32_t id = r[VR_DEVICE_ID / 4];
        CHECK(3, id == 0 || id == 4);
        if (id == 4) {
            found++;
            rng = base;
            rng_index = i;
        }
    }
    CHECK(4, found == 1);
    CHECK(5, rng_index == VIRTIO_COUNT - 1);
    CHECK(6, vr(VR_VENDOR_ID) == 0x554d4551);
}

__attribute__((unused)) static void virtio_rng_checks(void)
{
    probe();
    if (!rng) return;
    vw(VR_DEVICE_FEATURES_SEL, 1);
    CHECK(7, vr(VR_DEVICE_FEATURES) & 1);  /* VIRTIO_F_VERSION_1 */
    vw(VR_DEVICE_FEATURES_SEL, 0);
    CHECK(8, vr(VR_DEVICE_FEATURES) & F_INDIRECT_DESC);
    /* A driver without VERSION_1 may be refused (Tessera does; QEMU goes on in legacy mode,
     * which the spec allows too); a reset clears the status either way. */
    negotiate(0, 1);
    vw(VR_STATUS, 0);
    CHECK(10, vr(VR_STATUS) == 0);
    vw(VR_QUEUE_SEL, 0);
    CHECK(11, vr(VR_QUEUE_NUM_MAX) >= QSIZE);
    CHECK(12, start_device());
    irq_enable(rng_index);

    /* One buffer of 32 bytes in a 64-byte slot: filled, nothing past it touched. */
    zero(vq.buf, sizeof vq.buf);
    set_desc(0, vq.buf[0], 32, D_WRITE, 0);
    CHECK(13, read_with_irq(0));
    CHECK(14, vq.used.ring[0].id == 0 && vq.used.ring[0].len == 32);
    CHECK(15, isr_seen & 1);
    CHECK(16, !all_zero(vq.buf[0], 32));
    CHECK(17, all_zero(vq.buf[0] + 32, 32));

    /* A chain of two buffers: 32 more bytes, not the same as the first. */
    set_desc(1, vq.buf[1], 16, D_WRITE | D_NEXT, 2);
    set_desc(2, vq.buf[1] + 16, 16, D_WRITE, 0);
    CHECK(18, read_with_irq(1));
    CHECK(19, vq.used.ring[1].id == 1 && vq.used.ring[1].len == 32);
    CHECK(20, !all_zero(vq.buf[1], 32) && !same(vq.buf[0], vq.buf[1], 32));

    /* An indirect table of two buffers. */
    vq.indirect[0] = (struct vdesc){(uintptr_t)vq.buf[2], 8, D_WRITE | D_NEXT, 1};
    vq.indirect[1] = (struct vdesc){(uintptr_t)vq.buf[2] + 8, 24, D_WRITE, 0};
    set_desc(3, vq.indirect, 2 * sizeof(struct vdesc), D_INDIRECT, 0);
    CHECK(21, read_with_irq(3));
    CHECK(22, vq.used.ring[2].id == 3 && vq.used.ring[2].len == 32);
    CHECK(23, !all_zero(vq.buf[2], 32) && !same(vq.buf[1], vq.buf[2], 32));

    /* The device's interrupt wakes a sleeping CPU. */
    unsigned before = virtio_irqs;
    set_desc(4, vq.buf[3], 32, D_WRITE, 0);
    uint16_t want = post(4);
    for (uint64_t t0 = now_us(); virtio_irqs == before && now_us() - t0 < TIMEOUT_US;)
        wait_irq();
    CHECK(24, virtio_irqs != before && used_reached(want));
    CHECK(25, !all_zero(vq.buf[3], 32));

    /* VIRTQ_AVAIL_F_NO_INTERRUPT: used, and no interrupt. */
    before = virtio_irqs;
    vq.avail.flags = 1;
    set_desc(5, vq.buf[4], 32, D_WRITE, 0);
    want = post(5);
    CHECK(26, WAIT_FOR(used_reached(want)));
    for (volatile int i = 0; i < 10000; i++) {}
    CHECK(27, virtio_irqs == before);
    CHECK(28, !all_zero(vq.buf[4], 32));
    vq.avail.flags = 0;

    CHECK(29, vr(VR_INTERRUPT_STATUS) == 0);
    CHECK(30, !(vr(VR_STATUS) & ST_NEEDS_RESET));
}

/* After a hostile request: NEEDS_RESET with a config-change interrupt, nothing used. Then a
 * reset brings the device back, and an honest read works. n numbers this case's checks. */
static void expect_device_error(unsigned n, unsigned irqs_before, uint16_t used_before)
{
    CHECK(n, WAIT_FOR(vr(VR_STATUS) & ST_NEEDS_RESET));
    CHECK(n + 1, WAIT_FOR(virtio_irqs != irqs_before) && (isr_seen & 2));
    CHECK(n + 2, vq.used.idx == used_before);
    isr_seen = 0;
    CHECK(n + 3, start_device());
    CHECK(n + 4, !(vr(VR_STATUS) & ST_NEEDS_RESET));
    zero(vq.buf[5], 64);
    set_desc(0, vq.buf[5], 16, D_WRITE, 0);
    CHECK(n + 5, read_with_irq(0) && !all_zero(vq.buf[5], 16) && (isr_seen & 1));
}

__attribute__((unused)) static void virtio_hostile_checks(void)
{
    probe();
    if (!rng) return;
    CHECK(10, start_device());
    irq_enable(rng_index);
    unsigned irqs;

    /* A head index past the queue's size. */
    irqs = virtio_irqs;
    post(QSIZE);
    expect_device_error(20, irqs, 0);

    /* A chain that loops: 1 -> 2 -> 1. */
    set_desc(1, vq.buf[0], 8, D_WRITE | D_NEXT, 2);
    set_desc(2, vq.buf[1], 8, D_WRITE | D_NEXT, 1);
    irqs = virtio_irqs;
    post(1);
    expect_device_error(30, irqs, vq.used.idx);

    /* A buffer that runs past the end of RAM. */
    set_desc(1, (void *)(RAM_END - 16), 64, D_WRITE, 0);
    irqs = virtio_irqs;
    post(1);
    expect_device_error(40, irqs, vq.used.idx);

    /* A length of 4 GiB - 1. */
    set_desc(1, vq.buf[0], 0xffffffffu, D_WRITE, 0);
    irqs = virtio_irqs;
    post(1);
    expect_device_error(50, irqs, vq.used.idx);

    /* A buffer on the device itself. */
    set_desc(1, (void *)rng, 16, D_WRITE, 0);
    irqs = virtio_irqs;
    post(1);
    expect_device_error(60, irqs, vq.used.idx);

    /* A next index past the queue's size. */
    set_desc(1, vq.buf[0], 8, D_WRITE | D_NEXT, 0x7fff);
    irqs = virtio_irqs;
    post(1);
    expect_device_error(70, irqs, vq.used.idx);

    /* An indirect table that names itself. */
    vq.indirect[0] = (struct vdesc){(uintptr_t)vq.indirect, 16, D_INDIRECT, 0};
    set_desc(1, vq.indirect, 16, D_INDIRECT, 0);
    irqs = virtio_irqs;
    post(1);
    expect_device_error(80, irqs, vq.used.idx);

    /* A descriptor table that is not 16-byte aligned: refused at QueueReady. */
    irqs = virtio_irqs;
    if (negotiate(0, 0) & ST_FEATURES_OK) setup_queue((uintptr_t)vq.desc + 8);
    CHECK(90, vr(VR_QUEUE_READY) == 0);
    expect_device_error(91, irqs, 0);
}

#endif
