// The block table: TbKey -> TB*, open addressing with linear probing in one flat array.
// Every lookup that misses the vCPU's jump cache lands here (a kernel's code is larger than
// the jump cache, and context switches clear parts of it), so a probe costs one or two cache
// lines, not a node chase and a division as std::unordered_map's. Erase shifts the entries
// after it back (no tombstones), so probe runs stay short however many blocks come and go.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "backends/exec/tb.h"

namespace tessera {

class TbTable {
public:
    TB* find(const TbKey& k) const {
        if (size_ == 0) return nullptr;
        for (size_t i = home(k);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (!s.tb) return nullptr;
            if (s.matches(k)) return s.tb;
        }
    }
    // t replaces any block with the same key.
    void insert(TB* t);
    // Removes t if it is the block stored under its key.
    void erase(TB* t);
    void clear();
    size_t size() const { return size_; }

private:
    // The key's words beside the pointer: a probe past blocks of other modes at the same pc
    // (FP fast path on and off, EL0 and EL1) reads no block. The rare extra word is the block's.
    struct Slot {
        uint64_t phys_pc = 0, pc = 0, flags = 0;
        TB* tb = nullptr;  // null: empty
        bool matches(const TbKey& k) const {
            return phys_pc == k.phys_pc && pc == k.pc && flags == k.mode.flags && tb->key.mode.extra == k.mode.extra;
        }
    };
    static uint64_t hash(const TbKey& k) {
        uint64_t h = k.phys_pc * 0x9e3779b97f4a7c15ull ^ k.pc ^ k.mode.flags * 0xc2b2ae3d27d4eb4full ^ k.mode.extra;
        h ^= h >> 29;
        h *= 0xbf58476d1ce4e5b9ull;
        return h ^ (h >> 32);
    }
    size_t home(const TbKey& k) const { return size_t(hash(k)) & mask_; }
    void grow();

    std::vector<Slot> slots_;
    size_t mask_ = 0, size_ = 0;
};

}  // namespace tessera
