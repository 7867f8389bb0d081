// RV64I and M: integer instructions. One family helper per shape, one line per insn.
#include "frontends/riscv/translate.h"

namespace tessera::riscv {

using ir::Cond;
using ir::Op;

namespace {

bool rr(Ctx& c, const Args& a, Op op) {
    c.set_x(a.rd, c.b.binop(op, c.x(a.rs1), c.x(a.rs2)));
    return true;
}
bool ri(Ctx& c, const Args& a, Op op) {
    c.set_x(a.rd, c.b.binop(op, c.x(a.rs1), c.imm(a.imm)));
    return true;
}
// 32-bit ops: compute on the low words, sign-extend the result.
bool rr_w(Ctx& c, const Args& a, Op op) {
    Temp lhs = c.b.sext(Type::I32, c.x(a.rs1), 32), rhs = c.b.sext(Type::I32, c.x(a.rs2), 32);
    c.set_x(a.rd, c.sext32(c.b.binop(op, lhs, rhs)));
    return true;
}
bool ri_w(Ctx& c, const Args& a, Op op) {
    Temp lhs = c.b.sext(Type::I32, c.x(a.rs1), 32);
    c.set_x(a.rd, c.sext32(c.b.binop(op, lhs, c.b.movi(Type::I32, uint64_t(a.imm) & 0xffffffffu))));
    return true;
}
bool set_if(Ctx& c, const Args& a, Cond cond, Temp rhs) {
    c.set_x(a.rd, c.b.setcond(cond, c.x(a.rs1), rhs));
    return true;
}
Cond inverse(Cond c) {
    switch (c) {
    case Cond::EQ: return Cond::NE;
    case Cond::NE: return Cond::EQ;
    case Cond::LT: return Cond::GE;
    case Cond::GE: return Cond::LT;
    case Cond::LTU: return Cond::GEU;
    default: return Cond::LTU;  // GEU
    }
}

bool branch(Ctx& c, const Args& a, Cond cond) {
    // Superblocks: while chain slots last, a taken branch is a side exit and translation
    // goes on along the not-taken path, so one block covers more of a loop body.
    if (c.side_exits + 2 < ir::kChainSlots) {
        ir::Label fallthrough = c.b.new_label();
        c.b.brcond(inverse(cond), c.x(a.rs1), c.x(a.rs2), fallthrough);
        c.b.exit_tb(c.pc + uint64_t(a.imm), 2 + c.side_exits++);
        c.b.label(fallthrough);
        return true;
    }
    ir::Label taken = c.b.new_label();
    c.b.brcond(cond, c.x(a.rs1), c.x(a.rs2), taken);
    c.exit_to(c.next_pc(), 1);
    c.b.label(taken);
    c.exit_to(c.pc + uint64_t(a.imm), 0);
    return true;
}
bool load(Ctx& c, const Args& a, uint8_t memop) {
    Temp addr = c.b.add(c.x(a.rs1), c.imm(a.imm));
    c.set_x(a.rd, c.b.ld(Type::I64, addr, memop, c.mem_idx));
    return true;
}
bool store(Ctx& c, const Args& a, uint8_t memop) {
    Temp addr = c.b.add(c.x(a.rs1), c.imm(a.imm));
    c.b.st(addr, c.x(a.rs2), memop, c.mem_idx);
    return true;
}

}  // namespace

bool trans_lui(Ctx& c, const Args& a) { c.set_x(a.rd, c.imm(a.imm)); return true; }
bool trans_auipc(Ctx& c, const Args& a) { c.set_x(a.rd, c.imm(int64_t(c.pc) + a.imm)); return true; }
// x1 and x5 are the link registers: the return address is where code runs next.
static void note_call(Ctx& c, const Args& a) {
    if (a.rd == 1 || a.rd == 5) c.b.block().return_pc = c.next_pc();
}
bool trans_jal(Ctx& c, const Args& a) {
    note_call(c, a);
    c.set_x(a.rd, c.imm(int64_t(c.next_pc())));
    c.exit_to(c.pc + uint64_t(a.imm), 0);
    return true;
}
bool trans_jalr(Ctx& c, const Args& a) {
    Temp target = c.b.and_(c.b.add(c.x(a.rs1), c.imm(a.imm)), c.imm(~1ll));  // read rs1 before rd is written
    note_call(c, a);
    c.set_x(a.rd, c.imm(int64_t(c.next_pc())));
    c.exit_ind(target);
    return true;
}
bool trans_beq(Ctx& c, const Args& a) { return branch(c, a, Cond::EQ); }
bool trans_bne(Ctx& c, const Args& a) { return branch(c, a, Cond::NE); }
bool trans_blt(Ctx& c, const Args& a) { return branch(c, a, Cond::LT); }
bool trans_bge(Ctx& c, const Args& a) { return branch(c, a, Cond::GE); }
bool trans_bltu(Ctx& c, const Args& a) { return branch(c, a, Cond::LTU); }
bool trans_bgeu(Ctx& c, const Args& a) { return branch(c, a, Cond::GEU); }

bool trans_lb(Ctx& c, const Args& a) { return load(c, a, ir::MO_8 | ir::MO_SIGN); }
bool trans_lh(Ctx& c, const Args& a) { return load(c, a, ir::MO_16 | ir::MO_SIGN); }
bool trans_lw(Ctx& c, const Args& a) { return load(c, a, ir::MO_32 | ir::MO_SIGN); }
bool trans_ld(Ctx& c, const Args& a) { return load(c, a, ir::MO_64); }
bool trans_lbu(Ctx& c, const Args& a) { return load(c, a, ir::MO_8); }
bool trans_lhu(Ctx& c, const Args& a) { return load(c, a, ir::MO_16); }
bool trans_lwu(Ctx& c, const Args& a) { return load(c, a, ir::MO_32); }
bool trans_sb(Ctx& c, const Args& a) { return store(c, a, ir::MO_8); }
bool trans_sh(Ctx& c, const Args& a) { return store(c, a, ir::MO_16); }
bool trans_sw(Ctx& c, const Args& a) { return store(c, a, ir::MO_32); }
bool trans_sd(Ctx& c, const Args& a) { return store(c, a, ir::MO_64); }

bool trans_addi(Ctx& c, const Args& a) { return ri(c, a, Op::add); }
bool trans_slti(Ctx& c, const Args& a) { return set_if(c, a, Cond::LT, c.imm(a.imm)); }
bool trans_sltiu(Ctx& c, const Args& a) { return set_if(c, a, Cond::LTU, c.imm(a.imm)); }
bool trans_xori(Ctx& c, const Args& a) { return ri(c, a, Op::xor_); }
bool trans_ori(Ctx& c, const Args& a) { return ri(c, a, Op::or_); }
bool trans_andi(Ctx& c, const Args& a) { return ri(c, a, Op::and_); }
bool trans_slli(Ctx& c, const Args& a) { return ri(c, a, Op::shl); }
bool trans_srli(Ctx& c, const Args& a) { return ri(c, a, Op::shr); }
bool trans_srai(Ctx& c, const Args& a) { return ri(c, a, Op::sar); }
bool trans_addiw(Ctx& c, const Args& a) { return ri_w(c, a, Op::add); }
bool trans_slliw(Ctx& c, const Args& a) { return ri_w(c, a, Op::shl); }
bool trans_srliw(Ctx& c, const Args& a) { return ri_w(c, a, Op::shr); }
bool trans_sraiw(Ctx& c, const Args& a) { return ri_w(c, a, Op::sar); }

bool trans_add(Ctx& c, const Args& a) { return rr(c, a, Op::add); }
bool trans_sub(Ctx& c, const Args& a) { return rr(c, a, Op::sub); }
bool trans_sll(Ctx& c, const Args& a) { return rr(c, a, Op::shl); }
bool trans_slt(Ctx& c, const Args& a) { return set_if(c, a, Cond::LT, c.x(a.rs2)); }
bool trans_sltu(Ctx& c, const Args& a) { return set_if(c, a, Cond::LTU, c.x(a.rs2)); }
bool trans_xor(Ctx& c, const Args& a) { return rr(c, a, Op::xor_); }
bool trans_srl(Ctx& c, const Args& a) { return rr(c, a, Op::shr); }
bool trans_sra(Ctx& c, const Args& a) { return rr(c, a, Op::sar); }
bool trans_or(Ctx& c, const Args& a) { return rr(c, a, Op::or_); }
bool trans_and(Ctx& c, const Args& a) { return rr(c, a, Op::and_); }
bool trans_addw(Ctx& c, const Args& a) { return rr_w(c, a, Op::add); }
bool trans_subw(Ctx& c, const Args& a) { return rr_w(c, a, Op::sub); }
bool trans_sllw(Ctx& c, const Args& a) { return rr_w(c, a, Op::shl); }
bool trans_srlw(Ctx& c, const Args& a) { return rr_w(c, a, Op::shr); }
bool trans_sraw(Ctx& c, const Args& a) { return rr_w(c, a, Op::sar); }

bool trans_mul(Ctx& c, const Args& a) { return rr(c, a, Op::mul); }
bool trans_mulh(Ctx& c, const Args& a) { return rr(c, a, Op::mulhs); }
bool trans_mulhsu(Ctx& c, const Args& a) { return rr(c, a, Op::mulhsu); }
bool trans_mulhu(Ctx& c, const Args& a) { return rr(c, a, Op::mulhu); }
// RISC-V divides by zero to all ones: DIV0_ONES, the ops' default.
bool trans_div(Ctx& c, const Args& a) { return rr(c, a, Op::divs); }
bool trans_divu(Ctx& c, const Args& a) { return rr(c, a, Op::divu); }
bool trans_rem(Ctx& c, const Args& a) { return rr(c, a, Op::rems); }
bool trans_remu(Ctx& c, const Args& a) { return rr(c, a, Op::remu); }
bool trans_mulw(Ctx& c, const Args& a) { return rr_w(c, a, Op::mul); }
bool trans_divw(Ctx& c, const Args& a) { return rr_w(c, a, Op::divs); }
bool trans_divuw(Ctx& c, const Args& a) { return rr_w(c, a, Op::divu); }
bool trans_remw(Ctx& c, const Args& a) { return rr_w(c, a, Op::rems); }
bool trans_remuw(Ctx& c, const Args& a) { return rr_w(c, a, Op::remu); }

}  // namespace tessera::riscv
