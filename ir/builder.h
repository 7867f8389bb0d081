// Builder: the only way frontends create IR. Each method appends one op.
#pragma once
#include "ir/ir.h"

namespace tessera::ir {

class Builder {
public:
    explicit Builder(Block& b) : b_(b) {}
    Block& block() { return b_; }

    Temp temp(Type t) {
        b_.temps.push_back(t);
        return Temp{uint32_t(b_.temps.size() - 1)};
    }
    Type type_of(Temp t) const { return b_.temps[t.id]; }
    Label new_label() { return Label{b_.labels++}; }

    Temp movi(Type t, uint64_t v) {
        Temp d = temp(t);
        emit(Op::movi, t, d, {}, int64_t(v));
        return d;
    }
    Temp mov(Temp a) { return unop(Op::mov, a); }
    Temp add(Temp a, Temp b) { return binop(Op::add, a, b); }
    Temp sub(Temp a, Temp b) { return binop(Op::sub, a, b); }
    Temp mul(Temp a, Temp b) { return binop(Op::mul, a, b); }
    Temp and_(Temp a, Temp b) { return binop(Op::and_, a, b); }
    Temp or_(Temp a, Temp b) { return binop(Op::or_, a, b); }
    Temp xor_(Temp a, Temp b) { return binop(Op::xor_, a, b); }
    Temp shl(Temp a, Temp b) { return binop(Op::shl, a, b); }
    Temp shr(Temp a, Temp b) { return binop(Op::shr, a, b); }
    Temp sar(Temp a, Temp b) { return binop(Op::sar, a, b); }
    Temp neg(Temp a) { return unop(Op::neg, a); }
    Temp not_(Temp a) { return unop(Op::not_, a); }
    void fence(uint8_t kinds) { emit(Op::fence, Type::I64, Temp{}, {}).aux = kinds; }
    // divs, divu, rems or remu with the ISA's result for a zero divisor.
    Temp div(Op op, Temp a, Temp b, DivZero zero) {
        Temp d = binop(op, a, b);
        b_.insns.back().aux = zero;
        return d;
    }
    Temp binop(Op op, Temp a, Temp b) {
        Temp d = temp(type_of(a));
        emit(op, type_of(a), d, {a, b});
        return d;
    }
    Temp unop(Op op, Temp a) {
        Temp d = temp(type_of(a));
        emit(op, type_of(a), d, {a});
        return d;
    }
    // The host-FPU fast path (ir/fastfp.h): the result, or FASTFP_REFUSED.
    Temp fastfp(FastFpKind kind, uint8_t format, Temp a, Temp b, Temp c) {
        Temp d = temp(Type::I64);
        Insn& i = emit(Op::fastfp, Type::I64, d, {a, b, c}, kind);
        i.aux = format;
        return d;
    }
    Temp setcond(Cond c, Temp a, Temp b) { return setcond(c, type_of(a), a, b); }
    // The compare at type t of a and b (t or wider): 0/1 in a's type.
    Temp setcond(Cond c, Type t, Temp a, Temp b) {
        Temp d = temp(type_of(a));
        Insn& i = emit(Op::setcond, t, d, {a, b});
        i.cond = c;
        return d;
    }
    // uaddo, saddo, usubo or ssubo at type t of a and b (t or wider): 0/1 in a's type.
    Temp overflow(Op op, Type t, Temp a, Temp b) {
        Temp d = temp(type_of(a));
        emit(op, t, d, {a, b});
        return d;
    }
    // The low bits of a as a value of the narrower type t.
    Temp trunc(Type t, Temp a) { return ext(Op::zext, t, a, type_bits(t)); }
    Temp select(Temp c, Temp a, Temp b) {
        Temp d = temp(type_of(a));
        emit(Op::select, type_of(a), d, {c, a, b});
        return d;
    }
    // Sign/zero-extend the low `bits` of a into a value of type t.
    Temp sext(Type t, Temp a, unsigned bits) { return ext(Op::sext, t, a, bits); }
    Temp zext(Type t, Temp a, unsigned bits) { return ext(Op::zext, t, a, bits); }

