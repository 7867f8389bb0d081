// virtio-gpu (2D) through the virtio-mmio transport and the test driver: configuration,
// display info and EDID, resources with multi-entry backing, transfers, the scanout and
// flushes reaching the Display, the cursor queue, fences, every ERR_* answer, requests and
// response buffers too short, reset, and the -device entry.
#include <doctest/doctest.h>

#include <cstring>

#include "display/display.h"
#include "machines/virtio/virtio_gpu.h"
#include "machines/virtio/virtio_gpu_edid.h"
#include "machines/virtio/virtio_registry.h"
#include "tests/unit/virtio_test_driver.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::test;
using namespace tessera::virtio_gpu;

namespace {

constexpr uint64_t kReq = VirtioBench::kBuf;             // request
constexpr uint64_t kEnt = VirtioBench::kBuf + 0x1000;    // attach-backing entries (own descriptor)
constexpr uint64_t kResp = VirtioBench::kBuf + 0x2000;   // response
constexpr uint64_t kBacking = VirtioBench::kRam + 0x20000;  // up to the end of RAM: 128 KiB
// The cursor queue's rings (queue 1).
constexpr uint64_t kDesc1 = VirtioBench::kDesc + 0x4000, kAvail1 = VirtioBench::kAvail + 0x4000,
                   kUsed1 = VirtioBench::kUsed + 0x4000;

struct GpuBench : VirtioBench {
    Display display;
    VirtioGpu* gpu;

    explicit GpuBench(VirtioGpu::Options o = {}) {
        REQUIRE(display.attach_source("virtio-gpu-device"));
        auto dev = std::make_unique<VirtioGpu>(display, o);
        gpu = dev.get();
        t.plug(std::move(dev));
    }
    void start_gpu(uint64_t features = 0) {
        REQUIRE((negotiate(features) & STATUS_FEATURES_OK));
        for (uint64_t ring : {kAvail, kUsed, kAvail1, kUsed1})  // fresh rings after a reset
            for (uint64_t i = 0; i < 0x100; i += 8) poke<uint64_t>(ring + i, 0);
        setup_queue(0, 8, kDesc, kAvail, kUsed);
        setup_queue(1, 8, kDesc1, kAvail1, kUsed1);
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    }
    void put(uint64_t at, const void* p, size_t n) { REQUIRE(as.write_phys(at, p, n)); }

    // One control request: `len` bytes of req readable, then `extra` (the entries) in a second
    // readable descriptor if any, then resp_len writable bytes. Returns the response type.
    uint32_t command(const void* req, size_t len, size_t resp_len = sizeof(CtrlHdr), const void* extra = nullptr,
                     size_t extra_len = 0) {
        put(kReq, req, len);
        for (size_t i = 0; i < 0x400; i += 8) poke<uint64_t>(kResp + i, 0xeeeeeeeeeeeeeeeeull);
        unsigned d = 0;
        desc(kDesc, d, kReq, uint32_t(len), DESC_F_NEXT, uint16_t(d + 1)), d++;
        if (extra) {
            put(kEnt, extra, extra_len);
            desc(kDesc, d, kEnt, uint32_t(extra_len), DESC_F_NEXT, uint16_t(d + 1)), d++;
        }
        desc(kDesc, d, kResp, uint32_t(resp_len), DESC_F_WRITE);
        uint16_t before = used_idx();
        make_available(0);
        notify(0);
        REQUIRE(used_idx() == uint16_t(before + 1));
        last_len = used_len(before % 8);
        return peek<uint32_t>(kResp);
    }
    template <typename T>
    uint32_t cmd(const T& req, size_t resp_len = sizeof(CtrlHdr)) {
        return command(&req, sizeof req, resp_len);
    }
    uint32_t last_len = 0;

