// VMSAv8-64 stage 1 for the EL1&0 regime: 4K, 16K and 64K granules, TTBR0/TTBR1 by the
// address's top bits, hierarchical table attributes, AP/UXN/PXN and the access flag (no
// hardware update: a clear AF faults, as in Armv8.0). The TLB caches 4 KiB pages, so larger
// pages and blocks fill it page by page.
#include "frontends/aarch64/cpu.h"

#include <algorithm>

#include "util/log.h"

namespace tessera::aarch64 {

namespace {
// Fault status codes (DFSC/IFSC), plus the level.
constexpr uint32_t kTranslationFault = 0x04, kAccessFlagFault = 0x08, kPermissionFault = 0x0c;
constexpr uint64_t kOutputMask = 0x0000fffffffff000ull;  // 48-bit output addresses
}  // namespace

bool Aarch64Cpu::translate(uint64_t va, Access acc, unsigned idx, Translation* out) { return walk(va, acc, idx, out, false); }

bool Aarch64Cpu::walk(uint64_t va, Access acc, unsigned idx, Translation* out, bool probe) {
    auto fault = [&](uint32_t status) {
        walk_status = status;
        if (probe) return false;
        TLOG(LOG_MMU, "a64 walk fault va=0x%llx acc=%u el=%u status=0x%x ttbr0=0x%llx ttbr1=0x%llx tcr=0x%llx\n",
             (unsigned long long)va, unsigned(acc), idx, status, (unsigned long long)ttbr0_el1, (unsigned long long)ttbr1_el1,
             (unsigned long long)tcr_el1);
        bool lower = el == 0;  // the exception class follows the current EL (LDTR/STTR at EL1 included)
        uint32_t wnr = acc == Access::Store ? 1u << 6 : 0;
        if (acc == Access::Fetch) raise_abort(lower ? EC_IABT_LOWER : EC_IABT_CUR, status, va);
        else raise_abort(lower ? EC_DABT_LOWER : EC_DABT_CUR, status | wnr, va);
        return false;
    };
    if (!(sctlr_el1 & 1)) {  // MMU off: flat, everything allowed
        out->pa = va & PAGE_MASK;
        out->read = out->write = out->exec = true;
        return true;
    }
    // Which table: the top bits select TTBR0 (all zeros) or TTBR1 (all ones).
    bool upper = (va >> 63) & 1;
    unsigned tsz = unsigned(upper ? (tcr_el1 >> 16) & 63 : tcr_el1 & 63);
    bool epd = upper ? (tcr_el1 >> 23) & 1 : (tcr_el1 >> 7) & 1;
    unsigned tg = unsigned(upper ? (tcr_el1 >> 30) & 3 : (tcr_el1 >> 14) & 3);
    unsigned granule;  // log2 of the granule size
    if (upper) granule = tg == 1 ? 14 : tg == 3 ? 16 : 12;
    else granule = tg == 2 ? 14 : tg == 1 ? 16 : 12;
    if (tsz < 16) tsz = 16;  // 48-bit addresses at most
    if (tsz > 39) tsz = 39;
    unsigned input_bits = 64 - tsz;
    uint64_t top = input_bits == 64 ? 0 : va >> input_bits;
    if (top != (upper ? (~0ull >> input_bits) : 0) || epd) return fault(kTranslationFault + 0);
    unsigned stride = granule - 3;
    int level = 4 - int((input_bits - granule + stride - 1) / stride);
    uint64_t table = (upper ? ttbr1_el1 : ttbr0_el1) & kOutputMask & ~((1ull << 12) - 1);
    bool ap_no_el0 = false, ap_read_only = false, uxn = false, pxn = false;
    for (;; level++) {
        unsigned shift = granule + stride * unsigned(3 - level);
        unsigned bits = std::min(stride, input_bits - shift);
        uint64_t index = (va >> shift) & ((1ull << bits) - 1);
        uint64_t desc = 0;
        if (!as.load(table + index * 8, 8, &desc)) {
            walk_status = 0x14 + unsigned(level);  // synchronous external abort on the walk
            if (!probe) raise_bus_fault(va, acc);
            return false;
        }
        if (!(desc & 1)) {
            TLOG(LOG_MMU, "a64 walk: level %d table 0x%llx index %llu desc 0x%llx\n", level, (unsigned long long)table,
                 (unsigned long long)index, (unsigned long long)desc);
            return fault(kTranslationFault + unsigned(level));
        }
        bool is_table = level < 3 && (desc & 2);
        if (is_table) {
            ap_no_el0 |= (desc >> 61) & 1;
            ap_read_only |= (desc >> 62) & 1;
            uxn |= (desc >> 60) & 1;
            pxn |= (desc >> 59) & 1;
            table = desc & kOutputMask & ~((1ull << granule) - 1);
            continue;
        }
        // A block or a page. Blocks: 4K at levels 1 and 2, 16K and 64K at level 2.
        if (level == 3 ? !(desc & 2) : (granule == 12 ? level < 1 : level != 2)) return fault(kTranslationFault + unsigned(level));
        if (!(desc & (1u << 10))) return fault(kAccessFlagFault + unsigned(level));
        uint64_t offset_mask = (1ull << shift) - 1;
        uint64_t pa = (desc & kOutputMask & ~offset_mask) | (va & offset_mask);
        bool el0_access = ((desc >> 6) & 1) && !ap_no_el0;
        bool read_only = ((desc >> 7) & 1) || ap_read_only;
        uxn |= (desc >> 54) & 1;
        pxn |= (desc >> 53) & 1;
        bool el0_writable = el0_access && !read_only;
        bool wxn = (sctlr_el1 >> 19) & 1;
        if (idx == 0) {
            out->read = el0_access;
            out->write = el0_writable;
            out->exec = !uxn && !(wxn && el0_writable);
        } else {
            out->read = true;
            out->write = !read_only;
            // Memory EL0 may write is never executable at EL1.
            out->exec = !pxn && !el0_writable && !(wxn && !read_only);
        }
        bool ok = acc == Access::Load ? out->read : acc == Access::Store ? out->write : out->exec;
        if (!ok) return fault(kPermissionFault + unsigned(level));
        if (!probe && shift > 12) {
            tlb_large_lo = std::min(tlb_large_lo, va & ~offset_mask);
            tlb_large_hi = std::max(tlb_large_hi, va | offset_mask);
        }
        walk_attrs = ((mair_el1 >> (8 * ((desc >> 2) & 7))) & 0xff) << 56 | ((desc >> 8) & 3) << 7;
        out->pa = pa & PAGE_MASK;
        return true;
    }
}

}  // namespace tessera::aarch64
