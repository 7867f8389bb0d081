// The interpreter executes IR exactly as ops.def defines it.
#include <doctest/doctest.h>

#include "backends/interp/interp.h"
#include "fake_cpu.h"
#include "ir/builder.h"
#include "ir/opt.h"

using namespace tessera;
using namespace tessera::ir;

namespace {
struct Rig {
    AddressSpace as;
    test::FakeCpu cpu{as};
    Block blk;
    Builder b{blk};
    Rig() { as.add_ram("ram", 0x80000000, 1 << 20); }
    int run() {
        REQUIRE(verify(blk) == "");
        auto code = interp::compile(blk, interp::frame_offset(cpu));
        return interp::run(*code, cpu);
    }
    void result(Temp t) {
        b.st_env(t, cpu.reg_off(0));
        b.exit_tb(0x2000, 0);
    }
};

uint64_t eval(Op op, Type t, uint64_t x, uint64_t y) {
    Rig r;
    r.b.insn_start(0x1000);
    Temp d = r.b.binop(op, r.b.movi(t, x), r.b.movi(t, y));
    r.result(t == Type::I64 ? d : r.b.zext(Type::I64, d, type_bits(t)));
    r.run();
    return r.cpu.regs[0];
}
}  // namespace

TEST_CASE("arithmetic wraps at the op's width") {
    CHECK(eval(Op::add, Type::I64, ~0ull, 1) == 0);
    CHECK(eval(Op::add, Type::I32, 0xffffffff, 2) == 1);
    CHECK(eval(Op::sub, Type::I32, 0, 1) == 0xffffffff);
    CHECK(eval(Op::mul, Type::I64, 1ull << 40, 1ull << 30) == 0);
    CHECK(eval(Op::shl, Type::I64, 1, 65) == 2);  // count taken modulo 64
    CHECK(eval(Op::shr, Type::I32, 0x80000000, 31) == 1);
    CHECK(eval(Op::sar, Type::I32, 0x80000000, 31) == 0xffffffff);
    CHECK(eval(Op::sar, Type::I64, 0x8000000000000000ull, 63) == ~0ull);
}

TEST_CASE("division is total") {
    CHECK(eval(Op::divs, Type::I64, 7, 0) == ~0ull);
    CHECK(eval(Op::divu, Type::I32, 7, 0) == 0xffffffff);
    CHECK(eval(Op::rems, Type::I64, 7, 0) == 7);
    CHECK(eval(Op::divs, Type::I64, 0x8000000000000000ull, ~0ull) == 0x8000000000000000ull);
    CHECK(eval(Op::rems, Type::I64, 0x8000000000000000ull, ~0ull) == 0);
    CHECK(eval(Op::divs, Type::I32, 0x80000000, 0xffffffff) == 0x80000000);
    CHECK(eval(Op::divs, Type::I64, uint64_t(-7), 2) == uint64_t(-3));
    CHECK(eval(Op::rems, Type::I64, uint64_t(-7), 2) == uint64_t(-1));
}

TEST_CASE("high multiplies") {
    CHECK(eval(Op::mulhu, Type::I64, ~0ull, ~0ull) == ~0ull - 1);
    CHECK(eval(Op::mulhs, Type::I64, ~0ull, ~0ull) == 0);                 // -1 * -1 = 1
    CHECK(eval(Op::mulhsu, Type::I64, ~0ull, ~0ull) == ~0ull);            // -1 * (2^64-1)
    CHECK(eval(Op::mulhs, Type::I32, 0x80000000, 0x80000000) == 0x40000000);
}

TEST_CASE("branches, select and setcond") {
    Rig r;
    r.b.insn_start(0x1000);
    Temp a = r.b.movi(Type::I64, 3), c = r.b.movi(Type::I64, 5);
    Label l = r.b.new_label();
    r.b.brcond(Cond::LT, a, c, l);
    r.b.st_env(r.b.movi(Type::I64, 111), r.cpu.reg_off(0));
    r.b.exit_tb(0x3000, 1);
    r.b.label(l);
    r.b.st_env(r.b.select(r.b.setcond(Cond::GT, c, a), a, c), r.cpu.reg_off(1));
    r.b.exit_tb(0x4000, 0);
    CHECK(r.run() == 0);
    CHECK(r.cpu.pc == 0x4000);
    CHECK(r.cpu.regs[0] == 0);
    CHECK(r.cpu.regs[1] == 3);
}

