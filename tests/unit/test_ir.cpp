// IR: op table, builder, verifier and printer.
#include <doctest/doctest.h>

#include "ir/builder.h"

using namespace tessera::ir;

TEST_CASE("op table lists every op with its operand counts") {
    CHECK(std::string(op_info(Op::add).name) == "add");
    CHECK(op_info(Op::add).nsrc == 2);
    CHECK(op_info(Op::select).nsrc == 3);
    CHECK((op_info(Op::exit_tb).flags & OPF_TERM) != 0);
    CHECK((op_info(Op::ld).flags & OPF_FAULT) != 0);
}

TEST_CASE("verifier accepts a well-formed block and prints it") {
    Block blk;
    Builder b(blk);
    b.insn_start(0x1000);
    Temp x = b.movi(Type::I64, 5);
    Temp y = b.add(x, b.movi(Type::I64, 7));
    Label l = b.new_label();
    b.brcond(Cond::EQ, y, x, l);
    b.st_env(y, 16);
    b.label(l);
    b.exit_tb(0x1004, 0);
    CHECK(verify(blk) == "");
    std::string text = print(blk);
    CHECK(text.find("add.i64") != std::string::npos);
    CHECK(text.find("brcond.i64") != std::string::npos);
    CHECK(text.find("exit_tb") != std::string::npos);
}

TEST_CASE("verifier rejects broken blocks") {
    SUBCASE("no terminator") {
        Block blk;
        Builder b(blk);
        b.movi(Type::I64, 1);
        CHECK(verify(blk).find("exit") != std::string::npos);
    }
    SUBCASE("type mismatch") {
        Block blk;
        Builder b(blk);
        Temp a = b.movi(Type::I64, 1);
        Temp c = b.movi(Type::I32, 1);
        b.add(a, c);
        b.exit_tb(0, 0);
        CHECK(verify(blk).find("type") != std::string::npos);
    }
    SUBCASE("branch to a label never placed") {
        Block blk;
        Builder b(blk);
        Label l = b.new_label();
        b.br(l);
        b.exit_tb(0, 0);
        CHECK(verify(blk) != "");
    }
    SUBCASE("label placed twice") {
        Block blk;
        Builder b(blk);
        Label l = b.new_label();
        b.label(l);
        b.label(l);
        b.exit_tb(0, 0);
        CHECK(verify(blk) != "");
    }
}

TEST_CASE("eval_cond honours width and signedness") {
    CHECK(eval_cond(Cond::LT, 0xffffffff, 0, 32));   // -1 < 0 as i32
    CHECK(!eval_cond(Cond::LT, 0xffffffff, 0, 64));  // positive as i64
    CHECK(eval_cond(Cond::LTU, 0, 0xffffffff, 32));
    CHECK(eval_cond(Cond::GEU, 0x1'0000'0000, 1, 32) == false);  // upper bits ignored: 0 >= 1 false
}

TEST_CASE("the verifier's operand rules come from the signatures in ops.def") {
    CHECK(std::string(op_info(Op::add).sig) == "T:TT");
    CHECK(op_info(Op::st).ndst == 0);
    CHECK(op_info(Op::st).nsrc == 2);
    CHECK(op_info(Op::call).nsrc == 4);
    SUBCASE("a store's value has the instruction's type") {
        Block blk;
        Builder b(blk);
        Temp addr = b.movi(Type::I64, 0x1000);
        Temp v = b.movi(Type::I32, 1);
        b.st(addr, v, MO_32, 0);
        b.exit_tb(0, 0);
        CHECK(verify(blk) == "");
        blk.insns[2].type = Type::I64;  // claims i64, stores an i32 temp
        CHECK(verify(blk).find("source 1") != std::string::npos);
    }
    SUBCASE("an address is i64") {
        Block blk;
        Builder b(blk);
        Temp addr = b.movi(Type::I32, 0x1000);
        b.ld(Type::I64, addr, MO_64, 0);
        b.exit_tb(0, 0);
        CHECK(verify(blk).find("wants A") != std::string::npos);
    }
    SUBCASE("a conditional branch compares two values of its type") {
        Block blk;
        Builder b(blk);
        Temp a = b.movi(Type::I64, 1);
        Temp c = b.movi(Type::I32, 1);
        Label l = b.new_label();
        b.brcond(Cond::EQ, a, a, l);
        blk.insns.back().src[1] = c.id;
        b.label(l);
        b.exit_tb(0, 0);
        CHECK(verify(blk).find("source 1") != std::string::npos);
    }
    SUBCASE("a flag op reads operands at least as wide as its type and gives any integer type") {
        for (Type second : {Type::I32, Type::I16}) {
            Block blk;
            Builder b(blk);
            Insn i{};
            i.op = Op::uaddo;
            i.type = Type::I32;
            i.src[0] = b.movi(Type::I64, 1).id;
            i.src[1] = b.movi(second, 2).id;
            i.dst = b.temp(Type::I8).id;
            blk.insns.push_back(i);
            b.exit_tb(0, 0);
            if (second == Type::I32) CHECK(verify(blk) == "");
            else CHECK(verify(blk).find("wants W") != std::string::npos);  // narrower than the op
        }
    }
}

// Regression (issue 10): a v128 ld_env/st_env passed the verifier and the interpreter copied
// 16 bytes into an 8-byte frame slot. Types no executor implements are now rejected by the
// verifier, and the executors refuse them instead of writing past a slot.
TEST_CASE("declared types the executors do not implement are rejected") {
    for (Type t : {Type::V128, Type::I128, Type::F32, Type::F64, Type::I1}) {
        CAPTURE(type_name(t));
        Block blk;
        Builder b(blk);
        Temp v = b.ld_env(t, 64);
        b.st_env(v, 128);
        b.exit_tb(0, 0);
        CHECK(verify(blk).find("not implement") != std::string::npos);
        CHECK(unsupported_type(blk) != "");
    }
    for (Type t : {Type::I8, Type::I16, Type::I32, Type::I64}) CHECK(type_implemented(t));
}
