// Reset, mode flags, exception entry and return, interrupt selection.
#include <cstring>

#include "frontends/aarch64/cpu.h"

#include "util/log.h"

namespace tessera::aarch64 {

Aarch64Cpu::Aarch64Cpu(AddressSpace& as, uint64_t mpidr) : Vcpu(as), mpidr_el1(mpidr) {
    set_facts(kAarch64Facts);
    reset(0);
}

void Aarch64Cpu::reset(uint64_t start) {
    for (auto& r : x) r = 0;
    sp_el[0] = sp_el[1] = 0;
    nf = zf = cf = vf = 0;
    el = 1;  // EL1h: the highest level implemented
    spsel = 1;
    daif = pstate::DAIF;
    elr_el1 = spsr_el1 = esr_el1 = far_el1 = vbar_el1 = 0;
    sctlr_el1 = 0x30d00800;  // RES1 bits; MMU and caches off
    tcr_el1 = ttbr0_el1 = ttbr1_el1 = mair_el1 = amair_el1 = 0;
    cpacr_el1 = contextidr_el1 = par_el1 = afsr0_el1 = afsr1_el1 = mdscr_el1 = 0;
    tpidr_el0 = tpidrro_el0 = tpidr_el1 = cntkctl_el1 = 0;
    cntv_ctl = cntv_cval = cntp_ctl = cntp_cval = 0;
    fpcr = fpsr = 0;
    memset(v, 0, sizeof v);
    excl_addr = ~0ull;
    excl_val = 0;
    wfi = event_reg = wfe = false;
    wfe_wake = ~0ull;
    exception_pending = false;
    pc = start;
    contexts_.reset();  // no pair keeps its id across a reset (jump cache entries carry ids)
    pc_context[0] = pc_context[1] = 0;
    tlb_flush();
}

TbMode Aarch64Cpu::tb_mode() {
    // FPCR.FZ (bit 24), FPCR.RMode (23:22) clear and FPSR.IXC (bit 4) set: see tbf::FP_FAST.
    const bool fp_fast = (fpcr & (7u << 22)) == 0 && (fpsr & 0x10);
    return TbMode{el | (spsel ? tbf::SPSEL : 0) | (fp_enabled() ? tbf::FPEN : 0) | (fp_fast ? tbf::FP_FAST : 0), 0};
}

bool Aarch64Cpu::set_pstate(uint64_t spsr) {
    uint64_t m = spsr & 0x1f;
    // AArch64 only (M[4] = 0), EL0t, EL1t or EL1h, never above the current level.
    if (m != 0 && m != 4 && m != 5) return false;
    uint64_t new_el = (m >> 2) & 3;
    if (new_el > el) return false;
    set_nzcv(spsr);
    daif = spsr & pstate::DAIF;
    el = new_el;
    spsel = m & 1;
    irq_check = true;
    return true;
}

void Aarch64Cpu::take_exception(uint32_t ec, uint32_t iss, bool far_valid, uint64_t far, uint64_t return_pc, unsigned vector) {
    uint64_t base = el == 0 ? 0x400 : spsel ? 0x200 : 0x000;
    spsr_el1 = pstate_bits();
    elr_el1 = return_pc;
    if (vector == 0) {
        esr_el1 = uint64_t(ec) << 26 | 1u << 25 | (iss & 0x1ffffff);  // IL: a 32-bit instruction
        if (far_valid) far_el1 = far;
    }
    el = 1;
    spsel = 1;
    daif = pstate::DAIF;
    excl_addr = ~0ull;  // exception entry clears the local monitor
    wfi = wfe = false;
    pc = vbar_el1 + base + vector * 0x80;
}

void Aarch64Cpu::do_exception() {
    exception_pending = false;
    // Calls return to the next instruction; faults to the one that faulted.
    bool call = exc_ec == EC_SVC64 || exc_ec == EC_HVC64 || exc_ec == EC_SMC64;
    if (log_enabled(LOG_INT))
        log_printf("exception ec=0x%x iss=0x%x pc=0x%016llx el=%llu\n", exc_ec, exc_iss, (unsigned long long)pc,
                   (unsigned long long)el);
    take_exception(exc_ec, exc_iss, exc_far_valid, exc_far, call ? pc + 4 : pc, 0);
}

bool Aarch64Cpu::do_interrupt() {
    if ((irq_lines & (1u << FIQ_LINE)) && !(daif & pstate::F)) {
        take_exception(0, 0, false, 0, pc, 2);
        return true;
    }
    if ((irq_lines & (1u << IRQ_LINE)) && !(daif & pstate::I)) {
        take_exception(0, 0, false, 0, pc, 1);
        return true;
    }
    return false;
}

bool Aarch64Cpu::halted() {
    if (!wfi && !wfe) return false;
    if (irq_lines) {  // WFI wakes on a pending interrupt, masked or not; WFE may wake early
        wfi = wfe = false;
        wfe_wake = ~0ull;
        irq_check = true;
        return false;
    }
    if (wfi || !(cntkctl_el1 & kCntkctlEvnten) || !read_counter) return true;
    // WFE and the event stream: it wakes when the count's bit EVNTI next changes the way
    // EVNTDIR says (0 to 1, or 1 to 0).
    const uint64_t now = read_counter();
    if (wfe_wake == ~0ull) {
        const unsigned bit = (cntkctl_el1 >> 4) & 15;
        const uint64_t period = 2ull << bit, phase = (cntkctl_el1 & kCntkctlEvntdir) ? 0 : period / 2;
        wfe_wake = (now & ~(period - 1)) + phase;
        if (wfe_wake <= now) wfe_wake += period;
        if (timer_changed) timer_changed();  // the board's deadline includes the wake-up
    }
    if (now < wfe_wake) return true;
    wfe = false;
    wfe_wake = ~0ull;
    return false;
}

std::string Aarch64Cpu::describe_state() const {
    char out[320];
    uint64_t now = read_counter ? read_counter() : 0;
    snprintf(out, sizeof out,
             "EL%llu daif 0x%llx irq lines 0x%llx wfi %d wfe %d (event %d, wake %llx) cntkctl 0x%llx; counter %llu, "
             "cntv ctl %llu cval %+lld, cntp ctl %llu cval %+lld (relative to the counter)",
             (unsigned long long)el, (unsigned long long)daif, (unsigned long long)irq_lines, int(wfi), int(wfe),
             int(event_reg), (unsigned long long)wfe_wake, (unsigned long long)cntkctl_el1, (unsigned long long)now,
             (unsigned long long)cntv_ctl, (long long)(cntv_cval - now), (unsigned long long)cntp_ctl,
             (long long)(cntp_cval - now));
    return out;
}

void Aarch64Cpu::set_irq(unsigned line, bool level) {
    uint64_t bit = 1ull << line;
    uint64_t old = irq_lines;
    irq_lines = level ? (irq_lines | bit) : (irq_lines & ~bit);
    if (old != irq_lines) irq_check = true;
}

// A synchronous external abort (fault status 0b010000); WnR for stores.
void Aarch64Cpu::raise_bus_fault(uint64_t va, Access acc) {
    bool lower = el == 0;
    if (acc == Access::Fetch) raise_abort(lower ? EC_IABT_LOWER : EC_IABT_CUR, 0x10, va);
    else raise_abort(lower ? EC_DABT_LOWER : EC_DABT_CUR, 0x10 | (acc == Access::Store ? 1u << 6 : 0), va);
}

// An alignment fault (fault status 0b100001).
void Aarch64Cpu::raise_misaligned(uint64_t va, Access acc) {
    bool lower = el == 0;
    if (acc == Access::Fetch) raise_abort(EC_PC_ALIGN, 0, va);
    else raise_abort(lower ? EC_DABT_LOWER : EC_DABT_CUR, 0x21 | (acc == Access::Store ? 1u << 6 : 0), va);
}

}  // namespace tessera::aarch64
