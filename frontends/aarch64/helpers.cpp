// Helpers called from translated code (interpreter and JIT alike): the parts of A64 that
// depend on run-time state (system registers, exception return, PSCI, TLB maintenance).
#include "frontends/aarch64/simd_helpers.h"
#include "frontends/aarch64/translate.h"
#include "util/log.h"

// The embedded bitcode of simd_helpers.cpp (generated: build/a64_simd_helpers_bc.cpp).
extern const unsigned char tessera_a64_simd_helpers_bc[];
extern const size_t tessera_a64_simd_helpers_bc_size;

namespace tessera::aarch64 {

namespace {

Aarch64Cpu& cpu_of(void* env) { return *static_cast<Aarch64Cpu*>(static_cast<Vcpu*>(env)); }

uint64_t raise(void* env, uint64_t ec, uint64_t iss, uint64_t, uint64_t) {
    cpu_of(env).raise(uint32_t(ec), uint32_t(iss));
    return 0;
}

uint64_t mrs(void* env, uint64_t enc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    uint64_t v = 0;
    if (!c.sysreg_read(uint32_t(enc), &v)) {
        GUEST_ERROR("mrs: unimplemented or inaccessible system register op0=%u op1=%u CRn=%u CRm=%u op2=%u at pc 0x%llx\n",
            unsigned(enc >> 14) & 3, unsigned(enc >> 11) & 7, unsigned(enc >> 7) & 15, unsigned(enc >> 3) & 15,
            unsigned(enc) & 7, (unsigned long long)c.pc);
        c.raise(EC_UNKNOWN, 0);
    }
    return v;
}

uint64_t msr(void* env, uint64_t enc, uint64_t value, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    if (!c.sysreg_write(uint32_t(enc), value)) {
        GUEST_ERROR("msr: unimplemented or inaccessible system register op0=%u op1=%u CRn=%u CRm=%u op2=%u at pc 0x%llx\n",
            unsigned(enc >> 14) & 3, unsigned(enc >> 11) & 7, unsigned(enc >> 7) & 15, unsigned(enc >> 3) & 15,
            unsigned(enc) & 7, (unsigned long long)c.pc);
        c.raise(EC_UNKNOWN, 0);
    }
    return 0;
}

// ERET: PSTATE from SPSR_EL1, pc from ELR_EL1 (returned). An illegal return (to AArch32 or
// a higher level) is taken as an illegal execution state: UNDEFINED here.
uint64_t eret(void* env, uint64_t, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    if (c.el == 0 || !c.set_pstate(c.spsr_el1)) {
        c.raise(EC_UNKNOWN, 0);
        return 0;
    }
    c.excl_addr = ~0ull;
    c.event_reg = true;  // an exception return is an event
    return c.elr_el1;
}

uint64_t wfi(void* env, uint64_t, uint64_t, uint64_t, uint64_t) {
    cpu_of(env).wfi = true;
    return 0;
}

// WFE: a pending event is consumed; otherwise the CPU waits (Aarch64Cpu::halted) for an
// interrupt or the event stream. Not while the exclusive monitor is armed: the global
// monitor's clearing by another observer, which would wake it, is not modelled, so a
// LDXR; WFE wait goes on spinning instead (a WFE may always complete early).
uint64_t wfe(void* env, uint64_t, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    if (c.event_reg) c.event_reg = false;
    else if (c.excl_addr == ~0ull) c.wfe = true;
    return 0;
}

uint64_t sev(void* env, uint64_t, uint64_t, uint64_t, uint64_t) {  // SEV and SEVL: one PE
    cpu_of(env).event_reg = true;
    return 0;
}

uint64_t hvc(void* env, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3) {
    Aarch64Cpu& c = cpu_of(env);
    if (!c.hvc_call) {
        c.raise(EC_UNKNOWN, 0);
        return x0;
    }
    return c.hvc_call(x0, x1, x2, x3);
}

// TLBI (op2 of SYS #0, C8, C3 or C7): by VA (VAE1, VAAE1, VALE1, VAALE1) flushes that page,
// unless the VA lies where the TLB holds pieces of a larger block or page; everything else
// (VMALLE1, ASIDE1) flushes all. The TLB is not tagged by ASID, so by ASID means all.
uint64_t tlbi(void* env, uint64_t op2, uint64_t xt, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const bool by_va = op2 == 1 || op2 == 3 || op2 == 5 || op2 == 7;
    // Xt[43:0] is VA[55:12]; bit 55 picks the half of the address space.
    const uint64_t va = uint64_t(int64_t((xt & ((1ull << 44) - 1)) << 20) >> 8);
    if (by_va && (va > c.tlb_large_hi || va < c.tlb_large_lo)) {
        c.tlb_flush_page(va);
        return 0;
    }
    c.tlb_flush();
    c.tlb_large_lo = ~0ull;
    c.tlb_large_hi = 0;
    return 0;
}

// AT S1E1R, S1E1W, S1E0R, S1E0W (op2 0-3): the stage-1 translation of va into PAR_EL1,
// with no exception: PA and attributes, or F = 1 and the fault status.
uint64_t at(void* env, uint64_t op2, uint64_t va, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Access acc = op2 & 1 ? Access::Store : Access::Load;
    const unsigned idx = op2 & 2 ? 0 : 1;
    constexpr uint64_t kPaMask = 0x0000fffffffff000ull;
    if (!(c.sctlr_el1 & 1)) {  // MMU off: flat, Device-nGnRnE
        c.par_el1 = va & kPaMask;
        return 0;
    }
    Translation t;
    if (c.walk(va, acc, idx, &t, true)) c.par_el1 = (t.pa & kPaMask) | c.walk_attrs;
    else c.par_el1 = 1 | uint64_t(c.walk_status) << 1;
    return 0;
}

// DC ZVA at EL0 traps to EL1 (EC 0x18, iss given) unless SCTLR_EL1.DZE allows it.
uint64_t zva_el0(void* env, uint64_t iss, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    if (!(c.sctlr_el1 & (1u << 14))) c.raise(EC_SYSREG, uint32_t(iss));
    return 0;
}

// Exclusives: the local monitor holds the address and the value loaded; a store-exclusive
// succeeds (0) when both still hold. desc: access bytes << 8 | mmu index << 16.
uint64_t ldxr(void* env, uint64_t va, uint64_t desc, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    unsigned bytes = (desc >> 8) & 0xff, idx = unsigned(desc >> 16);
    if (va & (bytes - 1)) {
        c.raise_misaligned(va, Access::Load);
        return 0;
    }
    uint64_t v = c.load_slow(va, bytes, idx);
    if (c.exception_pending) return 0;
    c.excl_addr = va;
    c.excl_val = v;
    return v;
}

uint64_t stxr(void* env, uint64_t va, uint64_t val, uint64_t desc, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    unsigned bytes = (desc >> 8) & 0xff, idx = unsigned(desc >> 16);
    if (va & (bytes - 1)) {
        c.raise_misaligned(va, Access::Store);
        return 0;
    }
    bool reserved = c.excl_addr == va;
    c.excl_addr = ~0ull;
    if (!reserved) return 1;
    if (!c.probe_store(va, idx)) return 0;
    uint64_t cur = c.load_slow(va, bytes, idx);
    if (c.exception_pending) return 0;
    if (cur != c.excl_val) return 1;  // changed since the load-exclusive (a device, DMA)
    uint64_t mask = bytes == 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
    c.store_slow(va, bytes, val & mask, idx);
    return 0;
}

// The pairs: LDXP loads both (the second element through excl_val2, which translated code
// reads right after the call), STXP stores both if the monitor still holds. The access is
// aligned to its whole size (2 x bytes).
uint64_t ldxp(void* env, uint64_t va, uint64_t desc, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    unsigned bytes = (desc >> 8) & 0xff, idx = unsigned(desc >> 16);
    if (va & (2 * bytes - 1)) {
        c.raise_misaligned(va, Access::Load);
        return 0;
    }
    uint64_t v1 = c.load_slow(va, bytes, idx);
    if (c.exception_pending) return 0;
    uint64_t v2 = c.load_slow(va + bytes, bytes, idx);
    if (c.exception_pending) return 0;
    c.excl_addr = va;
    c.excl_val = v1;
    c.excl_val2 = v2;
    return v1;
}

uint64_t stxp(void* env, uint64_t va, uint64_t v1, uint64_t v2, uint64_t desc) {
    Aarch64Cpu& c = cpu_of(env);
    unsigned bytes = (desc >> 8) & 0xff, idx = unsigned(desc >> 16);
    if (va & (2 * bytes - 1)) {
        c.raise_misaligned(va, Access::Store);
        return 0;
    }
    bool reserved = c.excl_addr == va;
    c.excl_addr = ~0ull;
    if (!reserved) return 1;
    if (!c.probe_store(va, idx) || !c.probe_store(va + bytes, idx)) return 0;
    uint64_t cur1 = c.load_slow(va, bytes, idx), cur2 = c.load_slow(va + bytes, bytes, idx);
    if (c.exception_pending) return 0;
    if (cur1 != c.excl_val || cur2 != c.excl_val2) return 1;
    uint64_t mask = bytes == 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
    c.store_slow(va, bytes, v1 & mask, idx);
    c.store_slow(va + bytes, bytes, v2 & mask, idx);
    return 0;
}

// CRC32{B,H,W,X} and CRC32C{B,H,W,X}: the reflected CRC of `bytes` bytes of data folded into
// acc (polynomial 0x04C11DB7, or Castagnoli's 0x1EDC6F41), kind = bytes | 0x100 for C.
uint64_t crc32(void*, uint64_t kind, uint64_t acc, uint64_t data, uint64_t) {
    const uint32_t poly = (kind & 0x100) ? 0x82f63b78u : 0xedb88320u;  // bit-reversed
    uint32_t crc = uint32_t(acc);
    for (unsigned i = 0; i < (kind & 0xff); i++) {
        crc ^= uint8_t(data >> (8 * i));
        for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (poly & (0u - (crc & 1)));
    }
    return crc;
}

// RBIT, REV16, REV32, REV, CLZ, CLS (kind = the DP-1-source opcode, | 8 for 64 bits).
uint64_t bitop(void*, uint64_t kind, uint64_t x, uint64_t, uint64_t) {
    bool is64 = kind & 8;
    unsigned width = is64 ? 64 : 32;
    uint64_t mask = is64 ? ~0ull : 0xffffffffull;
    x &= mask;
    switch (kind & 7) {
    case 0: {  // RBIT
        uint64_t r = 0;
        for (unsigned i = 0; i < width; i++) r |= ((x >> i) & 1) << (width - 1 - i);
        return r;
    }
    case 1: {  // REV16: bytes swapped within each halfword
        uint64_t r = ((x & 0x00ff00ff00ff00ffull) << 8) | ((x >> 8) & 0x00ff00ff00ff00ffull);
        return r & mask;
    }
    case 2:  // REV32 (64-bit), REV (32-bit): bytes swapped within each word
        if (is64) return uint64_t(__builtin_bswap32(uint32_t(x))) | uint64_t(__builtin_bswap32(uint32_t(x >> 32))) << 32;
        return __builtin_bswap32(uint32_t(x));
    case 3: return __builtin_bswap64(x);  // REV (64-bit)
    case 4: return x ? uint64_t(__builtin_clzll(x) - (64 - width)) : width;  // CLZ
    default: {  // CLS: leading bits equal to the sign bit, not counting it
        uint64_t s = (x >> (width - 1)) & 1;
        uint64_t y = (s ? ~x : x) & mask;
        unsigned lz = y ? unsigned(__builtin_clzll(y)) - (64 - width) : width;
        return lz - 1;
    }
    }
}

}  // namespace

using ir::Helper;
using namespace ir;
const Helper h_raise{"raise", raise, HF_WRITES_ENV | HF_MAY_RAISE | HF_CPU_ONLY};
const Helper h_mrs{"mrs", mrs, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_COUNTERS};
const Helper h_msr{"msr", msr, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_ENDS_BLOCK};
const Helper h_msr_in_block{"msr", msr, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_eret{"eret", eret, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_ENDS_BLOCK};
const Helper h_wfe{"wfe", wfe, HF_READS_ENV | HF_WRITES_ENV | HF_ENDS_BLOCK};
const Helper h_sev{"sev", sev, HF_READS_ENV | HF_WRITES_ENV};
const Helper h_wfi{"wfi", wfi, HF_READS_ENV | HF_WRITES_ENV | HF_ENDS_BLOCK};
const Helper h_hvc{"hvc", hvc, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_ENDS_BLOCK};
const Helper h_ldxr{"ldxr", ldxr, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_stxr{"stxr", stxr, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_ldxp{"ldxp", ldxp, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_stxp{"stxp", stxp, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_crc32{"crc32", crc32, HF_CPU_ONLY};
const Helper h_bitop{"bitop", bitop, HF_CPU_ONLY};
const Helper h_zva_el0{"zva_el0", zva_el0, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_CPU_ONLY};
const Helper h_at{"at", at, HF_READS_ENV | HF_WRITES_ENV};
const Helper h_tlbi{"tlbi", tlbi, HF_READS_ENV | HF_WRITES_ENV | HF_ENDS_BLOCK};

// AdvSIMD integer groups: native code and bitcode of simd_helpers.cpp. They read and write V
// registers and FPSR.QC, nothing else.
const HelperBitcode kSimdBitcode{tessera_a64_simd_helpers_bc, tessera_a64_simd_helpers_bc_size, nullptr, 0};
#define SIMD_HELPER(g) \
    const Helper h_simd_##g{"simd_" #g, tessera_a64_simd_##g, HF_READS_ENV | HF_WRITES_ENV | HF_CPU_ONLY, "tessera_a64_simd_" #g, &kSimdBitcode};
TESSERA_A64_SIMD_HELPERS(SIMD_HELPER)
#undef SIMD_HELPER

}  // namespace tessera::aarch64
