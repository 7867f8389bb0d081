/* virtio-blk checks for the bare-metal guests (tests/guest/<isa>/virtio_blk.c), on the
 * virtio-mmio driver of virtio_rng_test.h: its `rng` and `rng_index` name the transport
 * under test, here the one carrying virtio-blk. The board is started with
 *
 *   -drive file=THIS.elf,format=raw,snapshot=on,if=none,id=d0
 *   -device virtio-blk-device,drive=d0,serial=GUEST-BLK
 *
 * (the includer also defines irq_off() and irq_on(), masking the CPU's interrupts), so
 * sector 0 starts with the ELF magic, writes land in a throw-away overlay, and the
 * capacity is the ELF's size in whole sectors. virtio_blk_checks() reads and writes sectors
 * with direct, chained and indirect descriptors, flushes, asks GET_ID, sees every error
 * status, and ends with a header too short for a request: DEVICE_NEEDS_RESET, and the device
 * works again after a reset. */
#ifndef TESSERA_VIRTIO_BLK_TEST_H
#define TESSERA_VIRTIO_BLK_TEST_H
#include "virtio_rng_test.h"

#define BLK_F_SEG_MAX (1u << 2)
#define BLK_F_RO (1u << 5)
#define BLK_F_BLK_SIZE (1u << 6)
#define BLK_F_FLUSH (1u << 9)
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_T_GET_ID 8
#define VR_CONFIG 0x100

struct blk_hdr {
    uint32_t type, reserved;
    uint64_t sector;
};

static struct {
    struct blk_hdr hdr[4] __attribute__((aligned(16)));
    uint8_t status[4];
    uint8_t data[4][512] __attribute__((aligned(512)));
    uint8_t back[1024] __attribute__((aligned(512)));
} blk;

static uint64_t capacity;

static void blk_probe(void)
{
    unsigned found = 0;
    for (unsigned i = 0; i < VIRTIO_COUNT; i++) {
        uintptr_t base = VIRTIO_BASE + (uintptr_t)i * VIRTIO_STRIDE;
        volatile uint32_t *r = (volatile uint32_t *)base;
        CHECK(1, r[VR_MAGIC / 4] == 0x74726976 && r[VR_VERSION / 4] == 2);
        uint32_t id = r[VR_DEVICE_ID / 4];
        CHECK(2, id == 0 || id == 2);
        if (id == 2) {
            found++;
            rng = base;
            rng_index = i;
        }
    }
    CHECK(3, found == 1 && rng_index == VIRTIO_COUNT - 1);
}

/* hdr[h] + data descriptors + status[h], chained from descriptor `first`; `n` data pieces
 * of `len` bytes each at `bufs`. */
static uint16_t blk_chain(unsigned first, unsigned h, uint32_t type, uint64_t sector, uint8_t **bufs, unsigned n,
                          uint32_t len, int device_writes)
{
    blk.hdr[h] = (struct blk_hdr){type, 0, sector};
    blk.status[h] = 0xee;
    unsigned d = first;
    set_desc(d, &blk.hdr[h], sizeof blk.hdr[h], D_NEXT, (uint16_t)(d + 1));
    for (unsigned i = 0; i < n; i++, d++)
        set_desc(d + 1, bufs[i], len, (uint16_t)(D_NEXT | (device_writes ? D_WRITE : 0)), (uint16_t)(d + 2));
    set_desc(d + 1, &blk.status[h], 1, D_WRITE, 0);
    return (uint16_t)first;
}

/* Posts chain `head` and waits for its interrupt; returns the status byte (0xee: none). */
static uint8_t blk_do(uint16_t head, unsigned h)
{
    if (!read_with_irq(head)) return 0xdd;
    return blk.status[h];
}

