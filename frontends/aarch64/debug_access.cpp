// The CPU contract for a debugger: AArch64's registers in GDB's numbering
// (org.gnu.gdb.aarch64.core: x0-x30, sp, pc, cpsr; org.gnu.gdb.aarch64.fpu: v0-v31, fpsr,
// fpcr), and guest memory through the current translation without side effects.
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
constexpr const char* kFpu = "org.gnu.gdb.aarch64.fpu";
constexpr uint32_t kFpsrEnc = 3u << 14 | 3u << 11 | 4u << 7 | 4u << 3 | 1;  // FPSR (3,3,4,4,1); FPCR is op2 0
constexpr const char* kVNames[32] = {"v0",  "v1",  "v2",  "v3",  "v4",  "v5",  "v6",  "v7",  "v8",  "v9",  "v10",
                                     "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21",
                                     "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31"};
// GDB's view of a V register: a union of its element vectors (what `p $v0` shows, and what
// `set $v0.d.u[1] = ...` writes), defined in the fpu feature.
constexpr const char* kVType =
    "    <vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "    <vector id=\"v2u\" type=\"uint64\" count=\"2\"/>\n"
    "    <vector id=\"v2i\" type=\"int64\" count=\"2\"/>\n"
    "    <vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "    <vector id=\"v4u\" type=\"uint32\" count=\"4\"/>\n"
    "    <vector id=\"v4i\" type=\"int32\" count=\"4\"/>\n"
    "    <vector id=\"v8u\" type=\"uint16\" count=\"8\"/>\n"
    "    <vector id=\"v8i\" type=\"int16\" count=\"8\"/>\n"
    "    <vector id=\"v16u\" type=\"uint8\" count=\"16\"/>\n"
    "    <vector id=\"v16i\" type=\"int8\" count=\"16\"/>\n"
    "    <vector id=\"v1u\" type=\"uint128\" count=\"1\"/>\n"
    "    <vector id=\"v1i\" type=\"int128\" count=\"1\"/>\n"
    "    <union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/><field name=\"s\" type=\"v2i\"/></union>\n"
    "    <union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/><field name=\"s\" type=\"v4i\"/></union>\n"
    "    <union id=\"vnh\"><field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/></union>\n"
    "    <union id=\"vnb\"><field name=\"u\" type=\"v16u\"/><field name=\"s\" type=\"v16i\"/></union>\n"
    "    <union id=\"vnq\"><field name=\"u\" type=\"v1u\"/><field name=\"s\" type=\"v1i\"/></union>\n"
    "    <union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
    "<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/><field name=\"q\" type=\"vnq\"/></union>\n";
enum : unsigned { REG_SP = 31, REG_PC = 32, REG_CPSR = 33, REG_V0 = 34, REG_FPSR = 66, REG_FPCR = 67, kNumRegs = 68 };

constexpr std::array<RegInfo, kNumRegs> make_table() {
    std::array<RegInfo, kNumRegs> t{};
    for (unsigned i = 0; i < 31; i++) t[i] = RegInfo{kXNames[i], 64, "int", kCore, "general", true};
    t[REG_SP] = RegInfo{"sp", 64, "data_ptr", kCore, "general", true};
    t[REG_PC] = RegInfo{"pc", 64, "code_ptr", kCore, "general", true};
    t[REG_CPSR] = RegInfo{"cpsr", 32, "int", kCore, "general", true};
    for (unsigned i = 0; i < 32; i++) t[REG_V0 + i] = RegInfo{kVNames[i], 128, "aarch64v", kFpu, "vector", false, kVType};
    t[REG_FPSR] = RegInfo{"fpsr", 32, "int", kFpu, "float", false};
    t[REG_FPCR] = RegInfo{"fpcr", 32, "int", kFpu, "float", false};
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
    if (n >= REG_V0 && n < REG_V0 + 32) {
        memcpy(out, v[n - REG_V0], 16);
        return true;
    }
    uint64_t v;
    if (n < 31) v = x[n];
    else if (n == REG_SP) v = sp();
    else if (n == REG_PC) v = pc;
    else if (n == REG_CPSR) v = pstate_bits();
    else if (n == REG_FPSR) v = fpsr;
    else if (n == REG_FPCR) v = fpcr;
    else return false;
    memcpy(out, &v, kRegs[n].bits / 8);
    return true;
}

bool Aarch64Cpu::write_register(unsigned n, const uint8_t* in) {
    if (n >= kNumRegs) return false;
    if (n >= REG_V0 && n < REG_V0 + 32) {
        memcpy(this->v[n - REG_V0], in, 16);
        return true;
    }
    uint64_t v = 0;
    memcpy(&v, in, kRegs[n].bits / 8);
    if (n < 31) x[n] = v;
    else if (n == REG_SP) sp() = v;
    else if (n == REG_PC) pc = v & ~3ull;
    else if (n == REG_FPSR) return sysreg_write(kFpsrEnc, v);  // the bits MSR keeps
    else if (n == REG_FPCR) return sysreg_write(kFpsrEnc - 1, v);
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
