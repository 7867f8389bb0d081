// A set of page addresses in one flat table (open addressing, linear probing): the executor
// adds a page at every jump-cache miss and empties the set at every TLB flush, hundreds of
// thousands of times in a Linux boot; a node-based set allocated and freed a node each time.
#pragma once
#include <cstdint>
#include <vector>

namespace tessera {

class PageSet {
public:
    PageSet() : slots_(kMinSlots, kEmpty) {}
    void insert(uint64_t page) {
        if (2 * (used_ + 1) > slots_.size()) grow();
        size_t i = find_slot(page);
        if (slots_[i] == kEmpty) {
            slots_[i] = page;
            used_++;
        }
    }
    // True if page was in the set.
    bool erase(uint64_t page) {
        size_t i = find_slot(page);
        if (slots_[i] == kEmpty) return false;
        // Backward-shift deletion: later entries of the run move up into the hole when their
        // home slot allows, so lookups never meet a hole inside a run.
        const size_t mask = slots_.size() - 1;
        for (size_t j = (i + 1) & mask; slots_[j] != kEmpty; j = (j + 1) & mask) {
            size_t home = hash(slots_[j]) & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                slots_[i] = slots_[j];
                i = j;
            }
        }
        slots_[i] = kEmpty;
        used_--;
        return true;
    }
    void clear() {
        if (used_) std::fill(slots_.begin(), slots_.end(), kEmpty);
        used_ = 0;
    }
    size_t size() const { return used_; }

private:
    static constexpr uint64_t kEmpty = ~0ull;  // never a page address (pages are aligned)
    static constexpr size_t kMinSlots = 1024;
    static uint64_t hash(uint64_t page) { return (page >> 12) * 0x9E3779B97F4A7C15ull >> 20; }
    size_t find_slot(uint64_t page) const {
        const size_t mask = slots_.size() - 1;
        size_t i = hash(page) & mask;
        while (slots_[i] != kEmpty && slots_[i] != page) i = (i + 1) & mask;
        return i;
    }
    void grow() {
        std::vector<uint64_t> old(slots_.size() * 2, kEmpty);
        old.swap(slots_);
        used_ = 0;
        for (uint64_t p : old)
            if (p != kEmpty) insert(p);
    }
    std::vector<uint64_t> slots_;
    size_t used_ = 0;
};

}  // namespace tessera