    uint32_t create(uint32_t id, uint32_t w, uint32_t h, uint32_t fmt = FORMAT_B8G8R8X8_UNORM) {
        ResourceCreate2d c{};
        c.hdr.type = CMD_RESOURCE_CREATE_2D;
        c.resource_id = id, c.format = fmt, c.width = w, c.height = h;
        return cmd(c);
    }
    uint32_t attach(uint32_t id, std::vector<MemEntry> ents, uint32_t count = UINT32_MAX) {
        ResourceAttachBacking a{};
        a.hdr.type = CMD_RESOURCE_ATTACH_BACKING;
        a.resource_id = id;
        a.nr_entries = count == UINT32_MAX ? uint32_t(ents.size()) : count;
        return command(&a, sizeof a, sizeof(CtrlHdr), ents.empty() ? nullptr : ents.data(), ents.size() * sizeof(MemEntry));
    }
    uint32_t transfer(uint32_t id, WireRect r, uint64_t offset) {
        TransferToHost2d x{};
        x.hdr.type = CMD_TRANSFER_TO_HOST_2D;
        x.r = r, x.offset = offset, x.resource_id = id;
        return cmd(x);
    }
    uint32_t scanout(uint32_t id, WireRect r, uint32_t scanout_id = 0) {
        SetScanout s{};
        s.hdr.type = CMD_SET_SCANOUT;
        s.r = r, s.scanout_id = scanout_id, s.resource_id = id;
        return cmd(s);
    }
    uint32_t flush(uint32_t id, WireRect r) {
        ResourceFlush f{};
        f.hdr.type = CMD_RESOURCE_FLUSH;
        f.r = r, f.resource_id = id;
        return cmd(f);
    }
    uint32_t simple(uint32_t type, uint32_t id) {  // UNREF and DETACH_BACKING share a layout
        ResourceUnref u{};
        u.hdr.type = type;
        u.resource_id = id;
        return cmd(u);
    }
    void cursor(uint32_t type, uint32_t id, uint32_t x, uint32_t y, uint32_t hx = 0, uint32_t hy = 0,
                size_t len = sizeof(UpdateCursor)) {
        UpdateCursor c{};
        c.hdr.type = type;
        c.pos = {0, x, y, 0};
        c.resource_id = id, c.hot_x = hx, c.hot_y = hy;
        put(kReq + 0x800, &c, sizeof c);
        desc(kDesc1, 0, kReq + 0x800, uint32_t(len), 0);
        uint16_t before = used_idx(kUsed1);
        make_available(0, 8, kAvail1);
        notify(1);
        REQUIRE(used_idx(kUsed1) == uint16_t(before + 1));
        CHECK(used_len(before % 8, kUsed1) == 0);
    }
};

// A test pattern for pixel (x, y) of a B8G8R8X8 image, as 0x00RRGGBB.
uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed = 0) {
    return ((x * 7 + seed) & 0xff) << 16 | ((y * 13) & 0xff) << 8 | ((x ^ y) & 0xff);
}

// Writes a w x h image of pattern(seed) into the backing at kBacking, B8G8R8X8, stride w * 4.
void fill_backing(GpuBench& b, uint32_t w, uint32_t h, uint32_t seed) {
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) b.poke<uint32_t>(kBacking + (y * w + x) * 4, pattern(x, y, seed) | 0x7f000000);
}

// The backing at kBacking as three unequal, scattered-looking entries (kept contiguous so the
// test can write the image in one place, but split at odd byte counts).
std::vector<MemEntry> three_entries(uint32_t bytes) {
    uint32_t a = 1000, b2 = bytes / 2 - 1000 + 4;
    return {{kBacking, a, 0}, {kBacking + a, b2, 0}, {kBacking + a + b2, bytes - a - b2, 0}};
}

}  // namespace