TEST_CASE("guest loads and stores go through the TLB and fault precisely") {
    Rig r;
    r.b.insn_start(0x1000);
    Temp addr = r.b.movi(Type::I64, 0x80000010);
    r.b.st(addr, r.b.movi(Type::I64, 0xfedcba9876543210ull), MO_64, 0);
    r.b.st_env(r.b.ld(Type::I64, r.b.add(addr, r.b.movi(Type::I64, 4)), MO_32 | MO_SIGN, 0), r.cpu.reg_off(0));
    r.b.st_env(r.b.ld(Type::I64, addr, MO_16, 0), r.cpu.reg_off(1));
    r.b.insn_start(0x1004);
    r.b.st_env(r.b.ld(Type::I64, r.b.movi(Type::I64, 0x10), MO_8, 0), r.cpu.reg_off(2));  // unbacked
    r.b.exit_tb(0x2000, 0);
    r.cpu.insn_count = 10;
    CHECK(r.run() == interp::EXIT_EXCEPTION);
    CHECK(r.cpu.regs[0] == 0xfffffffffedcba98ull);
    CHECK(r.cpu.regs[1] == 0x3210);
    CHECK(r.cpu.regs[2] == 0);
    CHECK(r.cpu.pc == 0x1004);        // the faulting instruction
    CHECK(r.cpu.insn_count == 11);    // only the first instruction retired
    CHECK(r.cpu.fault_va == 0x10);
}

namespace {
uint64_t double_it(void* env, uint64_t a, uint64_t, uint64_t, uint64_t) {
    static_cast<test::FakeCpu*>(static_cast<Vcpu*>(env))->regs[3] = 1;
    return a * 2;
}
const Helper kDouble{"double_it", double_it, HF_WRITES_ENV};
}  // namespace

TEST_CASE("helper calls receive the CPU and their operands") {
    Rig r;
    r.b.insn_start(0x1000);
    Temp v = r.b.call(&kDouble, r.b.movi(Type::I64, 21));
    r.b.st_env(v, r.cpu.reg_off(0));
    r.b.exit_ind(r.b.movi(Type::I64, 0x5000));
    CHECK(r.run() == interp::EXIT_NOCHAIN);
    CHECK(r.cpu.regs[0] == 42);
    CHECK(r.cpu.regs[3] == 1);
    CHECK(r.cpu.pc == 0x5000);
}

TEST_CASE("operands read in place never see a later write to the same register") {
    Rig r;
    r.cpu.regs[0] = 5;
    r.b.insn_start(0x1000);
    Temp old = r.b.ld_env(Type::I64, r.cpu.reg_off(0));
    r.b.st_env(r.b.movi(Type::I64, 99), r.cpu.reg_off(0));  // overwrite the register
    r.b.st_env(r.b.add(old, r.b.movi(Type::I64, 1)), r.cpu.reg_off(1));
    r.b.exit_tb(0x2000, 0);
    r.run();
    CHECK(r.cpu.regs[0] == 99);
    CHECK(r.cpu.regs[1] == 6);  // computed from the value before the overwrite
}

TEST_CASE("a result is not written into its register before a fault that precedes the store") {
    Rig r;
    r.cpu.regs[0] = 7;
    r.b.insn_start(0x1000);
    Temp sum = r.b.add(r.b.ld_env(Type::I64, r.cpu.reg_off(0)), r.b.movi(Type::I64, 1));
    r.b.ld(Type::I64, r.b.movi(Type::I64, 0x10), MO_64, 0);  // faults: unbacked
    r.b.st_env(sum, r.cpu.reg_off(0));
    r.b.exit_tb(0x2000, 0);
    CHECK(r.run() == interp::EXIT_EXCEPTION);
    CHECK(r.cpu.regs[0] == 7);  // precise: the faulting instruction changed nothing
}

