#include "machines/devices/gicv2.h"

#include <stdexcept>

#include "util/log.h"

namespace tessera {

namespace {
// Distributor (IHI0048B table 4-1).
constexpr uint64_t kDCtlr = 0x000, kDTyper = 0x004, kDIidr = 0x008, kDBitsBase = 0x080,
                   kDIpriorityr = 0x400, kDItargetsr = 0x800, kDIcfgr = 0xc00, kDSgir = 0xf00,
                   kDCpendsgir = 0xf10, kDSpendsgir = 0xf20, kDId = 0xfd0;
// The one-bit-per-interrupt banks from 0x080, 0x80 bytes each, in this order.
enum BitsReg { kIgroupr, kIsenabler, kIcenabler, kIspendr, kIcpendr, kIsactiver, kIcactiver };
// CPU interface (IHI0048B table 4-2).
constexpr uint64_t kCCtlr = 0x00, kCPmr = 0x04, kCBpr = 0x08, kCIar = 0x0c, kCEoir = 0x10,
                   kCRpr = 0x14, kCHppir = 0x18, kCAbpr = 0x1c, kCAiar = 0x20, kCAeoir = 0x24,
                   kCAhppir = 0x28, kCApr0 = 0xd0, kCNsapr0 = 0xe0, kCIidr = 0xfc, kCDir = 0x1000;

// GICC_CTLR without the Security Extensions.
constexpr uint32_t kCtlrEnableGrp0 = 1u << 0, kCtlrEnableGrp1 = 1u << 1, kCtlrAckCtl = 1u << 2,
                   kCtlrFiqEn = 1u << 3, kCtlrCbpr = 1u << 4, kCtlrEoiModeS = 1u << 9,
                   kCtlrEoiModeNs = 1u << 10, kCtlrMask = 0x7ff;
// With 5 priority bits the group priority is at most bits [7:3]: BPR 2, ABPR 3 at least.
constexpr uint32_t kMinBpr = 7 - GicV2::kPrioBits;

constexpr uint32_t kDistIidr = 0x0200043b;  // GIC-400 as QEMU models it
constexpr uint32_t kCpuIidr = 0x0202043b;   // the same, architecture version 2

// ICPIDR4-7, ICPIDR0-3, ICCIDR0-3 (GIC-400: ArchRev 2 in ICPIDR2).
constexpr uint8_t kIdRegs[12] = {0x04, 0x00, 0x00, 0x00, 0x90, 0xb4,
                                 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

unsigned ctz(uint32_t v) { return static_cast<unsigned>(__builtin_ctz(v)); }
}  // namespace

void GicV2::Bits::set(unsigned cpu, unsigned id, bool on) {
    uint32_t m = 1u << (id % 32);
    if (on)
        word(cpu, id / 32) |= m;
    else
        word(cpu, id / 32) &= ~m;
}

void GicV2::Bits::clear_all() {
    banked.fill(0);
    for (auto& w : shared) w = 0;
}

GicV2::GicV2(unsigned num_cpus, unsigned num_irqs, std::vector<IrqLine> irq,
             std::vector<IrqLine> fiq, std::function<unsigned()> current_cpu)
    : num_cpus_(num_cpus),
      num_irqs_(num_irqs),
      irq_(std::move(irq)),
      fiq_(std::move(fiq)),
      current_cpu_(std::move(current_cpu)),
      dist_view_(this, false, -1),
      cpu_view_(this, true, -1) {
    if (num_cpus_ == 0 || num_cpus_ > kMaxCpus || num_irqs_ < 32 || num_irqs_ % 32 != 0 ||
        num_irqs_ > kMaxIrqs || irq_.size() != num_cpus_ ||
        (!fiq_.empty() && fiq_.size() != num_cpus_))
        throw std::invalid_argument("gicv2: bad configuration");
    for (unsigned c = 0; c < kMaxCpus; c++) {
        dist_views_[c] = View(this, false, static_cast<int>(c));
        cpu_views_[c] = View(this, true, static_cast<int>(c));
    }
    for (Bits* b : {&enabled_, &group_, &active_, &latch_, &edge_, &level_})
        b->shared.assign(num_irqs_ / 32, 0);
    prio_.assign(num_irqs_, 0);
    targets_.assign(num_irqs_, 0);
    reset();
}

void GicV2::reset() {
    dist_ctlr_ = 0;
    // Device lines keep their level across our reset (level_ is left alone).
    for (Bits* b : {&enabled_, &group_, &active_, &latch_, &edge_}) b->clear_all();
    for (unsigned c = 0; c < kMaxCpus; c++) {
        enabled_.banked[c] = 0xffff;  // SGIs are always enabled (as on QEMU)
        edge_.banked[c] = 0xffff;     // and always edge-triggered
        cpus_[c] = CpuIf{};
        cpus_[c].bpr = kMinBpr;
        cpus_[c].abpr = kMinBpr + 1;
    }
    for (auto& p : prio_) p = 0;
    for (auto& t : targets_) t = 0;
    update();
}

unsigned GicV2::cpu_of(int view_cpu) const {
    unsigned c = 0;
    if (view_cpu >= 0)
        c = static_cast<unsigned>(view_cpu);
    else if (current_cpu_)
        c = current_cpu_();
    return c < num_cpus_ ? c : 0;  // a board bug; never index past our CPUs
}

// Pending = the latch (edge, or set by software) or a level input that is high.
uint32_t GicV2::pending_word(unsigned cpu, unsigned w) const {
    uint32_t p = latch_.word(cpu, w) | (level_.word(cpu, w) & ~edge_.word(cpu, w));
    if (w == 0) {
        p &= 0xffff0000u;
        for (unsigned s = 0; s < 16; s++)
            if (cpus_[cpu].sgi_sources[s]) p |= 1u << s;
    }
    return p;
}

std::string GicV2::describe(unsigned cpu) const {
    cpu = cpu < num_cpus_ ? cpu : 0;
    auto ids = [&](auto word_of) {
        std::string out;
        for (unsigned w = 0; w * 32 < num_irqs_; w++)
            for (uint32_t bits = word_of(w); bits; bits &= bits - 1) out += " " + std::to_string(w * 32 + ctz(bits));
        return out.empty() ? std::string(" -") : out;
    };
    char head[128];
    snprintf(head, sizeof head, "gic: dist ctlr %u, cpu ctlr %u pmr 0x%x running 0x%x, irq out %d;", dist_ctlr_,
             cpus_[cpu].ctlr, cpus_[cpu].pmr, running_prio(cpu), int(out_irq_[cpu]));
    return std::string(head) + " high" + ids([&](unsigned w) { return level_.word(cpu, w); }) +
           "; pending" + ids([&](unsigned w) { return pending_word(cpu, w); }) +
           "; active" + ids([&](unsigned w) { return active_.word(cpu, w); }) +
           "; enabled" + ids([&](unsigned w) { return enabled_.word(cpu, w); });
}

// A uniprocessor GIC sends everything to its one CPU (ITARGETSR is RAZ/WI there).
bool GicV2::targets(unsigned cpu, unsigned id) const {
    return id < 32 || num_cpus_ == 1 || ((targets_[id] >> cpu) & 1);
}

// Group 1 uses ABPR unless CBPR; ABPR n splits at the same bit as BPR n-1.
uint8_t GicV2::group_prio(unsigned cpu, unsigned id) const {
    const CpuIf& c = cpus_[cpu];
    unsigned shift = (group_.test(cpu, id) && !(c.ctlr & kCtlrCbpr)) ? c.abpr : c.bpr + 1;
    return static_cast<uint8_t>(prio(cpu, id) & (0xffu << shift));
}

uint32_t GicV2::running_prio(unsigned cpu) const {
    uint32_t act = cpus_[cpu].apr | cpus_[cpu].nsapr;
    return act ? ctz(act) << (8 - kPrioBits) : 0xff;
}

// The highest-priority (then lowest-ID) interrupt pending, enabled, inactive and forwarded
// to this CPU in a group both the distributor and the CPU interface enable; kSpurious if none.
unsigned GicV2::best_pending(unsigned cpu, unsigned* source) const {
    const CpuIf& c = cpus_[cpu];
    bool g0 = (dist_ctlr_ & 1) && (c.ctlr & kCtlrEnableGrp0);
    bool g1 = (dist_ctlr_ & 2) && (c.ctlr & kCtlrEnableGrp1);
    if (!g0 && !g1)
        return kSpurious;
    unsigned best = kSpurious, best_prio = 0x100;
    for (unsigned w = 0; w < num_irqs_ / 32; w++) {
        uint32_t grp = group_.word(cpu, w);
        uint32_t cand = pending_word(cpu, w) & enabled_.word(cpu, w) & ~active_.word(cpu, w) &
                        ((g0 ? ~grp : 0) | (g1 ? grp : 0));
        for (; cand; cand &= cand - 1) {
            unsigned id = w * 32 + ctz(cand);
            if (targets(cpu, id) && prio(cpu, id) < best_prio) {
                best = id;
                best_prio = prio(cpu, id);
            }
        }
    }
    if (best < 16 && source)
        *source = ctz(c.sgi_sources[best]);  // lowest-numbered requesting CPU first
    return best;
}

// Above the priority mask, and preempting whatever is active.
bool GicV2::can_signal(unsigned cpu, unsigned id) const {
    return prio(cpu, id) < cpus_[cpu].pmr && group_prio(cpu, id) < running_prio(cpu);
}

void GicV2::update() {
    for (unsigned c = 0; c < num_cpus_; c++) {
        bool irq = false, fiq = false;
        unsigned id = best_pending(c, nullptr);
        if (id != kSpurious && can_signal(c, id)) {
            // Group 0 may be signalled as FIQ; group 1 is always IRQ.
            if (!group_.test(c, id) && (cpus_[c].ctlr & kCtlrFiqEn))
                fiq = true;
            else
                irq = true;
        }
        if (irq != out_irq_[c]) {
            out_irq_[c] = irq;
            irq_[c].set(irq);
        }
        if (fiq != out_fiq_[c]) {
            out_fiq_[c] = fiq;
            if (!fiq_.empty()) fiq_[c].set(fiq);
        }
    }
}

// IAR (alias = false) or AIAR (alias = true: the group 1 view).
uint32_t GicV2::acknowledge(unsigned cpu, bool alias) {
    CpuIf& c = cpus_[cpu];
    unsigned src = 0;
    unsigned id = best_pending(cpu, &src);
    if (id == kSpurious || !can_signal(cpu, id))
        return kSpurious;
    bool g1 = group_.test(cpu, id);
    if (alias && !g1)
        return kSpurious;
    if (!alias && g1 && !(c.ctlr & kCtlrAckCtl))
        return kSpuriousGroup1;
    // Pending -> active (or active and pending, while a level input stays high or another
    // CPU's SGI waits). Acknowledging also clears a software-set latch on a level interrupt.
    if (id < 16)
        c.sgi_sources[id] &= static_cast<uint8_t>(~(1u << src));
    else
        latch_.set(cpu, id, false);
    active_.set(cpu, id, true);
    (g1 ? c.nsapr : c.apr) |= 1u << (group_prio(cpu, id) >> (8 - kPrioBits));
    update();
    return id < 16 ? id | (src << 10) : id;
}

uint32_t GicV2::highest_pending(unsigned cpu, bool alias) const {
    unsigned src = 0;
    unsigned id = best_pending(cpu, &src);
    if (id == kSpurious)
        return kSpurious;
    bool g1 = group_.test(cpu, id);
    if (alias && !g1)
        return kSpurious;
    if (!alias && g1 && !(cpus_[cpu].ctlr & kCtlrAckCtl))
        return kSpuriousGroup1;
    return id < 16 ? id | (src << 10) : id;
}

// EOIR / AEOIR: drop the running priority, and deactivate unless EOImode splits the two
// (then the guest writes DIR).
void GicV2::end_of_interrupt(unsigned cpu, uint32_t value, bool alias) {
    unsigned id = value & 0x3ff;
    if (id >= kMaxIrqs)
        return;  // 1020..1023: no effect
    if (!valid(id)) {
        GUEST_ERROR("gicv2: EOI of nonexistent interrupt %u\n", id);
        return;
    }
    CpuIf& c = cpus_[cpu];
    uint32_t act = c.apr | c.nsapr;
    if (act) {
        uint32_t highest = act & (~act + 1);
        c.apr &= ~highest;
        c.nsapr &= ~highest;
    } else {
        GUEST_ERROR("gicv2: EOI of interrupt %u with none active\n", id);
    }
    if (!(c.ctlr & (alias ? kCtlrEoiModeNs : kCtlrEoiModeS)))
        active_.set(cpu, id, false);
    update();
}

void GicV2::deactivate(unsigned cpu, uint32_t value) {
    unsigned id = value & 0x3ff;
    if (id >= kMaxIrqs)
        return;
    if (!valid(id)) {
        GUEST_ERROR("gicv2: deactivation of nonexistent interrupt %u\n", id);
        return;
    }
    active_.set(cpu, id, false);
    update();
}

void GicV2::set_line(unsigned cpu, unsigned id, bool level) {
    bool was = level_.test(cpu, id);
    level_.set(cpu, id, level);
    if (level && !was && edge_.test(cpu, id))
        latch_.set(cpu, id, true);  // a rising edge latches; the line may drop again
    update();
}

void GicV2::set_irq(unsigned line, bool level) {
    if (line >= 32 && line < num_irqs_) {
        set_line(0, line, level);  // SPI state is shared; the CPU index does not matter
    } else if (line >= kPpiLineBase) {
        unsigned rel = line - kPpiLineBase;
        set_ppi(rel / 32, rel % 32, level);
    }
    // Anything else is a wiring bug in the board: nothing to raise.
}

void GicV2::set_ppi(unsigned cpu, unsigned id, bool level) {
    if (cpu < num_cpus_ && id >= 16 && id < 32)
        set_line(cpu, id, level);
}

void GicV2::send_sgi(unsigned cpu, uint32_t value) {
    unsigned sgi = value & 0xf;
    uint32_t all = (1u << num_cpus_) - 1;
    uint32_t list;
    switch ((value >> 24) & 3) {
        case 0: list = (value >> 16) & all; break;
        case 1: list = all & ~(1u << cpu); break;
        case 2: list = 1u << cpu; break;
        default: GUEST_ERROR("gicv2: SGIR with reserved target filter\n"); return;
    }
    for (unsigned t = 0; t < num_cpus_; t++)
        if (list & (1u << t)) cpus_[t].sgi_sources[sgi] |= static_cast<uint8_t>(1u << cpu);
    update();
}

// --- Distributor -----------------------------------------------------------------------

uint32_t GicV2::dist_read_bits(unsigned cpu, uint64_t offset) {
    unsigned reg = static_cast<unsigned>((offset - kDBitsBase) / 0x80);
    unsigned w = static_cast<unsigned>((offset & 0x7f) / 4);
    if (w >= num_irqs_ / 32)
        return 0;  // beyond ITLinesNumber: RAZ
    switch (reg) {
        case kIgroupr: return group_.word(cpu, w);
        case kIsenabler:
        case kIcenabler: return enabled_.word(cpu, w);
        case kIspendr:
        case kIcpendr: return pending_word(cpu, w);
        default: return active_.word(cpu, w);
    }
}

void GicV2::dist_write_bits(unsigned cpu, uint64_t offset, uint32_t v) {
    unsigned reg = static_cast<unsigned>((offset - kDBitsBase) / 0x80);
    unsigned w = static_cast<unsigned>((offset & 0x7f) / 4);
    if (w >= num_irqs_ / 32)
        return;  // WI
    // SGI pending state has its own registers (CPENDSGIR/SPENDSGIR); SGIs stay enabled.
    uint32_t sgi_keep = w == 0 ? 0xffffu : 0;
    switch (reg) {
        case kIgroupr: group_.word(cpu, w) = v; break;
        case kIsenabler: enabled_.word(cpu, w) |= v; break;
        case kIcenabler: enabled_.word(cpu, w) &= ~(v & ~sgi_keep); break;
        case kIspendr: latch_.word(cpu, w) |= v & ~sgi_keep; break;
        case kIcpendr: latch_.word(cpu, w) &= ~(v & ~sgi_keep); break;
        case kIsactiver: active_.word(cpu, w) |= v; break;
        default: active_.word(cpu, w) &= ~v; break;
    }
    update();
}

uint8_t GicV2::dist_read_byte(unsigned cpu, uint64_t offset) {
    if (offset >= kDCpendsgir) {  // CPENDSGIR and SPENDSGIR read the same state
        return cpus_[cpu].sgi_sources[(offset - kDCpendsgir) % 16];
    }
    if (offset >= kDItargetsr) {
        unsigned id = static_cast<unsigned>(offset - kDItargetsr);
        if (!valid(id) || num_cpus_ == 1)
            return 0;
        return id < 32 ? static_cast<uint8_t>(1u << cpu) : targets_[id];
    }
    unsigned id = static_cast<unsigned>(offset - kDIpriorityr);
    return valid(id) ? prio(cpu, id) : 0;
}

void GicV2::dist_write_byte(unsigned cpu, uint64_t offset, uint8_t v) {
    if (offset >= kDSpendsgir) {
        uint8_t cpus = static_cast<uint8_t>((1u << num_cpus_) - 1);
        cpus_[cpu].sgi_sources[offset - kDSpendsgir] |= v & cpus;
    } else if (offset >= kDCpendsgir) {
        cpus_[cpu].sgi_sources[offset - kDCpendsgir] &= static_cast<uint8_t>(~v);
    } else if (offset >= kDItargetsr) {
        unsigned id = static_cast<unsigned>(offset - kDItargetsr);
        // SGI and PPI targets are read-only; a uniprocessor GIC has none to set.
        if (valid(id) && id >= 32 && num_cpus_ > 1)
            targets_[id] = static_cast<uint8_t>(v & ((1u << num_cpus_) - 1));
    } else {
        unsigned id = static_cast<unsigned>(offset - kDIpriorityr);
        if (valid(id))
            prio(cpu, id) = v & kPrioMask;
    }
}

uint64_t GicV2::dist_read(unsigned cpu, uint64_t offset, unsigned size) {
    bool bytes = (offset >= kDIpriorityr && offset < kDIcfgr) ||
                 (offset >= kDCpendsgir && offset < kDSpendsgir + 16);
    if (offset >= kDistSize || (size != 4 && !(size == 1 && bytes)) || (offset & (size - 1))) {
        GUEST_ERROR("gicv2: bad %u-byte distributor read at 0x%llx\n", size,
                    (unsigned long long)offset);
        return 0;
    }
    if (bytes) {
        uint32_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= uint32_t{dist_read_byte(cpu, offset + i)} << (8 * i);
        return v;
    }
    if (offset == kDCtlr)
        return dist_ctlr_;
    if (offset == kDTyper)  // ITLinesNumber, CPUNumber; no Security Extensions
        return (num_irqs_ / 32 - 1) | ((num_cpus_ - 1) << 5);
    if (offset == kDIidr)
        return kDistIidr;
    if (offset >= kDBitsBase && offset < kDIpriorityr)
        return dist_read_bits(cpu, offset);
    if (offset >= kDIcfgr && offset < kDIcfgr + 0x100) {
        unsigned first = static_cast<unsigned>(offset - kDIcfgr) * 4;  // 16 IDs per word
        uint32_t v = 0;
        for (unsigned i = 0; i < 16 && valid(first + i); i++)
            if (edge_.test(cpu, first + i)) v |= 2u << (2 * i);
        return v;
    }
    if (offset >= kDId)
        return kIdRegs[(offset - kDId) / 4];
    GUEST_ERROR("gicv2: read of %s distributor offset 0x%llx\n",
                offset == kDSgir ? "write-only" : "reserved", (unsigned long long)offset);
    return 0;
}

void GicV2::dist_write(unsigned cpu, uint64_t offset, unsigned size, uint32_t value) {
    bool bytes = (offset >= kDIpriorityr && offset < kDIcfgr) ||
                 (offset >= kDCpendsgir && offset < kDSpendsgir + 16);
    if (offset >= kDistSize || (size != 4 && !(size == 1 && bytes)) || (offset & (size - 1))) {
        GUEST_ERROR("gicv2: bad %u-byte distributor write at 0x%llx\n", size,
                    (unsigned long long)offset);
        return;
    }
    if (bytes) {
        for (unsigned i = 0; i < size; i++)
            dist_write_byte(cpu, offset + i, static_cast<uint8_t>(value >> (8 * i)));
        update();
        return;
    }
    if (offset == kDCtlr) {
        dist_ctlr_ = value & 3;  // EnableGrp0, EnableGrp1
        update();
    } else if (offset >= kDBitsBase && offset < kDIpriorityr) {
        dist_write_bits(cpu, offset, value);
    } else if (offset >= kDIcfgr && offset < kDIcfgr + 0x100) {
        unsigned first = static_cast<unsigned>(offset - kDIcfgr) * 4;
        if (first < 16)
            return;  // SGIs are edge-triggered, read-only
        for (unsigned i = 0; i < 16 && valid(first + i); i++)
            edge_.set(cpu, first + i, (value >> (2 * i + 1)) & 1);
        update();
    } else if (offset == kDSgir) {
        send_sgi(cpu, value);
    } else {
        GUEST_ERROR("gicv2: write 0x%x to %s distributor offset 0x%llx\n", value,
                    (offset == kDTyper || offset == kDIidr || offset >= kDId) ? "read-only"
                                                                               : "reserved",
                    (unsigned long long)offset);
    }
}

// --- CPU interface ---------------------------------------------------------------------

uint32_t GicV2::cpu_read(unsigned cpu, uint64_t offset) {
    CpuIf& c = cpus_[cpu];
    switch (offset) {
        case kCCtlr: return c.ctlr;
        case kCPmr: return c.pmr;
        case kCBpr: return c.bpr;
        case kCIar: return acknowledge(cpu, false);
        case kCRpr: return running_prio(cpu);
        case kCHppir: return highest_pending(cpu, false);
        case kCAbpr: return c.abpr;
        case kCAiar: return acknowledge(cpu, true);
        case kCAhppir: return highest_pending(cpu, true);
        case kCApr0: return c.apr;
        case kCNsapr0: return c.nsapr;
        case kCApr0 + 4: case kCApr0 + 8: case kCApr0 + 12:
        case kCNsapr0 + 4: case kCNsapr0 + 8: case kCNsapr0 + 12:
            return 0;  // 32 preemption levels fit in the first register
        case kCIidr: return kCpuIidr;
    }
    GUEST_ERROR("gicv2: read of %s CPU interface offset 0x%llx\n",
                (offset == kCEoir || offset == kCAeoir || offset == kCDir) ? "write-only"
                                                                           : "reserved",
                (unsigned long long)offset);
    return 0;
}

void GicV2::cpu_write(unsigned cpu, uint64_t offset, uint32_t v) {
    CpuIf& c = cpus_[cpu];
    switch (offset) {
        case kCCtlr: c.ctlr = v & kCtlrMask; break;
        case kCPmr: c.pmr = v & kPrioMask; break;
        // A binary point below the minimum sets the minimum.
        case kCBpr: c.bpr = (v & 7) < kMinBpr ? kMinBpr : (v & 7); break;
        case kCAbpr: c.abpr = (v & 7) < kMinBpr + 1 ? kMinBpr + 1 : (v & 7); break;
        case kCEoir: end_of_interrupt(cpu, v, false); return;
        case kCAeoir: end_of_interrupt(cpu, v, true); return;
        case kCDir: deactivate(cpu, v); return;
        case kCApr0: c.apr = v; break;  // save/restore only, as the spec allows
        case kCNsapr0: c.nsapr = v; break;
        case kCApr0 + 4: case kCApr0 + 8: case kCApr0 + 12:
        case kCNsapr0 + 4: case kCNsapr0 + 8: case kCNsapr0 + 12:
            return;
        default:
            GUEST_ERROR("gicv2: write 0x%x to %s CPU interface offset 0x%llx\n", v,
                        (offset == kCIar || offset == kCRpr || offset == kCHppir ||
                         offset == kCAiar || offset == kCAhppir || offset == kCIidr)
                            ? "read-only"
                            : "reserved",
                        (unsigned long long)offset);
            return;
    }
    update();
}

// --- Views -----------------------------------------------------------------------------

uint64_t GicV2::View::read(uint64_t offset, unsigned size) {
    unsigned cpu = gic_->cpu_of(cpu_);
    if (!cpu_if_)
        return gic_->dist_read(cpu, offset, size);
    if (offset >= kCpuSize || size != 4 || (offset & 3)) {
        GUEST_ERROR("gicv2: bad %u-byte CPU interface read at 0x%llx\n", size,
                    (unsigned long long)offset);
        return 0;
    }
    return gic_->cpu_read(cpu, offset);
}

void GicV2::View::write(uint64_t offset, unsigned size, uint64_t value) {
    unsigned cpu = gic_->cpu_of(cpu_);
    if (!cpu_if_) {
        gic_->dist_write(cpu, offset, size, static_cast<uint32_t>(value));
        return;
    }
    if (offset >= kCpuSize || size != 4 || (offset & 3)) {
        GUEST_ERROR("gicv2: bad %u-byte CPU interface write at 0x%llx\n", size,
                    (unsigned long long)offset);
        return;
    }
    gic_->cpu_write(cpu, offset, static_cast<uint32_t>(value));
}

}  // namespace tessera