TEST_CASE("virtio-gpu: identity, features, configuration space and display info") {
    GpuBench b;
    CHECK(b.rd(mmio::DEVICE_ID) == 16);
    b.wr(mmio::DEVICE_FEATURES_SEL, 0);
    CHECK((b.rd(mmio::DEVICE_FEATURES) & (1u << F_EDID)));
    CHECK(!(b.rd(mmio::DEVICE_FEATURES) & (1u << F_VIRGL)));
    CHECK(b.t.read(mmio::CONFIG + CFG_EVENTS_READ, 4) == 0);
    CHECK(b.t.read(mmio::CONFIG + CFG_NUM_SCANOUTS, 4) == 1);
    CHECK(b.t.read(mmio::CONFIG + CFG_NUM_CAPSETS, 4) == 0);
    b.wr(mmio::QUEUE_SEL, 0);
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 256);
    b.wr(mmio::QUEUE_SEL, 1);
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 16);

    b.start_gpu(1ull << F_EDID);
    CtrlHdr h{};
    h.type = CMD_GET_DISPLAY_INFO;
    CHECK(b.cmd(h, sizeof(RespDisplayInfo)) == RESP_OK_DISPLAY_INFO);
    CHECK(b.last_len == sizeof(RespDisplayInfo));
    RespDisplayInfo info = b.peek<RespDisplayInfo>(kResp);
    CHECK(info.pmodes[0].r.width == 1280);
    CHECK(info.pmodes[0].r.height == 800);
    CHECK(info.pmodes[0].enabled == 1);
    CHECK(info.pmodes[1].enabled == 0);

    GetEdid e{};
    e.hdr.type = CMD_GET_EDID;
    CHECK(b.cmd(e, sizeof(RespEdid)) == RESP_OK_EDID);
    RespEdid edid = b.peek<RespEdid>(kResp);
    CHECK(edid.size == 128);
    const uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    CHECK(memcmp(edid.edid, header, 8) == 0);
    uint8_t sum = 0;
    for (int i = 0; i < 128; i++) sum = uint8_t(sum + edid.edid[i]);
    CHECK(sum == 0);
    // The preferred detailed timing is 1280x800.
    const uint8_t* d = edid.edid + 54;
    CHECK((d[2] | (d[4] >> 4) << 8) == 1280);
    CHECK((d[5] | (d[7] >> 4) << 8) == 800);
    CHECK((d[0] | d[1] << 8) > 0);

    e.scanout = 1;
    CHECK(b.cmd(e, sizeof(RespEdid)) == RESP_ERR_INVALID_SCANOUT_ID);
}

TEST_CASE("virtio-gpu: xres, yres and edid=off") {
    VirtioGpu::Options o;
    o.xres = 1024, o.yres = 768, o.edid = false;
    GpuBench b(o);
    b.wr(mmio::DEVICE_FEATURES_SEL, 0);
    CHECK(!(b.rd(mmio::DEVICE_FEATURES) & (1u << F_EDID)));
    b.start_gpu();
    CtrlHdr h{};
    h.type = CMD_GET_DISPLAY_INFO;
    CHECK(b.cmd(h, sizeof(RespDisplayInfo)) == RESP_OK_DISPLAY_INFO);
    RespDisplayInfo info = b.peek<RespDisplayInfo>(kResp);
    CHECK(info.pmodes[0].r.width == 1024);
    CHECK(info.pmodes[0].r.height == 768);
    GetEdid e{};
    e.hdr.type = CMD_GET_EDID;
    CHECK(b.cmd(e, sizeof(RespEdid)) == RESP_ERR_UNSPEC);
    // An EDID for a mode too large for its timing fields still checks out.
    auto big = make_edid(8192, 4096);
    uint8_t sum = 0;
    for (uint8_t v : big) sum = uint8_t(sum + v);
    CHECK(sum == 0);
    CHECK(big[54 + 3] == 0x10);
}

