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

Ctx::Nzcv Ctx::add_with_carry(Temp a, Temp bv, Temp carry_in, bool is64, Temp* result) {
    Nzcv f;
    Temp sum = b.add(b.add(a, bv), carry_in);
    if (is64) {
        // Carry out of 64 bits: the sum wrapped below a, or equals a with a carry in (b all ones).
        f.c = b.or_(b.setcond(ir::Cond::LTU, sum, a), b.and_(b.setcond(ir::Cond::EQ, sum, a), carry_in));
        *result = sum;
    } else {  // 32-bit operands zero-extended: the carry is bit 32 of the 64-bit sum
        f.c = b.and_(b.shr(sum, imm(32)), imm(1));
        *result = w32(sum);
    }
    unsigned top = is64 ? 63 : 31;
    f.n = b.and_(b.shr(*result, imm(top)), imm(1));
    f.z = b.setcond(ir::Cond::EQ, *result, imm(0));
    // Overflow: a and b have one sign and the result the other.
    f.v = b.and_(b.shr(b.and_(b.xor_(a, *result), b.xor_(bv, *result)), imm(top)), imm(1));
    return f;
}

Ctx::Nzcv Ctx::nz_of(Temp r, bool is64) {
    return {b.and_(b.shr(r, imm(is64 ? 63 : 31)), imm(1)), b.setcond(ir::Cond::EQ, r, imm(0)), imm(0), imm(0)};
}

Temp Ctx::cond(unsigned cc) {
    Temp t;
    switch (cc >> 1) {
    case 0: t = flag(cpu.zf); break;                                           // EQ / NE
    case 1: t = flag(cpu.cf); break;                                           // CS / CC
    case 2: t = flag(cpu.nf); break;                                           // MI / PL
    case 3: t = flag(cpu.vf); break;                                           // VS / VC
    case 4: t = b.and_(flag(cpu.cf), b.xor_(flag(cpu.zf), imm(1))); break;     // HI / LS
    case 5: t = b.setcond(ir::Cond::EQ, flag(cpu.nf), flag(cpu.vf)); break;    // GE / LT
    case 6:                                                                    // GT / LE
        t = b.and_(b.xor_(flag(cpu.zf), imm(1)), b.setcond(ir::Cond::EQ, flag(cpu.nf), flag(cpu.vf)));
        break;
    default: return imm(1);  // AL, NV: always
    }
    return (cc & 1) ? b.xor_(t, imm(1)) : t;
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
