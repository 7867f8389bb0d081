// System registers for MRS/MSR, by encoding (op0:op1:CRn:CRm:op2, the instruction's bits
// 20:5). The ID registers describe a Cortex-A57 with exactly what is implemented: AArch64 at
// EL0 and EL1 only, no EL2/EL3, no FP/AdvSIMD yet, CRC32, no PMU, 4K and 16K and 64K granules.
#include "frontends/aarch64/cpu.h"
#include "util/log.h"

namespace tessera::aarch64 {

namespace {
constexpr uint32_t sr(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
    return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}
enum : uint32_t {
    MIDR = sr(3, 0, 0, 0, 0), MPIDR = sr(3, 0, 0, 0, 5), REVIDR = sr(3, 0, 0, 0, 6),
    ID_AA64PFR0 = sr(3, 0, 0, 4, 0), ID_AA64PFR1 = sr(3, 0, 0, 4, 1), ID_AA64DFR0 = sr(3, 0, 0, 5, 0),
    ID_AA64DFR1 = sr(3, 0, 0, 5, 1), ID_AA64AFR0 = sr(3, 0, 0, 5, 4), ID_AA64AFR1 = sr(3, 0, 0, 5, 5),
    ID_AA64ISAR0 = sr(3, 0, 0, 6, 0), ID_AA64ISAR1 = sr(3, 0, 0, 6, 1), ID_AA64MMFR0 = sr(3, 0, 0, 7, 0),
    ID_AA64MMFR1 = sr(3, 0, 0, 7, 1), ID_AA64MMFR2 = sr(3, 0, 0, 7, 2),
    SCTLR = sr(3, 0, 1, 0, 0), CPACR = sr(3, 0, 1, 0, 2), TTBR0 = sr(3, 0, 2, 0, 0), TTBR1 = sr(3, 0, 2, 0, 1),
    TCR = sr(3, 0, 2, 0, 2), SPSR_EL1 = sr(3, 0, 4, 0, 0), ELR_EL1 = sr(3, 0, 4, 0, 1), SP_EL0 = sr(3, 0, 4, 1, 0),
    SPSEL = sr(3, 0, 4, 2, 0), CURRENTEL = sr(3, 0, 4, 2, 2), DAIF = sr(3, 3, 4, 2, 1), NZCV = sr(3, 3, 4, 2, 0),
    FPCR = sr(3, 3, 4, 4, 0), FPSR = sr(3, 3, 4, 4, 1), AFSR0 = sr(3, 0, 5, 1, 0), AFSR1 = sr(3, 0, 5, 1, 1),
    ESR = sr(3, 0, 5, 2, 0), FAR = sr(3, 0, 6, 0, 0), PAR = sr(3, 0, 7, 4, 0), MAIR = sr(3, 0, 10, 2, 0),
    AMAIR = sr(3, 0, 10, 3, 0), VBAR = sr(3, 0, 12, 0, 0), CONTEXTIDR = sr(3, 0, 13, 0, 1),
    TPIDR_EL1 = sr(3, 0, 13, 0, 4), TPIDR_EL0 = sr(3, 3, 13, 0, 2), TPIDRRO_EL0 = sr(3, 3, 13, 0, 3),
    CNTKCTL = sr(3, 0, 14, 1, 0), CNTFRQ = sr(3, 3, 14, 0, 0), CNTPCT = sr(3, 3, 14, 0, 1), CNTVCT = sr(3, 3, 14, 0, 2),
    CNTP_TVAL = sr(3, 3, 14, 2, 0), CNTP_CTL = sr(3, 3, 14, 2, 1), CNTP_CVAL = sr(3, 3, 14, 2, 2),
    CNTV_TVAL = sr(3, 3, 14, 3, 0), CNTV_CTL = sr(3, 3, 14, 3, 1), CNTV_CVAL = sr(3, 3, 14, 3, 2),
    CTR = sr(3, 3, 0, 0, 1), DCZID = sr(3, 3, 0, 0, 7), CLIDR = sr(3, 1, 0, 0, 1), CCSIDR = sr(3, 1, 0, 0, 0),
    CSSELR = sr(3, 2, 0, 0, 0), MDSCR = sr(2, 0, 0, 2, 2), OSLAR = sr(2, 0, 1, 0, 4), OSLSR = sr(2, 0, 1, 1, 4),
    OSDLR = sr(2, 0, 1, 3, 4), MDCCSR_EL0 = sr(2, 3, 0, 1, 0), MDRAR = sr(2, 0, 1, 0, 0),
    DBGBVR0 = sr(2, 0, 0, 0, 4), DBGBCR0 = sr(2, 0, 0, 0, 5), DBGWVR0 = sr(2, 0, 0, 0, 6), DBGWCR0 = sr(2, 0, 0, 0, 7),
    DBGCLAIMSET = sr(2, 0, 7, 8, 6), DBGCLAIMCLR = sr(2, 0, 7, 9, 6), DBGAUTHSTATUS = sr(2, 0, 7, 14, 6),
};
// The AArch32 ID registers (op0 3, op1 0, CRn 0, CRm 1-3) read as zero on a CPU without
// AArch32, as do the reserved ID slots.
bool is_aarch32_id(uint32_t enc) {
    unsigned crm = (enc >> 3) & 15;
    return (enc & ~uint32_t(0x7f)) == sr(3, 0, 0, 0, 0) && crm >= 1 && crm <= 7;
}
// Registers EL0 may read (with the SCTLR/CNTKCTL controls Linux enables).
bool el0_readable(uint32_t enc) {
    switch (enc) {
    case NZCV: case DAIF: case FPCR: case FPSR: case TPIDR_EL0: case TPIDRRO_EL0: case CTR: case DCZID:
    case CNTFRQ: case CNTVCT: return true;
    default: return false;
    }
}
uint64_t timer_ctl(uint64_t ctl, uint64_t cval, uint64_t now) {
    return (ctl & 3) | ((ctl & 1) && now >= cval ? 4 : 0);  // ISTATUS
}
}  // namespace

bool Aarch64Cpu::sysreg_read(uint32_t enc, uint64_t* out) {
    if (el == 0 && !el0_readable(enc)) return false;
    // The counter is host time: recorded and replayed (lockstep) like a device read.
    auto counter = [this] { return nondet(read_counter ? read_counter() : 0); };
    uint64_t now = 0;
    if ((enc >> 7) == (sr(3, 3, 14, 0, 0) >> 7) && enc != CNTFRQ) now = counter();
    auto timer_seen = [this](uint64_t ctl) {
        if ((ctl & 7) == 5 && timer_changed) {  // ENABLE, ISTATUS, not IMASK
            irq_check = true;
            device_call(timer_changed);
        }
        return true;
    };
    switch (enc) {
    case MIDR: *out = 0x411fd070; return true;  // Cortex-A57 r1p0
    case MPIDR: *out = 0x80000000 | mpidr_el1; return true;
    case REVIDR: *out = 0; return true;
    case ID_AA64PFR0: *out = 0x000011; return true;  // EL0, EL1 AArch64; FP and AdvSIMD (no FP16)
    case ID_AA64DFR0: *out = 0x6; return true;       // Armv8 debug, no PMU
    case ID_AA64MMFR0: *out = 0x100024; return true; // 44-bit PA, 16-bit ASIDs, 4K/16K/64K granules
    case ID_AA64ISAR0: *out = 1u << 16; return true;  // CRC32
    case ID_AA64PFR1: case ID_AA64DFR1: case ID_AA64AFR0: case ID_AA64AFR1: case ID_AA64ISAR1:
    case ID_AA64MMFR1: case ID_AA64MMFR2: *out = 0; return true;
    case SCTLR: *out = sctlr_el1; return true;
    case CPACR: *out = cpacr_el1; return true;
    case TTBR0: *out = ttbr0_el1; return true;
    case TTBR1: *out = ttbr1_el1; return true;
    case TCR: *out = tcr_el1; return true;
    case SPSR_EL1: *out = spsr_el1; return true;
    case ELR_EL1: *out = elr_el1; return true;
    case SP_EL0: if (!spsel) return false; *out = sp_el[0]; return true;
    case SPSEL: *out = spsel; return true;
    case CURRENTEL: *out = el << 2; return true;
    case DAIF: *out = daif; return true;
    case NZCV: *out = nzcv(); return true;
    case FPCR: *out = fpcr; return true;
    case FPSR: *out = fpsr; return true;
    case AFSR0: *out = afsr0_el1; return true;
    case AFSR1: *out = afsr1_el1; return true;
    case ESR: *out = esr_el1; return true;
    case FAR: *out = far_el1; return true;
    case PAR: *out = par_el1; return true;
    case MAIR: *out = mair_el1; return true;
    case AMAIR: *out = amair_el1; return true;
    case VBAR: *out = vbar_el1; return true;
    case CONTEXTIDR: *out = contextidr_el1; return true;
    case TPIDR_EL1: *out = tpidr_el1; return true;
    case TPIDR_EL0: *out = tpidr_el0; return true;
    case TPIDRRO_EL0: *out = tpidrro_el0; return true;
    case CNTKCTL: *out = cntkctl_el1; return true;
    case CNTFRQ: *out = counter_hz; return true;
    case CNTPCT: case CNTVCT: *out = now; return true;
    // A timer seen firing (ISTATUS) has its PPI raised by now: the board's host deadline
    // may not have run yet, and the guest may look at the GIC next.
    case CNTP_CTL: *out = timer_ctl(cntp_ctl, cntp_cval, now); return timer_seen(*out);
    case CNTP_CVAL: *out = cntp_cval; return true;
    case CNTP_TVAL: *out = uint32_t(cntp_cval - now); return true;
    case CNTV_CTL: *out = timer_ctl(cntv_ctl, cntv_cval, now); return timer_seen(*out);
    case CNTV_CVAL: *out = cntv_cval; return true;
    case CNTV_TVAL: *out = uint32_t(cntv_cval - now); return true;
    case CTR: *out = 0x8444c004; return true;  // Cortex-A57's cache geometry
    case DCZID:  // 64-byte blocks; DC ZVA prohibited at EL0 unless SCTLR_EL1.DZE
        *out = el == 0 && !(sctlr_el1 & (1u << 14)) ? 0x14 : 0x4;
        return true;
    case CLIDR: *out = 0x0a200023; return true;
    case CCSIDR: *out = 0x701fe00a; return true;
    case CSSELR: *out = 0; return true;
    case MDSCR: *out = mdscr_el1; return true;
    case OSLSR: *out = 0x8; return true;  // OS lock not implemented... and unlocked
    case OSDLR: case MDCCSR_EL0: case MDRAR: case DBGCLAIMSET: case DBGCLAIMCLR: *out = 0; return true;
    case DBGAUTHSTATUS: *out = 0xaa; return true;  // non-secure debug implemented, enabled
    case DBGBVR0: *out = dbgbvr; return true;
    case DBGBCR0: *out = dbgbcr; return true;
    case DBGWVR0: *out = dbgwvr; return true;
    case DBGWCR0: *out = dbgwcr; return true;
    default:
        if (is_aarch32_id(enc)) {
            *out = 0;
            return true;
        }
        return false;
    }
}

// The TLB has no ASID tags, so it is emptied. Each half of the address space is named by the
// table its TTBR points to, without the ASID: a walk reads the table, never the ASID, and every
// TLBI empties the jump caches' entries for what it names in all contexts, so an entry made
// under one ASID is what a walk under another finds in the same table. Linux moves the ASID
// with every process switch (and KPTI's kernel mappings are not global), yet all processes
// share the kernel's table: its entries stay good from process to process.
void Aarch64Cpu::switch_ttbrs() {
    constexpr uint64_t kTable = ~(0xffffull << 48) & ~1ull;  // not the ASID, not CnP
    uint64_t lower = contexts_.id(ttbr0_el1 & kTable, 0), upper = contexts_.id(ttbr1_el1 & kTable, 1);
    if (!lower || !upper) {  // too many tables since the last full flush: start over
        tlb_flush();
        contexts_.reset();
        lower = contexts_.id(ttbr0_el1 & kTable, 0);
        upper = contexts_.id(ttbr1_el1 & kTable, 1);
    }
    switch_context(lower, upper);
}

bool Aarch64Cpu::sysreg_write_keeps_block(uint32_t enc) {
    switch (enc) {
    case SPSR_EL1: case ELR_EL1: case SP_EL0: case AFSR0: case AFSR1: case ESR: case FAR: case PAR: case VBAR:
    case CONTEXTIDR: case TPIDR_EL1: case TPIDR_EL0: case TPIDRRO_EL0:
    case CNTP_CTL: case CNTP_CVAL: case CNTP_TVAL: case CNTV_CTL: case CNTV_CVAL: case CNTV_TVAL:
        return true;
    default: return false;
    }
}

bool Aarch64Cpu::sysreg_write(uint32_t enc, uint64_t v) {
    auto timer_written = [this] {
        irq_check = true;
        if (timer_changed) device_call(timer_changed);
        return true;
    };
    if (el == 0) {
        switch (enc) {
        case NZCV: case FPCR: case FPSR: case TPIDR_EL0: break;
        default: return false;
        }
    }
    if (enc == SCTLR || enc == TTBR0 || enc == TTBR1 || enc == TCR)
        TLOG(LOG_MMU, "a64 msr %s = 0x%llx at pc 0x%llx\n",
             enc == SCTLR ? "sctlr_el1" : enc == TTBR0 ? "ttbr0_el1" : enc == TTBR1 ? "ttbr1_el1" : "tcr_el1",
             (unsigned long long)v, (unsigned long long)pc);
    switch (enc) {
    case SCTLR: sctlr_el1 = v; tlb_flush(); return true;
    case CPACR: cpacr_el1 = v & (3u << 20); return true;
    case TTBR0: ttbr0_el1 = v; switch_ttbrs(); return true;
    case TTBR1: ttbr1_el1 = v; switch_ttbrs(); return true;
    case TCR: tcr_el1 = v; tlb_flush(); return true;
    case SPSR_EL1: spsr_el1 = v; return true;
    case ELR_EL1: elr_el1 = v; return true;
    case SP_EL0: if (!spsel) return false; sp_el[0] = v; return true;
    case SPSEL: spsel = v & 1; return true;
    case DAIF:  // the loop looks for an interrupt only if one is now unmasked and pending
        daif = v & pstate::DAIF;
        if (((irq_lines >> IRQ_LINE) & 1 && !(daif & pstate::I)) || ((irq_lines >> FIQ_LINE) & 1 && !(daif & pstate::F)))
            irq_check = true;
        return true;
    case NZCV: set_nzcv(v); return true;
    // FPCR: AHP, DN, FZ, RMode, Stride, Len; Cortex-A57 traps no FP exception (IOE-IDE RAZ/WI)
    // and has no FZ16.
    case FPCR: fpcr = v & 0x07f70000; return true;
    case FPSR: fpsr = v & 0xf800009f; return true;
    case AFSR0: afsr0_el1 = v; return true;
    case AFSR1: afsr1_el1 = v; return true;
    case ESR: esr_el1 = v; return true;
    case FAR: far_el1 = v; return true;
    case PAR: par_el1 = v; return true;
    case MAIR: mair_el1 = v; return true;
    case AMAIR: amair_el1 = v; return true;
    case VBAR: vbar_el1 = v & ~uint64_t(0x7ff); return true;
    case CONTEXTIDR: contextidr_el1 = v & 0xffffffff; return true;
    case TPIDR_EL1: tpidr_el1 = v; return true;
    case TPIDR_EL0: tpidr_el0 = v; return true;
    case TPIDRRO_EL0: tpidrro_el0 = v; return true;
    case CNTKCTL: cntkctl_el1 = v; return true;
    case CNTP_CTL: cntp_ctl = v & 3; return timer_written();
    case CNTP_CVAL: cntp_cval = v; return timer_written();
    case CNTP_TVAL: cntp_cval = nondet(read_counter ? read_counter() : 0) + uint64_t(int64_t(int32_t(v))); return timer_written();
    case CNTV_CTL: cntv_ctl = v & 3; return timer_written();
    case CNTV_CVAL: cntv_cval = v; return timer_written();
    case CNTV_TVAL: cntv_cval = nondet(read_counter ? read_counter() : 0) + uint64_t(int64_t(int32_t(v))); return timer_written();
    case CSSELR: return true;
    case MDSCR: mdscr_el1 = v; return true;
    case OSLAR: case OSDLR: case DBGCLAIMSET: case DBGCLAIMCLR: return true;
    case DBGBVR0: dbgbvr = v; return true;
    case DBGBCR0: dbgbcr = v; return true;
    case DBGWVR0: dbgwvr = v; return true;
    case DBGWCR0: dbgwcr = v; return true;
    default: return false;
    }
}

}  // namespace tessera::aarch64