TEST_CASE("virtio-gpu: create, attach three entries, transfer, scanout, flush reach the display") {
    GpuBench b;
    b.start_gpu();
    const uint32_t W = 40, H = 30;
    CHECK(b.create(1, W, H) == RESP_OK_NODATA);
    CHECK(b.gpu->resource_count() == 1);
    CHECK(b.gpu->hostmem_used() >= W * H * 4);
    CHECK(b.attach(1, three_entries(W * H * 4)) == RESP_OK_NODATA);
    fill_backing(b, W, H, 0);
    CHECK(b.transfer(1, {0, 0, W, H}, 0) == RESP_OK_NODATA);
    CHECK(b.display.snapshot().width == 0);  // nothing shown before SET_SCANOUT
    CHECK(b.scanout(1, {0, 0, W, H}) == RESP_OK_NODATA);
    Frame f = b.display.snapshot();
    REQUIRE(f.width == W);
    REQUIRE(f.height == H);
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) REQUIRE(f.at(x, y) == pattern(x, y));

    // A partial transfer with an offset, flushed: only that rectangle changes on screen.
    fill_backing(b, W, H, 100);
    WireRect r{5, 3, 7, 4};
    CHECK(b.transfer(1, r, uint64_t(r.y) * W * 4 + r.x * 4) == RESP_OK_NODATA);
    f = b.display.snapshot();
    CHECK(f.at(5, 3) == pattern(5, 3));  // transferred, not flushed yet
    CHECK(b.flush(1, {0, 0, W, H}) == RESP_OK_NODATA);
    f = b.display.snapshot();
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            bool in = x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
            REQUIRE(f.at(x, y) == pattern(x, y, in ? 100 : 0));
        }

    // A flush of part of the resource shows only that part.
    CHECK(b.transfer(1, {0, 0, W, H}, 0) == RESP_OK_NODATA);
    CHECK(b.flush(1, {0, 0, W, 1}) == RESP_OK_NODATA);
    f = b.display.snapshot();
    CHECK(f.at(20, 0) == pattern(20, 0, 100));
    CHECK(f.at(20, 1) == pattern(20, 1, 0));

    // The scanout shows a window of the resource: display (0,0) is resource (10,5).
    CHECK(b.scanout(1, {10, 5, 16, 16}) == RESP_OK_NODATA);
    f = b.display.snapshot();
    REQUIRE(f.width == 16);
    CHECK(f.at(0, 0) == pattern(10, 5, 100));
    CHECK(f.at(15, 15) == pattern(25, 20, 100));

    // Detach, unref: nothing held; the scanout's resource going away blanks the display.
    CHECK(b.simple(CMD_RESOURCE_DETACH_BACKING, 1) == RESP_OK_NODATA);
    CHECK(b.transfer(1, {0, 0, 1, 1}, 0) == RESP_ERR_UNSPEC);
    CHECK(b.simple(CMD_RESOURCE_UNREF, 1) == RESP_OK_NODATA);
    CHECK(b.gpu->resource_count() == 0);
    CHECK(b.gpu->hostmem_used() == 0);
    CHECK(b.display.snapshot().width == 0);
}

TEST_CASE("virtio-gpu: every format reaches the display as 0x00RRGGBB") {
    struct Case {
        uint32_t format;
        uint8_t bytes[4];
    };
    // R=0x11, G=0x22, B=0x33, A/X=0x44, laid out as each format names its bytes.
    const Case cases[] = {
        {FORMAT_B8G8R8A8_UNORM, {0x33, 0x22, 0x11, 0x44}}, {FORMAT_B8G8R8X8_UNORM, {0x33, 0x22, 0x11, 0x44}},
        {FORMAT_A8R8G8B8_UNORM, {0x44, 0x11, 0x22, 0x33}}, {FORMAT_X8R8G8B8_UNORM, {0x44, 0x11, 0x22, 0x33}},
        {FORMAT_R8G8B8A8_UNORM, {0x11, 0x22, 0x33, 0x44}}, {FORMAT_X8B8G8R8_UNORM, {0x44, 0x33, 0x22, 0x11}},
        {FORMAT_A8B8G8R8_UNORM, {0x44, 0x33, 0x22, 0x11}}, {FORMAT_R8G8B8X8_UNORM, {0x11, 0x22, 0x33, 0x44}},
    };
    GpuBench b;
    b.start_gpu();
    uint32_t id = 10;
    for (const Case& c : cases) {
        CAPTURE(c.format);
        CHECK(b.create(id, 2, 2, c.format) == RESP_OK_NODATA);
        CHECK(b.attach(id, {{kBacking, 16, 0}}) == RESP_OK_NODATA);
        for (int i = 0; i < 4; i++) b.put(kBacking + 4 * i, c.bytes, 4);
        CHECK(b.transfer(id, {0, 0, 2, 2}, 0) == RESP_OK_NODATA);
        CHECK(b.scanout(id, {0, 0, 2, 2}) == RESP_OK_NODATA);
        CHECK(b.display.snapshot().at(1, 1) == 0x112233);
        id++;
    }
}

