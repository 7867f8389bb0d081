// Hart reset, mode flags, trap entry and interrupt selection.
#include "frontends/riscv/cpu.h"

#include <cinttypes>

#include "frontends/riscv/fpu.h"
#include "util/log.h"

namespace tessera::riscv {

RiscvCpu::RiscvCpu(AddressSpace& as, uint64_t hartid) : Vcpu(as), mhartid(hartid) {
    set_facts(kRiscvFacts);
    reset(0x1000);
}

void RiscvCpu::reset(uint64_t start) {
    for (auto& r : x) r = 0;
    for (auto& r : f) r = 0;
    fflags = frm = 0;
    priv = PRV_M;
    wfi = false;
    // RV64 with A, C, D, F, I, M, S, U.
    misa = 2ull << 62 | 1u << 0 | 1u << 2 | 1u << 3 | 1u << 5 | 1u << 8 | 1u << 12 | 1u << 18 | 1u << 20;
    mstatus_ = 2ull << 32 | 2ull << 34;  // UXL = SXL = 64
    medeleg = mideleg = mie = mip_sw = 0;
    mtvec = mscratch = mepc = mcause = mtval = 0;
    stvec = sscratch = sepc = scause = stval = satp = 0;
    mcounteren = scounteren = mcountinhibit = menvcfg = senvcfg = 0;
    for (auto& p : pmpcfg) p = 0;
    for (auto& p : pmpaddr) p = 0;
    tselect = 0;
    for (unsigned i = 0; i < kTriggers; i++) {
        tdata1[i] = 2ull << 60;  // mcontrol, matching nothing
        tdata2[i] = 0;
    }
    res_addr = ~0ull;
    exception_pending = false;
    pc = start;
    tlb_flush();
}

void RiscvCpu::set_mstatus(uint64_t v) {
    uint64_t mpp = (v & mstatus::MPP) >> mstatus::MPP_SHIFT;
    if (mpp == 2) v &= ~mstatus::MPP;  // reserved encoding reads back as U
    bool dirty = ((v & mstatus::FS) >> mstatus::FS_SHIFT) == 3;
    v = dirty ? (v | mstatus::SD) : (v & ~mstatus::SD);
    // Entries cached for S/U depend on SUM and MXR.
    if ((v ^ mstatus_) & (mstatus::SUM | mstatus::MXR)) tlb_flush();
    mstatus_ = v;
    irq_check = true;
}

unsigned RiscvCpu::data_mmu_idx() const {
    if (priv == PRV_M && (mstatus_ & mstatus::MPRV)) return unsigned((mstatus_ & mstatus::MPP) >> mstatus::MPP_SHIFT);
    return priv;
}

TbMode RiscvCpu::tb_mode() {
    uint64_t fs = (mstatus_ & mstatus::FS) >> mstatus::FS_SHIFT;
    return TbMode{priv | uint64_t(data_mmu_idx()) << tbf::MEM_SHIFT | fs << tbf::FS_SHIFT |
                      ((fflags & fp::NX) ? tbf::FP_NX : 0) | (frm == fp::RNE ? tbf::FRM_RNE : 0),
                  0};
}

void RiscvCpu::set_irq(unsigned line, bool level) {
    uint64_t bit = 1ull << line;
    uint64_t old = mip_hw;
    mip_hw = level ? (mip_hw | bit) : (mip_hw & ~bit);
    if (old != mip_hw) irq_check = true;
}

void RiscvCpu::raise_bus_fault(uint64_t va, Access acc) {
    static const uint64_t cause[] = {EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_INSN_ACCESS};
    raise(cause[unsigned(acc)], va);
}

void RiscvCpu::raise_misaligned(uint64_t va, Access acc) {
    static const uint64_t cause[] = {EXC_LOAD_MISALIGNED, EXC_STORE_MISALIGNED, EXC_INSN_MISALIGNED};
    raise(cause[unsigned(acc)], va);
}

void RiscvCpu::take_trap(uint64_t cause, bool interrupt, uint64_t tval) {
    bool to_s = priv <= PRV_S && (((interrupt ? mideleg : medeleg) >> cause) & 1);
    uint64_t xcause = cause | (interrupt ? 1ull << 63 : 0);
    TLOG(LOG_INT, "%s cause=%" PRIu64 " tval=0x%" PRIx64 " epc=0x%" PRIx64 " priv=%u -> %s\n",
         interrupt ? "interrupt" : "exception", cause, tval, pc, priv, to_s ? "S" : "M");
    uint64_t s = mstatus_;
    uint64_t tvec;
    if (to_s) {
        scause = xcause;
        sepc = pc;
        stval = tval;
        s = (s & ~mstatus::SPIE) | ((s & mstatus::SIE) ? mstatus::SPIE : 0);
        s = (s & ~mstatus::SPP) | (priv == PRV_S ? mstatus::SPP : 0);
        s &= ~mstatus::SIE;
        priv = PRV_S;
        tvec = stvec;
    } else {
        mcause = xcause;
        mepc = pc;
        mtval = tval;
        s = (s & ~mstatus::MPIE) | ((s & mstatus::MIE) ? mstatus::MPIE : 0);
        s = (s & ~mstatus::MPP) | (uint64_t(priv) << mstatus::MPP_SHIFT);
        s &= ~mstatus::MIE;
        priv = PRV_M;
        tvec = mtvec;
    }
    set_mstatus(s);
    uint64_t base = tvec & ~3ull;
    pc = (interrupt && (tvec & 3) == 1) ? base + 4 * cause : base;
    wfi = false;
}

void RiscvCpu::do_exception() {
    exception_pending = false;
    take_trap(exc_cause, false, exc_tval);
}

bool RiscvCpu::do_interrupt() {
    uint64_t pending = mip() & mie;
    if (!pending) return false;
    bool m_enabled = priv < PRV_M || (mstatus_ & mstatus::MIE);
    bool s_enabled = priv < PRV_S || (priv == PRV_S && (mstatus_ & mstatus::SIE));
    uint64_t m_pending = m_enabled ? (pending & ~mideleg) : 0;
    uint64_t s_pending = s_enabled ? (pending & mideleg) : 0;
    // Priority: MEI, MSI, MTI, SEI, SSI, STI; M-level interrupts before S-level ones.
    static const unsigned order[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI};
    for (uint64_t set : {m_pending, s_pending})
        for (unsigned irq : order)
            if ((set >> irq) & 1) {
                take_trap(irq, true, 0);
                return true;
            }
    return false;
}

std::string RiscvCpu::describe_state() const {
    char out[200];
    snprintf(out, sizeof out, "priv %u mstatus 0x%llx mie 0x%llx mip sw 0x%llx hw 0x%llx mideleg 0x%llx wfi %d",
             unsigned(priv), (unsigned long long)mstatus_, (unsigned long long)mie, (unsigned long long)mip_sw,
             (unsigned long long)mip_hw, (unsigned long long)mideleg, int(wfi));
    return out;
}

bool RiscvCpu::halted() {
    if (!wfi) return false;
    if (mip() & mie) {  // WFI resumes on any locally enabled pending interrupt
        wfi = false;
        irq_check = true;
        return false;
    }
    return true;
}

}  // namespace tessera::riscv
