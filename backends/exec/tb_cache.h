// Blocks by (guest-physical pc, mode flags, extra mode word), indexed by physical page for invalidation.
#pragma once
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "backends/exec/tb.h"
#include "backends/exec/tb_table.h"

namespace tessera {

class TbCache {
public:
    TB* find(const TbKey& k) const { return map_.find(k); }
    TB* insert(std::unique_ptr<TB> tb);
    // Invalidate every block with code on this physical page. Blocks stay allocated
    // (a running block or a chain may still point at them) until flush().
    void invalidate_page(uint64_t page);
    // A guest write to [pa, pa + size) (one page): invalidate the blocks with code in those
    // bytes only, as kernels patch their own text (static keys, alternatives) a few bytes at a
    // time beside code that stays valid. True while valid blocks remain on the page. A page
    // whose writes keep missing its blocks (code beside busy data) is invalidated whole after
    // kMaxMisses of them, so it stops taking every write through the slow path.
    bool invalidate_range(uint64_t pa, uint64_t size);
    static constexpr uint32_t kMaxMisses = 64;
    // Called for each block as it is invalidated (lookup caches drop what points at it), then
    // once after the blocks were invalidated, before anything else can run them.
    std::function<void(TB*)> on_invalidate_block;
    std::function<void()> on_invalidate;
    // Links src's exit `slot` to dst (and dst's JIT code, if jit_too; dst's interpreter code
    // for the interpreter to follow, if interp_too and dst has no JIT code).
    static void link(TB* src, int slot, TB* dst, bool jit_too, bool interp_too);
    // dst just got JIT code: interpreted predecessors must stop running its interpreter code.
    static void unlink_interp(TB* dst);
    void flush();
    // Frees the code of blocks invalidated since the last call. Between blocks only.
    void reclaim_dead_code() {
        if (!dead_code_.empty()) drop_dead_code();
    }
    size_t size() const { return map_.size(); }
    uint64_t translated = 0, invalidated = 0;
    // Invalid blocks still allocated (freed by the next flush).
    uint64_t dead() const { return dead_; }
    // Bumped whenever blocks are invalidated, so per-vCPU lookup caches can drop stale entries.
    uint64_t generation = 0;

private:
    void drop_dead_code();
    TbTable map_;
    void invalidate(TB* t);
    struct PageBlocks {
        std::vector<TB*> blocks;
        uint32_t misses = 0;  // writes to the page that hit no block
    };
    std::unordered_map<uint64_t, PageBlocks> by_page_;
    std::vector<std::unique_ptr<TB>> all_;
    std::vector<TB*> dead_code_;  // invalidated, code not yet freed
    uint64_t dead_ = 0;
};

}  // namespace tessera
