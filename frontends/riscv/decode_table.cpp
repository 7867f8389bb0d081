// The RISC-V RV64GC encoding table. Every encoding appears exactly once; compressed
// forms map to base handlers with expanded fields (see extract()).
#include "frontends/riscv/decode.h"
#include "frontends/riscv/translate.h"

namespace tessera::riscv {

#define P4(name, mask, match, fmt) {#name, mask, match, 4, Fmt::fmt, trans_##name}
#define P2(name, h, mask, match, fmt) {#name, mask, match, 2, Fmt::fmt, trans_##h}

constexpr Pattern kTable[] = {
    // RV64I
    P4(lui, 0x7f, 0x37, U), P4(auipc, 0x7f, 0x17, U), P4(jal, 0x7f, 0x6f, J), P4(jalr, 0x707f, 0x67, I),
    P4(beq, 0x707f, 0x0063, B), P4(bne, 0x707f, 0x1063, B), P4(blt, 0x707f, 0x4063, B),
    P4(bge, 0x707f, 0x5063, B), P4(bltu, 0x707f, 0x6063, B), P4(bgeu, 0x707f, 0x7063, B),
    P4(lb, 0x707f, 0x0003, I), P4(lh, 0x707f, 0x1003, I), P4(lw, 0x707f, 0x2003, I), P4(ld, 0x707f, 0x3003, I),
    P4(lbu, 0x707f, 0x4003, I), P4(lhu, 0x707f, 0x5003, I), P4(lwu, 0x707f, 0x6003, I),
    P4(sb, 0x707f, 0x0023, S), P4(sh, 0x707f, 0x1023, S), P4(sw, 0x707f, 0x2023, S), P4(sd, 0x707f, 0x3023, S),
    P4(addi, 0x707f, 0x0013, I), P4(slti, 0x707f, 0x2013, I), P4(sltiu, 0x707f, 0x3013, I),
    P4(xori, 0x707f, 0x4013, I), P4(ori, 0x707f, 0x6013, I), P4(andi, 0x707f, 0x7013, I),
    P4(slli, 0xfc00707f, 0x1013, Shift), P4(srli, 0xfc00707f, 0x5013, Shift), P4(srai, 0xfc00707f, 0x40005013, Shift),
    P4(addiw, 0x707f, 0x001b, I), P4(slliw, 0xfe00707f, 0x101b, Shift), P4(srliw, 0xfe00707f, 0x501b, Shift),
    P4(sraiw, 0xfe00707f, 0x4000501b, Shift),
    P4(add, 0xfe00707f, 0x0033, R), P4(sub, 0xfe00707f, 0x40000033, R), P4(sll, 0xfe00707f, 0x1033, R),
    P4(slt, 0xfe00707f, 0x2033, R), P4(sltu, 0xfe00707f, 0x3033, R), P4(xor, 0xfe00707f, 0x4033, R),
    P4(srl, 0xfe00707f, 0x5033, R), P4(sra, 0xfe00707f, 0x40005033, R), P4(or, 0xfe00707f, 0x6033, R),
    P4(and, 0xfe00707f, 0x7033, R),
    P4(addw, 0xfe00707f, 0x003b, R), P4(subw, 0xfe00707f, 0x4000003b, R), P4(sllw, 0xfe00707f, 0x103b, R),
    P4(srlw, 0xfe00707f, 0x503b, R), P4(sraw, 0xfe00707f, 0x4000503b, R),
    P4(fence, 0x707f, 0x000f, None), P4(fence_i, 0x707f, 0x100f, None),
    P4(ecall, 0xffffffff, 0x00000073, None), P4(ebreak, 0xffffffff, 0x00100073, None),
    P4(sret, 0xffffffff, 0x10200073, None), P4(mret, 0xffffffff, 0x30200073, None),
    P4(wfi, 0xffffffff, 0x10500073, None), P4(sfence_vma, 0xfe007fff, 0x12000073, R),
    P4(csrrw, 0x707f, 0x1073, Csr), P4(csrrs, 0x707f, 0x2073, Csr), P4(csrrc, 0x707f, 0x3073, Csr),
    P4(csrrwi, 0x707f, 0x5073, CsrI), P4(csrrsi, 0x707f, 0x6073, CsrI), P4(csrrci, 0x707f, 0x7073, CsrI),
    // M
    P4(mul, 0xfe00707f, 0x02000033, R), P4(mulh, 0xfe00707f, 0x02001033, R), P4(mulhsu, 0xfe00707f, 0x02002033, R),
    P4(mulhu, 0xfe00707f, 0x02003033, R), P4(div, 0xfe00707f, 0x02004033, R), P4(divu, 0xfe00707f, 0x02005033, R),
    P4(rem, 0xfe00707f, 0x02006033, R), P4(remu, 0xfe00707f, 0x02007033, R),
    P4(mulw, 0xfe00707f, 0x0200003b, R), P4(divw, 0xfe00707f, 0x0200403b, R), P4(divuw, 0xfe00707f, 0x0200503b, R),
    P4(remw, 0xfe00707f, 0x0200603b, R), P4(remuw, 0xfe00707f, 0x0200703b, R),
    // A (aq/rl bits 26:25 are don't-care: one hart, every access is sequentially consistent)
    P4(lr_w, 0xf9f0707f, 0x1000202f, Amo), P4(sc_w, 0xf800707f, 0x1800202f, Amo),
    P4(amoswap_w, 0xf800707f, 0x0800202f, Amo), P4(amoadd_w, 0xf800707f, 0x0000202f, Amo),
    P4(amoxor_w, 0xf800707f, 0x2000202f, Amo), P4(amoand_w, 0xf800707f, 0x6000202f, Amo),
    P4(amoor_w, 0xf800707f, 0x4000202f, Amo), P4(amomin_w, 0xf800707f, 0x8000202f, Amo),
    P4(amomax_w, 0xf800707f, 0xa000202f, Amo), P4(amominu_w, 0xf800707f, 0xc000202f, Amo),
    P4(amomaxu_w, 0xf800707f, 0xe000202f, Amo),
    P4(lr_d, 0xf9f0707f, 0x1000302f, Amo), P4(sc_d, 0xf800707f, 0x1800302f, Amo),
    P4(amoswap_d, 0xf800707f, 0x0800302f, Amo), P4(amoadd_d, 0xf800707f, 0x0000302f, Amo),
    P4(amoxor_d, 0xf800707f, 0x2000302f, Amo), P4(amoand_d, 0xf800707f, 0x6000302f, Amo),
    P4(amoor_d, 0xf800707f, 0x4000302f, Amo), P4(amomin_d, 0xf800707f, 0x8000302f, Amo),
    P4(amomax_d, 0xf800707f, 0xa000302f, Amo), P4(amominu_d, 0xf800707f, 0xc000302f, Amo),
    P4(amomaxu_d, 0xf800707f, 0xe000302f, Amo),
    // F
    P4(flw, 0x707f, 0x2007, I), P4(fsw, 0x707f, 0x2027, S),
    P4(fmadd_s, 0x0600007f, 0x43, R4), P4(fmsub_s, 0x0600007f, 0x47, R4),
    P4(fnmsub_s, 0x0600007f, 0x4b, R4), P4(fnmadd_s, 0x0600007f, 0x4f, R4),
    P4(fadd_s, 0xfe00007f, 0x00000053, Rrm), P4(fsub_s, 0xfe00007f, 0x08000053, Rrm),
    P4(fmul_s, 0xfe00007f, 0x10000053, Rrm), P4(fdiv_s, 0xfe00007f, 0x18000053, Rrm),
    P4(fsqrt_s, 0xfff0007f, 0x58000053, R1rm),
    P4(fsgnj_s, 0xfe00707f, 0x20000053, R), P4(fsgnjn_s, 0xfe00707f, 0x20001053, R),
    P4(fsgnjx_s, 0xfe00707f, 0x20002053, R), P4(fmin_s, 0xfe00707f, 0x28000053, R),
    P4(fmax_s, 0xfe00707f, 0x28001053, R),
    P4(fcvt_w_s, 0xfff0007f, 0xc0000053, R1rm), P4(fcvt_wu_s, 0xfff0007f, 0xc0100053, R1rm),
    P4(fcvt_l_s, 0xfff0007f, 0xc0200053, R1rm), P4(fcvt_lu_s, 0xfff0007f, 0xc0300053, R1rm),
    P4(fmv_x_w, 0xfff0707f, 0xe0000053, R1), P4(fclass_s, 0xfff0707f, 0xe0001053, R1),
    P4(feq_s, 0xfe00707f, 0xa0002053, R), P4(flt_s, 0xfe00707f, 0xa0001053, R), P4(fle_s, 0xfe00707f, 0xa0000053, R),
    P4(fcvt_s_w, 0xfff0007f, 0xd0000053, R1rm), P4(fcvt_s_wu, 0xfff0007f, 0xd0100053, R1rm),
    P4(fcvt_s_l, 0xfff0007f, 0xd0200053, R1rm), P4(fcvt_s_lu, 0xfff0007f, 0xd0300053, R1rm),
    P4(fmv_w_x, 0xfff0707f, 0xf0000053, R1),
    // D
    P4(fld, 0x707f, 0x3007, I), P4(fsd, 0x707f, 0x3027, S),
    P4(fmadd_d, 0x0600007f, 0x02000043, R4), P4(fmsub_d, 0x0600007f, 0x02000047, R4),
    P4(fnmsub_d, 0x0600007f, 0x0200004b, R4), P4(fnmadd_d, 0x0600007f, 0x0200004f, R4),
    P4(fadd_d, 0xfe00007f, 0x02000053, Rrm), P4(fsub_d, 0xfe00007f, 0x0a000053, Rrm),
    P4(fmul_d, 0xfe00007f, 0x12000053, Rrm), P4(fdiv_d, 0xfe00007f, 0x1a000053, Rrm),
    P4(fsqrt_d, 0xfff0007f, 0x5a000053, R1rm),
    P4(fsgnj_d, 0xfe00707f, 0x22000053, R), P4(fsgnjn_d, 0xfe00707f, 0x22001053, R),
    P4(fsgnjx_d, 0xfe00707f, 0x22002053, R), P4(fmin_d, 0xfe00707f, 0x2a000053, R),
    P4(fmax_d, 0xfe00707f, 0x2a001053, R),
    P4(fcvt_w_d, 0xfff0007f, 0xc2000053, R1rm), P4(fcvt_wu_d, 0xfff0007f, 0xc2100053, R1rm),
    P4(fcvt_l_d, 0xfff0007f, 0xc2200053, R1rm), P4(fcvt_lu_d, 0xfff0007f, 0xc2300053, R1rm),
    P4(fmv_x_d, 0xfff0707f, 0xe2000053, R1), P4(fclass_d, 0xfff0707f, 0xe2001053, R1),
    P4(feq_d, 0xfe00707f, 0xa2002053, R), P4(flt_d, 0xfe00707f, 0xa2001053, R), P4(fle_d, 0xfe00707f, 0xa2000053, R),
    P4(fcvt_d_w, 0xfff0007f, 0xd2000053, R1rm), P4(fcvt_d_wu, 0xfff0007f, 0xd2100053, R1rm),
    P4(fcvt_d_l, 0xfff0007f, 0xd2200053, R1rm), P4(fcvt_d_lu, 0xfff0007f, 0xd2300053, R1rm),
    P4(fmv_d_x, 0xfff0707f, 0xf2000053, R1),
    P4(fcvt_s_d, 0xfff0007f, 0x40100053, R1rm), P4(fcvt_d_s, 0xfff0007f, 0x42000053, R1rm),
    // C, quadrant 0
    P2(c.addi4spn, addi, 0xe003, 0x0000, C_ADDI4SPN), P2(c.fld, fld, 0xe003, 0x2000, C_LD),
    P2(c.lw, lw, 0xe003, 0x4000, C_LW), P2(c.ld, ld, 0xe003, 0x6000, C_LD),
    P2(c.fsd, fsd, 0xe003, 0xa000, C_SD), P2(c.sw, sw, 0xe003, 0xc000, C_SW), P2(c.sd, sd, 0xe003, 0xe000, C_SD),
    // C, quadrant 1
    P2(c.addi, addi, 0xe003, 0x0001, C_ADDI), P2(c.addiw, addiw, 0xe003, 0x2001, C_ADDIW),
    P2(c.li, addi, 0xe003, 0x4001, C_LI), P2(c.addi16sp, addi, 0xef83, 0x6101, C_ADDI16SP),
    P2(c.lui, lui, 0xe003, 0x6001, C_LUI), P2(c.srli, srli, 0xec03, 0x8001, C_SHIFT_R),
    P2(c.srai, srai, 0xec03, 0x8401, C_SHIFT_R), P2(c.andi, andi, 0xec03, 0x8801, C_ANDI),
    P2(c.sub, sub, 0xfc63, 0x8c01, C_ARITH), P2(c.xor, xor, 0xfc63, 0x8c21, C_ARITH),
    P2(c.or, or, 0xfc63, 0x8c41, C_ARITH), P2(c.and, and, 0xfc63, 0x8c61, C_ARITH),
    P2(c.subw, subw, 0xfc63, 0x9c01, C_ARITH), P2(c.addw, addw, 0xfc63, 0x9c21, C_ARITH),
    P2(c.j, jal, 0xe003, 0xa001, C_J), P2(c.beqz, beq, 0xe003, 0xc001, C_BRANCH),
    P2(c.bnez, bne, 0xe003, 0xe001, C_BRANCH),
    // C, quadrant 2
    P2(c.slli, slli, 0xe003, 0x0002, C_SLLI), P2(c.fldsp, fld, 0xe003, 0x2002, C_LDSP),
    P2(c.lwsp, lw, 0xe003, 0x4002, C_LWSP), P2(c.ldsp, ld, 0xe003, 0x6002, C_LDSP),
    P2(c.jr, jalr, 0xf07f, 0x8002, C_JR), P2(c.mv, add, 0xf003, 0x8002, C_MV),
    P2(c.ebreak, ebreak, 0xffff, 0x9002, C_NONE), P2(c.jalr, jalr, 0xf07f, 0x9002, C_JALR),
    P2(c.add, add, 0xf003, 0x9002, C_ADD),
    P2(c.fsdsp, fsd, 0xe003, 0xa002, C_SDSP), P2(c.swsp, sw, 0xe003, 0xc002, C_SWSP),
    P2(c.sdsp, sd, 0xe003, 0xe002, C_SDSP),
};
#undef P4
#undef P2

constexpr size_t kCount = sizeof(kTable) / sizeof(kTable[0]);

// Build-time overlap check: two entries that can match the same word are allowed only
// when the earlier is strictly more specific (a special case listed first).
constexpr bool table_is_unambiguous() {
    for (size_t i = 0; i < kCount; i++) {
        if ((kTable[i].match & ~kTable[i].mask) != 0) return false;
        for (size_t j = i + 1; j < kCount; j++) {
            const Pattern &a = kTable[i], &b = kTable[j];
            if (a.len != b.len) continue;
            bool overlap = ((a.match ^ b.match) & a.mask & b.mask) == 0;
            if (!overlap) continue;
            bool a_more_specific = (a.mask & b.mask) == b.mask && a.mask != b.mask;
            if (!a_more_specific) return false;
        }
    }
    return true;
}
static_assert(table_is_unambiguous(), "RISC-V decode table has overlapping encodings");

const Pattern* const kPatterns = kTable;
const size_t kNumPatterns = kCount;

namespace {

constexpr uint32_t bits(uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }
constexpr int64_t sext(uint64_t v, unsigned width) { return int64_t(v << (64 - width)) >> (64 - width); }
constexpr uint32_t creg(uint32_t v, unsigned lo) { return 8 + bits(v, lo + 2, lo); }

// Fills args from the instruction's fields. Returns false for reserved encodings.
bool extract(Fmt fmt, uint32_t w, Args& a) {
    a.rd = bits(w, 11, 7);
    a.rs1 = bits(w, 19, 15);
    a.rs2 = bits(w, 24, 20);
    a.rs3 = bits(w, 31, 27);
    a.rm = bits(w, 14, 12);
    switch (fmt) {
    case Fmt::R: case Fmt::Rrm: case Fmt::R1rm: case Fmt::R1: case Fmt::R4: case Fmt::None: case Fmt::Amo:
        return true;
    case Fmt::I: a.imm = sext(bits(w, 31, 20), 12); return true;
    case Fmt::S: a.imm = sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12); return true;
    case Fmt::B:
        a.imm = sext(bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 | bits(w, 11, 8) << 1, 13);
        return true;
    case Fmt::U: a.imm = sext(w & 0xfffff000u, 32); return true;
    case Fmt::J:
        a.imm = sext(bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 | bits(w, 20, 20) << 11 | bits(w, 30, 21) << 1, 21);
        return true;
    case Fmt::Shift: a.imm = bits(w, 25, 20); return true;
    case Fmt::Csr: a.csr = bits(w, 31, 20); return true;
    case Fmt::CsrI: a.csr = bits(w, 31, 20); a.imm = a.rs1; return true;
    // Compressed forms expand to the fields of the base instruction they stand for.
    case Fmt::C_ADDI4SPN:
        a.rd = creg(w, 2); a.rs1 = 2;
        a.imm = bits(w, 12, 11) << 4 | bits(w, 10, 7) << 6 | bits(w, 6, 6) << 2 | bits(w, 5, 5) << 3;
        return a.imm != 0;
    case Fmt::C_LW:
        a.rd = creg(w, 2); a.rs1 = creg(w, 7);
        a.imm = bits(w, 12, 10) << 3 | bits(w, 6, 6) << 2 | bits(w, 5, 5) << 6;
        return true;
    case Fmt::C_LD:
        a.rd = creg(w, 2); a.rs1 = creg(w, 7);
        a.imm = bits(w, 12, 10) << 3 | bits(w, 6, 5) << 6;
        return true;
    case Fmt::C_SW:
        a.rs2 = creg(w, 2); a.rs1 = creg(w, 7);
        a.imm = bits(w, 12, 10) << 3 | bits(w, 6, 6) << 2 | bits(w, 5, 5) << 6;
        return true;
    case Fmt::C_SD:
        a.rs2 = creg(w, 2); a.rs1 = creg(w, 7);
        a.imm = bits(w, 12, 10) << 3 | bits(w, 6, 5) << 6;
        return true;
    case Fmt::C_ADDI:
        a.rs1 = a.rd;
        a.imm = sext(bits(w, 12, 12) << 5 | bits(w, 6, 2), 6);
        return true;
    case Fmt::C_ADDIW:
        a.rs1 = a.rd;
        a.imm = sext(bits(w, 12, 12) << 5 | bits(w, 6, 2), 6);
        return a.rd != 0;
    case Fmt::C_LI:
        a.rs1 = 0;
        a.imm = sext(bits(w, 12, 12) << 5 | bits(w, 6, 2), 6);
        return true;
    case Fmt::C_ADDI16SP:
        a.rd = a.rs1 = 2;
        a.imm = sext(bits(w, 12, 12) << 9 | bits(w, 6, 6) << 4 | bits(w, 5, 5) << 6 | bits(w, 4, 3) << 7 |
                         bits(w, 2, 2) << 5, 10);
        return a.imm != 0;
    case Fmt::C_LUI:
        a.imm = sext(bits(w, 12, 12) << 17 | bits(w, 6, 2) << 12, 18);
        return a.imm != 0;
    case Fmt::C_SHIFT_R:
        a.rd = a.rs1 = creg(w, 7);
        a.imm = bits(w, 12, 12) << 5 | bits(w, 6, 2);
        return true;
    case Fmt::C_ANDI:
        a.rd = a.rs1 = creg(w, 7);
        a.imm = sext(bits(w, 12, 12) << 5 | bits(w, 6, 2), 6);
        return true;
    case Fmt::C_ARITH:
        a.rd = a.rs1 = creg(w, 7);
        a.rs2 = creg(w, 2);
        return true;
    case Fmt::C_J:
        a.rd = 0;
        a.imm = sext(bits(w, 12, 12) << 11 | bits(w, 11, 11) << 4 | bits(w, 10, 9) << 8 | bits(w, 8, 8) << 10 |
                         bits(w, 7, 7) << 6 | bits(w, 6, 6) << 7 | bits(w, 5, 3) << 1 | bits(w, 2, 2) << 5, 12);
        return true;
    case Fmt::C_BRANCH:
        a.rs1 = creg(w, 7);
        a.rs2 = 0;
        a.imm = sext(bits(w, 12, 12) << 8 | bits(w, 11, 10) << 3 | bits(w, 6, 5) << 6 | bits(w, 4, 3) << 1 |
                         bits(w, 2, 2) << 5, 9);
        return true;
    case Fmt::C_SLLI:
        a.rs1 = a.rd;
        a.imm = bits(w, 12, 12) << 5 | bits(w, 6, 2);
        return true;
    case Fmt::C_LWSP:
        a.rs1 = 2;
        a.imm = bits(w, 12, 12) << 5 | bits(w, 6, 4) << 2 | bits(w, 3, 2) << 6;
        return a.rd != 0;
    case Fmt::C_LDSP:
        a.rs1 = 2;
        a.imm = bits(w, 12, 12) << 5 | bits(w, 6, 5) << 3 | bits(w, 4, 2) << 6;
        return a.rd != 0 || (w & 0xe003) == 0x2002;  // c.fldsp may target f0
    case Fmt::C_SWSP:
        a.rs1 = 2;
        a.rs2 = bits(w, 6, 2);
        a.imm = bits(w, 12, 9) << 2 | bits(w, 8, 7) << 6;
        return true;
    case Fmt::C_SDSP:
        a.rs1 = 2;
        a.rs2 = bits(w, 6, 2);
        a.imm = bits(w, 12, 10) << 3 | bits(w, 9, 7) << 6;
        return true;
    case Fmt::C_JR:
        a.rs1 = a.rd;
        a.rd = 0;
        a.imm = 0;
        return a.rs1 != 0;
    case Fmt::C_JALR:
        a.rs1 = a.rd;
        a.rd = 1;
        a.imm = 0;
        return true;  // rs1 == 0 is c.ebreak, matched earlier
    case Fmt::C_MV:
        a.rs1 = 0;
        a.rs2 = bits(w, 6, 2);
        return true;  // rs2 == 0 is c.jr, matched earlier
    case Fmt::C_ADD:
        a.rs1 = a.rd;
        a.rs2 = bits(w, 6, 2);
        return true;
    case Fmt::C_NONE: return true;
    }
    return false;
}

}  // namespace

const Pattern* decode(uint32_t insn, Args* args) {
    unsigned len = insn_length(insn);
    uint32_t w = len == 2 ? (insn & 0xffff) : insn;
    for (size_t i = 0; i < kCount; i++) {
        const Pattern& p = kTable[i];
        if (p.len != len || (w & p.mask) != p.match) continue;
        *args = Args{};
        return extract(p.fmt, w, *args) ? &p : nullptr;
    }
    return nullptr;
}
}  // namespace tessera::riscv
