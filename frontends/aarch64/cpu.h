// The AArch64 CPU: EL0 and EL1 (EL2 and EL3 absent, as on QEMU's virt by default), its
// architectural state, exceptions and the Vcpu hooks. Translation is in translate.cpp and
// the trans_*.cpp files, system registers in sysregs.cpp, the page walk in mmu.cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/cpu.h"
#include "core/irq.h"
#include "softmmu/context_ids.h"
#include "softmmu/vcpu.h"

namespace tessera::aarch64 {

// Exception classes (ESR_ELx.EC) raised here.
enum : uint32_t {
    EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_FP_ACCESS = 0x07, EC_SVC64 = 0x15, EC_HVC64 = 0x16, EC_SMC64 = 0x17, EC_SYSREG = 0x18,
    EC_IABT_LOWER = 0x20, EC_IABT_CUR = 0x21, EC_PC_ALIGN = 0x22, EC_DABT_LOWER = 0x24, EC_DABT_CUR = 0x25,
    EC_SP_ALIGN = 0x26, EC_FP_EXC64 = 0x2c, EC_BRK = 0x3c,
};
// ISS of an FP/AdvSIMD access trap taken from AArch64: CV = 1, COND = 0b1110.
constexpr uint32_t kFpAccessIss = 0x1e00000;
// CNTKCTL_EL1: the event stream's enable and direction (EVNTI, the count bit, is 7:4).
constexpr uint64_t kCntkctlEvnten = 1u << 2, kCntkctlEvntdir = 1u << 3;
// Interrupt lines (IrqSink): the GIC's outputs for this CPU.
enum : unsigned { IRQ_LINE = 0, FIQ_LINE = 1 };

// PSTATE bits as SPSR holds them.
namespace pstate {
constexpr uint64_t SP = 1u << 0, EL_SHIFT = 2, EL = 3u << 2, F = 1u << 6, I = 1u << 7, A = 1u << 8, D = 1u << 9,
                   DAIF = F | I | A | D, IL = 1u << 20, SS = 1u << 21, NZCV = 0xfull << 28;
}

// TbMode::flags: what changes how the same code is translated.
namespace tbf {
constexpr uint64_t EL_MASK = 3;    // current exception level (0 or 1)
constexpr uint64_t SPSEL = 1u << 2; // SP_ELx selected (else SP_EL0)
constexpr uint64_t FPEN = 1u << 3;  // FP/AdvSIMD usable at this EL (CPACR_EL1.FPEN)
// FPCR round-to-nearest without FZ, and FPSR.IXC set: an ordinary result of the host FPU
// (the fastfp op) is then ARM's, with no new flag (trans_fp.cpp).
constexpr uint64_t FP_FAST = 1u << 4;
}  // namespace tbf

// A64: 4-byte instructions at 4-byte boundaries; TLB modes EL0 and EL1.
inline constexpr CpuFacts kAarch64Facts{"aarch64", 2, 4, 2};

class Aarch64Cpu final : public Vcpu, public IrqSink, public Cpu {
public:
    explicit Aarch64Cpu(AddressSpace& as, uint64_t mpidr = 0);

    // Architectural state. Executors address these through env offsets. NZCV is kept as
    // four 0/1 words, so translated code computes and tests each flag with one op.
    uint64_t x[31] = {};
    uint64_t sp_el[2] = {};  // SP_EL0, SP_EL1
    uint64_t nf = 0, zf = 0, cf = 0, vf = 0;
    uint64_t el = 1;          // current exception level
    uint64_t spsel = 1;       // PSTATE.SP
    uint64_t daif = pstate::DAIF;
    uint64_t elr_el1 = 0, spsr_el1 = 0, esr_el1 = 0, far_el1 = 0, vbar_el1 = 0;
    uint64_t sctlr_el1 = 0, tcr_el1 = 0, ttbr0_el1 = 0, ttbr1_el1 = 0, mair_el1 = 0, amair_el1 = 0;
    uint64_t cpacr_el1 = 0, contextidr_el1 = 0, par_el1 = 0, afsr0_el1 = 0, afsr1_el1 = 0, mdscr_el1 = 0;
    uint64_t tpidr_el0 = 0, tpidrro_el0 = 0, tpidr_el1 = 0, cntkctl_el1 = 0;
    uint64_t cntv_ctl = 0, cntv_cval = 0, cntp_ctl = 0, cntp_cval = 0;
    uint64_t fpcr = 0, fpsr = 0;
    // SIMD&FP registers V0-V31: 128 bits each, v[n][0] the low 64 (B/H/S/D are its low
    // bits; a scalar write clears the rest). Never cached in IR temps: helpers read and
    // write them.
    alignas(16) uint64_t v[32][2] = {};
    // Hardware breakpoint and watchpoint registers (one of each, per ID_AA64DFR0): kept, not
    // acted on yet.
    uint64_t dbgbvr = 0, dbgbcr = 0, dbgwvr = 0, dbgwcr = 0;
    uint64_t excl_addr = ~0ull, excl_val = 0, excl_val2 = 0;  // the exclusive monitor (LDXR/STXR, LDXP/STXP)
    bool wfi = false;
    // WFE: the event register (SEV, SEVL, an exception return set it; WFE consumes it), and
    // whether a WFE is waiting for an event.
    bool event_reg = false, wfe = false;
    // The exception being raised, valid while exception_pending.
    uint32_t exc_ec = 0, exc_iss = 0;
    uint64_t exc_far = 0;
    bool exc_far_valid = false;
    uint64_t mpidr_el1;
    // (everything from x[] up to here is the architectural state lockstep compares)

