// The TLB slow path: fill, MMIO dispatch, code-page write tracking, misaligned access.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "softmmu/host_bytes.h"
#include "softmmu/vcpu.h"
#include "util/log.h"

namespace tessera {

void Vcpu::set_facts(const CpuFacts& f) {
    if (f.mmu_modes == 0 || f.mmu_modes > MAX_MMU_MODES || f.max_insn_bytes == 0 || f.max_insn_bytes > MAX_INSN_BYTES)
        throw std::logic_error("CpuFacts: mmu_modes or max_insn_bytes beyond MAX_MMU_MODES or MAX_INSN_BYTES");
    insn_align_bits = f.insn_align_bits;
    max_insn_bytes = f.max_insn_bytes;
    mmu_modes = f.mmu_modes;
    tlb_flush();
}

// Modes at or above mmu_modes are never filled (tlb_fill refuses them): they stay as the
// constructor's flush of every mode left them.
void Vcpu::tlb_flush() {
    tlb_generation++;
    page_flushes = 0;
    for (unsigned m = 0; m < mmu_modes; m++)
        for (auto& e : tlb[m]) e = TlbEntry{TLB_INVALID, TLB_INVALID, TLB_INVALID, 0};
}

void Vcpu::switch_context(uint64_t lower, uint64_t upper) {
    pc_context[0] = lower;
    pc_context[1] = upper;
    for (unsigned m = 0; m < mmu_modes; m++)
        for (auto& e : tlb[m]) e = TlbEntry{TLB_INVALID, TLB_INVALID, TLB_INVALID, 0};
}

void Vcpu::tlb_flush_page(uint64_t va) {
    if (page_flushes < kPageFlushLog) page_flush_log[page_flushes++] = va & PAGE_MASK;
    else tlb_generation++;
    unsigned i = tlb_index(va);
    for (unsigned m = 0; m < mmu_modes; m++) tlb[m][i] = TlbEntry{TLB_INVALID, TLB_INVALID, TLB_INVALID, 0};
}

void Vcpu::tlb_protect_code(uint64_t page_pa) {
    for (unsigned m = 0; m < mmu_modes; m++)
        for (unsigned i = 0; i < TLB_SIZE; i++)
            if (tlb[m][i].tag_write != TLB_INVALID && tlb_page_pa[m][i] == page_pa) tlb[m][i].tag_write |= TLB_NOTDIRTY;
}

bool Vcpu::store_phys(uint64_t pa, unsigned size, uint64_t val) {
    if (effects) {
        uint64_t old = 0;
        if (!as.load(pa, size, &old)) return false;
        effects->entries.push_back({EffectLog::RamStore, uint8_t(size), pa, old, val});
    }
    return as.store(pa, size, val);
}

void Vcpu::refuse_access(uint64_t va, uint64_t pa, Access acc, const char* why) {
    static const char* const kind[] = {"load", "store", "instruction fetch"};
    if (!quiet_faults) {
        Region* r = as.find(pa);
        GUEST_ERROR("%s at 0x%llx (physical 0x%llx%s%s) refused: %s\n", kind[unsigned(acc)], (unsigned long long)va,
                    (unsigned long long)pa, r ? ", " : "", r ? r->name.c_str() : "", why);
    }
    raise_bus_fault(va, acc);
}

bool Vcpu::tlb_fill(uint64_t va, Access acc, unsigned idx) {
    if (idx >= mmu_modes) throw std::logic_error("tlb_fill: mmu index beyond the CPU's mmu_modes");
    tlb_misses++;
    if (acc != Access::Fetch) data_tlb_misses++;
    if (effects) effects->tlb_fills.push_back({idx, tlb_index(va)});
    Translation t;
    if (!translate(va, acc, idx, &t)) return false;
    uint64_t page_va = va & PAGE_MASK, page_pa = t.pa & PAGE_MASK;
    Region* r = as.find(page_pa);
    if (!r) {
        refuse_access(va, t.pa, acc, "nothing is mapped there");
        return false;
    }
    TlbEntry& e = tlb[idx][tlb_index(va)];
    e = TlbEntry{TLB_INVALID, TLB_INVALID, TLB_INVALID, 0};
    tlb_page_pa[idx][tlb_index(va)] = page_pa;
    // A page only partly covered by a region is treated like MMIO so every access is checked.
    bool whole = r->contains(page_pa) && r->contains(page_pa + PAGE_SIZE - 1);
    uint64_t flags = (r->dev || !whole) ? TLB_MMIO : 0;
    // Watched pages: loads and stores of them come to the slow path (fetches do not).
    uint64_t dbg = (!debug.empty() && debug.page_watched(page_va)) || guest_watch_page(page_va) ? TLB_DEBUG : 0;
    if (t.read) e.tag_read = page_va | flags | dbg;
    if (t.write) {
        uint64_t wflags = flags | dbg;
        if (r->kind == RegionKind::Rom) wflags |= TLB_MMIO;  // ROM writes are logged, not done
        else if (!flags && as.is_code(page_pa)) wflags |= TLB_NOTDIRTY;
        if (watch_writes) wflags |= TLB_WATCH;
        e.tag_write = page_va | wflags;
    }
    if (t.exec) e.tag_code = page_va | flags;
    e.addend = r->host ? uintptr_t(r->host + (page_pa - r->base)) - page_va : 0;
    return true;
}

const EffectLog::Entry* EffectLog::next_replayed() {
    while (replay && cursor < replay->size()) {
        const Entry& e = (*replay)[cursor++];
        if (e.kind != RamStore) return &e;
    }
    return nullptr;
}

uint64_t Vcpu::nondet(uint64_t v) {
    if (!effects) return v;
    if (effects->mode == EffectLog::Replay) {
        const EffectLog::Entry* e = effects->next_replayed();
        if (!e || e->kind != EffectLog::Nondet) {
            if (effects->mismatch.empty()) effects->mismatch = "second executor read a clock the first did not";
            return v;
        }
        effects->entries.push_back(*e);
        return e->val;
    }
    effects->entries.push_back({EffectLog::Nondet, 8, 0, 0, v});
    return v;
}

// Device access under lockstep: the first executor performs and records it, the second
// gets the recorded result and must make the same access.
static bool logged_mmio(Vcpu& c, uint64_t pa, unsigned size, Access acc, uint64_t* val) {
    EffectLog& log = *c.effects;
    EffectLog::Kind kind = acc == Access::Store ? EffectLog::MmioWrite : EffectLog::MmioRead;
    if (log.mode == EffectLog::Record) {
        bool ok = acc == Access::Store ? c.as.store(pa, size, *val) : c.as.load(pa, size, val);
        log.entries.push_back({kind, uint8_t(size), pa, ok, *val, c.device_lines()});
        return ok;
    }
    const EffectLog::Entry* e = log.next_replayed();
    char buf[160];
    if (!e || e->kind != kind || e->addr != pa || e->size != size || (kind == EffectLog::MmioWrite && e->val != *val)) {
        snprintf(buf, sizeof buf, "device %s at 0x%llx size %u value 0x%llx differs from the first executor's",
                 kind == EffectLog::MmioWrite ? "write" : "read", (unsigned long long)pa, size, (unsigned long long)*val);
        if (log.mismatch.empty()) log.mismatch = buf;
        return acc == Access::Store ? true : (*val = 0, true);
    }
    log.entries.push_back(*e);
    if (kind == EffectLog::MmioRead) *val = e->val;
    c.set_device_lines(e->lines_after);
    return e->old_val != 0;
}

// One access that stays inside a page: look up (filling if needed), then RAM or device.
static bool access_one(Vcpu& c, uint64_t va, unsigned size, unsigned idx, Access acc, uint64_t* val) {
    unsigned i = Vcpu::tlb_index(va);
    TlbEntry* e = &c.tlb[idx][i];
    uint64_t tag = acc == Access::Store ? e->tag_write : e->tag_read;
    if ((tag & PAGE_MASK) != (va & PAGE_MASK) || tag == TLB_INVALID) {
        if (!c.tlb_fill(va, acc, idx)) return false;
        tag = acc == Access::Store ? e->tag_write : e->tag_read;
        if (tag == TLB_INVALID) return false;  // unreachable: translate() grants or faults
    }
    if ((tag & TLB_DEBUG) && c.watch_hit(va, size, acc)) return false;
    uint64_t pa = c.tlb_page_pa[idx][i] | (va & ~PAGE_MASK);
    if (tag & TLB_MMIO) {
        bool ok;
        if (c.effects) {
            ok = logged_mmio(c, pa, size, acc, val);
        } else {
            ok = acc == Access::Store ? c.as.store(pa, size, *val) : c.as.load(pa, size, val);
        }
        if (!ok) {
            c.refuse_access(va, pa, acc, "nothing is mapped there");
            return false;
        }
        return true;
    }
    uint8_t* host = reinterpret_cast<uint8_t*>(va + e->addend);
    if (acc == Access::Store) {
        if (tag & TLB_NOTDIRTY) {
            Region* r = c.as.find(pa);
            if (!c.as.notify_write(*r, pa, size)) e->tag_write &= ~TLB_NOTDIRTY;
        }
        if (c.effects) {
            uint64_t old = host_load(host, size);
            c.effects->entries.push_back({EffectLog::RamStore, uint8_t(size), pa, old, *val});
        }
        host_store(host, size, *val);
    } else {
        *val = host_load(host, size);
    }
    return true;
}

void Vcpu::debug_break(uint64_t pc) {
    if (!debug_stepping && debug.has_break(pc)) {
        debug_exit = DebugExit::Breakpoint;
        exception_pending = true;
    } else {
        guest_break_hit(pc);  // raises the ISA's breakpoint exception
    }
}

bool Vcpu::watch_hit(uint64_t va, unsigned size, Access acc) {
    if (!debug_stepping) {
        if (const Watchpoint* w = debug.hit(va, size, acc)) {
            debug_exit = DebugExit::Watchpoint;
            debug_watch_addr = std::max(va, w->addr);
            debug_watch_access = acc == Access::Store ? WATCH_WRITE : WATCH_READ;
            exception_pending = true;
            return true;
        }
    }
    return guest_watch_hit(va, size, acc);
}

bool Vcpu::probe_store(uint64_t va, unsigned idx) {
    TlbEntry& e = tlb[idx][tlb_index(va)];
    if ((e.tag_write & PAGE_MASK) == (va & PAGE_MASK) && e.tag_write != TLB_INVALID) return true;
    return tlb_fill(va, Access::Store, idx);
}

uint64_t Vcpu::load_slow(uint64_t va, unsigned size, unsigned idx) {
    if (idx & SLOW_ALIGNED) {
        idx &= ~SLOW_ALIGNED;
        if (va & (size - 1)) {
            raise_misaligned(va, Access::Load);
            return 0;
        }
    }
    uint64_t v = 0;
    if ((va & ~PAGE_MASK) + size <= PAGE_SIZE) {
        access_one(*this, va, size, idx, Access::Load, &v);
        return v;
    }
    // Crosses a page: byte by byte, translating both pages before anything is returned.
    for (unsigned b = 0; b < size; b++) {
        uint64_t byte = 0;
        if (!access_one(*this, va + b, 1, idx, Access::Load, &byte)) return 0;
        v |= byte << (8 * b);
    }
    return v;
}

void Vcpu::store_slow(uint64_t va, unsigned size, uint64_t val, unsigned idx) {
    if (idx & SLOW_ALIGNED) {
        idx &= ~SLOW_ALIGNED;
        if (va & (size - 1)) {
            raise_misaligned(va, Access::Store);
            return;
        }
    }
    if ((va & ~PAGE_MASK) + size <= PAGE_SIZE) {
        access_one(*this, va, size, idx, Access::Store, &val);
        return;
    }
    // Probe both pages first so a fault on the second leaves memory untouched (precise).
    uint64_t second = (va + size - 1) & PAGE_MASK;  // the fault names the second page's first byte
    for (uint64_t probe : {va, second}) {
        TlbEntry& e = tlb[idx][tlb_index(probe)];
        if ((e.tag_write & PAGE_MASK) != (probe & PAGE_MASK) || e.tag_write == TLB_INVALID)
            if (!tlb_fill(probe, Access::Store, idx)) return;
    }
    for (unsigned b = 0; b < size; b++) {
        uint64_t byte = (val >> (8 * b)) & 0xff;
        if (!access_one(*this, va + b, 1, idx, Access::Store, &byte)) return;
    }
}

bool Vcpu::code_phys(uint64_t va, unsigned idx, uint64_t* pa) {
    unsigned i = tlb_index(va);
    TlbEntry& e = tlb[idx][i];
    if ((e.tag_code & PAGE_MASK) != (va & PAGE_MASK) || e.tag_code == TLB_INVALID) {
        if (!tlb_fill(va, Access::Fetch, idx)) return false;
    }
    *pa = tlb_page_pa[idx][i] | (va & ~PAGE_MASK);
    return true;
}

bool Vcpu::code_phys_ahead(uint64_t va, unsigned idx, uint64_t* pa) {
    const TlbEntry& e = tlb[idx][tlb_index(va)];
    bool hit = (e.tag_code & PAGE_MASK) == (va & PAGE_MASK) && e.tag_code != TLB_INVALID;
    if (!hit && fetch_walks_page_tables(idx)) return false;
    bool was_pending = exception_pending;
    if (code_phys(va, idx, pa)) return true;
    exception_pending = was_pending;  // a fault here is for code that may never run
    return false;
}

const uint8_t* Vcpu::code_ptr(uint64_t va, unsigned idx, unsigned len) {
    uint64_t pa;
    if (!code_phys(va, idx, &pa)) return nullptr;
    Region* r = as.find(pa);
    // Executing from a device is not supported; the bytes must lie wholly in RAM or ROM
    // (a region may end inside a page).
    if (!r || !r->host || r->size - (pa - r->base) < len) {
        refuse_access(va, pa, Access::Fetch, r && r->dev ? "code cannot run from a device" : "nothing is mapped there");
        return nullptr;
    }
    return r->host + (pa - r->base);
}

}  // namespace tessera
