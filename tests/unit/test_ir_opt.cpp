// The IR optimiser: forwarding of CPU-state values, constant folding, dead code.
#include <doctest/doctest.h>

#include "ir/builder.h"
#include "ir/opt.h"

using namespace tessera::ir;

namespace {
size_t count(const Block& b, Op op) {
    size_t n = 0;
    for (const Insn& i : b.insns) n += i.op == op;
    return n;
}
}  // namespace

TEST_CASE("a state load after a store of the same field reuses the stored value") {
    Block blk;
    Builder b(blk);
    Temp v = b.add(b.ld_env(Type::I64, 8), b.ld_env(Type::I64, 16));
    b.st_env(v, 8);
    b.st_env(b.ld_env(Type::I64, 8), 24);  // forwarded: no second load of offset 8
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    CHECK(count(blk, Op::ld_env) == 2);
    CHECK(count(blk, Op::st_env) == 2);  // both stores stay: faults need them in memory
}

TEST_CASE("helpers that write state and join points end forwarding") {
    static const Helper writer{"writer", nullptr, HF_WRITES_ENV};
    Block blk;
    Builder b(blk);
    b.st_env(b.movi(Type::I64, 1), 8);
    b.call(&writer);
    b.st_env(b.ld_env(Type::I64, 8), 16);  // must reload after the helper
    Label l = b.new_label();
    b.label(l);
    b.st_env(b.ld_env(Type::I64, 16), 24);  // and after a label
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    CHECK(count(blk, Op::ld_env) == 2);
}

TEST_CASE("constants fold with the op's width, dead values disappear") {
    Block blk;
    Builder b(blk);
    Temp x = b.add(b.movi(Type::I32, 0xffffffff), b.movi(Type::I32, 2));  // wraps to 1
    b.sub(b.movi(Type::I64, 5), b.movi(Type::I64, 3));                   // unused
    b.st_env(b.zext(Type::I64, x, 32), 8);
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    CHECK(count(blk, Op::add) == 0);
    CHECK(count(blk, Op::sub) == 0);
    bool found = false;
    for (const Insn& i : blk.insns)
        if (i.op == Op::movi && i.imm == 1) found = true;
    CHECK(found);
    uint64_t r;
    CHECK(fold_binary(Op::sar, Type::I32, 0x80000000, 4, &r));
    CHECK(r == 0xf8000000);
    CHECK(!fold_binary(Op::divs, Type::I64, 1, 0, &r));
}

TEST_CASE("guest registers stay forwarded across helpers, other state does not") {
    static const Helper writer{"writer", nullptr, HF_WRITES_ENV};
    Block blk;
    Builder b(blk);
    b.st_env(b.movi(Type::I64, 1), 8, true);  // a guest register
    b.st_env(b.movi(Type::I64, 2), 16);       // other CPU state
    b.call(&writer);
    b.st_env(b.ld_env(Type::I64, 8, true), 24);  // forwarded: helpers never write registers
    b.st_env(b.ld_env(Type::I64, 16), 32);       // reloaded
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    CHECK(count(blk, Op::ld_env) == 1);
}

TEST_CASE("flag ops and extensions of constants fold; a wider flag destination stays well typed") {
    Block blk;
    Builder b(blk);
    Temp big = b.movi(Type::I64, 0x7fffffff);
    Insn i{};
    i.op = Op::saddo;  // i32: 0x7fffffff + 1 overflows
    i.type = Type::I32;
    i.src[0] = big.id;
    i.src[1] = b.movi(Type::I64, 1).id;
    i.dst = b.temp(Type::I64).id;
    blk.insns.push_back(i);
    b.st_env(Temp{i.dst}, 8);
    b.st_env(b.zext(Type::I64, b.sext(Type::I32, b.movi(Type::I64, 0x180000000ull), 32), 32), 16);
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    CHECK(count(blk, Op::saddo) == 0);
    CHECK(count(blk, Op::sext) == 0);
    CHECK(count(blk, Op::zext) == 0);
    uint64_t r;
    CHECK(fold_binary(Op::uaddo, Type::I64, ~0ull, 1, &r));
    CHECK(r == 1);
    CHECK(fold_binary(Op::usubo, Type::I8, 0x100, 1, &r));  // the low 8 bits: 0 - 1 borrows
    CHECK(r == 1);
    CHECK(fold_binary(Op::ssubo, Type::I16, 0x8000, 1, &r));
    CHECK(r == 1);
    CHECK(fold_unary(Op::sext, Type::I64, 8, 0x80, &r));
    CHECK(r == 0xffffffffffffff80ull);
}

