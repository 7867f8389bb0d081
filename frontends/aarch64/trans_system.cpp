// System instructions: hints, barriers, PSTATE writes, MRS/MSR, cache and TLB maintenance,
// exception generation and return.
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

constexpr uint32_t kDaifEnc = 3u << 14 | 3u << 11 | 4u << 7 | 2u << 3 | 1;  // DAIF (3,3,4,2,1)
constexpr uint32_t kSpselEnc = 3u << 14 | 0u << 11 | 4u << 7 | 2u << 3 | 0;
constexpr uint32_t kNzcvEnc = 3u << 14 | 3u << 11 | 4u << 7 | 2u << 3 | 0;

// After a write that may change the mode or the translation: end the block, unchained.
bool end_unchained(Ctx& c) {
    c.exit_to(c.pc + 4, kNoChain);
    return true;
}

// ISB and interrupt mask writes leave the mode as it was: the block ends chained to the next
// instruction, whose chain point tests the exit word, so code changed by stores before an ISB
// and an interrupt a DAIF write unmasked (the helper sets irq_check) are still seen at once.
// Linux runs them by the hundred thousand while it boots (set_pte's dsb+isb, irq save and
// restore); each was a trip through the executor's loop and lookup.
bool end_chained(Ctx& c) {
    c.exit_to(c.pc + 4, 0);
    return true;
}

bool trans_hint(Ctx& c, uint32_t w) {
    switch (bits(w, 11, 5)) {
    case 2:  // WFE
        c.b.call(&h_wfe);
        return end_unchained(c);
    case 3:  // WFI (at EL0 too: trapping it, SCTLR_EL1.nTWI = 0, is not modelled)
        c.b.call(&h_wfi);
        return end_unchained(c);
    case 4: case 5: c.b.call(&h_sev); return true;  // SEV, SEVL
    default: return true;  // NOP, YIELD and the unallocated hints: no effect here
    }
}

bool trans_barrier(Ctx& c, uint32_t w) {
    switch (bits(w, 7, 5)) {
    case 2: c.b.st_env(c.imm(-1), env_off(c.cpu, c.cpu.excl_addr)); return true;  // CLREX
    case 4:                                                                          // DSB
    case 5: c.b.fence(ir::FENCE_ALL); return true;                                   // DMB
    case 6: return end_chained(c);  // ISB: later instructions see earlier context changes
    default: return false;
    }
}

bool trans_msr_imm(Ctx& c, uint32_t w) {
    unsigned op1 = bits(w, 18, 16), op2 = bits(w, 7, 5), crm = bits(w, 11, 8);
    if (op1 == 0 && op2 == 5) {  // SPSel
        if (c.el() == 0) return false;
        c.b.call(&h_msr, c.imm(kSpselEnc), c.imm(crm & 1));
        return end_unchained(c);
    }
    if (op1 == 3 && (op2 == 6 || op2 == 7)) {  // DAIFSet, DAIFClr
        Temp d = c.b.ld_env(Type::I64, env_off(c.cpu, c.cpu.daif));
        Temp v = op2 == 6 ? c.b.or_(d, c.imm(crm << 6)) : c.b.and_(d, c.imm(~int64_t(crm << 6)));
        c.b.call(&h_msr, c.imm(kDaifEnc), v);
        return end_chained(c);
    }
    return false;
}

unsigned sysreg_enc(uint32_t w) { return bits(w, 20, 5); }

constexpr uint32_t kFpcrEnc = 3u << 14 | 3u << 11 | 4u << 7 | 4u << 3 | 0, kFpsrEnc = kFpcrEnc | 1;
// FPCR and FPSR trap as FP instructions do when CPACR_EL1.FPEN says so.
bool fp_sysreg_trapped(Ctx& c, uint32_t enc) { return (enc == kFpcrEnc || enc == kFpsrEnc) && !c.fp_access(); }

bool trans_mrs(Ctx& c, uint32_t w) {
    if (fp_sysreg_trapped(c, sysreg_enc(w))) return true;
    if (sysreg_enc(w) == kNzcvEnc) {  // inline: the flags live in translated code
        Temp v = c.b.or_(c.b.or_(c.b.shl(c.flag(c.cpu.nf), c.imm(31)), c.b.shl(c.flag(c.cpu.zf), c.imm(30))),
                         c.b.or_(c.b.shl(c.flag(c.cpu.cf), c.imm(29)), c.b.shl(c.flag(c.cpu.vf), c.imm(28))));
        c.set_x(rd(w), v);
        return true;
    }
    c.set_x(rd(w), c.b.call(&h_mrs, c.imm(sysreg_enc(w))));
    return true;
}

