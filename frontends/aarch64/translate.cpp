// Block translation: the shared fetch loop (frontends/common/translator_loop.h) with the A64
// part (every instruction is 4 bytes; decode through the tables, then the handler), and what
// the groups share: flags and condition codes.
#include <algorithm>
#include <cstring>

#include "frontends/aarch64/translate.h"
#include "frontends/common/translator_loop.h"

namespace tessera::aarch64 {

static constexpr unsigned kMaxBlockInsns = 128;

void Ctx::raise(uint32_t ec, uint32_t iss) {
    b.call(&h_raise, imm(ec), imm(iss));
    exit_to(pc, kNoChain);  // not reached: the helper leaves an exception pending
}

Ctx::Nzcv Ctx::add_sub(Temp a, Temp m, bool sub, bool is64, Temp* result) {
    Type t = is64 ? Type::I64 : Type::I32;
    if (is64) {
        *result = sub ? b.sub(a, m) : b.add(a, m);
    } else {  // an i32 op on truncations, zero-extended: one fused op in the interpreter
        Temp a32 = b.trunc(t, a), m32 = b.trunc(t, m);
        *result = w32(sub ? b.sub(a32, m32) : b.add(a32, m32));
    }
    Nzcv f;
    f.n = b.shr(*result, imm(is64 ? 63 : 31));
    f.z = b.setcond(ir::Cond::EQ, *result, imm(0));
    // A subtraction is a + ~m + 1: its carry is "no borrow".
    f.c = sub ? b.setcond(ir::Cond::GEU, t, a, m) : b.overflow(ir::Op::uaddo, t, a, m);
    f.v = b.overflow(sub ? ir::Op::ssubo : ir::Op::saddo, t, a, m);
    if (sub) f.cmp = {a, m, is64, true};
    return f;
}

Ctx::Nzcv Ctx::add_with_carry(Temp a, Temp bv, Temp carry_in, bool is64, Temp* result) {
    Type t = is64 ? Type::I64 : Type::I32;
    Nzcv f;
    Temp partial = b.add(a, bv), sum = b.add(partial, carry_in);
    if (is64) {
        // Two additions: at most one of them carries, and the overflows cancel when both do.
        f.c = b.or_(b.overflow(ir::Op::uaddo, t, a, bv), b.overflow(ir::Op::uaddo, t, partial, carry_in));
        *result = sum;
    } else {  // 32-bit operands zero-extended: the carry is bit 32 of the 64-bit sum
        f.c = b.shr(sum, imm(32));
        *result = w32(sum);
    }
    f.v = b.xor_(b.overflow(ir::Op::saddo, t, a, bv), b.overflow(ir::Op::saddo, t, partial, carry_in));
    f.n = b.shr(*result, imm(is64 ? 63 : 31));
    f.z = b.setcond(ir::Cond::EQ, *result, imm(0));
    return f;
}

Ctx::Nzcv Ctx::nz_of(Temp r, bool is64) {
    return {b.shr(r, imm(is64 ? 63 : 31)), b.setcond(ir::Cond::EQ, r, imm(0)), imm(0), imm(0), {r, imm(0), is64, false}};
}

bool Ctx::cond_as_compare(unsigned cc, Compare* k, ir::Cond* c) const {
    using ir::Cond;
    unsigned group = cc >> 1;
    if (!flags_cmp.valid() || !(group == 5 || group == 6 || (group == 4 && flags_cmp.unsigned_ok))) return false;
    static const Cond by_compare[3][2] = {{Cond::GTU, Cond::LEU}, {Cond::GE, Cond::LT}, {Cond::GT, Cond::LE}};
    *k = flags_cmp;
    *c = by_compare[group - 4][cc & 1];
    return true;
}

Temp Ctx::cond(unsigned cc) {
    using ir::Cond;
    unsigned group = cc >> 1;
    bool inv = cc & 1;
    if (group == 7) return imm(1);  // AL, NV: always
    Compare k;
    Cond kc;
    if (cond_as_compare(cc, &k, &kc)) return b.setcond(kc, k.is64 ? Type::I64 : Type::I32, k.a, k.b);
    // The flags are 0/1, so C & !Z is C > Z, and !Z & N == V is (N == V) > Z.
    switch (group) {
    case 4: return b.setcond(inv ? Cond::LEU : Cond::GTU, flag(cpu.cf), flag(cpu.zf));                  // HI / LS
    case 5: return b.setcond(inv ? Cond::NE : Cond::EQ, flag(cpu.nf), flag(cpu.vf));                    // GE / LT
    case 6:                                                                                              // GT / LE
        return b.setcond(inv ? Cond::LEU : Cond::GTU, b.setcond(Cond::EQ, flag(cpu.nf), flag(cpu.vf)), flag(cpu.zf));
    default: break;
    }
    // EQ / NE, CS / CC, MI / PL, VS / VC
    Temp t = flag(group == 0 ? cpu.zf : group == 1 ? cpu.cf : group == 2 ? cpu.nf : cpu.vf);
    return inv ? b.xor_(t, imm(1)) : t;
}

namespace {

class A64Insns final : public InsnTranslator {
public:
    explicit A64Insns(Ctx& c) : c_(c) {}
    unsigned min_insn_bytes() const override { return 4; }
    unsigned insn_length(const uint8_t*, unsigned) override { return 4; }
    bool translate_insn(uint64_t pc, const uint8_t* p, unsigned, unsigned index) override {
        uint32_t insn;
        memcpy(&insn, p, 4);
        c_.pc = pc;
        c_.insn = insn;
        c_.index = index;
        const Pattern* pat = decode(insn);
        if (!pat || !pat->handler(c_, insn)) c_.undefined();
        return c_.ended;
    }

private:
    Ctx& c_;
};

}  // namespace

bool Aarch64Cpu::translate_block(uint64_t start, const TbMode& mode, ir::Block& out, uint64_t* page2) {
    ir::Builder b(out);
    Ctx c{*this, b, mode.flags};
    A64Insns insns(c);
    TranslatorLimits limits;
    limits.max_insns = block_insn_limit ? std::min(block_insn_limit, kMaxBlockInsns) : kMaxBlockInsns;
    limits.flags = mode.flags;
    return translator_loop(*this, insns, b, out, start, unsigned(mode.flags & tbf::EL_MASK), page2, limits);
}

}  // namespace tessera::aarch64
