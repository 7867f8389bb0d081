// Small ids for the translation table bases an OS switches between (Vcpu::switch_context):
// the same bases get the same id while no full TLB flush happened in between, new bases a
// new id, never one used before (jump cache entries may still carry old ones).
#pragma once
#include <cstdint>
#include <map>
#include <utility>

namespace tessera {

class ContextIds {
public:
    // The id of (a, b); 0 when the table is full: the caller then flushes everything (a
    // full TLB flush bumps tlb_generation, which empties the jump cache) and calls reset().
    uint64_t id(uint64_t a, uint64_t b) {
        auto [it, added] = ids_.try_emplace({a, b}, next_);
        if (added) {
            if (ids_.size() > kMax) {
                ids_.erase(it);
                return 0;
            }
            next_++;
        }
        return it->second;
    }
    void reset() { ids_.clear(); }

private:
    static constexpr size_t kMax = 4096;
    std::map<std::pair<uint64_t, uint64_t>, uint64_t> ids_;
    uint64_t next_ = 1;
};

}  // namespace tessera