bool trans_msr(Ctx& c, uint32_t w) {
    if (fp_sysreg_trapped(c, sysreg_enc(w))) return true;
    Temp v = c.x(rd(w));
    if (sysreg_enc(w) == kNzcvEnc) {
        c.set_flag(c.cpu.nf, c.b.and_(c.b.shr(v, c.imm(31)), c.imm(1)));
        c.set_flag(c.cpu.zf, c.b.and_(c.b.shr(v, c.imm(30)), c.imm(1)));
        c.set_flag(c.cpu.cf, c.b.and_(c.b.shr(v, c.imm(29)), c.imm(1)));
        c.set_flag(c.cpu.vf, c.b.and_(c.b.shr(v, c.imm(28)), c.imm(1)));
        return true;
    }
    if (Aarch64Cpu::sysreg_write_keeps_block(sysreg_enc(w))) {
        c.b.call(&h_msr_in_block, c.imm(sysreg_enc(w)), v);
        return true;
    }
    c.b.call(&h_msr, c.imm(sysreg_enc(w)), v);
    return sysreg_enc(w) == kDaifEnc ? end_chained(c) : end_unchained(c);
}

// SYS: cache maintenance (no caches are modelled: IC and DC are no-ops but DC ZVA, which
// zeroes a 64-byte block), TLBI and AT.
bool trans_sys(Ctx& c, uint32_t w) {
    unsigned op1 = bits(w, 18, 16), crn = bits(w, 15, 12), crm = bits(w, 11, 8), op2 = bits(w, 7, 5);
    if (crn == 8) {  // TLBI (EL1 forms: inner shareable C3 or local C7)
        if (c.el() == 0 || op1 != 0 || (crm != 3 && crm != 7)) return false;
        c.b.call(&h_tlbi, c.imm(op2), c.x(rd(w)));
        return end_unchained(c);
    }
    if (crn != 7 || op1 == 4 || op1 == 6) return false;          // (EL2 and EL3 forms)
    if (crm == 1 || crm == 5) return true;                   // IC: code changes are caught by the softmmu
    if (crm == 4 && op1 == 3 && op2 == 1) {                  // DC ZVA: 64 zero bytes (DCZID_EL0.BS = 4)
        if (c.el() == 0)
            c.b.call(&h_zva_el0, c.imm(1 << 20 | 1 << 17 | 3 << 14 | 7 << 10 | rd(w) << 5 | 4 << 1));
        Temp addr = c.b.and_(c.x(rd(w)), c.imm(-64));
        for (int k = 0; k < 64; k += 8) c.b.st(c.b.add(addr, c.imm(k)), c.imm(0), ir::MO_64, c.mem_idx());
        return true;
    }
    if (crm == 6 || (crm >= 10 && crm <= 14)) return true;   // DC clean/invalidate: no caches
    if (crm == 8 && op1 == 0 && op2 < 4) {                   // AT S1E1R/W, S1E0R/W
        if (c.el() == 0) return false;
        c.b.call(&h_at, c.imm(op2), c.x(rd(w)));
        return true;
    }
    return false;
}

bool trans_svc(Ctx& c, uint32_t w) {
    c.raise(EC_SVC64, bits(w, 20, 5));
    return true;
}
bool trans_hvc(Ctx& c, uint32_t w) {
    if (c.el() == 0 || bits(w, 20, 5) != 0) return false;
    c.set_x(0, c.b.call(&h_hvc, c.x(0), c.x(1), c.x(2), c.x(3)));
    return end_unchained(c);
}
bool trans_smc(Ctx&, uint32_t) { return false; }  // no EL3
bool trans_brk(Ctx& c, uint32_t w) {
    c.raise(EC_BRK, bits(w, 20, 5));
    return true;
}
bool trans_eret(Ctx& c, uint32_t) {
    if (c.el() == 0) return false;
    c.exit_ind(c.b.call(&h_eret), true);
    return true;
}

constexpr Pattern kTable[] = {
    pattern("hint", "1101010100 0 00 011 0010 mmmm ooo 11111", trans_hint),
    pattern("barrier", "1101010100 0 00 011 0011 mmmm ooo 11111", trans_barrier),
    pattern("msr_imm", "1101010100 0 00 ppp 0100 mmmm ooo 11111", trans_msr_imm),
    pattern("sys", "1101010100 0 01 ppp nnnn mmmm ooo ttttt", trans_sys),
    pattern("msr", "1101010100 0 1 r ppp nnnn mmmm ooo ttttt", trans_msr),
    pattern("mrs", "1101010100 1 1 r ppp nnnn mmmm ooo ttttt", trans_mrs),
    pattern("svc", "11010100 000 iiiiiiiiiiiiiiii 000 01", trans_svc),
    pattern("hvc", "11010100 000 iiiiiiiiiiiiiiii 000 10", trans_hvc),
    pattern("smc", "11010100 000 iiiiiiiiiiiiiiii 000 11", trans_smc),
    pattern("brk", "11010100 001 iiiiiiiiiiiiiiii 000 00", trans_brk),
    pattern("eret", "1101011 0100 11111 000000 11111 00000", trans_eret),
};
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kSystemPatterns{kTable};

}  // namespace tessera::aarch64
