#include "backends/exec/tb_cache.h"

#include "softmmu/address_space.h"
#include "backends/interp/interp.h"

namespace tessera {

void TB::drop_code() {
    if (jit_owner) jit_owner->release(compiled);
    jit_owner = nullptr;
    compiled = jit::CompiledBlock{};  // and its kept IR and assembly text
    jit_fn.store(nullptr, std::memory_order_relaxed);
    std::vector<std::pair<TB*, int>>().swap(incoming);
    for (unsigned s = 0; s < ir::kChainSlots; s++) {
        chain[s] = nullptr;
        jit_chain[s] = nullptr;
    }
    code.reset();
    ir = ir::Block{};
}

TB::~TB() {
    if (jit_owner) jit_owner->release(compiled);
}

TB* TbCache::insert(std::unique_ptr<TB> tb) {
    TB* t = tb.get();
    map_.insert(t);
    by_page_[t->key.phys_pc & PAGE_MASK].blocks.push_back(t);
    if (t->page2 != ~0ull) by_page_[t->page2].blocks.push_back(t);
    all_.push_back(std::move(tb));
    translated++;
    return t;
}

void TbCache::invalidate(TB* t) {
    t->valid = false;
    invalidated++;
    dead_++;
    dead_code_.push_back(t);
    map_.erase(t);
    if (on_invalidate_block) on_invalidate_block(t);
    for (auto [src, slot] : t->incoming) {
        if (src->chain[slot] == t) {
            src->chain[slot] = nullptr;
            src->jit_chain[slot] = nullptr;
            if (src->code) src->code->next[slot] = nullptr;
        }
    }
    t->incoming.clear();
}

void TbCache::invalidate_page(uint64_t page) {
    auto it = by_page_.find(page);
    if (it == by_page_.end()) return;
    for (TB* t : it->second.blocks)
        if (t->valid) invalidate(t);
    by_page_.erase(it);
    generation++;
    if (on_invalidate) on_invalidate();
}

bool TbCache::invalidate_range(uint64_t pa, uint64_t size) {
    const uint64_t page = pa & PAGE_MASK;
    auto it = by_page_.find(page);
    if (it == by_page_.end()) return false;
    PageBlocks& pb = it->second;
    bool hit = false;
    size_t kept = 0;
    for (TB* t : pb.blocks) {
        if (!t->valid) continue;
        // The block's bytes on this page: from its start, or (its second page) from the page's.
        uint64_t start = t->key.phys_pc, end = start + t->ir.guest_bytes;
        if ((start & PAGE_MASK) != page) {
            end = page + (end - ((start & PAGE_MASK) + PAGE_SIZE));
            start = page;
        }
        if (t->ir.guest_bytes == 0 || (start < pa + size && pa < end)) {
            invalidate(t);
            hit = true;
        } else {
            pb.blocks[kept++] = t;
        }
    }
    pb.blocks.resize(kept);
    if (!hit && ++pb.misses >= kMaxMisses) {
        invalidate_page(page);
        return false;
    }
    if (hit) {
        generation++;
        if (on_invalidate) on_invalidate();
    }
    if (pb.blocks.empty()) {
        by_page_.erase(it);
        return false;
    }
    return true;
}

void TbCache::link(TB* src, int slot, TB* dst, bool jit_too, bool interp_too) {
    if (src->chain[slot] != dst) {
        src->chain[slot] = dst;
        dst->incoming.push_back({src, slot});
    }
    if (jit_too) src->jit_chain[slot] = dst->jit_fn.load(std::memory_order_relaxed);
    if (interp_too && src->code && !dst->jit_fn.load(std::memory_order_relaxed)) src->code->next[slot] = dst->code.get();
}

void TbCache::unlink_interp(TB* dst) {
    for (auto [src, slot] : dst->incoming)
        if (src->chain[slot] == dst && src->code) src->code->next[slot] = nullptr;
}

void TbCache::drop_dead_code() {
    for (TB* t : dead_code_) t->drop_code();
    dead_code_.clear();
}

void TbCache::flush() {
    dead_code_.clear();
    map_.clear();
    by_page_.clear();
    all_.clear();
    dead_ = 0;
    generation++;
}

}  // namespace tessera
