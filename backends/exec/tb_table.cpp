#include "backends/exec/tb_table.h"

namespace tessera {

void TbTable::insert(TB* t) {
    if ((size_ + 1) * 2 > slots_.size()) grow();  // at most half full: short probe runs
    const TbKey& k = t->key;
    for (size_t i = home(k);; i = (i + 1) & mask_) {
        Slot& s = slots_[i];
        if (!s.tb) {
            s = Slot{k.phys_pc, k.pc, k.mode.flags, t};
            size_++;
            return;
        }
        if (s.matches(k)) {
            s.tb = t;
            return;
        }
    }
}

void TbTable::erase(TB* t) {
    if (size_ == 0) return;
    size_t i = home(t->key);
    for (;; i = (i + 1) & mask_) {
        if (!slots_[i].tb) return;
        if (slots_[i].tb == t) break;
    }
    // Close the gap: an entry further along the run moves into it unless its home lies
    // cyclically after the gap (it would then be found before reaching the gap).
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
        Slot& s = slots_[j];
        if (!s.tb) break;
        size_t h = home(s.tb->key);
        bool home_in_gap_to_j = i <= j ? (i < h && h <= j) : (i < h || h <= j);
        if (home_in_gap_to_j) continue;
        slots_[i] = s;
        i = j;
    }
    slots_[i] = Slot{};
    size_--;
}

void TbTable::clear() {
    slots_.clear();
    mask_ = size_ = 0;
}

void TbTable::grow() {
    std::vector<Slot> old = std::move(slots_);
    size_t cap = old.empty() ? 4096 : old.size() * 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    size_ = 0;
    for (const Slot& s : old)
        if (s.tb) insert(s.tb);
}

}  // namespace tessera
