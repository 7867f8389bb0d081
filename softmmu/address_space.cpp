#include "softmmu/address_space.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "softmmu/host_bytes.h"
#include "util/log.h"

namespace tessera {

PageFlags::PageFlags(uint64_t pages) : n_(pages) {
    if (!pages) return;
    void* p = mmap(nullptr, pages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("cannot allocate code-page flags for " + std::to_string(pages) + " pages");
    flags_ = static_cast<uint8_t*>(p);
}

PageFlags::~PageFlags() {
    if (flags_) munmap(flags_, n_);
}

AddressSpace::AddressSpace() = default;

AddressSpace::~AddressSpace() {
    for (auto& r : regions_)
        if (r->host) munmap(r->host, r->size);
}

Region& AddressSpace::add(std::unique_ptr<Region> r) {
    for (auto& o : regions_)
        if (r->base < o->base + o->size && o->base < r->base + r->size)
            throw std::runtime_error("region " + r->name + " overlaps " + o->name);
    regions_.push_back(std::move(r));
    return *regions_.back();
}

static uint8_t* map_zeroed(uint64_t size, const std::string& name) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("cannot allocate " + std::to_string(size >> 20) + " MiB for " + name);
    // Huge pages where the host allows them (as QEMU asks for guest RAM): fewer page
    // faults while a guest first touches its memory, fewer host TLB misses after.
    madvise(p, size, MADV_HUGEPAGE);
    return static_cast<uint8_t*>(p);
}

// One flag per page the region touches, its last partial page included.
static uint64_t pages_touched(uint64_t size) { return (size + PAGE_SIZE - 1) >> PAGE_BITS; }

Region& AddressSpace::add_ram(const std::string& name, uint64_t base, uint64_t size) {
    auto r = std::make_unique<Region>(Region{name, RegionKind::Ram, base, size, map_zeroed(size, name), nullptr, {}});
    r->code_pages = PageFlags(pages_touched(size));
    return add(std::move(r));
}

Region& AddressSpace::add_rom(const std::string& name, uint64_t base, uint64_t size) {
    auto r = std::make_unique<Region>(Region{name, RegionKind::Rom, base, size, map_zeroed(size, name), nullptr, {}});
    r->code_pages = PageFlags(pages_touched(size));
    return add(std::move(r));
}

Region& AddressSpace::add_mmio(const std::string& name, uint64_t base, uint64_t size, Device* dev) {
    return add(std::make_unique<Region>(Region{name, RegionKind::Mmio, base, size, nullptr, dev, {}}));
}

uint8_t* AddressSpace::host_ptr(uint64_t pa, uint64_t len) {
    Region* r = find(pa);
    if (!r || !r->host || len > r->size - (pa - r->base)) return nullptr;
    return r->host + (pa - r->base);
}

bool AddressSpace::write_phys(uint64_t pa, const void* src, uint64_t len) {
    uint8_t* p = host_ptr(pa, len);
    if (!p) return false;
    memcpy(p, src, len);
    return true;
}

bool AddressSpace::read_phys(uint64_t pa, void* dst, uint64_t len) {
    uint8_t* p = host_ptr(pa, len);
    if (!p) return false;
    memcpy(dst, p, len);
    return true;
}

bool AddressSpace::load(uint64_t pa, unsigned size, uint64_t* val) {
    Region* r = find(pa);
    if (!r || size > r->size - (pa - r->base)) return false;
    if (r->dev) {
        *val = r->dev->read(pa - r->base, size);
        return true;
    }
    *val = host_load(r->host + (pa - r->base), size);
    return true;
}

bool AddressSpace::store(uint64_t pa, unsigned size, uint64_t val) {
    Region* r = find(pa);
    if (!r || size > r->size - (pa - r->base)) return false;
    if (r->dev) {
        r->dev->write(pa - r->base, size, val);
        return true;
    }
    if (r->kind == RegionKind::Rom) {
        GUEST_ERROR("write of %u bytes to ROM at 0x%llx ignored\n", size, (unsigned long long)pa);
        return true;
    }
    notify_write(*r, pa, size);
    host_store(r->host + (pa - r->base), size, val);
    return true;
}

bool AddressSpace::notify_write(Region& r, uint64_t pa, unsigned size) {
    uint64_t first = (pa - r.base) >> PAGE_BITS, last = (pa + size - 1 - r.base) >> PAGE_BITS;
    bool still_code = false;
    for (uint64_t p = first; p <= last; p++) {
        uint8_t* c = r.code_pages.at(p);
        if (c && *c) {
            uint64_t page = r.base + (p << PAGE_BITS);
            uint64_t lo = std::max(pa, page), hi = std::min(pa + size, page + PAGE_SIZE);
            bool keep = on_code_write && on_code_write(lo, hi - lo);
            *c = keep ? 1 : 0;
            still_code |= keep;
        }
    }
    return still_code;
}

uint8_t* AddressSpace::code_flag(uint64_t pa) {
    Region* r = find(pa);
    if (!r) return nullptr;
    return r->code_pages.at((pa - r->base) >> PAGE_BITS);
}

void AddressSpace::mark_code(uint64_t pa) {
    uint8_t* c = code_flag(pa);
    if (c && !*c) {
        *c = 1;
        if (on_code_mark) on_code_mark(pa & PAGE_MASK);
    }
}

bool AddressSpace::is_code(uint64_t pa) {
    uint8_t* c = code_flag(pa);
    return c && *c;
}

}  // namespace tessera