TEST_CASE("virtio-gpu: resource and backing errors") {
    VirtioGpu::Options o;
    o.max_hostmem = 1 << 20;
    GpuBench b(o);
    b.start_gpu();
    GuestErrorLog log;
    CHECK(b.create(0, 4, 4) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.create(1, 4, 4) == RESP_OK_NODATA);
    CHECK(b.create(1, 4, 4) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.create(2, 4, 4, 99) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.create(2, 0, 4) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.create(2, 4, 0) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.create(2, 0xffffffff, 0xffffffff) == RESP_ERR_OUT_OF_MEMORY);
    CHECK(b.create(2, 512, 512) == RESP_ERR_OUT_OF_MEMORY);  // 1 MiB of pixels: over the budget
    CHECK(b.create(2, 256, 256) == RESP_OK_NODATA);           // 256 KiB
    CHECK(b.create(3, 256, 256) == RESP_OK_NODATA);
    CHECK(b.create(4, 256, 256) == RESP_OK_NODATA);
    CHECK(b.create(5, 256, 256) == RESP_ERR_OUT_OF_MEMORY);   // the fourth no longer fits
    CHECK(b.gpu->resource_count() == 4);
    CHECK(b.simple(CMD_RESOURCE_UNREF, 4) == RESP_OK_NODATA);
    CHECK(b.create(5, 256, 256) == RESP_OK_NODATA);           // freed memory is reusable
    CHECK(b.simple(CMD_RESOURCE_UNREF, 77) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.simple(CMD_RESOURCE_UNREF, 0) == RESP_ERR_INVALID_RESOURCE_ID);

    // Attach: unknown resource, entry counts, entries outside RAM, a short entry list.
    CHECK(b.attach(9, {{kBacking, 64, 0}}) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.attach(1, {}, 0) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.attach(1, {{kBacking, 64, 0}}, kMaxBackingEntries + 1) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.attach(1, {{kBacking, 64, 0}}, 2) == RESP_ERR_UNSPEC);  // the second is not in the request
    CHECK(b.attach(1, {{VirtioBench::kHole, 64, 0}}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.attach(1, {{0, 64, 0}}) == RESP_ERR_INVALID_PARAMETER);  // ROM is not RAM
    CHECK(b.attach(1, {{VirtioBench::kRam + VirtioBench::kRamSize - 16, 64, 0}}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.attach(1, {{kBacking, 0xffffffff, 0}}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.attach(1, {{~0ull - 8, 64, 0}}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.attach(1, {{kBacking, 32, 0}, {kBacking, 0, 0}}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.attach(1, {{kBacking, 32, 0}, {kBacking + 32, 32, 0}}) == RESP_OK_NODATA);
    CHECK(b.attach(1, {{kBacking, 64, 0}}) == RESP_ERR_UNSPEC);  // already has backing
    CHECK(b.simple(CMD_RESOURCE_DETACH_BACKING, 9) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.simple(CMD_RESOURCE_DETACH_BACKING, 2) == RESP_ERR_UNSPEC);  // none attached

    // Transfer: unknown, no backing, rectangles out of the resource (overflowing sums too),
    // rows past the backing, offsets near 2^64.
    CHECK(b.transfer(9, {0, 0, 1, 1}, 0) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.transfer(2, {0, 0, 1, 1}, 0) == RESP_ERR_UNSPEC);
    CHECK(b.transfer(1, {0, 0, 5, 1}, 0) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.transfer(1, {0xffffffff, 0, 2, 1}, 0) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.transfer(1, {0, 0xfffffffe, 1, 4}, 0) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.transfer(1, {0, 0, 4, 4}, 4) == RESP_ERR_INVALID_PARAMETER);   // 64 bytes from 4: one too many
    CHECK(b.transfer(1, {0, 0, 4, 4}, 0) == RESP_OK_NODATA);
    CHECK(b.transfer(1, {3, 3, 1, 1}, 60) == RESP_OK_NODATA);              // the last pixel exactly
    CHECK(b.transfer(1, {3, 3, 1, 1}, 61) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.transfer(1, {0, 0, 1, 1}, ~0ull) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.transfer(1, {0, 0, 1, 1}, ~0ull - 2) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.transfer(1, {4, 4, 0, 0}, 0) == RESP_OK_NODATA);  // empty: nothing to do
    CHECK(log.count("virtio-gpu") > 20);
}

TEST_CASE("virtio-gpu: scanout, flush and command errors, short buffers") {
    GpuBench b;
    b.start_gpu();
    GuestErrorLog log;
    CHECK(b.create(1, 32, 32) == RESP_OK_NODATA);
    CHECK(b.scanout(1, {0, 0, 32, 32}, 1) == RESP_ERR_INVALID_SCANOUT_ID);
    CHECK(b.scanout(2, {0, 0, 32, 32}) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.scanout(1, {0, 0, 33, 32}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.scanout(1, {1, 0, 32, 32}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.scanout(1, {0xfffffff0, 0, 0x20, 32}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.scanout(1, {0, 0, 0, 32}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.display.snapshot().width == 0);
    CHECK(b.scanout(1, {0, 0, 32, 32}) == RESP_OK_NODATA);
    CHECK(b.display.snapshot().width == 32);
    CHECK(b.flush(2, {0, 0, 1, 1}) == RESP_ERR_INVALID_RESOURCE_ID);
    CHECK(b.flush(1, {0, 0, 33, 1}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.flush(1, {0xffffffff, 0xffffffff, 2, 2}) == RESP_ERR_INVALID_PARAMETER);
    CHECK(b.scanout(0, {0, 0, 0, 0}) == RESP_OK_NODATA);  // resource 0 disables
    CHECK(b.display.snapshot().width == 0);
    CHECK(b.flush(1, {0, 0, 32, 32}) == RESP_OK_NODATA);  // not shown: nothing to do
    CHECK(b.display.snapshot().width == 0);

    // Unknown and unsupported commands.
    CtrlHdr h{};
    h.type = 0x9999;
    CHECK(b.cmd(h) == RESP_ERR_UNSPEC);
    h.type = 0x0200;  // CTX_CREATE (3D)
    CHECK(b.cmd(h) == RESP_ERR_UNSPEC);
    h.type = CMD_GET_CAPSET_INFO;
    CHECK(b.cmd(h) == RESP_ERR_UNSPEC);
    h.type = CMD_UPDATE_CURSOR;  // a cursor command on the control queue
    CHECK(b.cmd(h) == RESP_ERR_UNSPEC);

    // A request shorter than its command: nothing happens.
    ResourceCreate2d c{};
    c.hdr.type = CMD_RESOURCE_CREATE_2D;
    c.resource_id = 5, c.format = FORMAT_B8G8R8X8_UNORM, c.width = c.height = 4;
    CHECK(b.command(&c, sizeof c - 1) == RESP_ERR_UNSPEC);
    CHECK(b.gpu->resource_count() == 1);
    CHECK(b.command(&c, 10) == RESP_ERR_UNSPEC);  // not even a header
    CHECK(b.last_len == sizeof(CtrlHdr));
    // A response buffer too small for display info gets an error header instead.
    h.type = CMD_GET_DISPLAY_INFO;
    CHECK(b.cmd(h, sizeof(CtrlHdr)) == RESP_ERR_UNSPEC);
    CHECK(b.last_len == sizeof(CtrlHdr));
    CHECK(b.peek<uint32_t>(kResp + sizeof(CtrlHdr)) == 0xeeeeeeee);  // nothing past the header
    // A request split over two descriptors at an odd byte works the same.
    c.resource_id = 6;
    b.put(kReq, &c, sizeof c);
    b.desc(VirtioBench::kDesc, 0, kReq, 7, DESC_F_NEXT, 1);
    b.desc(VirtioBench::kDesc, 1, kReq + 7, sizeof c - 7, DESC_F_NEXT, 2);
    b.desc(VirtioBench::kDesc, 2, kResp, sizeof(CtrlHdr), DESC_F_WRITE);
    b.make_available(0);
    b.notify(0);
    CHECK(b.peek<uint32_t>(kResp) == RESP_OK_NODATA);
    CHECK(b.gpu->resource_count() == 2);
    CHECK(log.count("virtio-gpu") >= 12);

    // No room for a response header: a device error, nothing used.
    uint16_t before = b.used_idx();
    b.put(kReq, &h, sizeof h);
    b.desc(VirtioBench::kDesc, 0, kReq, sizeof h, DESC_F_NEXT, 1);
    b.desc(VirtioBench::kDesc, 1, kResp, sizeof(CtrlHdr) - 1, DESC_F_WRITE);
    b.make_available(0);
    b.notify(0);
    CHECK(b.needs_reset());
    CHECK(b.used_idx() == before);
    // The driver resets and starts again: everything is gone, the device works.
    b.start_gpu();
    CHECK(!b.needs_reset());
    CHECK(b.gpu->resource_count() == 0);
    CHECK(b.create(1, 4, 4) == RESP_OK_NODATA);
}

TEST_CASE("virtio-gpu: a fenced command echoes its fence, ok or not") {
    GpuBench b;
    b.start_gpu();
    ResourceCreate2d c{};
    c.hdr.type = CMD_RESOURCE_CREATE_2D;
    c.hdr.flags = FLAG_FENCE;
    c.hdr.fence_id = 0x1122334455667788ull;
    c.hdr.ctx_id = 7;
    c.resource_id = 1, c.format = FORMAT_B8G8R8X8_UNORM, c.width = c.height = 8;
    CHECK(b.cmd(c) == RESP_OK_NODATA);
    CtrlHdr r = b.peek<CtrlHdr>(kResp);
    CHECK(r.flags == FLAG_FENCE);
    CHECK(r.fence_id == 0x1122334455667788ull);
    CHECK(r.ctx_id == 7);
    c.hdr.fence_id = 9;
    CHECK(b.cmd(c) == RESP_ERR_INVALID_RESOURCE_ID);  // id 1 is taken
    r = b.peek<CtrlHdr>(kResp);
    CHECK(r.flags == FLAG_FENCE);
    CHECK(r.fence_id == 9);
    c.hdr.flags = 0, c.resource_id = 2;
    CHECK(b.cmd(c) == RESP_OK_NODATA);
    r = b.peek<CtrlHdr>(kResp);
    CHECK(r.flags == 0);
    CHECK(r.fence_id == 0);
}

TEST_CASE("virtio-gpu: the cursor queue sets, moves and hides the cursor") {
    GpuBench b;
    b.start_gpu();
    GuestErrorLog log;
    CHECK(b.create(7, 64, 64, FORMAT_B8G8R8A8_UNORM) == RESP_OK_NODATA);
    CHECK(b.attach(7, {{kBacking, 64 * 64 * 4, 0}}) == RESP_OK_NODATA);
    for (uint32_t i = 0; i < 64 * 64; i++) b.poke<uint32_t>(kBacking + 4 * i, i == 65 ? 0x80ff0000u : 0u);
    CHECK(b.transfer(7, {0, 0, 64, 64}, 0) == RESP_OK_NODATA);

    b.cursor(CMD_UPDATE_CURSOR, 7, 100, 50, 1, 1);
    Cursor c = b.display.cursor();
    CHECK(c.visible);
    CHECK(c.width == 64);
    CHECK(c.height == 64);
    CHECK(c.hot_x == 1);
    CHECK(c.hot_y == 1);
    CHECK(c.x == 100);
    CHECK(c.y == 50);
    REQUIRE(c.pixels.size() == 64 * 64);
    CHECK(c.pixels[65] == 0x80ff0000u);
    CHECK(c.pixels[0] == 0);

    b.cursor(CMD_MOVE_CURSOR, 7, uint32_t(-5), 20);
    c = b.display.cursor();
    CHECK(c.x == -5);
    CHECK(c.y == 20);
    CHECK(c.visible);

    // Bad requests are returned unanswered and change nothing.
    b.cursor(CMD_UPDATE_CURSOR, 99, 0, 0);             // no such resource
    b.cursor(0x1234, 7, 0, 0);                          // not a cursor command
    b.cursor(CMD_MOVE_CURSOR, 7, 1, 1, 0, 0, 20);       // too short
    CHECK(b.create(8, 65, 64) == RESP_OK_NODATA);
    b.cursor(CMD_UPDATE_CURSOR, 8, 0, 0);               // too large for a cursor
    c = b.display.cursor();
    CHECK(c.x == -5);
    CHECK(c.visible);
    CHECK(log.count("virtio-gpu") == 4);

    b.cursor(CMD_UPDATE_CURSOR, 0, 10, 10);  // resource 0 hides it
    CHECK_FALSE(b.display.cursor().visible);
    b.cursor(CMD_MOVE_CURSOR, 7, 11, 11);    // a move does not bring back what was hidden
    CHECK_FALSE(b.display.cursor().visible);
}

TEST_CASE("virtio-gpu: reset frees everything and blanks the display") {
    GpuBench b;
    b.start_gpu();
    CHECK(b.create(1, 64, 64) == RESP_OK_NODATA);
    CHECK(b.attach(1, three_entries(64 * 64 * 4)) == RESP_OK_NODATA);
    CHECK(b.scanout(1, {0, 0, 64, 64}) == RESP_OK_NODATA);
    CHECK(b.display.snapshot().width == 64);
    b.wr(mmio::STATUS, 0);
    CHECK(b.gpu->resource_count() == 0);
    CHECK(b.gpu->hostmem_used() == 0);
    CHECK(b.display.snapshot().width == 0);
    CHECK_FALSE(b.display.cursor().visible);
    b.start_gpu();
    CHECK(b.create(1, 8, 8) == RESP_OK_NODATA);  // the id is free again
}

TEST_CASE("virtio-gpu: -device properties and one display device per board") {
    const VirtioDeviceInfo* info = find_virtio_device("virtio-gpu-device");
    REQUIRE(info);
    CHECK(find_virtio_device("virtio-gpu") == info);
    MachineConfig cfg;
    Display display;
    DeviceContext ctx{&display};
    auto make = [&](std::vector<std::pair<std::string, std::string>> props) {
        return info->create(DeviceConfig{"virtio-gpu-device", std::move(props)}, cfg, ctx);
    };
    for (auto bad : std::vector<std::pair<std::string, std::string>>{
             {"xres", "abc"}, {"xres", "0"}, {"yres", "-800"}, {"xres", "16385"}, {"max_outputs", "2"}, {"edid", "maybe"}}) {
        CAPTURE(bad.first);
        CHECK_THROWS_AS(make({bad}), ConfigError);
    }
    CHECK_FALSE(display.has_source());  // a refused device claims nothing
    auto dev = make({{"xres", "800"}, {"yres", "600"}, {"edid", "off"}});
    REQUIRE(dev);
    CHECK(dev->device_id() == 16);
    CHECK(dev->features() == 0);
    CHECK(display.source_name() == "virtio-gpu-device");
    try {
        make({});
        FAIL("a second display device was accepted");
    } catch (const ConfigError& e) {
        CHECK(e.message.find("already") != std::string::npos);
    }
    DeviceContext none{};
    CHECK_THROWS_AS(info->create(DeviceConfig{"virtio-gpu-device", {}}, cfg, none), ConfigError);
}
