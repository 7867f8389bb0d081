// The RISC-V RV64GC encoding table. Every encoding appears exactly once, as a pattern
// string (frontends/common/decode_pattern.h); compressed forms map to base handlers with
// expanded fields (see extract()).
//
// Field letters, checked against their positions at compile time (kLetterPositions):
//   32-bit: d rd, s rs1, t rs2, r rs3, m rm, c csr, a aq/rl, i immediate (any bits)
//   16-bit: d rd/rs1 (11:7), t rs2 (6:2), S rs1'/rd' (9:7), D rd' and T rs2' (4:2), i immediate
#include "frontends/riscv/decode.h"

#include <span>

#include "frontends/common/decode_pattern.h"
#include "frontends/riscv/translate.h"

namespace tessera::riscv {

namespace {
consteval Pattern make(const char* name, const char* bits, Fmt fmt, Handler h) {
    const auto e = decode::parse<uint32_t>(bits);
    if (e.width != 16 && e.width != 32) throw "RISC-V pattern: not 16 or 32 bits";
    return {name, bits, e.mask, e.match, uint8_t(e.width), fmt, h};
}
}  // namespace

#define P(name, bits, fmt) make(#name, bits, Fmt::fmt, trans_##name)
#define C(name, h, bits, fmt) make(#name, bits, Fmt::fmt, trans_##h)

constexpr Pattern kTable[] = {
    // RV64I
    P(lui, "iiiiiiiiiiiiiiiiiiii ddddd 0110111", U),
    P(auipc, "iiiiiiiiiiiiiiiiiiii ddddd 0010111", U),
    P(jal, "iiiiiiiiiiiiiiiiiiii ddddd 1101111", J),
    P(jalr, "iiiiiiiiiiii sssss 000 ddddd 1100111", I),
    P(beq, "iiiiiii ttttt sssss 000 iiiii 1100011", B),
    P(bne, "iiiiiii ttttt sssss 001 iiiii 1100011", B),
    P(blt, "iiiiiii ttttt sssss 100 iiiii 1100011", B),
    P(bge, "iiiiiii ttttt sssss 101 iiiii 1100011", B),
    P(bltu, "iiiiiii ttttt sssss 110 iiiii 1100011", B),
    P(bgeu, "iiiiiii ttttt sssss 111 iiiii 1100011", B),
    P(lb, "iiiiiiiiiiii sssss 000 ddddd 0000011", I),
    P(lh, "iiiiiiiiiiii sssss 001 ddddd 0000011", I),
    P(lw, "iiiiiiiiiiii sssss 010 ddddd 0000011", I),
    P(ld, "iiiiiiiiiiii sssss 011 ddddd 0000011", I),
    P(lbu, "iiiiiiiiiiii sssss 100 ddddd 0000011", I),
    P(lhu, "iiiiiiiiiiii sssss 101 ddddd 0000011", I),
    P(lwu, "iiiiiiiiiiii sssss 110 ddddd 0000011", I),
    P(sb, "iiiiiii ttttt sssss 000 iiiii 0100011", S),
    P(sh, "iiiiiii ttttt sssss 001 iiiii 0100011", S),
    P(sw, "iiiiiii ttttt sssss 010 iiiii 0100011", S),
    P(sd, "iiiiiii ttttt sssss 011 iiiii 0100011", S),
    P(addi, "iiiiiiiiiiii sssss 000 ddddd 0010011", I),
    P(slti, "iiiiiiiiiiii sssss 010 ddddd 0010011", I),
    P(sltiu, "iiiiiiiiiiii sssss 011 ddddd 0010011", I),
    P(xori, "iiiiiiiiiiii sssss 100 ddddd 0010011", I),
    P(ori, "iiiiiiiiiiii sssss 110 ddddd 0010011", I),
    P(andi, "iiiiiiiiiiii sssss 111 ddddd 0010011", I),
    P(slli, "000000 iiiiii sssss 001 ddddd 0010011", Shift),
    P(srli, "000000 iiiiii sssss 101 ddddd 0010011", Shift),
    P(srai, "010000 iiiiii sssss 101 ddddd 0010011", Shift),
    P(addiw, "iiiiiiiiiiii sssss 000 ddddd 0011011", I),
    P(slliw, "000000 0iiiii sssss 001 ddddd 0011011", Shift),
    P(srliw, "000000 0iiiii sssss 101 ddddd 0011011", Shift),
    P(sraiw, "010000 0iiiii sssss 101 ddddd 0011011", Shift),
    P(add, "0000000 ttttt sssss 000 ddddd 0110011", R),
    P(sub, "0100000 ttttt sssss 000 ddddd 0110011", R),
    P(sll, "0000000 ttttt sssss 001 ddddd 0110011", R),
    P(slt, "0000000 ttttt sssss 010 ddddd 0110011", R),
    P(sltu, "0000000 ttttt sssss 011 ddddd 0110011", R),
    P(xor, "0000000 ttttt sssss 100 ddddd 0110011", R),
    P(srl, "0000000 ttttt sssss 101 ddddd 0110011", R),
    P(sra, "0100000 ttttt sssss 101 ddddd 0110011", R),
    P(or, "0000000 ttttt sssss 110 ddddd 0110011", R),
    P(and, "0000000 ttttt sssss 111 ddddd 0110011", R),
    P(addw, "0000000 ttttt sssss 000 ddddd 0111011", R),
    P(subw, "0100000 ttttt sssss 000 ddddd 0111011", R),
    P(sllw, "0000000 ttttt sssss 001 ddddd 0111011", R),
    P(srlw, "0000000 ttttt sssss 101 ddddd 0111011", R),
    P(sraw, "0100000 ttttt sssss 101 ddddd 0111011", R),
    P(fence, "iiiiiiiiiiii sssss 000 ddddd 0001111", None),
    P(fence_i, "iiiiiiiiiiii sssss 001 ddddd 0001111", None),
    P(ecall, "000000000000 00000 000 00000 1110011", None),
    P(ebreak, "000000000001 00000 000 00000 1110011", None),
    P(sret, "000100000010 00000 000 00000 1110011", None),
    P(mret, "001100000010 00000 000 00000 1110011", None),
    P(wfi, "000100000101 00000 000 00000 1110011", None),
    P(sfence_vma, "0001001 ttttt sssss 000 00000 1110011", R),
    P(csrrw, "cccccccccccc sssss 001 ddddd 1110011", Csr),
    P(csrrs, "cccccccccccc sssss 010 ddddd 1110011", Csr),
    P(csrrc, "cccccccccccc sssss 011 ddddd 1110011", Csr),
    P(csrrwi, "cccccccccccc iiiii 101 ddddd 1110011", CsrI),
    P(csrrsi, "cccccccccccc iiiii 110 ddddd 1110011", CsrI),
    P(csrrci, "cccccccccccc iiiii 111 ddddd 1110011", CsrI),
    // M
    P(mul, "0000001 ttttt sssss 000 ddddd 0110011", R),
    P(mulh, "0000001 ttttt sssss 001 ddddd 0110011", R),
    P(mulhsu, "0000001 ttttt sssss 010 ddddd 0110011", R),
    P(mulhu, "0000001 ttttt sssss 011 ddddd 0110011", R),
    P(div, "0000001 ttttt sssss 100 ddddd 0110011", R),
    P(divu, "0000001 ttttt sssss 101 ddddd 0110011", R),
    P(rem, "0000001 ttttt sssss 110 ddddd 0110011", R),
    P(remu, "0000001 ttttt sssss 111 ddddd 0110011", R),
    P(mulw, "0000001 ttttt sssss 000 ddddd 0111011", R),
    P(divw, "0000001 ttttt sssss 100 ddddd 0111011", R),
    P(divuw, "0000001 ttttt sssss 101 ddddd 0111011", R),
    P(remw, "0000001 ttttt sssss 110 ddddd 0111011", R),
    P(remuw, "0000001 ttttt sssss 111 ddddd 0111011", R),
    // A (aq/rl bits 26:25 are don't-care: one hart, every access is sequentially consistent)
    P(lr_w, "00010aa 00000 sssss 010 ddddd 0101111", Amo),
    P(sc_w, "00011aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amoswap_w, "00001aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amoadd_w, "00000aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amoxor_w, "00100aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amoand_w, "01100aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amoor_w, "01000aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amomin_w, "10000aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amomax_w, "10100aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amominu_w, "11000aa ttttt sssss 010 ddddd 0101111", Amo),
    P(amomaxu_w, "11100aa ttttt sssss 010 ddddd 0101111", Amo),
    P(lr_d, "00010aa 00000 sssss 011 ddddd 0101111", Amo),
    P(sc_d, "00011aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amoswap_d, "00001aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amoadd_d, "00000aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amoxor_d, "00100aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amoand_d, "01100aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amoor_d, "01000aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amomin_d, "10000aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amomax_d, "10100aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amominu_d, "11000aa ttttt sssss 011 ddddd 0101111", Amo),
    P(amomaxu_d, "11100aa ttttt sssss 011 ddddd 0101111", Amo),
    // F
    P(flw, "iiiiiiiiiiii sssss 010 ddddd 0000111", I),
    P(fsw, "iiiiiii ttttt sssss 010 iiiii 0100111", S),
    P(fmadd_s, "rrrrr 00 ttttt sssss mmm ddddd 1000011", R4),
    P(fmsub_s, "rrrrr 00 ttttt sssss mmm ddddd 1000111", R4),
    P(fnmsub_s, "rrrrr 00 ttttt sssss mmm ddddd 1001011", R4),
    P(fnmadd_s, "rrrrr 00 ttttt sssss mmm ddddd 1001111", R4),
    P(fadd_s, "0000000 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fsub_s, "0000100 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fmul_s, "0001000 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fdiv_s, "0001100 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fsqrt_s, "0101100 00000 sssss mmm ddddd 1010011", R1rm),
    P(fsgnj_s, "0010000 ttttt sssss 000 ddddd 1010011", R),
    P(fsgnjn_s, "0010000 ttttt sssss 001 ddddd 1010011", R),
    P(fsgnjx_s, "0010000 ttttt sssss 010 ddddd 1010011", R),
    P(fmin_s, "0010100 ttttt sssss 000 ddddd 1010011", R),
    P(fmax_s, "0010100 ttttt sssss 001 ddddd 1010011", R),
    P(fcvt_w_s, "1100000 00000 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_wu_s, "1100000 00001 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_l_s, "1100000 00010 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_lu_s, "1100000 00011 sssss mmm ddddd 1010011", R1rm),
    P(fmv_x_w, "1110000 00000 sssss 000 ddddd 1010011", R1),
    P(fclass_s, "1110000 00000 sssss 001 ddddd 1010011", R1),
    P(feq_s, "1010000 ttttt sssss 010 ddddd 1010011", R),
    P(flt_s, "1010000 ttttt sssss 001 ddddd 1010011", R),
    P(fle_s, "1010000 ttttt sssss 000 ddddd 1010011", R),
    P(fcvt_s_w, "1101000 00000 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_s_wu, "1101000 00001 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_s_l, "1101000 00010 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_s_lu, "1101000 00011 sssss mmm ddddd 1010011", R1rm),
    P(fmv_w_x, "1111000 00000 sssss 000 ddddd 1010011", R1),
    // D
    P(fld, "iiiiiiiiiiii sssss 011 ddddd 0000111", I),
    P(fsd, "iiiiiii ttttt sssss 011 iiiii 0100111", S),
    P(fmadd_d, "rrrrr 01 ttttt sssss mmm ddddd 1000011", R4),
    P(fmsub_d, "rrrrr 01 ttttt sssss mmm ddddd 1000111", R4),
    P(fnmsub_d, "rrrrr 01 ttttt sssss mmm ddddd 1001011", R4),
    P(fnmadd_d, "rrrrr 01 ttttt sssss mmm ddddd 1001111", R4),
    P(fadd_d, "0000001 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fsub_d, "0000101 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fmul_d, "0001001 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fdiv_d, "0001101 ttttt sssss mmm ddddd 1010011", Rrm),
    P(fsqrt_d, "0101101 00000 sssss mmm ddddd 1010011", R1rm),
    P(fsgnj_d, "0010001 ttttt sssss 000 ddddd 1010011", R),
    P(fsgnjn_d, "0010001 ttttt sssss 001 ddddd 1010011", R),
    P(fsgnjx_d, "0010001 ttttt sssss 010 ddddd 1010011", R),
    P(fmin_d, "0010101 ttttt sssss 000 ddddd 1010011", R),
    P(fmax_d, "0010101 ttttt sssss 001 ddddd 1010011", R),
    P(fcvt_w_d, "1100001 00000 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_wu_d, "1100001 00001 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_l_d, "1100001 00010 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_lu_d, "1100001 00011 sssss mmm ddddd 1010011", R1rm),
    P(fmv_x_d, "1110001 00000 sssss 000 ddddd 1010011", R1),
    P(fclass_d, "1110001 00000 sssss 001 ddddd 1010011", R1),
    P(feq_d, "1010001 ttttt sssss 010 ddddd 1010011", R),
    P(flt_d, "1010001 ttttt sssss 001 ddddd 1010011", R),
    P(fle_d, "1010001 ttttt sssss 000 ddddd 1010011", R),
    P(fcvt_d_w, "1101001 00000 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_d_wu, "1101001 00001 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_d_l, "1101001 00010 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_d_lu, "1101001 00011 sssss mmm ddddd 1010011", R1rm),
    P(fmv_d_x, "1111001 00000 sssss 000 ddddd 1010011", R1),
    P(fcvt_s_d, "0100000 00001 sssss mmm ddddd 1010011", R1rm),
    P(fcvt_d_s, "0100001 00000 sssss mmm ddddd 1010011", R1rm),
    // C, quadrant 0
    C(c.addi4spn, addi, "000 iiiiiiii DDD 00", C_ADDI4SPN),
    C(c.fld, fld, "001 iii SSS ii DDD 00", C_LD),
    C(c.lw, lw, "010 iii SSS ii DDD 00", C_LW),
    C(c.ld, ld, "011 iii SSS ii DDD 00", C_LD),
    C(c.fsd, fsd, "101 iii SSS ii TTT 00", C_SD),
    C(c.sw, sw, "110 iii SSS ii TTT 00", C_SW),
    C(c.sd, sd, "111 iii SSS ii TTT 00", C_SD),
    // C, quadrant 1
    C(c.addi, addi, "000 i ddddd iiiii 01", C_ADDI),
    C(c.addiw, addiw, "001 i ddddd iiiii 01", C_ADDIW),
    C(c.li, addi, "010 i ddddd iiiii 01", C_LI),
    C(c.addi16sp, addi, "011 i 00010 iiiii 01", C_ADDI16SP),
    C(c.lui, lui, "011 i ddddd iiiii 01", C_LUI),
    C(c.srli, srli, "100 i 00 SSS iiiii 01", C_SHIFT_R),
    C(c.srai, srai, "100 i 01 SSS iiiii 01", C_SHIFT_R),
    C(c.andi, andi, "100 i 10 SSS iiiii 01", C_ANDI),
    C(c.sub, sub, "100 0 11 SSS 00 TTT 01", C_ARITH),
    C(c.xor, xor, "100 0 11 SSS 01 TTT 01", C_ARITH),
    C(c.or, or, "100 0 11 SSS 10 TTT 01", C_ARITH),
    C(c.and, and, "100 0 11 SSS 11 TTT 01", C_ARITH),
    C(c.subw, subw, "100 1 11 SSS 00 TTT 01", C_ARITH),
    C(c.addw, addw, "100 1 11 SSS 01 TTT 01", C_ARITH),
    C(c.j, jal, "101 iiiiiiiiiii 01", C_J),
    C(c.beqz, beq, "110 iii SSS iiiii 01", C_BRANCH),
    C(c.bnez, bne, "111 iii SSS iiiii 01", C_BRANCH),
    // C, quadrant 2
    C(c.slli, slli, "000 i ddddd iiiii 10", C_SLLI),
    C(c.fldsp, fld, "001 i ddddd iiiii 10", C_LDSP),
    C(c.lwsp, lw, "010 i ddddd iiiii 10", C_LWSP),
    C(c.ldsp, ld, "011 i ddddd iiiii 10", C_LDSP),
    C(c.jr, jalr, "100 0 ddddd 00000 10", C_JR),
    C(c.mv, add, "100 0 ddddd ttttt 10", C_MV),
    C(c.ebreak, ebreak, "100 1 00000 00000 10", C_NONE),
    C(c.jalr, jalr, "100 1 ddddd 00000 10", C_JALR),
    C(c.add, add, "100 1 ddddd ttttt 10", C_ADD),
    C(c.fsdsp, fsd, "101 iiiiii ttttt 10", C_SDSP),
    C(c.swsp, sw, "110 iiiiii ttttt 10", C_SWSP),
    C(c.sdsp, sd, "111 iiiiii ttttt 10", C_SDSP),
};
#undef P
#undef C

constexpr size_t kCount = sizeof(kTable) / sizeof(kTable[0]);

// Build-time overlap check: two entries that can match the same word are allowed only
// when the earlier is strictly more specific (a special case listed first).
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)),
              "RISC-V decode table has overlapping encodings");

// The length comes from the low bits, so the lookup needs no width: every 32-bit entry
// fixes bits 1:0 to 11 and every 16-bit entry fixes them to something else.
constexpr bool widths_follow_low_bits() {
    for (const Pattern& p : kTable)
        if ((p.mask & 3) != 3 || ((p.match & 3) == 3) != (p.width == 32)) return false;
    return true;
}
static_assert(widths_follow_low_bits(), "RISC-V decode table: an entry does not fix its length bits");

// Where each field letter may stand, so a misplaced letter fails the build.
struct LetterPositions {
    char letter;
    uint32_t bits32, bits16;
};
constexpr LetterPositions kLetterPositions[] = {
    {'d', 0x00000f80, 0x0f80}, {'s', 0x000f8000, 0}, {'t', 0x01f00000, 0x007c}, {'r', 0xf8000000, 0},
    {'m', 0x00007000, 0}, {'c', 0xfff00000, 0}, {'a', 0x06000000, 0}, {'i', 0xffffffff, 0xffff},
    {'S', 0, 0x0380}, {'D', 0, 0x001c}, {'T', 0, 0x001c},
};
consteval bool letters_in_place() {
    for (const Pattern& p : kTable) {
        uint32_t covered = 0;
        for (const LetterPositions& l : kLetterPositions) {
            uint32_t m = decode::field_mask<uint32_t>(p.bits, l.letter);
            if (m & ~(p.width == 32 ? l.bits32 : l.bits16)) return false;
            covered |= m;
        }
        if (covered != (~p.mask & (p.width == 32 ? 0xffffffffu : 0xffffu))) return false;  // an unknown letter
    }
    return true;
}
static_assert(letters_in_place(), "RISC-V decode table: a field letter outside its field");

const Pattern* const kPatterns = kTable;
const size_t kNumPatterns = kCount;

namespace {

constexpr uint32_t bits(uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }
constexpr int64_t sext(uint64_t v, unsigned width) { return int64_t(v << (64 - width)) >> (64 - width); }
constexpr uint32_t creg(uint32_t v, unsigned lo) { return 8 + bits(v, lo + 2, lo); }

// Fills args from the instruction's fields. Returns false for reserved encodings.
bool extract(const Pattern& p, uint32_t w, Args& a) {
    a.rd = bits(w, 11, 7);
    a.rs1 = bits(w, 19, 15);
    a.rs2 = bits(w, 24, 20);
    a.rs3 = bits(w, 31, 27);
    a.rm = bits(w, 14, 12);
    switch (p.fmt) {
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
        return a.rd != 0 || p.handler == trans_fld;  // c.fldsp may target f0
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

// The word a table entry of the instruction's length is matched against.
uint32_t table_word(uint32_t insn) { return insn_length(insn) == 2 ? (insn & 0xffff) : insn; }

const Pattern* finish(const Pattern* p, uint32_t w, Args* args) {
    if (!p) return nullptr;
    *args = Args{};
    return extract(*p, w, *args) ? p : nullptr;
}

}  // namespace

const Pattern* decode(uint32_t insn, Args* args) {
    static const decode::BucketDecoder<Pattern> buckets{std::span<const Pattern>(kTable)};
    const uint32_t w = table_word(insn);
    return finish(buckets.find(w), w, args);
}

const Pattern* decode_linear(uint32_t insn, Args* args) {
    const uint32_t w = table_word(insn);
    return finish(decode::linear_find(std::span<const Pattern>(kTable), w), w, args);
}

}  // namespace tessera::riscv
