#include "machines/virtio/virtio_gpu_resources.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "util/log.h"

namespace tessera::virtio_gpu {

bool pixel_format_of(uint32_t format, PixelFormat& out) {
    switch (format) {
    case FORMAT_B8G8R8A8_UNORM: out = PixelFormat::Bgra; return true;
    case FORMAT_B8G8R8X8_UNORM: out = PixelFormat::Bgrx; return true;
    case FORMAT_A8R8G8B8_UNORM: out = PixelFormat::Argb; return true;
    case FORMAT_X8R8G8B8_UNORM: out = PixelFormat::Xrgb; return true;
    case FORMAT_R8G8B8A8_UNORM: out = PixelFormat::Rgba; return true;
    case FORMAT_X8B8G8R8_UNORM: out = PixelFormat::Xbgr; return true;
    case FORMAT_A8B8G8R8_UNORM: out = PixelFormat::Abgr; return true;
    case FORMAT_R8G8B8X8_UNORM: out = PixelFormat::Rgbx; return true;
    }
    return false;
}

uint32_t to_argb(const uint8_t* p, PixelFormat fmt) {
    auto argb = [](uint32_t a, uint32_t r, uint32_t g, uint32_t b) { return a << 24 | r << 16 | g << 8 | b; };
    switch (fmt) {
    case PixelFormat::Bgra: return argb(p[3], p[2], p[1], p[0]);
    case PixelFormat::Bgrx: return argb(0xff, p[2], p[1], p[0]);
    case PixelFormat::Argb: return argb(p[0], p[1], p[2], p[3]);
    case PixelFormat::Xrgb: return argb(0xff, p[1], p[2], p[3]);
    case PixelFormat::Rgba: return argb(p[3], p[0], p[1], p[2]);
    case PixelFormat::Rgbx: return argb(0xff, p[0], p[1], p[2]);
    case PixelFormat::Abgr: return argb(p[0], p[3], p[2], p[1]);
    case PixelFormat::Xbgr: return argb(0xff, p[3], p[2], p[1]);
    }
    return 0;
}

void Resource::gather(uint64_t off, uint8_t* dst, size_t n) const {
    // The last entry starting at or before off.
    auto it = std::upper_bound(backing.begin(), backing.end(), off,
                               [](uint64_t o, const BackingEntry& e) { return o < e.start; });
    size_t i = size_t(it - backing.begin()) - 1;
    while (n > 0 && i < backing.size()) {
        const BackingEntry& e = backing[i];
        uint64_t in = off - e.start;
        size_t take = size_t(std::min<uint64_t>(n, e.len - in));
        memcpy(dst, e.host + in, take);
        dst += take, off += take, n -= take;
        i++;
    }
}

uint64_t ResourceTable::cost(const Resource& r) const {
    return uint64_t(r.pixels.size()) + r.backing_charge + kResourceOverhead;
}

bool ResourceTable::charge(uint64_t bytes) {
    if (bytes > max_hostmem_ - used_) return false;
    used_ += bytes;
    return true;
}

Resource* ResourceTable::find(uint32_t id) {
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
}

uint32_t ResourceTable::create(uint32_t id, uint32_t format, uint32_t width, uint32_t height) {
    if (id == 0 || map_.count(id)) {
        GUEST_ERROR("virtio-gpu: RESOURCE_CREATE_2D: resource id %u is %s\n", id, id ? "in use" : "reserved");
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    PixelFormat pf;
    if (!pixel_format_of(format, pf)) {
        GUEST_ERROR("virtio-gpu: RESOURCE_CREATE_2D: unknown format %u\n", format);
        return RESP_ERR_INVALID_PARAMETER;
    }
    if (width == 0 || height == 0) {
        GUEST_ERROR("virtio-gpu: RESOURCE_CREATE_2D: empty %ux%u resource\n", width, height);
        return RESP_ERR_INVALID_PARAMETER;
    }
    uint64_t count = uint64_t(width) * height;  // < 2^64; times 4 only once it is known small
    uint64_t bytes = count * kBytesPerPixel;
    if (count > max_hostmem_ / kBytesPerPixel || !charge(bytes + kResourceOverhead)) {
        GUEST_ERROR("virtio-gpu: RESOURCE_CREATE_2D: %ux%u does not fit in the %llu MiB budget\n", width, height,
                    (unsigned long long)(max_hostmem_ >> 20));
        return RESP_ERR_OUT_OF_MEMORY;
    }
    try {
        Resource r;
        r.id = id, r.format = format, r.width = width, r.height = height, r.pf = pf;
        r.pixels.assign(size_t(bytes), 0);
        map_.emplace(id, std::move(r));
    } catch (const std::bad_alloc&) {
        used_ -= bytes + kResourceOverhead;
        return RESP_ERR_OUT_OF_MEMORY;
    }
    return RESP_OK_NODATA;
}

uint32_t ResourceTable::unref(uint32_t id) {
    auto it = map_.find(id);
    if (it == map_.end()) {
        GUEST_ERROR("virtio-gpu: RESOURCE_UNREF: no resource %u\n", id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    used_ -= cost(it->second);
    map_.erase(it);
    return RESP_OK_NODATA;
}

uint32_t ResourceTable::attach_backing(uint32_t id, const MemEntry* entries, uint32_t n, const GuestMemory& mem) {
    Resource* r = find(id);
    if (!r) {
        GUEST_ERROR("virtio-gpu: ATTACH_BACKING: no resource %u\n", id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (r->has_backing) {
        GUEST_ERROR("virtio-gpu: ATTACH_BACKING: resource %u already has backing\n", id);
        return RESP_ERR_UNSPEC;
    }
    if (n == 0 || n > kMaxBackingEntries) {
        GUEST_ERROR("virtio-gpu: ATTACH_BACKING: %u entries (1 to %u)\n", n, kMaxBackingEntries);
        return RESP_ERR_INVALID_PARAMETER;
    }
    std::vector<BackingEntry> list;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t* host = mem.ram(entries[i].addr, entries[i].length);
        if (!host) {
            GUEST_ERROR("virtio-gpu: ATTACH_BACKING: entry %u [0x%llx, +0x%x) is not guest RAM\n", i,
                        (unsigned long long)entries[i].addr, entries[i].length);
            return RESP_ERR_INVALID_PARAMETER;
        }
        list.push_back({total, entries[i].addr, entries[i].length, host});
        total += entries[i].length;
    }
    uint64_t extra = list.capacity() * sizeof(BackingEntry);
    if (!charge(extra)) {
        GUEST_ERROR("virtio-gpu: ATTACH_BACKING: %u entries do not fit in the budget\n", n);
        return RESP_ERR_OUT_OF_MEMORY;
    }
    r->backing = std::move(list);
    r->backing_charge = extra;
    r->backing_bytes = total;
    r->has_backing = true;
    return RESP_OK_NODATA;
}

uint32_t ResourceTable::detach_backing(uint32_t id) {
    Resource* r = find(id);
    if (!r) {
        GUEST_ERROR("virtio-gpu: DETACH_BACKING: no resource %u\n", id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!r->has_backing) {
        GUEST_ERROR("virtio-gpu: DETACH_BACKING: resource %u has no backing\n", id);
        return RESP_ERR_UNSPEC;
    }
    used_ -= r->backing_charge;
    std::vector<BackingEntry>().swap(r->backing);  // give the memory back, not just the entries
    r->backing_charge = r->backing_bytes = 0;
    r->has_backing = false;
    return RESP_OK_NODATA;
}

uint32_t ResourceTable::transfer_to_host(uint32_t id, const WireRect& rect, uint64_t offset) {
    Resource* r = find(id);
    if (!r) {
        GUEST_ERROR("virtio-gpu: TRANSFER_TO_HOST_2D: no resource %u\n", id);
        return RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!r->has_backing) {
        GUEST_ERROR("virtio-gpu: TRANSFER_TO_HOST_2D: resource %u has no backing\n", id);
        return RESP_ERR_UNSPEC;
    }
    if (!rect_inside(rect, r->width, r->height)) {
        GUEST_ERROR("virtio-gpu: TRANSFER_TO_HOST_2D: %ux%u+%u+%u is outside resource %u (%ux%u)\n", rect.width,
                    rect.height, rect.x, rect.y, id, r->width, r->height);
        return RESP_ERR_INVALID_PARAMETER;
    }
    if (rect.width == 0 || rect.height == 0) return RESP_OK_NODATA;
    const uint64_t stride = r->stride(), row = uint64_t(rect.width) * kBytesPerPixel;
    // The last row ends at offset + stride * (h - 1) + row: inside the backing? (stride * h is
    // at most the resource's size, so only offset can overflow.)
    uint64_t span = stride * (rect.height - 1) + row;
    if (offset > r->backing_bytes || span > r->backing_bytes - offset) {
        GUEST_ERROR("virtio-gpu: TRANSFER_TO_HOST_2D: offset 0x%llx + 0x%llx bytes runs past the %llu-byte backing\n",
                    (unsigned long long)offset, (unsigned long long)span, (unsigned long long)r->backing_bytes);
        return RESP_ERR_INVALID_PARAMETER;
    }
    uint8_t* dst = r->pixels.data() + size_t(rect.y) * stride + size_t(rect.x) * kBytesPerPixel;
    if (rect.x == 0 && rect.width == r->width) {
        r->gather(offset, dst, size_t(span));  // whole rows: one run
    } else {
        for (uint32_t y = 0; y < rect.height; y++) r->gather(offset + stride * y, dst + stride * y, size_t(row));
    }
    return RESP_OK_NODATA;
}

void ResourceTable::clear() {
    map_.clear();
    used_ = 0;
}

}  // namespace tessera::virtio_gpu
