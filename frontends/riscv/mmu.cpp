// Sv39/Sv48 page-table walk with hardware A/D updates, and PMP checks.
#include <cinttypes>

#include "frontends/riscv/cpu.h"
#include "util/log.h"

namespace tessera::riscv {

namespace {
enum Pte : uint64_t { V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128 };

uint64_t page_fault_cause(Access acc) {
    static const uint64_t cause[] = {EXC_LOAD_PAGE, EXC_STORE_PAGE, EXC_INSN_PAGE};
    return cause[unsigned(acc)];
}
}  // namespace

bool RiscvCpu::pmp_allows(uint64_t pa, uint64_t len, Access acc, unsigned p) const {
    uint64_t prev_top = 0;
    for (unsigned i = 0; i < 16; i++) {
        uint8_t cfg = pmpcfg[i];
        unsigned mode = (cfg >> 3) & 3;
        uint64_t lo = 0, hi = 0;  // [lo, hi)
        uint64_t addr = pmpaddr[i];
        if (mode == 1) {  // TOR
            lo = prev_top;
            hi = addr << 2;
        } else if (mode == 2) {  // NA4
            lo = addr << 2;
            hi = lo + 4;
        } else if (mode == 3) {  // NAPOT
            unsigned ones = unsigned(__builtin_ctzll(~addr));
            uint64_t size = ones >= 61 ? ~0ull : (8ull << ones);
            lo = (addr << 2) & ~(size - 1);
            hi = lo + size;
        }
        prev_top = addr << 2;
        if (!mode) continue;
        bool any = pa < hi && pa + len > lo;
        if (!any) continue;
        bool all = pa >= lo && pa + len <= hi;
        if (!all) return false;  // partial match fails the access
        if (p == PRV_M && !(cfg & 0x80)) return true;
        bool ok = acc == Access::Load ? (cfg & 1) : acc == Access::Store ? (cfg & 2) : (cfg & 4);
        return ok;
    }
    return p == PRV_M;  // no match: M allowed, S/U denied (16 entries are implemented)
}

bool RiscvCpu::translate(uint64_t va, Access acc, unsigned idx, Translation* out) { return walk(va, acc, idx, out, false); }

// probe: the debugger's look (no exception, no A/D bits written; a page the hardware would
// mark accessed or dirty first translates as it will once marked).
bool RiscvCpu::walk(uint64_t va, Access acc, unsigned idx, Translation* out, bool probe) {
    auto bus_fault = [&] {
        if (!probe) raise_bus_fault(va, acc);
    };
    unsigned p = idx;
    uint64_t mode = satp >> 60;
    if (p == PRV_M || mode == 0) {
        // PMP is checked for the whole page, since the TLB caches the answer page-wide.
        uint64_t page = va & PAGE_MASK;
        if (!pmp_allows(page, PAGE_SIZE, acc, p) && !pmp_allows(va, 1, acc, p)) {
            bus_fault();
            return false;
        }
        out->pa = va;
        out->read = pmp_allows(page, PAGE_SIZE, Access::Load, p);
        out->write = pmp_allows(page, PAGE_SIZE, Access::Store, p);
        out->exec = pmp_allows(page, PAGE_SIZE, Access::Fetch, p);
        if (!pmp_allows(page, PAGE_SIZE, acc, p)) {  // only a sub-page range allows it: no caching
            out->read = acc == Access::Load;
            out->write = acc == Access::Store;
            out->exec = acc == Access::Fetch;
        }
        return true;
    }
    unsigned levels = mode == 8 ? 3 : 4;
    unsigned va_bits = 12 + 9 * levels;
    // The address must be sign-extended from its top translated bit.
    int64_t top = int64_t(va) >> (va_bits - 1);
    if (top != 0 && top != -1) {
        if (!probe) raise(page_fault_cause(acc), va);
        return false;
    }
    uint64_t table = (satp & ((1ull << 44) - 1)) << 12;
    bool sum = mstatus_ & mstatus::SUM, mxr = mstatus_ & mstatus::MXR;
    for (int level = int(levels) - 1; level >= 0; level--) {
        uint64_t vpn = (va >> (12 + 9 * level)) & 0x1ff;
        uint64_t pte_addr = table + vpn * 8;
        uint64_t pte;
        if (!pmp_allows(pte_addr, 8, Access::Load, PRV_S) || !as.load(pte_addr, 8, &pte)) {
            bus_fault();
            return false;
        }
        if (!(pte & V) || (!(pte & R) && (pte & W)) || (pte >> 54)) break;  // invalid or reserved bits
        if (!(pte & (R | X))) {  // pointer to the next level
            if (pte & (A | D | U)) break;
            table = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
            continue;
        }
        // Leaf: privilege, permission, alignment, then A/D.
        if (p == PRV_U && !(pte & U)) break;
        if (p == PRV_S && (pte & U) && (!sum || acc == Access::Fetch)) break;
        bool can_read = (pte & R) || (mxr && (pte & X));
        bool allowed = acc == Access::Load ? can_read : acc == Access::Store ? bool(pte & W) : bool(pte & X);
        if (!allowed) break;
        uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
        uint64_t span_pages = 1ull << (9 * level);
        if (ppn & (span_pages - 1)) break;  // misaligned superpage
        uint64_t need = A | (acc == Access::Store ? uint64_t(D) : 0);
        if ((pte & need) != need && !probe) {
            uint64_t npte = pte | need;
            if (!pmp_allows(pte_addr, 8, Access::Store, PRV_S) || !store_phys(pte_addr, 8, npte)) {
                bus_fault();
                return false;
            }
            pte = npte;
        }
        uint64_t pa = ((ppn | ((va >> 12) & (span_pages - 1))) << 12) | (va & ~PAGE_MASK);
        if (!pmp_allows(pa, 1, acc, p)) {
            bus_fault();
            return false;
        }
        uint64_t page = pa & PAGE_MASK;
        bool pmp_page = pmp_allows(page, PAGE_SIZE, acc, p);
        out->pa = pa;
        // Grant only what this access proved; a store must still set D on a clean page.
        out->read = can_read && (!(pte & U) || p == PRV_U || sum) && pmp_page && pmp_allows(page, PAGE_SIZE, Access::Load, p);
        if (p == PRV_S && (pte & U) && !sum) out->read = false;
        out->write = (pte & W) && (pte & D) && pmp_page && pmp_allows(page, PAGE_SIZE, Access::Store, p);
        out->exec = (pte & X) && !(p == PRV_S && (pte & U)) && pmp_page && pmp_allows(page, PAGE_SIZE, Access::Fetch, p);
        if (!pmp_page) {
            out->read = acc == Access::Load;
            out->write = acc == Access::Store;
            out->exec = acc == Access::Fetch;
        }
        TLOG(LOG_MMU, "mmu: va=0x%" PRIx64 " -> pa=0x%" PRIx64 " level=%d pte=0x%" PRIx64 "\n", va, pa, level, pte);
        return true;
    }
    TLOG(LOG_MMU, "mmu: page fault va=0x%" PRIx64 " access=%u priv=%u\n", va, unsigned(acc), p);
    if (!probe) raise(page_fault_cause(acc), va);
    return false;
}

}  // namespace tessera::riscv
