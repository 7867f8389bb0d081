// Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET.
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

// A conditional branch to target, taken when a cond b at type t. While chain slots last, the
// taken branch is a side exit and translation goes on along the fall-through path (a superblock).
bool branch_if(Ctx& c, ir::Cond cond, Type t, Temp a, Temp b, uint64_t target) {
    if (c.side_exits + 2 < ir::kChainSlots) {
        ir::Label fallthrough = c.b.new_label();
        c.b.brcond(ir::invert(cond), t, a, b, fallthrough);
        c.b.exit_tb(target, 2 + c.side_exits++);
        c.b.label(fallthrough);
        return true;
    }
    ir::Label taken = c.b.new_label();
    c.b.brcond(cond, t, a, b, taken);
    c.exit_to(c.pc + 4, 1);
    c.b.label(taken);
    c.exit_to(target, 0);
    return true;
}

bool b_imm(Ctx& c, uint32_t w, bool link) {
    if (link) c.set_x(30, c.imm(int64_t(c.pc + 4)));
    c.exit_to(c.pc + uint64_t(sext(bits(w, 25, 0), 26) * 4), 0);
    return true;
}
bool trans_b(Ctx& c, uint32_t w) { return b_imm(c, w, false); }
bool trans_bl(Ctx& c, uint32_t w) { return b_imm(c, w, true); }

bool trans_b_cond(Ctx& c, uint32_t w) {
    uint64_t target = c.pc + uint64_t(sext(bits(w, 23, 5), 19) * 4);
    unsigned cc = bits(w, 3, 0);
    if (cc >= 14) {
        c.exit_to(target, 0);
        return true;
    }
    Ctx::Compare k;  // after a compare, on the compared values themselves
    ir::Cond kc;
    if (c.cond_as_compare(cc, &k, &kc)) return branch_if(c, kc, k.is64 ? Type::I64 : Type::I32, k.a, k.b, target);
    return branch_if(c, ir::Cond::NE, Type::I64, c.cond(cc), c.imm(0), target);
}

bool cb(Ctx& c, uint32_t w, bool nonzero) {
    uint64_t target = c.pc + uint64_t(sext(bits(w, 23, 5), 19) * 4);
    Type t = sf(w) ? Type::I64 : Type::I32;  // (a W register: its low 32 bits)
    return branch_if(c, nonzero ? ir::Cond::NE : ir::Cond::EQ, t, c.x(rd(w)), c.imm(0), target);
}
bool trans_cbz(Ctx& c, uint32_t w) { return cb(c, w, false); }
bool trans_cbnz(Ctx& c, uint32_t w) { return cb(c, w, true); }

bool tb(Ctx& c, uint32_t w, bool nonzero) {
    unsigned bit = bits(w, 31, 31) << 5 | bits(w, 23, 19);
    uint64_t target = c.pc + uint64_t(sext(bits(w, 18, 5), 14) * 4);
    Temp t = c.b.and_(c.x(rd(w)), c.imm(int64_t(1ull << bit)));
    return branch_if(c, nonzero ? ir::Cond::NE : ir::Cond::EQ, Type::I64, t, c.imm(0), target);
}
bool trans_tbz(Ctx& c, uint32_t w) { return tb(c, w, false); }
bool trans_tbnz(Ctx& c, uint32_t w) { return tb(c, w, true); }

bool br(Ctx& c, uint32_t w, bool link) {
    Temp target = c.x(rn(w));
    if (link) c.set_x(30, c.imm(int64_t(c.pc + 4)));
    c.exit_ind(target);
    return true;
}
bool trans_br(Ctx& c, uint32_t w) { return br(c, w, false); }
bool trans_blr(Ctx& c, uint32_t w) { return br(c, w, true); }
bool trans_ret(Ctx& c, uint32_t w) { return br(c, w, false); }

constexpr Pattern kTable[] = {
    pattern("b", "000101 iiiiiiiiiiiiiiiiiiiiiiiiii", trans_b),
    pattern("bl", "100101 iiiiiiiiiiiiiiiiiiiiiiiiii", trans_bl),
    pattern("b.cond", "0101010 0 iiiiiiiiiiiiiiiiiii 0 cccc", trans_b_cond),
    pattern("cbz", "s 011010 0 iiiiiiiiiiiiiiiiiii ttttt", trans_cbz),
    pattern("cbnz", "s 011010 1 iiiiiiiiiiiiiiiiiii ttttt", trans_cbnz),
    pattern("tbz", "b 011011 0 bbbbb iiiiiiiiiiiiii ttttt", trans_tbz),
    pattern("tbnz", "b 011011 1 bbbbb iiiiiiiiiiiiii ttttt", trans_tbnz),
    pattern("br", "1101011 0000 11111 000000 nnnnn 00000", trans_br),
    pattern("blr", "1101011 0001 11111 000000 nnnnn 00000", trans_blr),
    pattern("ret", "1101011 0010 11111 000000 nnnnn 00000", trans_ret),
};
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kBranchPatterns{kTable};

}  // namespace tessera::aarch64
