// The baseline x86-64 code generator: its encodings (checked against LLVM's disassembler)
// and its code, which must leave exactly the state the interpreter leaves.
#include <doctest/doctest.h>

#include <cstring>
#include <functional>
#include <regex>

#include "backends/interp/interp.h"
#include "backends/llvm/jit.h"
#include "backends/x64/assembler.h"
#include "backends/x64/baseline.h"
#include "fake_cpu.h"
#include "ir/builder.h"

#if defined(__x86_64__)  // the code runs only there

using namespace tessera;
using namespace tessera::ir;

namespace {

std::string disasm(const x64::Assembler& a) {
    std::string s = jit::disassemble_host(a.code.data(), a.code.size());
    s = std::regex_replace(s, std::regex("  [0-9a-f]{4}: \t"), "");
    return std::regex_replace(s, std::regex("\t"), " ");
}

std::string one(const std::function<void(x64::Assembler&)>& f) {
    x64::Assembler a;
    f(a);
    std::string s = disasm(a);
    return s.empty() ? s : s.substr(0, s.size() - 1);
}

}  // namespace

TEST_CASE("x64 assembler: encodings read back as intended") {
    using namespace x64;
    CHECK(one([](Assembler& a) { a.mov(true, RAX, Mem{R12, 229528}); }) == "movq 229528(%r12), %rax");
    CHECK(one([](Assembler& a) { a.mov(true, Mem{R12, 8}, R15); }) == "movq %r15, 8(%r12)");
    CHECK(one([](Assembler& a) { a.mov(false, RCX, Mem{R13}); }) == "movl (%r13), %ecx");
    CHECK(one([](Assembler& a) { a.mov(true, RDX, Mem{RSP, -16}); }) == "movq -16(%rsp), %rdx");
    CHECK(one([](Assembler& a) { a.mov(true, RDX, Mem{RBP}); }) == "movq (%rbp), %rdx");
    CHECK(one([](Assembler& a) { a.alu(CMP, true, RCX, Mem{R12, 98312, RAX}); }) == "cmpq 98312(%r12,%rax), %rcx");
    CHECK(one([](Assembler& a) { a.movzx8(RAX, Mem{RSI, 0, RCX}); }) == "movzbl (%rsi,%rcx), %eax");
    CHECK(one([](Assembler& a) { a.mov8(Mem{RSI, 0, R9}, RDX); }) == "movb %dl, (%rsi,%r9)");
    CHECK(one([](Assembler& a) { a.mov8(Mem{RSI}, RSI); }) == "movb %sil, (%rsi)");
    CHECK(one([](Assembler& a) { a.mov16(Mem{R12, 4}, RAX); }) == "movw %ax, 4(%r12)");
    CHECK(one([](Assembler& a) { a.mov_imm(RAX, 5); }) == "movl $5, %eax");
    CHECK(one([](Assembler& a) { a.mov_imm(R8, uint64_t(-1)); }) == "movq $-1, %r8");
    CHECK(one([](Assembler& a) { a.mov_imm(RCX, 0x123456789aull); }) == "movabsq $78187493530, %rcx");
    CHECK(one([](Assembler& a) { a.mov_imm(Mem{R12, 64}, -2); }) == "movq $-2, 64(%r12)");
    CHECK(one([](Assembler& a) { a.alu(ADD, true, RSI, 1000); }) == "addq $1000, %rsi");
    CHECK(one([](Assembler& a) { a.alu(AND, false, RAX, 32736); }) == "andl $32736, %eax");
    CHECK(one([](Assembler& a) { a.alu(SUB, true, RSP, 8); }) == "subq $8, %rsp");
    CHECK(one([](Assembler& a) { a.alu(ADD, false, Mem{RAX}, 1); }) == "addl $1, (%rax)");
    CHECK(one([](Assembler& a) { a.alu(XOR, true, R11, R10); }) == "xorq %r10, %r11");
    CHECK(one([](Assembler& a) { a.imul(true, RAX, RAX, 12345); }) == "imulq $12345, %rax, %rax");
    CHECK(one([](Assembler& a) { a.imul(false, RAX, Mem{R12, 16}); }) == "imull 16(%r12), %eax");
    CHECK(one([](Assembler& a) { a.shift_cl(SAR, true, RAX); }) == "sarq %cl, %rax");
    CHECK(one([](Assembler& a) { a.shift(SHR, false, RDX, 7); }) == "shrl $7, %edx");
    CHECK(one([](Assembler& a) { a.movsxd(RAX, RAX); }) == "movslq %eax, %rax");
    CHECK(one([](Assembler& a) { a.movsx8(RAX, RSI); }) == "movsbq %sil, %rax");
    CHECK(one([](Assembler& a) { a.movsx16(RCX, RCX); }) == "movswq %cx, %rcx");
    CHECK(one([](Assembler& a) { a.movzx16(RAX, RAX); }) == "movzwl %ax, %eax");
    CHECK(one([](Assembler& a) { a.setcc(LE, RAX); }) == "setle %al");
    CHECK(one([](Assembler& a) { a.cmov(NE, true, RAX, RCX); }) == "cmovneq %rcx, %rax");
    CHECK(one([](Assembler& a) { a.cmp8(Mem{R12, 163880}, 0); }) == "cmpb $0, 163880(%r12)");
    CHECK(one([](Assembler& a) { a.push(R12); }) == "pushq %r12");
    CHECK(one([](Assembler& a) { a.pop(RBX); }) == "popq %rbx");
    CHECK(one([](Assembler& a) { a.mfence(); }) == "mfence");
    CHECK(one([](Assembler& a) { a.jmp(RAX); }) == "jmpq *%rax");
    CHECK(one([](Assembler& a) { a.call(RSI); }) == "callq *%rsi");
    // Labels: a forward and a backward jump land on the bound positions.
    x64::Assembler a;
    x64::Label fwd, back;
    a.bind(back);
    a.jcc(NE, fwd);
    a.jmp(back);
    a.bind(fwd);
    a.ret();
    CHECK(disasm(a) == "jne 5\njmp -11\nretq\n");
}