namespace {
// regs[0] = 40 + 2, as "add x0, x0, x1" translates: the sum's temp is returned.
Temp add_regs_0_1(Rig& r) {
    r.cpu.regs[0] = 40;
    r.cpu.regs[1] = 2;
    r.b.insn_start(0x1000);
    Temp s = r.b.add(r.b.ld_env(Type::I64, r.cpu.reg_off(0)), r.b.ld_env(Type::I64, r.cpu.reg_off(1)));
    r.b.st_env(s, r.cpu.reg_off(0));
    return s;
}
}  // namespace

TEST_CASE("register-to-register ops run in place") {
    Rig r;
    add_regs_0_1(r);
    r.b.exit_tb(0x2000, 0);
    auto code = interp::compile(r.blk, interp::frame_offset(r.cpu));
    CHECK(code->insns.size() == 2);  // the add itself, and the exit
    CHECK(interp::run(*code, r.cpu) == 0);
    CHECK(r.cpu.regs[0] == 42);
}

TEST_CASE("a flag goes straight into its field, and a branch on it reads zero from the zero slot") {
    Rig r;
    r.b.insn_start(0x1000);
    Temp a = r.b.ld_env(Type::I64, r.cpu.reg_off(1)), c = r.b.ld_env(Type::I64, r.cpu.reg_off(2));
    Temp flag = r.b.overflow(Op::ssubo, Type::I32, a, c);  // a 32-bit op, a 64-bit flag
    r.b.st_env(flag, r.cpu.reg_off(0));
    Label l = r.b.new_label();
    r.b.brcond(Cond::EQ, flag, r.b.movi(Type::I64, 0), l);
    r.b.exit_tb(0x2000, 1);
    r.b.label(l);
    r.b.exit_tb(0x3000, 0);
    auto code = interp::compile(r.blk, interp::frame_offset(r.cpu));
    CHECK(code->insns.size() == 4);  // ssubo (into regs[0]), brcond, two exits: no st_env, no movi
    for (uint64_t x : {0x7fffffffull, 0x17fffffffull, 5ull}) {
        r.cpu.regs[0] = 0x55;
        r.cpu.regs[1] = x;
        r.cpu.regs[2] = ~0ull;  // x - (-1) at 32 bits overflows when x's low word is INT32_MAX
        bool ovf = uint32_t(x) == 0x7fffffff;
        CHECK(interp::run(*code, r.cpu) == (ovf ? 1 : 0));
        CHECK(r.cpu.regs[0] == ovf);
    }
}

TEST_CASE("the optimiser's constant folding computes what the interpreter computes") {
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
    for (Op op : {Op::add, Op::sub, Op::mul, Op::and_, Op::or_, Op::xor_, Op::shl, Op::shr, Op::sar})
        for (Type t : {Type::I32, Type::I64})
            for (int n = 0; n < 50; n++) {
                uint64_t mask = t == Type::I64 ? ~0ull : 0xffffffffull;
                uint64_t a = next() & mask, b = (n % 3 ? next() : next() % 70) & mask;
                uint64_t folded;
                REQUIRE(fold_binary(op, t, a, b, &folded));
                CHECK(folded == eval(op, t, a, b));
            }
}

TEST_CASE("a result with several uses lives in its register, and later uses still see it") {
    Rig r;
    Temp s = add_regs_0_1(r);
    r.b.insn_start(0x1004);
    r.b.st_env(r.b.add(s, r.b.movi(Type::I64, 1)), r.cpu.reg_off(2));  // reads s after the store
    r.b.exit_tb(0x2000, 0);
    auto code = interp::compile(r.blk, interp::frame_offset(r.cpu));
    CHECK(code->insns.size() == 3);  // two adds straight into registers, and the exit
    CHECK(interp::run(*code, r.cpu) == 0);
    CHECK(r.cpu.regs[0] == 42);
    CHECK(r.cpu.regs[2] == 43);
}

