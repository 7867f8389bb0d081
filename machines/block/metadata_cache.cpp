#include "machines/block/metadata_cache.h"

#include <algorithm>

namespace tessera::block {

MetadataCache::MetadataCache(size_t table_bytes, size_t capacity)
    : table_bytes_(table_bytes), capacity_(std::clamp<size_t>(capacity, 2, UINT32_MAX - 1)) {}

MetadataCache::Slot* MetadataCache::slot_of(uint64_t offset) {
    if (last_ < slots_.size() && slots_[last_].used && slots_[last_].offset == offset) return &slots_[last_];
    auto it = index_.find(offset);
    if (it == index_.end()) return nullptr;
    last_ = it->second;
    return &slots_[it->second];
}

void MetadataCache::unlink(uint32_t i) {
    Slot& s = slots_[i];
    if (s.prev != kNone) slots_[s.prev].next = s.next;
    else head_ = s.next;
    if (s.next != kNone) slots_[s.next].prev = s.prev;
    else tail_ = s.prev;
    s.prev = s.next = kNone;
}

void MetadataCache::push_front(uint32_t i) {
    Slot& s = slots_[i];
    s.prev = kNone;
    s.next = head_;
    if (head_ != kNone) slots_[head_].prev = i;
    head_ = i;
    if (tail_ == kNone) tail_ = i;
}

void MetadataCache::touch(uint32_t i) {
    if (head_ == i) return;
    unlink(i);
    push_front(i);
}

uint8_t* MetadataCache::find(uint64_t offset) {
    Slot* s = slot_of(offset);
    if (!s) return nullptr;
    touch(uint32_t(s - slots_.data()));
    return s->data.get();
}

uint8_t* MetadataCache::insert(uint64_t offset) {
    if (uint8_t* d = find(offset)) return d;
    uint32_t victim = kNone;
    if (!free_slots_.empty()) {
        victim = free_slots_.back();
        free_slots_.pop_back();
    } else if (slots_.size() < capacity_) {
        slots_.emplace_back();
        slots_.back().data = aligned_buffer(table_bytes_);
        victim = uint32_t(slots_.size() - 1);
    } else {
        // The least recently used clean table.
        for (uint32_t i = tail_; i != kNone; i = slots_[i].prev)
            if (!slots_[i].dirty) {
                victim = i;
                break;
            }
        if (victim == kNone) return nullptr;
        index_.erase(slots_[victim].offset);
        unlink(victim);
    }
    Slot& s = slots_[victim];
    s.offset = offset;
    s.used = true;
    s.dirty = false;
    index_[offset] = victim;
    push_front(victim);
    last_ = victim;
    return s.data.get();
}

void MetadataCache::mark_dirty(uint64_t offset, size_t lo, size_t hi) {
    Slot* s = slot_of(offset);
    if (!s) return;
    if (!s->dirty) {
        s->dirty = true;
        dirty_count_++;
        s->lo = lo;
        s->hi = hi;
    } else {
        s->lo = std::min(s->lo, lo);
        s->hi = std::max(s->hi, hi);
    }
}

std::vector<MetadataCache::Dirty> MetadataCache::dirty_tables() const {
    std::vector<Dirty> out;
    if (dirty_count_ == 0) return out;
    for (const Slot& s : slots_)
        if (s.used && s.dirty) out.push_back({s.offset, s.data.get(), s.lo, s.hi});
    std::sort(out.begin(), out.end(), [](const Dirty& a, const Dirty& b) { return a.offset < b.offset; });
    return out;
}

void MetadataCache::clean(uint64_t offset) {
    Slot* s = slot_of(offset);
    if (s && s->dirty) {
        s->dirty = false;
        dirty_count_--;
    }
}

void MetadataCache::drop(uint64_t offset) {
    Slot* s = slot_of(offset);
    if (!s) return;
    uint32_t i = uint32_t(s - slots_.data());
    if (s->dirty) dirty_count_--;
    s->dirty = false;
    s->used = false;
    index_.erase(offset);
    unlink(i);
    free_slots_.push_back(i);
}

}  // namespace tessera::block
