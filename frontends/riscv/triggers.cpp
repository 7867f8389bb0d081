// Debug triggers (Sdtrig) as QEMU's virt offers them: two triggers of type 2 (mcontrol)
// selected through tselect, matching on execute, load or store addresses in the chosen
// privilege modes and raising a breakpoint exception before the instruction or access.
// Execute triggers are breakpoints checked when code is translated; load and store
// triggers are watchpoints checked in the softmmu slow path (softmmu/debug_points.h).
#include "frontends/riscv/cpu.h"

namespace tessera::riscv {

namespace {
enum : uint32_t { CSR_TSELECT = 0x7a0, CSR_TDATA1 = 0x7a1, CSR_TDATA2 = 0x7a2, CSR_TDATA3 = 0x7a3, CSR_TINFO = 0x7a4 };

constexpr unsigned kTypeShift = 60;
constexpr uint64_t kTypeMcontrol = 2;
namespace mc {  // mcontrol fields (RV64)
constexpr uint64_t LOAD = 1, STORE = 2, EXECUTE = 4, U = 8, S = 16, M = 64;
constexpr unsigned MATCH_SHIFT = 7, ACTION_SHIFT = 12, SIZELO_SHIFT = 16, SIZEHI_SHIFT = 21;
constexpr uint64_t SELECT = 1ull << 19, DMODE = 1ull << 59;
// What a write keeps: the enables, privileges, match, action, size and select. dmode, chain,
// timing and hit read as 0 (no debug mode, no chains, always before).
constexpr uint64_t WRITABLE = LOAD | STORE | EXECUTE | U | S | M | 0xfull << MATCH_SHIFT | 0xfull << ACTION_SHIFT |
                              3ull << SIZELO_SHIFT | 3ull << SIZEHI_SHIFT | SELECT;
}  // namespace mc

uint64_t type_of(uint64_t tdata1) { return tdata1 >> kTypeShift; }

// Bytes an access must touch to match: the size field (0 = any, taken as 8 as QEMU does).
uint64_t match_len(uint64_t t1) {
    static const uint64_t kBytes[] = {8, 1, 2, 4, 6, 8, 10, 12, 14, 16, 8, 8, 8, 8, 8, 8};
    unsigned size = unsigned((t1 >> mc::SIZELO_SHIFT) & 3) | unsigned((t1 >> mc::SIZEHI_SHIFT) & 3) << 2;
    return kBytes[size];
}

// Does [va, va+len) match trigger i's address condition?
bool address_matches(uint64_t t1, uint64_t t2, uint64_t va, uint64_t len) {
    switch ((t1 >> mc::MATCH_SHIFT) & 0xf) {
    case 0: {  // equal: the access overlaps [tdata2, tdata2 + size)
        uint64_t n = match_len(t1);
        return va <= t2 + (n - 1) && t2 <= va + (len - 1);
    }
    case 1: {  // NAPOT: tdata2's low ones give the range's size
        unsigned ones = unsigned(__builtin_ctzll(~t2));
        uint64_t mask = ones >= 63 ? 0 : ~((2ull << ones) - 1);
        return (va & mask) == (t2 & mask);
    }
    case 2: return va >= t2;  // greater or equal
    case 3: return va < t2;   // less than
    default: return false;    // mask matches need select=1 data: not implemented
    }
}
}  // namespace

// A trigger that can fire in privilege mode p with this kind of access (execute, load, store).
static bool armed(const RiscvCpu& c, unsigned i, uint64_t kind, unsigned p) {
    uint64_t t1 = c.tdata1[i];
    if (type_of(t1) != kTypeMcontrol || !(t1 & kind) || (t1 & mc::SELECT)) return false;
    if (((t1 >> mc::ACTION_SHIFT) & 0xf) != 0) return false;  // only "raise a breakpoint exception"
    uint64_t mode_bit = p == PRV_M ? mc::M : p == PRV_S ? mc::S : mc::U;
    return t1 & mode_bit;
}

// In M-mode a breakpoint exception would re-enter its own handler: without tcontrol, triggers
// fire there only while mstatus.MIE is set (the Sdtrig rule).
static bool may_fire_now(const RiscvCpu& c) { return c.priv != PRV_M || (c.mstatus_ & mstatus::MIE); }

bool RiscvCpu::trigger_csr_read(uint32_t csr, uint64_t* val) const {
    unsigned i = unsigned(tselect);
    switch (csr) {
    case CSR_TSELECT: *val = tselect; return true;
    case CSR_TDATA1: *val = tdata1[i]; return true;
    case CSR_TDATA2: *val = tdata2[i]; return true;
    case CSR_TDATA3: *val = 0; return true;
    case CSR_TINFO: *val = 1ull << kTypeMcontrol; return true;  // QEMU also offers type 6 (mcontrol6)
    }
    return false;
}

bool RiscvCpu::trigger_csr_write(uint32_t csr, uint64_t val) {
    unsigned i = unsigned(tselect);
    switch (csr) {
    case CSR_TSELECT:
        if (val < kTriggers) tselect = val;  // WARL: an absent trigger is not selectable
        return true;
    case CSR_TDATA1:
        // As on QEMU: a write naming a type this trigger cannot be is ignored; a trigger is
        // disarmed by writing type 2 with no enables.
        if (type_of(val) != kTypeMcontrol) return true;
        tdata1[i] = kTypeMcontrol << kTypeShift | (val & mc::WRITABLE);
        break;
    case CSR_TDATA2: tdata2[i] = val; break;
    case CSR_TDATA3: return true;  // no textra conditions: reads 0
    case CSR_TINFO: return true;   // read-only; writes ignored
    default: return false;
    }
    // What is translated or cached in the TLB may now stop at a trigger, or no longer.
    flush_code_requested = true;
    tlb_flush();
    return true;
}

bool RiscvCpu::guest_break_at(uint64_t pc, uint64_t flags) {
    for (unsigned i = 0; i < kTriggers; i++)
        if (armed(*this, i, mc::EXECUTE, unsigned(flags & tbf::PRIV_MASK)) && address_matches(tdata1[i], tdata2[i], pc, 2))
            return true;
    return false;
}

void RiscvCpu::guest_break_hit(uint64_t pc) {
    if (!may_fire_now(*this)) return;
    for (unsigned i = 0; i < kTriggers; i++)
        if (armed(*this, i, mc::EXECUTE, priv) && address_matches(tdata1[i], tdata2[i], pc, 2)) {
            raise(EXC_BREAKPOINT, pc);
            return;
        }
}

bool RiscvCpu::guest_watch_page(uint64_t page_va) {
    for (unsigned i = 0; i < kTriggers; i++) {
        uint64_t t1 = tdata1[i];
        if (type_of(t1) != kTypeMcontrol || !(t1 & (mc::LOAD | mc::STORE))) continue;
        // Any page an access could match on: equal ranges are checked exactly, the rest broadly.
        if (((t1 >> mc::MATCH_SHIFT) & 0xf) != 0) return true;
        uint64_t n = match_len(t1);
        if (page_va <= tdata2[i] + (n - 1) && tdata2[i] <= page_va + (PAGE_SIZE - 1)) return true;
    }
    return false;
}

bool RiscvCpu::guest_watch_hit(uint64_t va, unsigned size, Access acc) {
    if (acc == Access::Fetch || !may_fire_now(*this)) return false;
    uint64_t kind = acc == Access::Store ? mc::STORE : mc::LOAD;
    for (unsigned i = 0; i < kTriggers; i++)
        if (armed(*this, i, kind, priv) && address_matches(tdata1[i], tdata2[i], va, size)) {
            raise(EXC_BREAKPOINT, va);
            return true;
        }
    return false;
}

}  // namespace tessera::riscv
