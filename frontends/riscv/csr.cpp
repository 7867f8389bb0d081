// CSR access rules and side effects for M, S and U modes (privileged spec 1.12).
#include "frontends/riscv/csr.h"

#include "frontends/riscv/cpu.h"
#include "util/log.h"

namespace tessera::riscv {

namespace {

enum : uint32_t {
    FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003,
    CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02, HPMCOUNTER3 = 0xc03, HPMCOUNTER31 = 0xc1f,
    SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10a,
    SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, SATP = 0x180,
    MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14, MCONFIGPTR = 0xf15,
    MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305,
    MCOUNTEREN = 0x306, MENVCFG = 0x30a, MCOUNTINHIBIT = 0x320, MHPMEVENT3 = 0x323, MHPMEVENT31 = 0x33f,
    MSCRATCH = 0x340, MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344,
    PMPCFG0 = 0x3a0, PMPCFG2 = 0x3a2, PMPADDR0 = 0x3b0, PMPADDR15 = 0x3bf,
    TSELECT = 0x7a0, TINFO = 0x7a4,
    MCYCLE = 0xb00, MINSTRET = 0xb02, MHPMCOUNTER3 = 0xb03, MHPMCOUNTER31 = 0xb1f,
};

constexpr uint64_t SSTATUS_MASK = mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::FS | mstatus::SUM |
                                  mstatus::MXR | mstatus::UXL | mstatus::SD;
constexpr uint64_t SSTATUS_WRITABLE = mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::FS | mstatus::SUM | mstatus::MXR;
constexpr uint64_t MSTATUS_WRITABLE = SSTATUS_WRITABLE | mstatus::MIE | mstatus::MPIE | mstatus::MPP |
                                      mstatus::MPRV | mstatus::TVM | mstatus::TW | mstatus::TSR;
constexpr uint64_t DELEGABLE_EXC = 0xb3ff;
constexpr uint64_t S_INTS = (1u << IRQ_SSI) | (1u << IRQ_STI) | (1u << IRQ_SEI);
constexpr uint64_t ALL_INTS = S_INTS | (1u << IRQ_MSI) | (1u << IRQ_MTI) | (1u << IRQ_MEI);

bool is_fp_csr(uint32_t n) { return n == FFLAGS || n == FRM || n == FCSR; }

// Counters are visible below M only where mcounteren (and scounteren for U) allow.
bool counter_enabled(const RiscvCpu& c, uint32_t n) {
    unsigned bit = n - CYCLE;
    if (c.priv < PRV_M && !((c.mcounteren >> bit) & 1)) return false;
    if (c.priv < PRV_S && !((c.scounteren >> bit) & 1)) return false;
    return true;
}

bool exists(uint32_t n) {
    switch (n) {
    case FFLAGS: case FRM: case FCSR: case SSTATUS: case SIE: case STVEC: case SCOUNTEREN: case SENVCFG:
    case SSCRATCH: case SEPC: case SCAUSE: case STVAL: case SIP: case SATP: case MVENDORID: case MARCHID:
    case MIMPID: case MHARTID: case MCONFIGPTR: case MSTATUS: case MISA: case MEDELEG: case MIDELEG: case MIE:
    case MTVEC: case MCOUNTEREN: case MENVCFG: case MCOUNTINHIBIT: case MSCRATCH: case MEPC: case MCAUSE:
    case MTVAL: case MIP: case PMPCFG0: case PMPCFG2: case MCYCLE: case MINSTRET:
        return true;
    default:
        return (n >= CYCLE && n <= HPMCOUNTER31) || (n >= MHPMCOUNTER3 && n <= MHPMCOUNTER31) ||
               (n >= MHPMEVENT3 && n <= MHPMEVENT31) || (n >= PMPADDR0 && n <= PMPADDR15) ||
               (n >= TSELECT && n <= TINFO);
    }
}

uint64_t pmpcfg_read(const RiscvCpu& c, unsigned first) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) v |= uint64_t(c.pmpcfg[first + i]) << (8 * i);
    return v;
}

void pmpcfg_write(RiscvCpu& c, unsigned first, uint64_t v) {
    for (unsigned i = 0; i < 8; i++) {
        uint8_t& cfg = c.pmpcfg[first + i];
        if (cfg & 0x80) continue;  // locked
        uint8_t n = uint8_t(v >> (8 * i)) & 0x9f;
        if ((n & 3) == 2) n &= ~1;  // R=0, W=1 is reserved: drop W
        cfg = n;
    }
    c.tlb_flush();
}

void pmpaddr_write(RiscvCpu& c, unsigned i, uint64_t v) {
    bool locked = c.pmpcfg[i] & 0x80;
    // A locked TOR entry also locks the address below it.
    bool next_locks = i + 1 < 16 && (c.pmpcfg[i + 1] & 0x80) && ((c.pmpcfg[i + 1] >> 3) & 3) == 1;
    if (locked || next_locks) return;
    c.pmpaddr[i] = v & ((1ull << 54) - 1);
    c.tlb_flush();
}

}  // namespace

bool csr_accessible(RiscvCpu& c, uint32_t n, bool write) {
    if (!exists(n)) return false;
    if (c.priv < ((n >> 8) & 3)) return false;
    if (write && ((n >> 10) & 3) == 3) return false;
    if (is_fp_csr(n) && !(c.mstatus_ & mstatus::FS)) return false;
    if (n >= CYCLE && n <= HPMCOUNTER31 && !counter_enabled(c, n)) return false;
    if (n == SATP && c.priv == PRV_S && (c.mstatus_ & mstatus::TVM)) return false;
    return true;
}

