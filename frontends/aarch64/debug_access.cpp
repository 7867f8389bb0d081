// The CPU contract for a debugger: AArch64's core registers in GDB's numbering
// (org.gnu.gdb.aarch64.core: x0-x30, sp, pc, cpsr), and guest memory through the current
// translation without side effects.
#include <array>
#include <cstring>

#include "frontends/aarch64/cpu.h"
#include "frontends/common/debug_memory.h"

namespace tessera::aarch64 {

namespace {

constexpr const char* kCore = "org.gnu.gdb.aarch64.core";
constexpr const char* kXNames[31] = {"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
                                     "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
                                     "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30"};
enum : unsigned { REG_SP = 31, REG_PC = 32, REG_CPSR = 33, kNumRegs = 34 };

constexpr std::array<RegInfo, kNumRegs> make_table() {
    std::array<RegInfo, kNumRegs> t{};
    for (unsigned i = 0; i < 31; i++) t[i] = RegInfo{kXNames[i], 64, "int", kCore, "general", true};
    t[REG_SP] = RegInfo{"sp", 64, "data_ptr", kCore, "general", true};
    t[REG_PC] = RegInfo{"pc", 64, "code_ptr", kCore, "general", true};
    t[REG_CPSR] = RegInfo{"cpsr", 32, "int", kCore, "general", true};
    return t;
}
constexpr std::array<RegInfo, kNumRegs> kRegs = make_table();

// Loads first (what the guest can read), then fetches, in the current EL's regime.
bool debug_phys(Aarch64Cpu& c, uint64_t va, uint64_t* pa) {
    Translation t;
    unsigned idx = unsigned(c.el);
    if (c.walk(va, Access::Load, idx, &t, true) || c.walk(va, Access::Fetch, idx, &t, true)) {
        *pa = t.pa | (va & ~PAGE_MASK);
        return true;
    }
    return false;
}

}  // namespace

std::span<const RegInfo> Aarch64Cpu::registers() const { return kRegs; }

bool Aarch64Cpu::read_register(unsigned n, uint8_t* out) {
    uint64_t v;
    if (n < 31) v = x[n];
    else if (n == REG_SP) v = sp();
    else if (n == REG_PC) v = pc;
    else if (n == REG_CPSR) v = pstate_bits();
    else return false;
    memcpy(out, &v, kRegs[n].bits / 8);
    return true;
}

bool Aarch64Cpu::write_register(unsigned n, const uint8_t* in) {
    if (n >= kNumRegs) return false;
    uint64_t v = 0;
    memcpy(&v, in, kRegs[n].bits / 8);
    if (n < 31) x[n] = v;
    else if (n == REG_SP) sp() = v;
    else if (n == REG_PC) pc = v & ~3ull;
    else return set_pstate(v);  // refused for an illegal mode, as ERET would
    return true;
}

size_t Aarch64Cpu::debug_read(uint64_t va, void* out, size_t len) {
    return debug_copy(*this, va, out, len, false, [this](uint64_t a, uint64_t* pa) { return debug_phys(*this, a, pa); });
}

size_t Aarch64Cpu::debug_write(uint64_t va, const void* in, size_t len) {
    return debug_copy(*this, va, const_cast<void*>(in), len, true,
                      [this](uint64_t a, uint64_t* pa) { return debug_phys(*this, a, pa); });
}

}  // namespace tessera::aarch64
