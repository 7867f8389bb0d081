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
