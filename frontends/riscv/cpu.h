// RISC-V hart state (RV64GC, M/S/U) and the hooks the executors and softmmu call.
#pragma once
#include <cstdint>
#include <functional>

#include "core/cpu.h"
#include "core/irq.h"
#include "softmmu/vcpu.h"

namespace tessera::riscv {

enum Priv : uint8_t { PRV_U = 0, PRV_S = 1, PRV_M = 3 };

// Exception causes (mcause without the interrupt bit).
enum Cause : uint64_t {
    EXC_INSN_MISALIGNED = 0, EXC_INSN_ACCESS = 1, EXC_ILLEGAL = 2, EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4, EXC_LOAD_ACCESS = 5, EXC_STORE_MISALIGNED = 6, EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8, EXC_ECALL_S = 9, EXC_ECALL_M = 11,
    EXC_INSN_PAGE = 12, EXC_LOAD_PAGE = 13, EXC_STORE_PAGE = 15,
};

// Interrupt bits in mip/mie.
enum Irq : unsigned { IRQ_SSI = 1, IRQ_MSI = 3, IRQ_STI = 5, IRQ_MTI = 7, IRQ_SEI = 9, IRQ_MEI = 11 };

namespace mstatus {
constexpr uint64_t SIE = 1ull << 1, MIE = 1ull << 3, SPIE = 1ull << 5, MPIE = 1ull << 7, SPP = 1ull << 8;
constexpr unsigned MPP_SHIFT = 11, FS_SHIFT = 13;
constexpr uint64_t MPP = 3ull << MPP_SHIFT, FS = 3ull << FS_SHIFT, MPRV = 1ull << 17, SUM = 1ull << 18,
                   MXR = 1ull << 19, TVM = 1ull << 20, TW = 1ull << 21, TSR = 1ull << 22,
                   UXL = 3ull << 32, SXL = 3ull << 34, SD = 1ull << 63;
}  // namespace mstatus

// TbMode::flags layout: what changes how the same code is translated.
namespace tbf {
constexpr uint64_t PRIV_MASK = 3;        // current privilege
constexpr unsigned MEM_SHIFT = 2;        // data-access mmu index (MPRV applied)
constexpr unsigned FS_SHIFT = 4;         // mstatus.FS
// F/D arithmetic may use the host's FPU (ir fastfp) when no flag but NX can be news: NX is
// already set in fflags, and (for the dynamic rounding mode) frm is RNE. Within a block fflags
// only gains flags, and frm changes only by CSR writes, which end the block unchained.
constexpr uint64_t FP_NX = 1u << 6;      // fflags.NX set
constexpr uint64_t FRM_RNE = 1u << 7;    // frm = round to nearest, ties to even
}  // namespace tbf

// What never changes for this CPU (core/cpu.h): with C, instructions start at 2-byte
// boundaries and are at most 4 bytes long; the TLB's modes are the privilege levels U, S, M
// by number (2 unused).
inline constexpr CpuFacts kRiscvFacts{"riscv:rv64", 1, 4, 4};

class RiscvCpu final : public Vcpu, public IrqSink, public Cpu {
public:
    RiscvCpu(AddressSpace& as, uint64_t hartid);
    static constexpr unsigned kTriggers = 2;  // as QEMU's virt

