#include "softmmu/guest_memory.h"

#include <algorithm>
#include <cstring>

namespace tessera {

// Walks the table itself rather than AddressSpace::find, whose one-entry cache is written
// on every lookup and so belongs to the vCPU thread.
Region* GuestMemory::region(uint64_t pa, uint64_t len) const {
    if (len == 0) return nullptr;
    for (const auto& r : as_.regions()) {
        if (r->kind != RegionKind::Ram || !r->contains(pa)) continue;
        return len <= r->size - (pa - r->base) ? r.get() : nullptr;
    }
    return nullptr;
}

uint8_t* GuestMemory::ram(uint64_t pa, uint64_t len) const {
    Region* r = region(pa, len);
    return r ? r->host + (pa - r->base) : nullptr;
}

bool GuestMemory::read(uint64_t pa, void* dst, uint64_t len) const {
    if (len == 0) return true;
    const uint8_t* p = ram(pa, len);
    if (!p) return false;
    memcpy(dst, p, len);
    return true;
}

bool GuestMemory::write(uint64_t pa, const void* src, uint64_t len) {
    if (len == 0) return true;
    Region* r = region(pa, len);
    if (!r) return false;
    written(pa, len);
    memcpy(r->host + (pa - r->base), src, len);
    return true;
}

void GuestMemory::written(uint64_t pa, uint64_t len) {
    Region* r = region(pa, len);
    if (!r) return;
    // notify_write takes a 32-bit size: whole ranges go in pieces.
    while (len) {
        uint64_t chunk = std::min<uint64_t>(len, 1u << 30);
        as_.notify_write(*r, pa, unsigned(chunk));
        pa += chunk;
        len -= chunk;
    }
}

}  // namespace tessera
