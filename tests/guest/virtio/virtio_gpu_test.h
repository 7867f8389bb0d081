/* virtio-gpu handed a malformed request stream by a hostile bare-metal guest
 * (tests/guest/<isa>/virtio_gpu_hostile.c), on the virtio-mmio driver of virtio_rng_test.h:
 * its `rng` and `rng_index` name the transport carrying virtio-gpu. The board is started
 * with `-device virtio-gpu-device` (1280x800, EDID offered).
 *
 * virtio_gpu_checks() sends bad resource ids, huge sizes, unknown formats, overflowing
 * rectangles and offsets, backing entries outside RAM and on devices, entry counts the request
 * does not hold, requests and response buffers too short, unknown and 3D commands, bad
 * scanout ids, junk on the cursor queue, and checks each answer's type (and that a fence comes
 * back). Then chains the device cannot answer (no room for a response header, a descriptor
 * loop, a readable buffer after a writable one, a buffer on a device): DEVICE_NEEDS_RESET with
 * a config interrupt, nothing used. After a reset it does a
 * valid create / attach (two entries) / transfer / scanout / flush, and the emulator is
 * still running to report PASS. */
#ifndef TESSERA_VIRTIO_GPU_TEST_H
#define TESSERA_VIRTIO_GPU_TEST_H
#include "virtio_rng_test.h"

#define GPU_F_EDID (1u << 1)
#ifndef VR_CONFIG
#define VR_CONFIG 0x100
#endif
/* A device's registers, not RAM: the interrupt controller's. */
#ifdef GICD
#define GPU_DEVICE_ADDR GICD
#else
#define GPU_DEVICE_ADDR PLIC
#endif
#define GPU_GET_DISPLAY_INFO 0x0100
#define GPU_RESOURCE_CREATE_2D 0x0101
#define GPU_RESOURCE_UNREF 0x0102
#define GPU_SET_SCANOUT 0x0103
#define GPU_RESOURCE_FLUSH 0x0104
#define GPU_TRANSFER_TO_HOST_2D 0x0105
#define GPU_ATTACH_BACKING 0x0106
#define GPU_DETACH_BACKING 0x0107
#define GPU_GET_EDID 0x010a
#define GPU_UPDATE_CURSOR 0x0300
#define GPU_MOVE_CURSOR 0x0301
#define GPU_OK_NODATA 0x1100
#define GPU_OK_DISPLAY_INFO 0x1101
#define GPU_OK_EDID 0x1104
#define GPU_ERR_UNSPEC 0x1200
#define GPU_ERR_OUT_OF_MEMORY 0x1201
#define GPU_ERR_INVALID_SCANOUT_ID 0x1202
#define GPU_ERR_INVALID_RESOURCE_ID 0x1203
#define GPU_ERR_INVALID_PARAMETER 0x1205
#define GPU_FLAG_FENCE 1
#define GPU_FMT_B8G8R8X8 2
#define GPU_W 64
#define GPU_H 48

struct gpu_hdr {
    uint32_t type, flags;
    uint64_t fence_id;
    uint32_t ctx_id, ring;
};
struct gpu_rect {
    uint32_t x, y, w, h;
};
struct gpu_entry {
    uint64_t addr;
    uint32_t len, pad;
};

/* Every request fits in this: a header and up to ten words (or an entry list). */
struct gpu_req {
    struct gpu_hdr hdr;
    uint32_t w[10];
};

static struct {
    struct gpu_req req __attribute__((aligned(64)));
    struct gpu_entry ents[4] __attribute__((aligned(64)));
    uint8_t resp[1088] __attribute__((aligned(64)));
    uint32_t pixels[GPU_H][GPU_W] __attribute__((aligned(4096)));
} gpu;

/* The cursor queue's rings (queue 1). */
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
} cq;

static void gpu_probe(void)
{
    unsigned found = 0;
    for (unsigned i = 0; i < VIRTIO_COUNT; i++) {
        uintptr_t base = VIRTIO_BASE + (uintptr_t)i * VIRTIO_STRIDE;
        volatile uint32_t *r = (volatile uint32_t *)base;
        CHECK(1, r[VR_MAGIC / 4] == 0x74726976 && r[VR_VERSION / 4] == 2);
        uint32_t id = r[VR_DEVICE_ID / 4];
        CHECK(2, id == 0 || id == 16);
        if (id == 16) {
            found++;
            rng = base;
            rng_index = i;
        }
    }
    CHECK(3, found == 1);
}