    // Architectural state. Executors address these through env offsets.
    uint64_t x[32] = {};
    uint64_t f[32] = {};
    uint32_t fflags = 0, frm = 0;
    uint8_t priv = PRV_M;
    bool wfi = false;
    uint64_t mstatus_ = 0, misa = 0, mhartid = 0;
    uint64_t medeleg = 0, mideleg = 0, mie = 0;
    uint64_t mip_sw = 0;   // software-writable pending bits (SSIP, STIP, SEIP)
    uint64_t mip_hw = 0;   // levels of the interrupt lines (MSIP, MTIP, MEIP, SEIP)
    uint64_t mtvec = 0, mscratch = 0, mepc = 0, mcause = 0, mtval = 0;
    uint64_t stvec = 0, sscratch = 0, sepc = 0, scause = 0, stval = 0, satp = 0;
    uint64_t mcounteren = 0, scounteren = 0, mcountinhibit = 0, menvcfg = 0, senvcfg = 0;
    uint8_t pmpcfg[16] = {};
    uint64_t pmpaddr[16] = {};
    // Debug triggers (Sdtrig, triggers.cpp): tselect and each trigger's tdata1/tdata2.
    uint64_t tselect = 0;
    uint64_t tdata1[kTriggers] = {}, tdata2[kTriggers] = {};
    uint64_t res_addr = ~0ull, res_val = 0;  // LR/SC reservation
    // The exception being raised, valid while exception_pending.
    uint64_t exc_cause = 0, exc_tval = 0;
    // (everything from x[] up to here is the architectural state lockstep compares)

    std::function<uint64_t()> read_time;  // the platform timer (CLINT mtime)

    uint64_t mip() const { return mip_sw | mip_hw; }
    void reset(uint64_t pc) override;
    void raise(uint64_t cause, uint64_t tval) {
        exc_cause = cause;
        exc_tval = tval;
        exception_pending = true;
    }
    unsigned data_mmu_idx() const;
    void set_mstatus(uint64_t v);

    // IrqSink: line = mip bit number.
    void set_irq(unsigned line, bool level) override;

    // The CPU contract (core/cpu.h; debug_access.cpp).
    const CpuFacts& facts() const override;
    std::span<const RegInfo> registers() const override;
    bool read_register(unsigned n, uint8_t* out) override;
    bool write_register(unsigned n, const uint8_t* in) override;
    size_t debug_read(uint64_t va, void* out, size_t len) override;
    size_t debug_write(uint64_t va, const void* in, size_t len) override;

    // Debug triggers (triggers.cpp).
    bool trigger_csr_read(uint32_t csr, uint64_t* val) const;
    bool trigger_csr_write(uint32_t csr, uint64_t val);
    bool guest_break_at(uint64_t pc, uint64_t flags) override;
    void guest_break_hit(uint64_t pc) override;
    bool guest_watch_page(uint64_t page_va) override;
    bool guest_watch_hit(uint64_t va, unsigned size, Access acc) override;

    // Vcpu hooks.
    bool translate(uint64_t va, Access acc, unsigned idx, Translation* out) override;
    bool walk(uint64_t va, Access acc, unsigned idx, Translation* out, bool probe);
    void raise_bus_fault(uint64_t va, Access acc) override;
    void raise_misaligned(uint64_t va, Access acc) override;
    TbMode tb_mode() override;
    unsigned fetch_mmu_idx() override { return priv; }
    bool fetch_walks_page_tables(unsigned idx) override { return idx != PRV_M && (satp >> 60) != 0; }
    bool translate_block(uint64_t pc, const TbMode& mode, ir::Block& out, uint64_t* page2) override;
    void do_exception() override;
    bool do_interrupt() override;
    bool halted() override;
    unsigned disas(uint64_t pc, char* out, size_t outlen) override;
    void save_arch(std::vector<uint8_t>& out) const override;
    uint64_t device_lines() const override { return mip_hw; }
    void set_device_lines(uint64_t v) override { mip_hw = v; }
    void load_arch(const std::vector<uint8_t>& in) override;
    std::string diff_arch(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) const override;
    std::string describe_state() const override;

    // Trap entry shared by exceptions and interrupts.
    void take_trap(uint64_t cause, bool interrupt, uint64_t tval);
    // PMP: may this privilege access [pa, pa+len)?
    bool pmp_allows(uint64_t pa, uint64_t len, Access acc, unsigned priv) const;
};

// Env offset of a member, for IR ld_env/st_env.
template <typename T>
uint32_t env_off(const RiscvCpu& c, const T& member) {
    return uint32_t(reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(static_cast<const Vcpu*>(&c)));
}

}  // namespace tessera::riscv
