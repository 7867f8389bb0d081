#include "softmmu/debug_points.h"

#include <algorithm>

#include "softmmu/vcpu.h"

namespace tessera {

bool DebugPoints::add_break(uint64_t pc) {
    if (has_break(pc)) return true;  // GDB may insert the same one twice
    breaks_.push_back(pc);
    return true;
}

bool DebugPoints::remove_break(uint64_t pc) {
    auto it = std::find(breaks_.begin(), breaks_.end(), pc);
    if (it == breaks_.end()) return false;
    breaks_.erase(it);
    return true;
}

bool DebugPoints::add_watch(uint64_t addr, uint64_t len, uint8_t access) {
    if (len == 0 || addr + len < addr) return false;
    watches_.push_back({addr, len, access});
    return true;
}

bool DebugPoints::remove_watch(uint64_t addr, uint64_t len, uint8_t access) {
    for (auto it = watches_.begin(); it != watches_.end(); ++it)
        if (it->addr == addr && it->len == len && it->access == access) {
            watches_.erase(it);
            return true;
        }
    return false;
}

bool DebugPoints::has_break(uint64_t pc) const { return std::find(breaks_.begin(), breaks_.end(), pc) != breaks_.end(); }

bool DebugPoints::page_watched(uint64_t page_va) const {
    for (const Watchpoint& w : watches_)
        if (w.addr <= page_va + PAGE_SIZE - 1 && page_va <= w.addr + (w.len - 1)) return true;
    return false;
}

const Watchpoint* DebugPoints::hit(uint64_t va, unsigned size, Access acc) const {
    uint8_t need = acc == Access::Store ? WATCH_WRITE : acc == Access::Load ? WATCH_READ : 0;
    for (const Watchpoint& w : watches_)
        if ((w.access & need) && w.addr <= va + (size - 1) && va <= w.addr + (w.len - 1)) return &w;
    return nullptr;
}

namespace {
uint64_t debug_break(void* env, uint64_t pc, uint64_t, uint64_t, uint64_t) {
    static_cast<Vcpu*>(env)->debug_break(pc);
    return 0;
}
}  // namespace

const ir::Helper h_debug_break{"debug_break", debug_break, ir::HF_READS_ENV | ir::HF_WRITES_ENV | ir::HF_MAY_RAISE};

}  // namespace tessera
