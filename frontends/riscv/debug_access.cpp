// The CPU contract for a debugger: RISC-V's registers in GDB's numbering and features, and
// guest memory seen through the current translation without side effects.
#include <algorithm>
#include <array>
#include <cstring>

#include "frontends/common/debug_memory.h"
#include "frontends/riscv/cpu.h"
#include "frontends/riscv/csr.h"

namespace tessera::riscv {

namespace {

constexpr const char* kCpu = "org.gnu.gdb.riscv.cpu";
constexpr const char* kFpu = "org.gnu.gdb.riscv.fpu";
constexpr const char* kCsr = "org.gnu.gdb.riscv.csr";

constexpr const char* kXNames[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
                                     "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                                     "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr const char* kFNames[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                     "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                     "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                     "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

// The CSRs a debugger shows, by name and number (read and written as the CSR instructions
// would from M-mode).
struct CsrReg {
    const char* name;
    uint32_t num;
};
constexpr CsrReg kCsrs[] = {
    {"sstatus", 0x100}, {"sie", 0x104},      {"stvec", 0x105},    {"scounteren", 0x106}, {"sscratch", 0x140},
    {"sepc", 0x141},    {"scause", 0x142},   {"stval", 0x143},    {"sip", 0x144},        {"satp", 0x180},
    {"mstatus", 0x300}, {"misa", 0x301},     {"medeleg", 0x302},  {"mideleg", 0x303},    {"mie", 0x304},
    {"mtvec", 0x305},   {"mcounteren", 0x306}, {"mscratch", 0x340}, {"mepc", 0x341},      {"mcause", 0x342},
    {"mtval", 0x343},   {"mip", 0x344},      {"tselect", 0x7a0},  {"tdata1", 0x7a1},     {"tdata2", 0x7a2},
    {"tdata3", 0x7a3},  {"tinfo", 0x7a4},    {"mcycle", 0xb00},   {"minstret", 0xb02},   {"mhartid", 0xf14},
};
constexpr unsigned kNumCsrs = sizeof kCsrs / sizeof kCsrs[0];

// Numbering: x0-x31 0-31, pc 32, f0-f31 33-64, fflags/frm/fcsr 65-67, then kCsrs.
enum : unsigned { REG_PC = 32, REG_F0 = 33, REG_FFLAGS = 65, REG_FRM = 66, REG_FCSR = 67, REG_CSR0 = 68 };
constexpr unsigned kNumRegs = REG_CSR0 + kNumCsrs;

constexpr std::array<RegInfo, kNumRegs> make_table() {
    std::array<RegInfo, kNumRegs> t{};
    for (unsigned i = 0; i < 32; i++)
        t[i] = RegInfo{kXNames[i], 64, i == 1 ? "code_ptr" : i == 2 ? "data_ptr" : "int", kCpu, "general", true};
    t[REG_PC] = RegInfo{"pc", 64, "code_ptr", kCpu, "general", true};
    for (unsigned i = 0; i < 32; i++) t[REG_F0 + i] = RegInfo{kFNames[i], 64, "ieee_double", kFpu, "float", false};
    t[REG_FFLAGS] = RegInfo{"fflags", 32, "int", kFpu, "float", false};
    t[REG_FRM] = RegInfo{"frm", 32, "int", kFpu, "float", false};
    t[REG_FCSR] = RegInfo{"fcsr", 32, "int", kFpu, "float", false};
    for (unsigned i = 0; i < kNumCsrs; i++) t[REG_CSR0 + i] = RegInfo{kCsrs[i].name, 64, "int", kCsr, "system", false};
    return t;
}
constexpr std::array<RegInfo, kNumRegs> kRegs = make_table();

// CSR access on behalf of the debugger: as from M-mode, whatever the hart's privilege.
template <typename F>
bool as_machine(RiscvCpu& c, F f) {
    uint8_t saved = c.priv;
    c.priv = PRV_M;
    bool ok = f();
    c.priv = saved;
    return ok;
}

}  // namespace

const CpuFacts& RiscvCpu::facts() const { return kRiscvFacts; }

std::span<const RegInfo> RiscvCpu::registers() const { return kRegs; }

bool RiscvCpu::read_register(unsigned n, uint8_t* out) {
    uint64_t v = 0;
    if (n < 32) v = x[n];
    else if (n == REG_PC) v = pc;
    else if (n < REG_FFLAGS) v = f[n - REG_F0];
    else if (n < REG_CSR0) {
        uint32_t csr = n - REG_FFLAGS + 1;  // fflags 1, frm 2, fcsr 3
        if (!as_machine(*this, [&] { return csr_read(*this, csr, 0, &v); })) return false;
    } else if (n < kNumRegs) {
        if (!as_machine(*this, [&] { return csr_read(*this, kCsrs[n - REG_CSR0].num, 0, &v); })) return false;
    } else {
        return false;
    }
    memcpy(out, &v, kRegs[n].bits / 8);
    return true;
}

bool RiscvCpu::write_register(unsigned n, const uint8_t* in) {
    if (n >= kNumRegs) return false;
    uint64_t v = 0;
    memcpy(&v, in, kRegs[n].bits / 8);
    if (n == 0) return false;  // x0 is hardwired
    if (n < 32) x[n] = v;
    else if (n == REG_PC) pc = v & ~1ull;
    else if (n < REG_FFLAGS) f[n - REG_F0] = v;
    else {
        uint32_t csr = n < REG_CSR0 ? n - REG_FFLAGS + 1 : kCsrs[n - REG_CSR0].num;
        if ((csr >> 10) == 3) return false;  // read-only (misa reads back fixed anyway)
        return as_machine(*this, [&] { return csr_write(*this, csr, v, 0); });
    }
    return true;
}

// One page's worth of debugger access: the physical address of va, or false. Loads first
// (what the guest can read), then fetches (execute-only code is still the debugger's).
static bool debug_phys(RiscvCpu& c, uint64_t va, uint64_t* pa) {
    Translation t;
    unsigned idx = c.data_mmu_idx();
    if (c.walk(va, Access::Load, idx, &t, true) || c.walk(va, Access::Fetch, c.priv, &t, true)) {
        *pa = t.pa;
        return true;
    }
    return false;
}

size_t RiscvCpu::debug_read(uint64_t va, void* out, size_t len) {
    return debug_copy(*this, va, out, len, false, [this](uint64_t a, uint64_t* pa) { return debug_phys(*this, a, pa); });
}

size_t RiscvCpu::debug_write(uint64_t va, const void* in, size_t len) {
    return debug_copy(*this, va, const_cast<void*>(in), len, true,
                      [this](uint64_t a, uint64_t* pa) { return debug_phys(*this, a, pa); });
}

}  // namespace tessera::riscv