    uint64_t irq_lines = 0;  // levels of IRQ_LINE, FIQ_LINE
    // The count at which the timer's event stream (CNTKCTL_EL1.EVNTEN) next wakes a waiting
    // WFE, worked out outside blocks when the wait begins; ~0: not yet.
    uint64_t wfe_wake = ~0ull;
    // Structure loads and stores (LD2-LD4, ST2-ST4) stage their memory bytes here: translated
    // code moves them between memory and this buffer, a helper (de)interleaves them.
    alignas(16) uint64_t ldst_buf[8] = {};
    // The virtual range the TLB holds translations of blocks or pages larger than its own
    // 4K entries for: TLBI by VA inside it flushes everything (every 4K piece of the block).
    uint64_t tlb_large_lo = ~0ull, tlb_large_hi = 0;
    // What the last walk found, for AT: the fault status code, or the memory attributes
    // (MAIR byte << 56 | shareability << 7) of the translation.
    uint32_t walk_status = 0;
    uint64_t walk_attrs = 0;
    // The board's firmware interface over the HVC conduit (PSCI): function id and arguments
    // from x0-x3, the result for x0. Unset: HVC is UNDEFINED (no EL2).
    std::function<uint64_t(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)> hvc_call;
    std::function<uint64_t()> read_counter;  // the generic timer's count (CNTVCT/CNTPCT)
    std::function<void()> timer_changed;     // a timer's control or compare value was written
    uint64_t counter_hz = 62500000;           // CNTFRQ_EL0 as QEMU's virt has it

    void reset(uint64_t pc) override;
    void raise(uint32_t ec, uint32_t iss) {
        exc_ec = ec;
        exc_iss = iss;
        exc_far_valid = false;
        exception_pending = true;
    }
    void raise_abort(uint32_t ec, uint32_t iss, uint64_t far) {
        raise(ec, iss);
        exc_far = far;
        exc_far_valid = true;
    }
    uint64_t& sp() { return sp_el[spsel ? el : 0]; }
    uint64_t nzcv() const { return nf << 31 | zf << 30 | cf << 29 | vf << 28; }
    void set_nzcv(uint64_t v) {
        nf = (v >> 31) & 1;
        zf = (v >> 30) & 1;
        cf = (v >> 29) & 1;
        vf = (v >> 28) & 1;
    }
    // CPACR_EL1.FPEN lets the current EL use FP/AdvSIMD (0b11: EL0 and EL1, 0b01: EL1).
    bool fp_enabled() const {
        unsigned fpen = unsigned(cpacr_el1 >> 20) & 3;
        return fpen == 3 || (fpen == 1 && el == 1);
    }
    uint64_t pstate_bits() const { return nzcv() | daif | el << pstate::EL_SHIFT | spsel; }
    // SPSR -> PSTATE on exception return (ERET); false for an illegal return.
    bool set_pstate(uint64_t spsr);
    // Exception entry to EL1: ELR, SPSR, ESR (and FAR), the vector.
    void take_exception(uint32_t ec, uint32_t iss, bool far_valid, uint64_t far, uint64_t return_pc, unsigned vector);

    // System registers (sysregs.cpp): by the MRS/MSR encoding op0:op1:CRn:CRm:op2.
    bool sysreg_read(uint32_t enc, uint64_t* out);
    bool sysreg_write(uint32_t enc, uint64_t v);
    // Whether a write to the register leaves the block's mode and the translation of
    // addresses as they were, so the block may go on after it (exception return state, thread
    // pointers, the vector base, timers: Linux writes several on every exception entry and
    // return). A timer write that makes an interrupt pending sets irq_check, seen at the
    // block's next exit.
    static bool sysreg_write_keeps_block(uint32_t enc);

    // IrqSink.
    void set_irq(unsigned line, bool level) override;

    // The CPU contract (core/cpu.h; debug_access.cpp).
    const CpuFacts& facts() const override { return kAarch64Facts; }
    std::span<const RegInfo> registers() const override;
    bool read_register(unsigned n, uint8_t* out) override;
    bool write_register(unsigned n, const uint8_t* in) override;
    size_t debug_read(uint64_t va, void* out, size_t len) override;
    size_t debug_write(uint64_t va, const void* in, size_t len) override;

    // Vcpu hooks.
    bool translate(uint64_t va, Access acc, unsigned idx, Translation* out) override;
    bool walk(uint64_t va, Access acc, unsigned idx, Translation* out, bool probe);
    void raise_bus_fault(uint64_t va, Access acc) override;
    void raise_misaligned(uint64_t va, Access acc) override;
    TbMode tb_mode() override;
    unsigned fetch_mmu_idx() override { return unsigned(el); }
    bool fetch_walks_page_tables(unsigned) override { return sctlr_el1 & 1; }
    bool translate_block(uint64_t pc, const TbMode& mode, ir::Block& out, uint64_t* page2) override;
    void do_exception() override;
    bool do_interrupt() override;
    bool halted() override;
    unsigned disas(uint64_t pc, char* out, size_t outlen) override;
    void save_arch(std::vector<uint8_t>& out) const override;
    void load_arch(const std::vector<uint8_t>& in) override;
    std::string diff_arch(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) const override;
    std::string describe_state() const override;
    uint64_t device_lines() const override { return irq_lines; }
    void set_device_lines(uint64_t v) override { irq_lines = v; }

    // A TTBR write switches to the contexts of the two tables (Vcpu::switch_context). Outside the
    // architectural state (lockstep compares that byte for byte).
    void switch_ttbrs();
    ContextIds contexts_;  // (translation table address, half)
};

// Env offset of a member, for IR ld_env/st_env.
template <typename T>
uint32_t env_off(const Aarch64Cpu& c, const T& member) {
    return uint32_t(reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(static_cast<const Vcpu*>(&c)));
}

}  // namespace tessera::aarch64