    // reg: the field is a guest register that no helper touches (see ENV_REG).
    Temp ld_env(Type t, uint32_t offset, bool reg = false) {
        Temp d = temp(t);
        emit(Op::ld_env, t, d, {}, offset).aux = reg ? ENV_REG : 0;
        return d;
    }
    void st_env(Temp a, uint32_t offset, bool reg = false) {
        emit(Op::st_env, type_of(a), NO_TEMP, {a}, offset).aux = reg ? ENV_REG : 0;
    }

    Temp ld(Type t, Temp addr, uint8_t memop, unsigned mmu_idx) {
        Temp d = temp(t);
        Insn& i = emit(Op::ld, t, d, {addr}, mmu_idx);
        i.aux = memop;
        return d;
    }
    void st(Temp addr, Temp val, uint8_t memop, unsigned mmu_idx) {
        Insn& i = emit(Op::st, type_of(val), NO_TEMP, {addr, val}, mmu_idx);
        i.aux = memop;
    }
    Temp call(const Helper* h, Temp a = {}, Temp b = {}, Temp c = {}, Temp d = {}) {
        Temp r = temp(Type::I64);
        emit(Op::call, Type::I64, r, {a, b, c, d}, int64_t(reinterpret_cast<intptr_t>(h)));
        return r;
    }
    void label(Label l) { emit(Op::label, Type::I64, NO_TEMP, {}, l.id); }
    void br(Label l) { emit(Op::br, Type::I64, NO_TEMP, {}, l.id); }
    void brcond(Cond c, Temp a, Temp b, Label l) { brcond(c, type_of(a), a, b, l); }
    // The compare at type t of a and b (t or wider).
    void brcond(Cond c, Type t, Temp a, Temp b, Label l) {
        Insn& i = emit(Op::brcond, t, NO_TEMP, {a, b}, l.id);
        i.cond = c;
    }
    void insn_start(uint64_t pc) { emit(Op::insn_start, Type::I64, NO_TEMP, {}, int64_t(pc)); }
    void exit_tb(uint64_t pc, unsigned slot) {
        Insn& i = emit(Op::exit_tb, Type::I64, NO_TEMP, {}, int64_t(pc));
        i.aux = uint8_t(slot);
    }
    // mode_change: the exit follows something that may change translation flags (xRET),
    // so executors must not dispatch it through a cache keyed by the current mode.
    void exit_ind(Temp pc, bool mode_change = false) {
        Insn& i = emit(Op::exit_ind, Type::I64, NO_TEMP, {pc});
        i.aux = mode_change;
    }

private:
    Temp ext(Op op, Type t, Temp a, unsigned bits) {
        Temp d = temp(t);
        emit(op, t, d, {a}, bits);
        return d;
    }
    Insn& emit(Op op, Type t, uint32_t dst, std::initializer_list<Temp> srcs, int64_t imm = 0) {
        Insn i;
        i.op = op;
        i.type = t;
        i.dst = dst;
        i.imm = imm;
        const Temp* s = srcs.begin();  // element by element: a loop became a memcpy call
        switch (srcs.size()) {
        case 4: i.src[3] = s[3].id; [[fallthrough]];
        case 3: i.src[2] = s[2].id; [[fallthrough]];
        case 2: i.src[1] = s[1].id; [[fallthrough]];
        case 1: i.src[0] = s[0].id; [[fallthrough]];
        default: break;
        }
        b_.insns.push_back(i);
        return b_.insns.back();
    }
    Insn& emit(Op op, Type t, Temp dst, std::initializer_list<Temp> srcs, int64_t imm = 0) {
        return emit(op, t, dst.id, srcs, imm);
    }

    Block& b_;
};

}  // namespace tessera::ir