namespace {

// The observable outcome of one block run.
struct Outcome {
    int64_t ret;
    uint64_t regs[4], pc, insn_count, mem_accesses;
    bool exception;
    uint8_t mem[16];
    bool operator==(const Outcome& o) const {
        return ret == o.ret && !memcmp(regs, o.regs, sizeof regs) && pc == o.pc && insn_count == o.insn_count &&
               mem_accesses == o.mem_accesses && exception == o.exception && !memcmp(mem, o.mem, sizeof mem);
    }
};

std::string show(const Outcome& o) {
    char b[256];
    snprintf(b, sizeof b, "ret %lld regs %llx %llx %llx %llx pc %llx insns %llu mem %llu exc %d", (long long)o.ret,
             (unsigned long long)o.regs[0], (unsigned long long)o.regs[1], (unsigned long long)o.regs[2],
             (unsigned long long)o.regs[3], (unsigned long long)o.pc, (unsigned long long)o.insn_count,
             (unsigned long long)o.mem_accesses, o.exception);
    return b;
}

// Builds a block with build(), runs it in the interpreter and as baseline code from the same
// initial registers, and checks that both leave the same state.
struct Diff {
    uint64_t init[4] = {};
    std::function<void(Builder&, test::FakeCpu&)> build;

    Outcome run(bool baseline) {
        AddressSpace as;
        test::FakeCpu cpu{as};
        as.add_ram("ram", 0x80000000, 1 << 20);
        memcpy(cpu.regs, init, sizeof init);
        cpu.insn_count = 100;
        Block blk;
        blk.guest_pc = 0x1000;
        Builder b{blk};
        build(b, cpu);
        REQUIRE(verify(blk) == "");
        auto code = interp::compile(blk, interp::frame_offset(cpu));
        Outcome o{};
        if (baseline) {
            x64::Baseline gen(cpu, 1 << 16);
            jit::BlockFn fn = gen.compile(*code, nullptr, false);
            REQUIRE(reinterpret_cast<const void*>(fn) != nullptr);
            o.ret = gen.enter(fn, &cpu);
        } else {
            o.ret = interp::run(*code, cpu);
        }
        memcpy(o.regs, cpu.regs, sizeof o.regs);
        o.pc = cpu.pc;
        o.insn_count = cpu.insn_count;
        o.mem_accesses = cpu.mem_accesses;
        o.exception = cpu.exception_pending;
        as.read_phys(0x80000000, o.mem, sizeof o.mem);
        return o;
    }
    void check(const char* what) {
        Outcome i = run(false), x = run(true);
        INFO(what);
        INFO("interpreter: " << show(i));
        INFO("baseline:    " << show(x));
        CHECK(i == x);
    }
};

const uint64_t kValues[] = {0, 1, 2, 7, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                            0x80000000, 0xffffffff, 0x100000000ull, 0x8000000000000000ull, ~0ull,
                            0x123456789abcdef0ull, 0xfedcba9876543210ull};
const Type kTypes[] = {Type::I8, Type::I16, Type::I32, Type::I64};

}  // namespace

