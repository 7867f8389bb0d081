// Guest-physical memory map: RAM, ROM and MMIO regions, with code-page tracking for RAM.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "softmmu/device.h"

namespace tessera {

constexpr unsigned PAGE_BITS = 12;
constexpr uint64_t PAGE_SIZE = 1ull << PAGE_BITS;
constexpr uint64_t PAGE_MASK = ~(PAGE_SIZE - 1);

enum class RegionKind { Ram, Rom, Mmio };

// One byte per guest page, zero until set. Backed by anonymous memory that the host only
// allocates where a flag is written, so a 1 TiB guest costs nothing until it runs code.
class PageFlags {
public:
    PageFlags() = default;
    explicit PageFlags(uint64_t pages);
    ~PageFlags();
    PageFlags(const PageFlags&) = delete;
    PageFlags& operator=(const PageFlags&) = delete;
    PageFlags(PageFlags&& o) noexcept : flags_(o.flags_), n_(o.n_) { o.flags_ = nullptr, o.n_ = 0; }
    PageFlags& operator=(PageFlags&& o) noexcept {
        std::swap(flags_, o.flags_);
        std::swap(n_, o.n_);
        return *this;
    }
    uint64_t size() const { return n_; }
    // nullptr past the end: every index a guest address produced is checked here.
    uint8_t* at(uint64_t page) { return page < n_ ? flags_ + page : nullptr; }

private:
    uint8_t* flags_ = nullptr;
    uint64_t n_ = 0;
};

struct Region {
    std::string name;
    RegionKind kind;
    uint64_t base, size;
    uint8_t* host = nullptr;  // RAM/ROM backing
    Device* dev = nullptr;    // MMIO
    PageFlags code_pages;  // RAM/ROM, every page it touches: 1 where translated code lives
    bool contains(uint64_t pa) const { return pa - base < size; }
};

class AddressSpace {
public:
    AddressSpace();
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    Region& add_ram(const std::string& name, uint64_t base, uint64_t size);
    Region& add_rom(const std::string& name, uint64_t base, uint64_t size);
    Region& add_mmio(const std::string& name, uint64_t base, uint64_t size, Device* dev);

    Region* find(uint64_t pa) {
        if (last_ && last_->contains(pa)) return last_;
        for (auto& r : regions_)
            if (r->contains(pa)) return last_ = r.get();
        return nullptr;
    }
    // Host pointer for [pa, pa+len) if it lies entirely in one RAM/ROM region.
    uint8_t* host_ptr(uint64_t pa, uint64_t len);
    // Loader and DMA access (ROM writable here). Returns false if not entirely backed.
    bool write_phys(uint64_t pa, const void* src, uint64_t len);
    bool read_phys(uint64_t pa, void* dst, uint64_t len);

    // Physical accesses with device dispatch, as the CPU slow path makes them.
    // Returns false for an unbacked address (a bus error).
    bool load(uint64_t pa, unsigned size, uint64_t* val);
    bool store(uint64_t pa, unsigned size, uint64_t val);

    // Code tracking: set when a block is translated from a page; a write to such a
    // page calls on_code_write(pa, size) (the bytes written on that page) so translated
    // blocks there can be invalidated. It returns true while translated code stays on the
    // page (then the page stays tracked and writes to it keep coming), false to drop it.
    void mark_code(uint64_t pa);
    bool is_code(uint64_t pa);
    std::function<bool(uint64_t pa, uint64_t size)> on_code_write;
    // Called by mark_code so every vCPU can route writes to the page through the slow path.
    std::function<void(uint64_t page)> on_code_mark;
    // A write reached a code page (only the slow path can see this). True when a page it
    // touched still holds code (so the writer's TLB entry must stay write-protected).
    bool notify_write(Region& r, uint64_t pa, unsigned size);

    const std::vector<std::unique_ptr<Region>>& regions() const { return regions_; }

private:
    Region& add(std::unique_ptr<Region> r);
    // pa's entry in its region's code_pages, or nullptr (no region, MMIO, out of range).
    uint8_t* code_flag(uint64_t pa);
    std::vector<std::unique_ptr<Region>> regions_;
    Region* last_ = nullptr;
};

}  // namespace tessera