namespace {
// st_env of a flag field, what stands between, then st_env of the same field: how many of
// the two stores (and of the adds that computed them) survive.
struct DseCase {
    size_t stores, adds;
};
template <typename Between>
DseCase dse(Between between) {
    Block blk;
    Builder b(blk);
    b.insn_start(0x1000);
    Temp x = b.ld_env(Type::I64, 8, true);
    b.st_env(b.add(x, b.ld_env(Type::I64, 16, true)), 24, true);
    b.insn_start(0x1004);
    between(b, x);
    b.st_env(b.add(x, x), 24, true);
    b.exit_tb(0x1008, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    return {count(blk, Op::st_env), count(blk, Op::add)};
}
}  // namespace

TEST_CASE("a state store overwritten before anything can see it is dropped, with what computed it") {
    static const Helper pure{"pure", nullptr, HF_CPU_ONLY};
    DseCase plain = dse([](Builder&, Temp) {});
    CHECK(plain.stores == 1);
    CHECK(plain.adds == 1);
    // A load of the field is forwarded the stored value: it reads nothing, the store still dies.
    DseCase fwd = dse([](Builder& b, Temp) { b.st_env(b.ld_env(Type::I64, 24, true), 32, true); });
    CHECK(fwd.stores == 2);
    CHECK(fwd.adds == 2);
    // Something that may see the first value keeps it.
    CHECK(dse([](Builder& b, Temp) { b.st_env(b.ld_env(Type::I32, 28), 32); }).stores == 3);  // a part of it
    CHECK(dse([](Builder& b, Temp x) { b.ld(Type::I64, x, MO_64, 0); }).stores == 2);           // may fault
    CHECK(dse([](Builder& b, Temp x) { b.st(x, x, MO_64, 0); }).stores == 2);
    CHECK(dse([](Builder& b, Temp) { b.call(&pure); }).stores == 2);
    CHECK(dse([](Builder& b, Temp x) {  // a side exit
              Label l = b.new_label();
              b.brcond(Cond::EQ, x, b.movi(Type::I64, 0), l);
              b.exit_tb(0x2000, 1);
              b.label(l);
          }).stores == 2);
    // Other fields do not matter; a narrower store of the field is covered by the last one.
    CHECK(dse([](Builder& b, Temp x) { b.st_env(x, 32, true); }).stores == 2);
    CHECK(dse([](Builder& b, Temp x) { b.st_env(b.zext(Type::I32, x, 32), 24); }).stores == 1);
}

TEST_CASE("a narrower store does not cover a wider one") {
    Block blk;
    Builder b(blk);
    Temp x = b.ld_env(Type::I64, 8, true);
    b.st_env(x, 24);
    b.st_env(b.zext(Type::I32, x, 32), 24);
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(count(blk, Op::st_env) == 2);
}

TEST_CASE("an operand read only in bits an extension copied reads the extension's source") {
    Block blk;
    Builder b(blk);
    Temp x = b.ld_env(Type::I64, 8, true);
    Temp w = b.zext(Type::I64, x, 32);  // a W register, zero-extended
    b.st_env(b.overflow(Op::ssubo, Type::I32, w, b.ld_env(Type::I64, 16, true)), 24, true);
    b.st_env(b.setcond(Cond::LT, Type::I32, w, x), 32, true);
    b.st_env(b.zext(Type::I64, b.sub(b.trunc(Type::I32, w), b.trunc(Type::I32, x)), 32), 40, true);
    b.st_env(b.sext(Type::I64, w, 16), 48, true);
    Temp h = b.zext(Type::I64, x, 16);  // only 16 bits: a 32-bit read must keep it
    b.st_env(b.setcond(Cond::LT, Type::I32, h, x), 56, true);
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    size_t zext_from_32 = 0, zext_from_16 = 0;
    for (const Insn& i : blk.insns) {
        zext_from_32 += i.op == Op::zext && i.type == Type::I64 && i.imm == 32 && i.src[0] == x.id;
        zext_from_16 += i.op == Op::zext && i.imm == 16;
    }
    CHECK(zext_from_32 == 0);  // w is gone: every user reads x
    CHECK(zext_from_16 == 1);
}

TEST_CASE("an op with its identity operand is the value itself, at the op's width only") {
    Block blk;
    Builder b(blk);
    Temp x = b.ld_env(Type::I64, 8);
    Temp y = b.and_(b.shl(b.shr(x, b.movi(Type::I64, 0)), b.movi(Type::I64, 0)), b.movi(Type::I64, ~0ull));
    y = b.mul(b.movi(Type::I64, 1), b.sub(y, b.movi(Type::I64, 0)));
    b.st_env(y, 16);
    Temp w = b.ld_env(Type::I32, 24);
    b.st_env(b.and_(w, b.movi(Type::I32, 0xffff)), 32);  // not all ones at 32 bits: stays
    b.st_env(b.shl(b.movi(Type::I64, 0), x), 40);        // 0 << x is not x
    b.exit_tb(0, 0);
    optimize(blk);
    CHECK(verify(blk) == "");
    CHECK(count(blk, Op::shr) == 0);
    CHECK(count(blk, Op::mul) == 0);
    CHECK(count(blk, Op::sub) == 0);
    CHECK(count(blk, Op::and_) == 1);
    CHECK(count(blk, Op::shl) == 1);
    REQUIRE(blk.insns.size() >= 2);
    CHECK(blk.insns[1].op == Op::st_env);
    CHECK(blk.insns[1].src[0] == blk.insns[0].dst);  // the loaded value, stored as it is
}