TEST_CASE("baseline: every binary op at every width, register and immediate operands") {
    const Op ops[] = {Op::add, Op::sub, Op::mul, Op::and_, Op::or_, Op::xor_, Op::shl, Op::shr, Op::sar,
                      Op::mulhs, Op::mulhu, Op::mulhsu, Op::divs, Op::divu, Op::rems, Op::remu};
    for (Op op : ops)
        for (Type t : kTypes)
            for (uint64_t x : kValues)
                for (uint64_t y : std::initializer_list<uint64_t>{0, 1, 3, 33, 0xff, ~0ull, 0x8000000000000000ull,
                                                                 0x80000000ull, 0x123456789ull})
                    for (bool imm : {false, true}) {
                        Diff d;
                        d.init[0] = x;
                        d.init[1] = y;
                        d.build = [&](Builder& b, test::FakeCpu& cpu) {
                            b.insn_start(0x1000);
                            Temp a = b.ld_env(t, cpu.reg_off(0));
                            Temp c = imm ? b.movi(t, y) : b.ld_env(t, cpu.reg_off(1));
                            Temp r = b.binop(op, a, c);
                            b.st_env(t == Type::I64 ? r : b.zext(Type::I64, r, type_bits(t)), cpu.reg_off(2));
                            b.exit_tb(0x2000, 0);
                        };
                        std::string what = std::string(op_info(op).name) + "." + type_name(t) + (imm ? " imm" : " reg");
                        d.check(what.c_str());
                    }
}

TEST_CASE("baseline: unary ops, comparisons, select and extensions") {
    for (Type t : kTypes)
        for (uint64_t x : kValues)
            for (uint64_t y : std::initializer_list<uint64_t>{0, 0x80, ~0ull, 0x7fffffffull, x}) {
                Diff d;
                d.init[0] = x;
                d.init[1] = y;
                d.build = [&](Builder& b, test::FakeCpu& cpu) {
                    b.insn_start(0x1000);
                    Temp a = b.ld_env(t, cpu.reg_off(0)), c = b.ld_env(t, cpu.reg_off(1));
                    auto wide = [&](Temp v) { return b.type_of(v) == Type::I64 ? v : b.zext(Type::I64, v, type_bits(b.type_of(v))); };
                    Temp acc = b.xor_(wide(b.neg(a)), b.shl(wide(b.not_(c)), b.movi(Type::I64, 1)));
                    for (Cond cc : {Cond::EQ, Cond::NE, Cond::LT, Cond::GE, Cond::LTU, Cond::GEU, Cond::LE, Cond::GT,
                                    Cond::LEU, Cond::GTU}) {
                        acc = b.add(b.shl(acc, b.movi(Type::I64, 1)), wide(b.setcond(cc, a, c)));
                        acc = b.add(acc, wide(b.setcond(cc, a, b.movi(t, 0x80))));
                    }
                    b.st_env(acc, cpu.reg_off(2));
                    b.st_env(wide(b.select(b.and_(a, b.movi(t, 1)), a, c)), cpu.reg_off(3));
                    Temp e = b.movi(Type::I64, 0);
                    for (unsigned bits : {1u, 8u, 16u, 32u})
                        if (bits <= type_bits(t)) {
                            e = b.add(b.mul(e, b.movi(Type::I64, 31)), b.sext(Type::I64, a, bits));
                            e = b.add(e, b.zext(Type::I64, c, bits));
                        }
                    b.st_env(e, cpu.reg_off(1));
                    b.exit_tb(0x2000, 1);
                };
                d.check(type_name(t));
            }
}

