// virtio-gpu's 2D resources: host-side images the guest creates, fills from its own pages
// (the backing) and shows on the scanout.
//
// A resource is width x height pixels of 4 bytes, rows width * 4 bytes apart. Its backing is
// a scatter list of guest RAM ranges, checked when attached (each range lies in one RAM
// region: GuestMemory::ram) and kept as host pointers, which stay valid while the board lives.
// TRANSFER_TO_HOST_2D copies a rectangle from the backing, read as an image with the
// resource's own stride starting at the transfer's byte offset, into the resource.
//
// All host memory a guest makes us hold (pixels, scatter lists, bookkeeping) is charged
// against one budget (QEMU's max_hostmem, 256 MiB): past it, ERR_OUT_OF_MEMORY.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "display/frame.h"
#include "machines/virtio/virtio_gpu_spec.h"
#include "softmmu/guest_memory.h"

namespace tessera::virtio_gpu {

constexpr uint32_t kBytesPerPixel = 4;
// Entries one ATTACH_BACKING may list (QEMU's limit too).
constexpr uint32_t kMaxBackingEntries = 16384;
// What a resource costs beyond its pixels and entries (its map node and vectors).
constexpr uint64_t kResourceOverhead = 256;

// The display's name for a virtio-gpu format; false for a format the 2D device does not know.
bool pixel_format_of(uint32_t format, PixelFormat& out);
// One pixel of fmt (bytes p[0..3] in memory order) as 0xAARRGGBB, opaque for the X formats.
uint32_t to_argb(const uint8_t* p, PixelFormat fmt);
// [x, x + w) x [y, y + h) lies inside width x height (64-bit sums: guest values).
inline bool rect_inside(const WireRect& r, uint32_t width, uint32_t height) {
    return uint64_t(r.x) + r.width <= width && uint64_t(r.y) + r.height <= height;
}

struct BackingEntry {
    uint64_t start;  // byte offset of this range in the backing as a whole
    uint64_t addr;
    uint32_t len;
    const uint8_t* host;
};

struct Resource {
    uint32_t id = 0, format = 0, width = 0, height = 0;
    PixelFormat pf = PixelFormat::Bgrx;
    std::vector<uint8_t> pixels;
    bool has_backing = false;
    std::vector<BackingEntry> backing;
    uint64_t backing_bytes = 0;
    uint64_t backing_charge = 0;  // what the scatter list costs against the budget

    size_t stride() const { return size_t(width) * kBytesPerPixel; }
    // Copies n bytes of the backing from byte `off` (the caller checked off + n fits).
    void gather(uint64_t off, uint8_t* dst, size_t n) const;
};

class ResourceTable {
public:
    explicit ResourceTable(uint64_t max_hostmem) : max_hostmem_(max_hostmem) {}

    // Each returns a response type: RESP_OK_NODATA or the RESP_ERR_* the guest gets.
    uint32_t create(uint32_t id, uint32_t format, uint32_t width, uint32_t height);
    uint32_t unref(uint32_t id);
    // entries: nr_entries ranges already read from the request.
    uint32_t attach_backing(uint32_t id, const MemEntry* entries, uint32_t n, const GuestMemory& mem);
    uint32_t detach_backing(uint32_t id);
    uint32_t transfer_to_host(uint32_t id, const WireRect& r, uint64_t offset);

    Resource* find(uint32_t id);
    void clear();
    size_t count() const { return map_.size(); }
    uint64_t hostmem_used() const { return used_; }
    uint64_t max_hostmem() const { return max_hostmem_; }

private:
    bool charge(uint64_t bytes);
    uint64_t cost(const Resource& r) const;

    uint64_t max_hostmem_, used_ = 0;
    std::unordered_map<uint32_t, Resource> map_;
};

}  // namespace tessera::virtio_gpu