TEST_CASE("a result stays in its temp when the register is rewritten before its last use") {
    Rig r;
    r.cpu.regs[0] = 40;
    r.b.insn_start(0x1000);
    Temp s = r.b.add(r.b.ld_env(Type::I64, r.cpu.reg_off(0)), r.b.movi(Type::I64, 2));
    r.b.st_env(s, r.cpu.reg_off(0));
    r.b.st_env(r.b.movi(Type::I64, 7), r.cpu.reg_off(0));  // the register changes again
    r.b.st_env(r.b.add(s, r.b.movi(Type::I64, 1)), r.cpu.reg_off(1));
    r.b.exit_tb(0x2000, 0);
    r.run();
    CHECK(r.cpu.regs[0] == 7);
    CHECK(r.cpu.regs[1] == 43);  // from the first value, not from the register
}

TEST_CASE("W instructions fuse: 32-bit op of truncations, sign-extended, in one handler") {
    auto addw = [](uint64_t x, uint64_t y, bool extra_use) {
        Rig r;
        r.cpu.regs[0] = x;
        r.cpu.regs[1] = y;
        r.b.insn_start(0x1000);
        Temp a = r.b.sext(Type::I32, r.b.ld_env(Type::I64, r.cpu.reg_off(0)), 32);
        Temp b = r.b.sext(Type::I32, r.b.ld_env(Type::I64, r.cpu.reg_off(1)), 32);
        Temp sum = r.b.add(a, b);
        r.b.st_env(r.b.sext(Type::I64, sum, 32), r.cpu.reg_off(2));
        if (extra_use) r.b.st_env(r.b.zext(Type::I64, a, 32), r.cpu.reg_off(3));  // the truncation is used again
        r.b.exit_tb(0x2000, 0);
        auto code = interp::compile(r.blk, interp::frame_offset(r.cpu));
        REQUIRE(interp::run(*code, r.cpu) == 0);
        return std::pair<uint64_t, size_t>(r.cpu.regs[2], code->insns.size());
    };
    auto [v, n] = addw(0x123456787fffffffull, 1, false);
    CHECK(v == 0xffffffff80000000ull);  // wraps at 32 bits, then sign-extends
    CHECK(n == 2);                      // one fused op and the exit
    auto [v2, n2] = addw(0xffffffff00000005ull, 0xfffffffeull, true);
    CHECK(v2 == 3);
    CHECK(n2 > 2);  // the truncation with another use is kept
}

TEST_CASE("the exit word is one aligned 64-bit word, and any of its flags makes it pending") {
    AddressSpace as;
    test::FakeCpu cpu{as};
    REQUIRE(cpu.exit_word_layout_ok());  // the interpreter and compiled code read it as one word
    CHECK(!cpu.exit_pending());
    cpu.code_changed = true;
    CHECK(cpu.exit_pending());
    cpu.code_changed = false;
    cpu.kick.store(1);
    CHECK(cpu.exit_pending());
}