TEST_CASE("baseline: branches inside the block, side exits and indirect exits") {
    for (uint64_t x : kValues)
        for (uint64_t y : std::initializer_list<uint64_t>{0, 7, ~0ull, 0x80000000ull}) {
            Diff d;
            d.init[0] = x;
            d.init[1] = y;
            d.build = [&](Builder& b, test::FakeCpu& cpu) {
                b.insn_start(0x1000);
                Temp a = b.ld_env(Type::I64, cpu.reg_off(0)), c = b.ld_env(Type::I64, cpu.reg_off(1));
                Label l1 = b.new_label(), l2 = b.new_label();
                b.brcond(Cond::LTU, a, c, l1);
                b.insn_start(0x1004);
                b.brcond(Cond::GE, b.sext(Type::I32, a, 32), b.movi(Type::I32, 5), l2);
                b.insn_start(0x1008);
                b.st_env(b.add(a, c), cpu.reg_off(2));
                b.exit_tb(0x3000, 1);
                b.label(l2);
                b.exit_ind(b.and_(c, b.movi(Type::I64, ~1ull)));
                b.label(l1);
                b.st_env(b.sub(a, c), cpu.reg_off(3));
                b.exit_tb(0x4000, 0);
            };
            d.check("branches");
        }
}

TEST_CASE("baseline: guest loads and stores, TLB misses and a precise fault") {
    for (uint64_t addr : {0x80000000ull, 0x80000004ull, 0x80000007ull, 0x10ull}) {
        Diff d;
        d.init[0] = addr;
        d.init[1] = 0xfedcba9876543210ull;
        d.build = [&](Builder& b, test::FakeCpu& cpu) {
            b.insn_start(0x1000);
            Temp base = b.movi(Type::I64, 0x80000000);
            b.st(base, b.ld_env(Type::I64, cpu.reg_off(1)), MO_64, 0);
            b.st(b.add(base, b.movi(Type::I64, 8)), b.movi(Type::I64, 0x8182838485868788ull), MO_32, 0);
            b.st(b.add(base, b.movi(Type::I64, 12)), b.movi(Type::I64, 0xa1a2), MO_16, 0);
            b.st(b.add(base, b.movi(Type::I64, 14)), b.movi(Type::I64, 0xf0), MO_8, 0);
            b.insn_start(0x1004);
            Temp p = b.ld_env(Type::I64, cpu.reg_off(0));
            Temp v = b.ld(Type::I64, p, MO_8 | MO_SIGN, 0);
            v = b.add(v, b.ld(Type::I64, b.add(p, b.movi(Type::I64, 2)), MO_16 | MO_SIGN, 0));
            v = b.add(v, b.ld(Type::I64, b.add(p, b.movi(Type::I64, 4)), MO_32 | MO_SIGN, 0));
            b.st_env(v, cpu.reg_off(2));
            b.insn_start(0x1008);
            Temp w = b.ld(Type::I32, b.add(base, b.movi(Type::I64, 8)), MO_32, 0);
            b.st_env(b.zext(Type::I64, w, 32), cpu.reg_off(3));
            b.st_env(b.ld(Type::I64, b.add(base, b.movi(Type::I64, 12)), MO_16, 0), cpu.reg_off(0));
            b.exit_tb(0x2000, 0);
        };
        d.check(addr == 0x10 ? "fault" : "loads and stores");
    }
}

namespace {
uint64_t mix(void* env, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    static_cast<test::FakeCpu*>(static_cast<Vcpu*>(env))->regs[3] = d;
    return a * 3 + b * 5 + c * 7;
}
uint64_t raise_if_odd(void* env, uint64_t a, uint64_t, uint64_t, uint64_t) {
    if (a & 1) static_cast<Vcpu*>(env)->exception_pending = true;
    return a + 1;
}
const Helper kMix{"mix", mix, HF_WRITES_ENV};
const Helper kRaise{"raise_if_odd", raise_if_odd, HF_MAY_RAISE};
}  // namespace

TEST_CASE("baseline: helper calls get the CPU and four operands; a raising helper stops the block") {
    for (uint64_t x : {uint64_t(2), uint64_t(3)}) {
        Diff d;
        d.init[0] = x;
        d.build = [&](Builder& b, test::FakeCpu& cpu) {
            b.insn_start(0x1000);
            Temp a = b.ld_env(Type::I64, cpu.reg_off(0));
            b.st_env(b.call(&kMix, a, b.movi(Type::I64, 10), b.movi(Type::I64, 100), b.movi(Type::I64, 9)), cpu.reg_off(1));
            b.insn_start(0x1004);
            b.st_env(b.call(&kRaise, a), cpu.reg_off(2));
            b.insn_start(0x1008);
            b.st_env(b.movi(Type::I64, 77), cpu.reg_off(0));
            b.exit_tb(0x2000, 0);
        };
        d.check(x & 1 ? "raises" : "returns");
    }
}

