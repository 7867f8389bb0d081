// Translation context and what the trans_*.cpp groups share: register access (x31 is XZR
// or SP depending on the operand), NZCV, condition codes, exits.
#pragma once
#include <cstdint>

#include "frontends/aarch64/cpu.h"
#include "frontends/aarch64/decode.h"
#include "frontends/aarch64/simd_helpers.h"
#include "ir/builder.h"

namespace tessera::aarch64 {

using ir::Temp;
using ir::Type;

struct Ctx {
    Aarch64Cpu& cpu;
    ir::Builder& b;
    uint64_t flags;  // TbMode::flags
    uint64_t pc = 0;
    uint32_t insn = 0;
    unsigned index = 0;    // guest instruction index within the block
    bool ended = false;    // the instruction ended the block
    unsigned side_exits = 0;

    unsigned el() const { return unsigned(flags & tbf::EL_MASK); }
    unsigned mem_idx() const { return el(); }
    Temp imm(int64_t v) { return b.movi(Type::I64, uint64_t(v)); }

    // Registers: r = 31 is the zero register (x) or the stack pointer (xsp).
    Temp x(unsigned r) { return r == 31 ? imm(0) : b.ld_env(Type::I64, env_off(cpu, cpu.x[r]), true); }
    void set_x(unsigned r, Temp v) {
        if (r != 31) b.st_env(v, env_off(cpu, cpu.x[r]), true);
    }
    uint32_t sp_off() const { return env_off(cpu, cpu.sp_el[(flags & tbf::SPSEL) ? el() : 0]); }
    Temp xsp(unsigned r) { return r == 31 ? b.ld_env(Type::I64, sp_off(), true) : x(r); }
    void set_xsp(unsigned r, Temp v) {
        if (r == 31) b.st_env(v, sp_off(), true);
        else set_x(r, v);
    }
    // Operand width: the low 32 bits zero-extended when !is64.
    Temp w32(Temp v) { return b.zext(Type::I64, v, 32); }
    Temp sized(Temp v, bool is64) { return is64 ? v : w32(v); }
    Temp xr(unsigned r, bool is64) { return sized(x(r), is64); }
    void set_xr(unsigned r, Temp v, bool is64) { set_x(r, sized(v, is64)); }

    // SIMD&FP registers: 64-bit halves in the CPU state (not IR-register cached: helpers
    // touch them). A scalar or 64-bit vector write clears the upper half.
    uint32_t voff(unsigned r, unsigned half) const { return env_off(cpu, cpu.v[r][half]); }
    Temp vlo(unsigned r) { return b.ld_env(Type::I64, voff(r, 0)); }
    Temp vhi(unsigned r) { return b.ld_env(Type::I64, voff(r, 1)); }
    void set_v(unsigned r, Temp lo, Temp hi) {
        b.st_env(lo, voff(r, 0));
        b.st_env(hi, voff(r, 1));
    }
    void set_v64(unsigned r, Temp lo) { set_v(r, lo, imm(0)); }
    // FP/AdvSIMD instructions first check CPACR_EL1.FPEN (a mode bit): when it traps, the
    // instruction raises the FP access exception and this returns false.
    bool fp_access() {
        if (flags & tbf::FPEN) return true;
        raise(EC_FP_ACCESS, kFpAccessIss);
        return false;
    }

    // NZCV, one 0/1 word each. When they are known to be the flags of comparing a with b
    // (CMP, SUBS; ANDS and TST are a compare of the result with 0 but for C), a condition
    // that combines flags is that compare instead.
    struct Compare {
        Temp a, b;                 // compared at the width: only the low 32 bits when !is64
        bool is64 = true;
        bool unsigned_ok = false;  // C is a >= b unsigned (not after ANDS: C = 0)
        bool valid() const { return a.valid(); }
    };
    struct Nzcv {
        Temp n, z, c, v;
        Compare cmp = {};
    };
    Compare flags_cmp = {};  // what the flags compare now, in this block (invalid: unknown)
    Temp flag(const uint64_t& f) { return b.ld_env(Type::I64, env_off(cpu, f), true); }
    void set_flag(const uint64_t& f, Temp v) {
        b.st_env(v, env_off(cpu, f), true);
        flags_cmp = {};
    }
    void set_nzcv(const Nzcv& f) {
        set_flag(cpu.nf, f.n);
        set_flag(cpu.zf, f.z);
        set_flag(cpu.cf, f.c);
        set_flag(cpu.vf, f.v);
        flags_cmp = f.cmp;
    }
    // a + m or a - m at the width (only the low 32 bits of a and m count when !is64):
    // *result (zero-extended) and the flags, from the IR's carry and overflow ops.
    Nzcv add_sub(Temp a, Temp m, bool sub, bool is64, Temp* result);
    // The architecture's AddWithCarry with a carry in (ADCS, SBCS): *result = a + bv +
    // carry_in (a and bv zero-extended at the width; SBCS passes ~m), and its flags.
    Nzcv add_with_carry(Temp a, Temp bv, Temp carry_in, bool is64, Temp* result);
    Nzcv nz_of(Temp r, bool is64);  // N and Z from r, C = V = 0 (logical ops)
    // 1 when condition code cc (0-15) holds, else 0.
    Temp cond(unsigned cc);
    // When cc is "k.a *c k.b" for the compare the flags hold (flags_cmp): true, with k and *c.
    bool cond_as_compare(unsigned cc, Compare* k, ir::Cond* c) const;

    // Leave the block for a known target (chainable) or a computed one.
    void exit_to(uint64_t target, unsigned slot = 0) {
        b.exit_tb(target, slot);
        ended = true;
    }
    void exit_ind(Temp target, bool mode_change = false) {
        b.exit_ind(target, mode_change);
        ended = true;
    }
    // A synchronous exception at this instruction.
    void raise(uint32_t ec, uint32_t iss);
    bool undefined() {
        raise(EC_UNKNOWN, 0);
        return true;
    }
};

// Exit slot that never chains: the next block must be looked up under the new mode.
constexpr unsigned kNoChain = ir::kNoChainSlot;

// Helpers callable from IR (helpers.cpp).
extern const ir::Helper h_raise, h_mrs, h_msr, h_msr_in_block, h_eret, h_wfi, h_wfe, h_sev, h_hvc, h_tlbi, h_ldxr, h_stxr, h_ldxp, h_stxp, h_bitop, h_crc32, h_at, h_zva_el0;
// The AdvSIMD integer groups (simd_helpers.h): h_simd_three_same, h_simd_misc, ...
#define TESSERA_A64_SIMD_DECLARE(g) extern const ir::Helper h_simd_##g;
TESSERA_A64_SIMD_HELPERS(TESSERA_A64_SIMD_DECLARE)
#undef TESSERA_A64_SIMD_DECLARE

}  // namespace tessera::aarch64
