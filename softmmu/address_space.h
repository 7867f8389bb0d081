// Guest-physical memory map: RAM, ROM and MMIO regions, with code-page tracking for RAM.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "softmmu/device.h"

namespace tessera {

constexpr unsigned PAGE_BITS = 12;
constexpr uint64_t PAGE_SIZE = 1ull << PAGE_BITS;
constexpr uint64_t PAGE_MASK = ~(PAGE_SIZE - 1);

enum class RegionKind { Ram, Rom, Mmio };

struct Region {
    std::string name;
    RegionKind kind;
    uint64_t base, size;
    uint8_t* host = nullptr;  // RAM/ROM backing
    Device* dev = nullptr;    // MMIO
    std::vector<uint8_t> code_pages;  // RAM/ROM: 1 where translated code lives
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
    // page calls on_code_write(page) so translated blocks can be invalidated.
    void mark_code(uint64_t pa);
    bool is_code(uint64_t pa);
    std::function<void(uint64_t page)> on_code_write;
    // Called by mark_code so every vCPU can route writes to the page through the slow path.
    std::function<void(uint64_t page)> on_code_mark;
    // A write reached a code page (only the slow path can see this).
    void notify_write(Region& r, uint64_t pa, unsigned size);

    const std::vector<std::unique_ptr<Region>>& regions() const { return regions_; }

private:
    Region& add(std::unique_ptr<Region> r);
    std::vector<std::unique_ptr<Region>> regions_;
    Region* last_ = nullptr;
};

}  // namespace tessera