// The block's most used guest registers are copied in host registers (write-through): the copies
// must follow a TLB miss's slow path (every access misses here: the fake CPU's TLB is empty), a
// helper that writes a register behind the block's back, a narrower write into a register,
// and a join of two paths with different writes.
TEST_CASE("baseline: guest registers copied in host registers stay right") {
    for (uint64_t x : {uint64_t(5), uint64_t(0x80000000)}) {
        Diff d;
        d.init[0] = 0x80000000;
        d.init[1] = x;
        d.init[3] = 11;
        d.build = [&](Builder& b, test::FakeCpu& cpu) {
            const int64_t r0 = cpu.reg_off(0), r1 = cpu.reg_off(1), r2 = cpu.reg_off(2), r3 = cpu.reg_off(3);
            b.insn_start(0x1000);
            b.st(b.ld_env(Type::I64, r0), b.movi(Type::I64, 0x40), MO_32, 0);
            b.st_env(b.add(b.ld_env(Type::I64, r1), b.ld_env(Type::I64, r0)), r1);
            b.insn_start(0x1004);
            Temp v = b.ld(Type::I64, b.ld_env(Type::I64, r0), MO_32, 0);
            b.st_env(b.add(v, b.ld_env(Type::I64, r1)), r2);
            b.insn_start(0x1008);
            Temp before = b.ld_env(Type::I64, r3);
            b.st_env(b.add(before, before), r3);
            b.st_env(b.call(&kMix, b.ld_env(Type::I64, r1), b.ld_env(Type::I64, r3), b.movi(Type::I64, 1),
                            b.movi(Type::I64, 77)),
                     r2);  // mix writes r3 = 77
            b.st_env(b.add(b.ld_env(Type::I64, r3), b.ld_env(Type::I64, r2)), r2);
            b.insn_start(0x100c);
            b.st_env(b.add(b.ld_env(Type::I64, r1), b.ld_env(Type::I64, r2)), r2);  // r1 copied again
            b.st_env(b.movi(Type::I32, 0x1234), r1);
            b.st_env(b.ld_env(Type::I64, r1), r0);
            Label join = b.new_label();
            b.brcond(Cond::EQ, b.ld_env(Type::I64, r2), b.movi(Type::I64, 5), join);
            b.st_env(b.movi(Type::I64, 9), r1);
            b.label(join);
            b.st_env(b.add(b.ld_env(Type::I64, r1), b.ld_env(Type::I64, r0)), r3);
            b.exit_tb(0x2000, 0);
        };
        d.check("register copies");
    }
}

TEST_CASE("baseline: with hot counting, the entry that reaches the threshold returns before running") {
    AddressSpace as;
    test::FakeCpu cpu{as};
    Block blk;
    Builder b{blk};
    b.insn_start(0x1000);
    b.st_env(b.add(b.ld_env(Type::I64, cpu.reg_off(0)), b.movi(Type::I64, 1)), cpu.reg_off(0));
    b.exit_tb(0x1000, 0);
    auto code = interp::compile(blk, interp::frame_offset(cpu));
    code->hot = 3;
    x64::Baseline gen(cpu, 1 << 16);
    jit::BlockFn fn = gen.compile(*code, nullptr, true);
    REQUIRE(reinterpret_cast<const void*>(fn) != nullptr);
    CHECK(gen.enter(fn, &cpu) == 0);
    CHECK(gen.enter(fn, &cpu) == 0);
    CHECK(cpu.regs[0] == 2);
    CHECK(gen.enter(fn, &cpu) == interp::EXIT_NOCHAIN);  // the third entry: hot
    CHECK(cpu.regs[0] == 2);                             // nothing ran
    CHECK(cpu.pc == 0x1000);
    CHECK(cpu.last_block == code->tb);
    code->entries = 0;
    code->hot = 0;  // compiled meanwhile: no more counting
    for (int i = 0; i < 5; i++) CHECK(gen.enter(fn, &cpu) == 0);
    CHECK(cpu.regs[0] == 7);
}

#endif  // __x86_64__