__attribute__((unused)) static void virtio_blk_checks(void)
{
    blk_probe();
    if (!rng) return;
    vw(VR_DEVICE_FEATURES_SEL, 0);
    uint32_t f = vr(VR_DEVICE_FEATURES);
    CHECK(4, (f & BLK_F_SEG_MAX) && (f & BLK_F_BLK_SIZE) && (f & BLK_F_FLUSH) && !(f & BLK_F_RO));
    capacity = vr(VR_CONFIG) | (uint64_t)vr(VR_CONFIG + 4) << 32;
    CHECK(5, capacity >= 8);
    CHECK(6, vr(VR_CONFIG + 20) == 512);              /* blk_size */
    CHECK(7, vr(VR_CONFIG + 12) >= 1);                /* seg_max */
    CHECK(8, negotiate(F_INDIRECT_DESC | BLK_F_FLUSH, 0) & ST_FEATURES_OK);
    setup_queue((uintptr_t)vq.desc);
    vw(VR_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    irq_enable(rng_index);

    /* Sector 0 of the ELF: its magic. */
    uint8_t *b0[1] = {blk.data[0]};
    zero(blk.data, sizeof blk.data);
    CHECK(10, blk_do(blk_chain(0, 0, BLK_T_IN, 0, b0, 1, 512, 1), 0) == 0);
    CHECK(11, blk.data[0][0] == 0x7f && blk.data[0][1] == 'E' && blk.data[0][2] == 'L' && blk.data[0][3] == 'F');
    CHECK(12, vq.used.ring[0].len == 513);

    /* Write sectors 2 and 3 from two descriptors, then read both back through an indirect
     * table into one buffer. */
    for (unsigned i = 0; i < 512; i++) {
        blk.data[1][i] = (uint8_t)(i * 7 + 1);
        blk.data[2][i] = (uint8_t)(i * 5 + 3);
    }
    uint8_t *b12[2] = {blk.data[1], blk.data[2]};
    CHECK(13, blk_do(blk_chain(0, 1, BLK_T_OUT, 2, b12, 2, 512, 0), 1) == 0);
    CHECK(14, vq.used.ring[1].len == 1);
    blk.hdr[2] = (struct blk_hdr){BLK_T_IN, 0, 2};
    blk.status[2] = 0xee;
    zero(blk.back, sizeof blk.back);
    vq.indirect[0] = (struct vdesc){(uintptr_t)&blk.hdr[2], 16, D_NEXT, 1};
    vq.indirect[1] = (struct vdesc){(uintptr_t)blk.back, 1024, D_WRITE | D_NEXT, 2};
    vq.indirect[2] = (struct vdesc){(uintptr_t)&blk.status[2], 1, D_WRITE, 0};
    set_desc(4, vq.indirect, 3 * sizeof(struct vdesc), D_INDIRECT, 0);
    CHECK(15, blk_do(4, 2) == 0);
    CHECK(16, same(blk.back, blk.data[1], 512) && same(blk.back + 512, blk.data[2], 512));

    /* FLUSH, and GET_ID. */
    CHECK(17, blk_do(blk_chain(0, 0, BLK_T_FLUSH, 0, 0, 0, 0, 0), 0) == 0);
    uint8_t *bid[1] = {blk.data[3]};
    zero(blk.data[3], 32);
    CHECK(18, blk_do(blk_chain(0, 0, BLK_T_GET_ID, 0, bid, 1, 20, 1), 0) == 0);
    CHECK(19, same(blk.data[3], (const uint8_t *)"GUEST-BLK\0", 10));

    /* Errors: past the end, not whole sectors, an unknown type; the disk is unchanged. */
    CHECK(20, blk_do(blk_chain(0, 0, BLK_T_IN, capacity, b0, 1, 512, 1), 0) == 1);
    CHECK(21, blk_do(blk_chain(0, 0, BLK_T_OUT, capacity - 1, b12, 2, 512, 0), 0) == 1);
    CHECK(22, blk_do(blk_chain(0, 0, BLK_T_OUT, 2, b0, 1, 500, 0), 0) == 1);
    CHECK(23, blk_do(blk_chain(0, 0, 99, 0, 0, 0, 0, 0), 0) == 2);
    zero(blk.back, sizeof blk.back);
    uint8_t *bb[1] = {blk.back};
    CHECK(24, blk_do(blk_chain(0, 0, BLK_T_IN, 2, bb, 1, 1024, 1), 0) == 0);
    CHECK(25, same(blk.back, blk.data[1], 512) && same(blk.back + 512, blk.data[2], 512));

    /* The completion wakes a sleeping CPU. It comes from the device's I/O thread at any
     * moment, so the check and the WFI run with interrupts masked (a pending one still ends
     * the WFI): one taken between them would leave the CPU asleep for good. */
    unsigned before = virtio_irqs;
    zero(blk.back, 512);
    irq_off();
    uint16_t want = post(blk_chain(0, 0, BLK_T_IN, 3, bb, 1, 512, 1));
    for (uint64_t t0 = now_us(); virtio_irqs == before && now_us() - t0 < TIMEOUT_US;) {
        wait_irq();
        irq_on();
        irq_off();
    }
    irq_on();
    CHECK(26, virtio_irqs != before && used_reached(want) && same(blk.back, blk.data[2], 512));
    CHECK(27, !(vr(VR_STATUS) & ST_NEEDS_RESET));

    /* A header of 8 bytes: the device cannot answer it. */
    isr_seen = 0;
    unsigned irqs = virtio_irqs;
    uint16_t used = vq.used.idx;
    set_desc(0, &blk.hdr[0], 8, D_NEXT, 1);
    set_desc(1, &blk.status[0], 1, D_WRITE, 0);
    post(0);
    CHECK(30, WAIT_FOR(vr(VR_STATUS) & ST_NEEDS_RESET));
    CHECK(31, WAIT_FOR(virtio_irqs != irqs) && (isr_seen & 2));
    CHECK(32, vq.used.idx == used);
    /* Reset, and the written sectors are still there. */
    CHECK(33, negotiate(BLK_F_FLUSH, 0) & ST_FEATURES_OK);
    setup_queue((uintptr_t)vq.desc);
    vw(VR_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    zero(blk.back, sizeof blk.back);
    CHECK(34, blk_do(blk_chain(0, 0, BLK_T_IN, 2, bb, 1, 1024, 1), 0) == 0);
    CHECK(35, same(blk.back, blk.data[1], 512) && same(blk.back + 512, blk.data[2], 512));
    CHECK(36, vr(VR_INTERRUPT_STATUS) == 0 || vr(VR_INTERRUPT_STATUS) == 1);
}

#endif