bool csr_read(RiscvCpu& c, uint32_t n, uint64_t idx, uint64_t* v) {
    switch (n) {
    case FFLAGS: *v = c.fflags; return true;
    case FRM: *v = c.frm; return true;
    case FCSR: *v = c.fflags | c.frm << 5; return true;
    case CYCLE: case INSTRET: case MCYCLE: case MINSTRET: *v = c.insn_count + idx; return true;
    case TIME: *v = c.nondet(c.read_time ? c.read_time() : 0); return true;
    case SSTATUS: *v = c.mstatus_ & SSTATUS_MASK; return true;
    case SIE: *v = c.mie & c.mideleg; return true;
    case STVEC: *v = c.stvec; return true;
    case SCOUNTEREN: *v = c.scounteren; return true;
    case SENVCFG: *v = c.senvcfg; return true;
    case SSCRATCH: *v = c.sscratch; return true;
    case SEPC: *v = c.sepc; return true;
    case SCAUSE: *v = c.scause; return true;
    case STVAL: *v = c.stval; return true;
    case SIP: *v = c.mip() & c.mideleg; return true;
    case SATP: *v = c.satp; return true;
    case MVENDORID: case MARCHID: case MIMPID: case MCONFIGPTR: *v = 0; return true;
    case MHARTID: *v = c.mhartid; return true;
    case MSTATUS: *v = c.mstatus_; return true;
    case MISA: *v = c.misa; return true;
    case MEDELEG: *v = c.medeleg; return true;
    case MIDELEG: *v = c.mideleg; return true;
    case MIE: *v = c.mie; return true;
    case MTVEC: *v = c.mtvec; return true;
    case MCOUNTEREN: *v = c.mcounteren; return true;
    case MENVCFG: *v = c.menvcfg; return true;
    case MCOUNTINHIBIT: *v = c.mcountinhibit; return true;
    case MSCRATCH: *v = c.mscratch; return true;
    case MEPC: *v = c.mepc; return true;
    case MCAUSE: *v = c.mcause; return true;
    case MTVAL: *v = c.mtval; return true;
    case MIP: *v = c.mip(); return true;
    case PMPCFG0: *v = pmpcfg_read(c, 0); return true;
    case PMPCFG2: *v = pmpcfg_read(c, 8); return true;
    default:
        if (n >= PMPADDR0 && n <= PMPADDR15) {
            *v = c.pmpaddr[n - PMPADDR0];
            return true;
        }
        if (c.trigger_csr_read(n, v)) return true;
        *v = 0;  // hpmcounter3-31 and their event selectors are hardwired to zero, as the spec allows
        return true;
    }
}

bool csr_write(RiscvCpu& c, uint32_t n, uint64_t v, uint64_t idx) {
    (void)idx;
    switch (n) {
    case FFLAGS: c.fflags = v & 0x1f; break;
    case FRM: c.frm = v & 7; break;
    case FCSR: c.fflags = v & 0x1f; c.frm = (v >> 5) & 7; break;
    case MCYCLE: case MINSTRET: c.insn_count = v - idx - 1; return true;  // the write retires too
    case SSTATUS: c.set_mstatus((c.mstatus_ & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE)); break;
    case SIE: c.mie = (c.mie & ~c.mideleg) | (v & c.mideleg & ALL_INTS); break;
    case STVEC: c.stvec = v & ~2ull; return true;
    case SCOUNTEREN: c.scounteren = v & 0xffffffff; return true;
    case SENVCFG: c.senvcfg = v & 1; return true;
    case SSCRATCH: c.sscratch = v; return true;
    case SEPC: c.sepc = v & ~1ull; return true;
    case SCAUSE: c.scause = v; return true;
    case STVAL: c.stval = v; return true;
    case SIP: {
        uint64_t m = c.mideleg & (1u << IRQ_SSI);
        c.mip_sw = (c.mip_sw & ~m) | (v & m);
        break;
    }
    case SATP: {
        uint64_t mode = v >> 60;
        if (mode != 0 && mode != 8 && mode != 9) return true;  // unsupported mode: write ignored
        c.satp = v & (0xfull << 60 | 0xffffull << 44 | ((1ull << 44) - 1));
        c.tlb_flush();
        return true;
    }
    case MSTATUS: c.set_mstatus((c.mstatus_ & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE)); break;
    case MISA: return true;  // fixed RV64IMAFDC with S and U
    case MEDELEG: c.medeleg = v & DELEGABLE_EXC; return true;
    case MIDELEG: c.mideleg = v & S_INTS; break;
    case MIE: c.mie = v & ALL_INTS; break;
    case MTVEC: c.mtvec = v & ~2ull; return true;
    case MCOUNTEREN: c.mcounteren = v & 0xffffffff; return true;
    case MENVCFG: c.menvcfg = v & 1; return true;
    case MCOUNTINHIBIT: c.mcountinhibit = v & ~2ull & 0xffffffff; return true;
    case MSCRATCH: c.mscratch = v; return true;
    case MEPC: c.mepc = v & ~1ull; return true;
    case MCAUSE: c.mcause = v; return true;
    case MTVAL: c.mtval = v; return true;
    case MIP: c.mip_sw = (c.mip_sw & ~S_INTS) | (v & S_INTS); break;
    case PMPCFG0: pmpcfg_write(c, 0, v); return true;
    case PMPCFG2: pmpcfg_write(c, 8, v); return true;
    default:
        if (n >= PMPADDR0 && n <= PMPADDR15) {
            pmpaddr_write(c, n - PMPADDR0, v);
            return true;
        }
        if (c.trigger_csr_write(n, v)) return true;
        return true;  // hpm counters/events: read-only zero
    }
    if (is_fp_csr(n)) c.mstatus_ |= mstatus::FS | mstatus::SD;
    c.irq_check = true;  // interrupt enables or pending bits may have changed
    return true;
}

}  // namespace tessera::riscv