/* Negotiates (EDID when offered), both queues on fresh rings, DRIVER_OK. */
static int gpu_start(void)
{
    vw(VR_DEVICE_FEATURES_SEL, 0);
    uint32_t edid = vr(VR_DEVICE_FEATURES) & GPU_F_EDID;
    if (!(negotiate(edid, 0) & ST_FEATURES_OK)) return 0;
    setup_queue((uintptr_t)vq.desc);
    zero(&cq.avail, sizeof cq.avail);
    zero(&cq.used, sizeof cq.used);
    vw(VR_QUEUE_SEL, 1);
    vw(VR_QUEUE_NUM, QSIZE);
    set_addr(VR_QUEUE_DESC, (uintptr_t)cq.desc);
    set_addr(VR_QUEUE_DRIVER, (uintptr_t)&cq.avail);
    set_addr(VR_QUEUE_DEVICE, (uintptr_t)&cq.used);
    vw(VR_QUEUE_READY, 1);
    vw(VR_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    return edid && vr(VR_STATUS) == (ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
}

/* One control request: req_len bytes of gpu.req, then (if ent_len) ent_len bytes of gpu.ents
 * in their own descriptor, then resp_len writable bytes of gpu.resp. Returns the response's
 * type, or 0 when the request was not used within a second. */
static uint32_t gpu_send(uint32_t req_len, uint32_t ent_len, uint32_t resp_len)
{
    for (unsigned i = 0; i < sizeof gpu.resp; i++) gpu.resp[i] = 0xee;
    unsigned d = 0;
    set_desc(d, &gpu.req, req_len, D_NEXT, (uint16_t)(d + 1)), d++;
    if (ent_len) set_desc(d, gpu.ents, ent_len, D_NEXT, (uint16_t)(d + 1)), d++;
    set_desc(d, gpu.resp, resp_len, D_WRITE, 0);
    uint16_t want = post(0);
    if (!WAIT_FOR(used_reached(want))) return 0;
    return *(volatile uint32_t *)gpu.resp;
}

static uint32_t gpu_cmd(uint32_t type, uint32_t nwords, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3,
                        uint32_t w4, uint32_t w5, uint32_t w6, uint32_t w7)
{
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = type;
    uint32_t w[8] = {w0, w1, w2, w3, w4, w5, w6, w7};
    for (unsigned i = 0; i < 8; i++) gpu.req.w[i] = w[i];
    return gpu_send(sizeof(struct gpu_hdr) + 4 * nwords, 0, 24);
}

#define CREATE(id, fmt, w, h) gpu_cmd(GPU_RESOURCE_CREATE_2D, 4, id, fmt, w, h, 0, 0, 0, 0)
#define UNREF(id) gpu_cmd(GPU_RESOURCE_UNREF, 2, id, 0, 0, 0, 0, 0, 0, 0)
#define DETACH(id) gpu_cmd(GPU_DETACH_BACKING, 2, id, 0, 0, 0, 0, 0, 0, 0)
#define SCANOUT(x, y, w, h, sid, id) gpu_cmd(GPU_SET_SCANOUT, 6, x, y, w, h, sid, id, 0, 0)
#define FLUSH(x, y, w, h, id) gpu_cmd(GPU_RESOURCE_FLUSH, 6, x, y, w, h, id, 0, 0, 0)
/* offset is a le64 after the rectangle. */
#define TRANSFER(x, y, w, h, off, id) \
    gpu_cmd(GPU_TRANSFER_TO_HOST_2D, 8, x, y, w, h, (uint32_t)(off), (uint32_t)((uint64_t)(off) >> 32), id, 0)

/* ATTACH_BACKING of resource id listing `count` entries, of which `given` are in the request. */
static uint32_t gpu_attach(uint32_t id, uint32_t count, uint32_t given)
{
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = GPU_ATTACH_BACKING;
    gpu.req.w[0] = id;
    gpu.req.w[1] = count;
    return gpu_send(sizeof(struct gpu_hdr) + 8, given * sizeof(struct gpu_entry), 24);
}

/* A cursor-queue request of len bytes: used (length 0) within a second? */
static int cursor_send(uint32_t type, uint32_t id, uint32_t len)
{
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = type;
    gpu.req.w[1] = 10, gpu.req.w[2] = 20; /* pos.x, pos.y */
    gpu.req.w[4] = id;
    cq.desc[0] = (struct vdesc){(uintptr_t)&gpu.req, len, 0, 0};
    uint16_t idx = cq.avail.idx;
    cq.avail.ring[idx % QSIZE] = 0;
    mb();
    cq.avail.idx = (uint16_t)(idx + 1);
    mb();
    vw(VR_QUEUE_NOTIFY, 1);
    return WAIT_FOR(*(volatile uint16_t *)&cq.used.idx == (uint16_t)(idx + 1)) && cq.used.ring[idx % QSIZE].len == 0;
}

/* The honest path: a 64x48 resource, two backing entries, a transfer, the scanout, a flush. */
static void gpu_valid_frame(unsigned n, uint32_t id)
{
    for (unsigned y = 0; y < GPU_H; y++)
        for (unsigned x = 0; x < GPU_W; x++) gpu.pixels[y][x] = (x * 4) << 16 | (y * 5) << 8 | 0x80;
    CHECK(n, CREATE(id, GPU_FMT_B8G8R8X8, GPU_W, GPU_H) == GPU_OK_NODATA);
    uint32_t half = sizeof gpu.pixels / 2 + 12;
    gpu.ents[0] = (struct gpu_entry){(uintptr_t)gpu.pixels, half, 0};
    gpu.ents[1] = (struct gpu_entry){(uintptr_t)gpu.pixels + half, sizeof gpu.pixels - half, 0};
    CHECK(n + 1, gpu_attach(id, 2, 2) == GPU_OK_NODATA);
    CHECK(n + 2, TRANSFER(0, 0, GPU_W, GPU_H, 0, id) == GPU_OK_NODATA);
    CHECK(n + 3, SCANOUT(0, 0, GPU_W, GPU_H, 0, id) == GPU_OK_NODATA);
    CHECK(n + 4, FLUSH(0, 0, GPU_W, GPU_H, id) == GPU_OK_NODATA);
    /* A partial update: rows 10..19, columns 8..23. */
    CHECK(n + 5, TRANSFER(8, 10, 16, 10, 10 * GPU_W * 4 + 8 * 4, id) == GPU_OK_NODATA);
    CHECK(n + 6, FLUSH(8, 10, 16, 10, id) == GPU_OK_NODATA);
}

/* A chain the device cannot answer: NEEDS_RESET, a config interrupt, nothing used; then the
 * driver resets and starts again. */
static void gpu_expect_device_error(unsigned n, unsigned irqs_before, uint16_t used_before)
{
    CHECK(n, WAIT_FOR(vr(VR_STATUS) & ST_NEEDS_RESET));
    CHECK(n + 1, WAIT_FOR(virtio_irqs != irqs_before) && (isr_seen & 2));
    CHECK(n + 2, vq.used.idx == used_before);
    isr_seen = 0;
    CHECK(n + 3, gpu_start());
    CHECK(n + 4, !(vr(VR_STATUS) & ST_NEEDS_RESET));
    /* Everything the driver made is gone: id 1 is free again. */
    CHECK(n + 5, CREATE(1, GPU_FMT_B8G8R8X8, 4, 4) == GPU_OK_NODATA);
    CHECK(n + 6, UNREF(1) == GPU_OK_NODATA);
}

__attribute__((unused)) static void virtio_gpu_checks(void)
{
    gpu_probe();
    if (!rng) return;
    CHECK(4, gpu_start());
    irq_enable(rng_index);
    CHECK(5, *(volatile uint32_t *)(rng + VR_CONFIG + 8) == 1); /* num_scanouts */

    /* The display, and a response buffer too short for it. */
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = GPU_GET_DISPLAY_INFO;
    CHECK(10, gpu_send(24, 0, 24 + 16 * 24) == GPU_OK_DISPLAY_INFO);
    uint32_t *mode = (uint32_t *)(gpu.resp + 24);
    CHECK(11, mode[2] == 1280 && mode[3] == 800 && mode[4] == 1);
    CHECK(12, gpu_send(24, 0, 24) == GPU_ERR_UNSPEC);
    CHECK(13, gpu.resp[24] == 0xee); /* nothing written past the header */

    /* EDID: scanout 0 only. */
    CHECK(14, gpu_cmd(GPU_GET_EDID, 2, 0, 0, 0, 0, 0, 0, 0, 0) == GPU_ERR_UNSPEC); /* response too short */
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = GPU_GET_EDID;
    CHECK(15, gpu_send(32, 0, 24 + 8 + 1024) == GPU_OK_EDID);
    CHECK(16, gpu.resp[24] == 128 && gpu.resp[32] == 0 && gpu.resp[33] == 0xff);
    gpu.req.w[0] = 3;
    CHECK(17, gpu_send(32, 0, 24 + 8 + 1024) == GPU_ERR_INVALID_SCANOUT_ID);

    /* Bad resources. */
    CHECK(20, CREATE(0, GPU_FMT_B8G8R8X8, 64, 64) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(21, CREATE(1, GPU_FMT_B8G8R8X8, 0x10000, 0x10000) == GPU_ERR_OUT_OF_MEMORY);
    CHECK(22, CREATE(1, GPU_FMT_B8G8R8X8, 0xffffffffu, 0xffffffffu) == GPU_ERR_OUT_OF_MEMORY);
    CHECK(23, CREATE(1, 999, 64, 64) == GPU_ERR_INVALID_PARAMETER);
    CHECK(24, CREATE(1, GPU_FMT_B8G8R8X8, 0, 64) == GPU_ERR_INVALID_PARAMETER);
    CHECK(25, CREATE(1, GPU_FMT_B8G8R8X8, GPU_W, GPU_H) == GPU_OK_NODATA);
    CHECK(26, CREATE(1, GPU_FMT_B8G8R8X8, GPU_W, GPU_H) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(27, UNREF(77) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(28, DETACH(77) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(29, DETACH(1) == GPU_ERR_UNSPEC); /* nothing attached */

    /* Bad backing. */
    gpu.ents[0] = (struct gpu_entry){(uintptr_t)gpu.pixels, sizeof gpu.pixels, 0};
    CHECK(30, gpu_attach(42, 1, 1) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(31, gpu_attach(1, 0x7fffffffu, 1) == GPU_ERR_INVALID_PARAMETER);
    CHECK(32, gpu_attach(1, 3, 1) == GPU_ERR_UNSPEC); /* two entries are not in the request */
    CHECK(33, gpu_attach(1, 0, 0) == GPU_ERR_INVALID_PARAMETER);
    gpu.ents[0] = (struct gpu_entry){RAM_END - 16, 4096, 0};
    CHECK(34, gpu_attach(1, 1, 1) == GPU_ERR_INVALID_PARAMETER); /* runs past RAM */
    gpu.ents[0] = (struct gpu_entry){GPU_DEVICE_ADDR, 4096, 0};
    CHECK(35, gpu_attach(1, 1, 1) == GPU_ERR_INVALID_PARAMETER); /* a device */
    gpu.ents[0] = (struct gpu_entry){0xfffffffffffff000ull, 0x2000, 0};
    CHECK(36, gpu_attach(1, 1, 1) == GPU_ERR_INVALID_PARAMETER); /* wraps */
    gpu.ents[0] = (struct gpu_entry){(uintptr_t)gpu.pixels, 0xffffffffu, 0};
    CHECK(37, gpu_attach(1, 1, 1) == GPU_ERR_INVALID_PARAMETER); /* 4 GiB */
    CHECK(38, TRANSFER(0, 0, 4, 4, 0, 1) == GPU_ERR_UNSPEC);     /* no backing yet */
    gpu.ents[0] = (struct gpu_entry){(uintptr_t)gpu.pixels, sizeof gpu.pixels, 0};
    CHECK(39, gpu_attach(1, 1, 1) == GPU_OK_NODATA);
    CHECK(40, gpu_attach(1, 1, 1) == GPU_ERR_UNSPEC); /* already attached */

    /* Rectangles and offsets. */
    CHECK(41, TRANSFER(0xffffffffu, 0, 2, 1, 0, 1) == GPU_ERR_INVALID_PARAMETER);
    CHECK(42, TRANSFER(0, 0, GPU_W, GPU_H + 1, 0, 1) == GPU_ERR_INVALID_PARAMETER);
    CHECK(43, TRANSFER(0, 0, 4, 4, 0xfffffffffffffff0ull, 1) == GPU_ERR_INVALID_PARAMETER);
    CHECK(44, TRANSFER(0, 0, GPU_W, GPU_H, 4, 1) == GPU_ERR_INVALID_PARAMETER); /* one pixel past */
    CHECK(45, TRANSFER(0, 0, 4, 4, 0, 9) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(46, SCANOUT(0, 0, GPU_W, GPU_H, 5, 1) == GPU_ERR_INVALID_SCANOUT_ID);
    CHECK(47, SCANOUT(0, 0, GPU_W, GPU_H, 0, 9) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(48, SCANOUT(0xfffffff0u, 0, 0x20, GPU_H, 0, 1) == GPU_ERR_INVALID_PARAMETER);
    CHECK(49, SCANOUT(0, 0, GPU_W + 1, GPU_H, 0, 1) == GPU_ERR_INVALID_PARAMETER);
    CHECK(50, FLUSH(0, 0, GPU_W, GPU_H, 9) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(51, FLUSH(1, 1, 0xffffffffu, 0xffffffffu, 1) == GPU_ERR_INVALID_PARAMETER);

    /* Short requests, unknown and 3D commands. */
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = GPU_RESOURCE_CREATE_2D;
    gpu.req.w[0] = 2, gpu.req.w[1] = GPU_FMT_B8G8R8X8, gpu.req.w[2] = 4, gpu.req.w[3] = 4;
    CHECK(52, gpu_send(24 + 12, 0, 24) == GPU_ERR_UNSPEC); /* height missing */
    CHECK(53, gpu_send(8, 0, 24) == GPU_ERR_UNSPEC);       /* not even a header */
    CHECK(54, CREATE(2, GPU_FMT_B8G8R8X8, 4, 4) == GPU_OK_NODATA); /* id 2 was not made above */
    CHECK(55, gpu_cmd(0xdead, 0, 0, 0, 0, 0, 0, 0, 0, 0) == GPU_ERR_UNSPEC);
    CHECK(56, gpu_cmd(0x0200, 0, 0, 0, 0, 0, 0, 0, 0, 0) == GPU_ERR_UNSPEC); /* CTX_CREATE (3D) */
    CHECK(57, gpu_cmd(GPU_UPDATE_CURSOR, 8, 0, 0, 0, 0, 0, 0, 0, 0) == GPU_ERR_UNSPEC); /* wrong queue */

    /* A fence comes back with an error too. */
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = GPU_RESOURCE_UNREF;
    gpu.req.hdr.flags = GPU_FLAG_FENCE;
    gpu.req.hdr.fence_id = 0x0123456789abcdefull;
    gpu.req.w[0] = 555;
    CHECK(58, gpu_send(32, 0, 24) == GPU_ERR_INVALID_RESOURCE_ID);
    CHECK(59, ((struct gpu_hdr *)gpu.resp)->flags == GPU_FLAG_FENCE &&
                  ((struct gpu_hdr *)gpu.resp)->fence_id == 0x0123456789abcdefull);

    /* Junk on the cursor queue: returned unanswered. */
    CHECK(60, cursor_send(GPU_UPDATE_CURSOR, 1, 8));
    CHECK(61, cursor_send(0xbeef, 1, 56));
    CHECK(62, cursor_send(GPU_UPDATE_CURSOR, 99, 56));
    CHECK(63, cursor_send(GPU_MOVE_CURSOR, 1, 56));
    CHECK(64, UNREF(2) == GPU_OK_NODATA && UNREF(1) == GPU_OK_NODATA);

    /* No room for a response header: the device cannot answer. */
    unsigned irqs = virtio_irqs;
    uint16_t used = vq.used.idx;
    zero(&gpu.req, sizeof gpu.req);
    gpu.req.hdr.type = GPU_GET_DISPLAY_INFO;
    set_desc(0, &gpu.req, 24, D_NEXT, 1);
    set_desc(1, gpu.resp, 8, D_WRITE, 0);
    post(0);
    gpu_expect_device_error(70, irqs, used);

    /* A descriptor loop: 1 -> 2 -> 1. */
    irqs = virtio_irqs;
    used = vq.used.idx;
    set_desc(1, &gpu.req, 24, D_NEXT, 2);
    set_desc(2, &gpu.req, 24, D_NEXT, 1);
    post(1);
    gpu_expect_device_error(80, irqs, used);

    /* A readable buffer after the writable one. */
    irqs = virtio_irqs;
    used = vq.used.idx;
    set_desc(1, gpu.resp, 24, D_NEXT | D_WRITE, 2);
    set_desc(2, &gpu.req, 24, 0, 0);
    post(1);
    gpu_expect_device_error(90, irqs, used);

    /* A response buffer on a device. */
    irqs = virtio_irqs;
    used = vq.used.idx;
    set_desc(1, &gpu.req, 24, D_NEXT, 2);
    set_desc(2, (void *)GPU_DEVICE_ADDR, 24, D_WRITE, 0);
    post(1);
    gpu_expect_device_error(100, irqs, used);

    /* And the honest path works. */
    gpu_valid_frame(110, 7);
    CHECK(120, !(vr(VR_STATUS) & ST_NEEDS_RESET));
}

#endif