TEST_CASE("an indirect exit continues through the branch cache only in the same mode, and counts") {
    AddressSpace as;
    test::FakeCpu cpu{as};
    // Block A at 0x1000: x0 += 1, then jump to the pc in x1 (an indirect exit).
    Block a;
    Builder ba{a};
    ba.insn_start(0x1000);
    ba.st_env(ba.add(ba.ld_env(Type::I64, cpu.reg_off(0)), ba.movi(Type::I64, 1)), cpu.reg_off(0));
    ba.exit_ind(ba.ld_env(Type::I64, cpu.reg_off(1)));
    // Block B at 0x2000: x2 = 7, then leave through chain slot 0.
    Block b;
    Builder bb{b};
    bb.insn_start(0x2000);
    bb.st_env(bb.movi(Type::I64, 7), cpu.reg_off(2));
    bb.exit_tb(0x3000, 0);
    REQUIRE(verify(a) == "");
    REQUIRE(verify(b) == "");
    auto ca = interp::compile(a, interp::frame_offset(cpu));
    auto cb = interp::compile(b, interp::frame_offset(cpu));
    int tag_a = 0, tag_b = 0;
    ca->tb = &tag_a;
    cb->tb = &tag_b;
    ca->flags = cb->flags = 5;
    IbcEntry cache[4] = {};
    for (auto& e : cache) e.pc = ~0ull;
    cpu.ibc = cache;
    cpu.ibc_mask = 3;
    cpu.regs[1] = 0x2000;
    IbcEntry& slot = cache[(0x2000 >> cpu.insn_align_bits) & 3];

    SUBCASE("no entry: back to the executor") {
        CHECK(interp::run(*ca, cpu, true) == interp::EXIT_NOCHAIN);
        CHECK(cpu.pc == 0x2000);
        CHECK(cpu.last_block == &tag_a);
        CHECK(cpu.regs[2] == 0);
    }
    SUBCASE("an entry in the same mode: straight into the next block") {
        slot = IbcEntry{0x2000, 5, nullptr, cb.get()};
        CHECK(interp::run(*ca, cpu, true) == 0);
        CHECK(cpu.pc == 0x3000);
        CHECK(cpu.last_block == &tag_b);
        CHECK(cpu.regs[2] == 7);
        CHECK(cpu.insn_count == 2);
    }
    SUBCASE("another mode, another pc, or a hot block: back to the executor") {
        slot = IbcEntry{0x2000, 6, nullptr, cb.get()};
        CHECK(interp::run(*ca, cpu, true) == interp::EXIT_NOCHAIN);
        slot = IbcEntry{0x2004, 5, nullptr, cb.get()};
        CHECK(interp::run(*ca, cpu, true) == interp::EXIT_NOCHAIN);
        slot = IbcEntry{0x2000, 5, nullptr, cb.get()};
        cb->hot = 1;  // tiering: reaching the count returns so the block can be queued
        CHECK(interp::run(*ca, cpu, true) == interp::EXIT_NOCHAIN);
        CHECK(cpu.regs[2] == 0);
        CHECK(cpu.regs[0] == 3);
    }
    SUBCASE("an entry made in another address space: back to the executor") {
        slot = IbcEntry{0x2000, 5, nullptr, cb.get(), 2};  // made under context 2 (lower half)
        cpu.pc_context[0] = 1;
        cpu.pc_context[1] = 2;  // the upper half's id does not count for 0x2000
        CHECK(interp::run(*ca, cpu, true) == interp::EXIT_NOCHAIN);
        CHECK(cpu.regs[2] == 0);
        cpu.pc_context[0] = 2;  // back in that address space: followed
        CHECK(interp::run(*ca, cpu, true) == 0);
        CHECK(cpu.regs[2] == 7);
        cpu.pc_context[0] = cpu.pc_context[1] = 0;
    }
    SUBCASE("the slot is the pc over the ISA's instruction alignment") {
        cpu.regs[1] = 0x2004;
        cpu.insn_align_bits = 1;  // 0x2004 hashes to slot 2
        cache[1] = IbcEntry{0x2004, 5, nullptr, cb.get()};
        CHECK(interp::run(*ca, cpu, true) == interp::EXIT_NOCHAIN);
        cpu.insn_align_bits = 2;  // A64-like: slot 1
        CHECK(interp::run(*ca, cpu, true) == 0);
        CHECK(cpu.regs[2] == 7);
    }
    cpu.ibc = nullptr;
}

// Regression (issue 10): a v128 ld_env/st_env used to be laid out in an 8-byte frame slot and
// copied 16 bytes into it (a stack overflow under ASan). The executors now refuse such a block.
TEST_CASE("the interpreter refuses types it does not implement instead of overrunning a slot") {
    Rig r;
    Temp v = r.b.ld_env(Type::V128, r.cpu.reg_off(0));
    r.b.st_env(v, r.cpu.reg_off(2));
    r.b.exit_tb(0x2000, 0);
    CHECK(verify(r.blk) != "");
    CHECK_THROWS_AS(interp::compile(r.blk, interp::frame_offset(r.cpu)), std::logic_error);
}

TEST_CASE("division by zero follows the instruction's policy") {
    for (uint8_t zero : {DIV0_ONES, DIV0_ZERO})
        for (Op op : {Op::divs, Op::divu, Op::rems, Op::remu}) {
            Rig r;
            r.cpu.regs[1] = 0x1234;
            Temp a = r.b.ld_env(Type::I64, r.cpu.reg_off(1));
            r.result(r.b.div(op, a, r.b.movi(Type::I64, 0), DivZero(zero)));
            r.run();
            bool rem = op == Op::rems || op == Op::remu;
            CHECK(r.cpu.regs[0] == (rem ? 0x1234 : zero == DIV0_ZERO ? 0 : ~0ull));
        }
}
