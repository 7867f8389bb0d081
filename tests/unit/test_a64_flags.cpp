// AArch64's NZCV through the IR's carry and overflow ops: every flag-setting add and subtract,
// followed by every condition, in the interpreter, the baseline and LLVM, against the
// architecture's AddWithCarry and ConditionHolds written out here; and flags that the next
// flag-setting instruction overwrites leave nothing behind in the optimised block.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "a64_block_rig.h"
#include "backends/interp/interp.h"

#if defined(__x86_64__)

using namespace tessera;
using namespace tessera::aarch64;

namespace {

using a64_test::kRam;
using a64_test::Rig;

struct Nzcv {
    bool n, z, c, v;
};

// AddWithCarry (Arm ARM, shared/functions/integer): x + y + carry_in at N bits.
Nzcv add_with_carry(uint64_t x, uint64_t y, bool carry_in, unsigned bits, uint64_t* result) {
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    x &= m;
    y &= m;
    unsigned __int128 usum = (unsigned __int128)x + y + carry_in;
    auto sx = [&](uint64_t v) { return __int128(int64_t(v << (64 - bits)) >> (64 - bits)); };
    __int128 ssum = sx(x) + sx(y) + carry_in;
    uint64_t r = uint64_t(usum) & m;
    *result = r;
    return {bool(r >> (bits - 1)), r == 0, (unsigned __int128)r != usum, sx(r) != ssum};
}

bool condition_holds(unsigned cc, Nzcv f) {
    bool r;
    switch (cc >> 1) {
    case 0: r = f.z; break;
    case 1: r = f.c; break;
    case 2: r = f.n; break;
    case 3: r = f.v; break;
    case 4: r = f.c && !f.z; break;
    case 5: r = f.n == f.v; break;
    case 6: r = f.n == f.v && !f.z; break;
    default: r = true; break;
    }
    return (cc & 1) && cc != 15 ? !r : r;
}

// One flag-setting instruction of the form "op Rd, x1, x2" (Rd = x0 or xzr).
struct FlagInsn {
    const char* name;
    uint32_t word;
    unsigned bits;
    bool sub, carry;  // sub: x1 - x2 (x1 + ~x2 + 1), carry: the carry in is PSTATE.C
};
const FlagInsn kInsns[] = {
    {"adds x0, x1, x2", 0xab020020, 64, false, false}, {"subs x0, x1, x2", 0xeb020020, 64, true, false},
    {"adds w0, w1, w2", 0x2b020020, 32, false, false}, {"subs w0, w1, w2", 0x6b020020, 32, true, false},
    {"cmp x1, x2", 0xeb02003f, 64, true, false},       {"cmn w1, w2", 0x2b02003f, 32, false, false},
    {"adcs x0, x1, x2", 0xba020020, 64, false, true},  {"sbcs x0, x1, x2", 0xfa020020, 64, true, true},
    {"adcs w0, w1, w2", 0x3a020020, 32, false, true},  {"sbcs w0, w1, w2", 0x7a020020, 32, true, true},
};
const uint64_t kValues[] = {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x17fffffffull,
                            0x7fffffffffffffffull, 0x8000000000000000ull, 0xfffffffffffffffeull, ~0ull};

size_t stores_to(const ir::Block& b, uint32_t off) {
    size_t n = 0;
    for (const ir::Insn& i : b.insns) n += i.op == ir::Op::st_env && uint64_t(i.imm) == off;
    return n;
}
size_t count(const ir::Block& b, ir::Op op) {
    size_t n = 0;
    for (const ir::Insn& i : b.insns) n += i.op == op;
    return n;
}

}  // namespace

TEST_CASE("A64 flags: adds/subs/adcs/sbcs and every condition agree with the architecture in every executor") {
    Rig rig;
    Aarch64Cpu& cpu = rig.cpu;
    size_t runs = 0;
    for (const FlagInsn& fi : kInsns)
        for (unsigned cc = 0; cc < 14; cc++)  // (cset has no AL or NV form)
            for (bool branch : {false, true}) {
                CAPTURE(fi.name);
                CAPTURE(cc);
                CAPTURE(branch);
                // insn; cset x3, cc (csinc x3, xzr, xzr, !cc); ret
                // insn; b.cc taken; ret; taken: (x3 untouched, pc = taken)
                uint32_t cset = 0x9a9f07e3 | (cc ^ 1) << 12, bcond = 0x54000040 | cc;
                ir::Block blk = rig.translate({fi.word, branch ? bcond : cset, 0xd65f03c0});
                auto code = interp::compile(blk, interp::frame_offset(cpu));
                jit::BlockFn base = rig.baseline.compile(*code, nullptr, false);
                REQUIRE(reinterpret_cast<const void*>(base) != nullptr);
                jit::CompiledBlock compiled = rig.llvm.compile(blk, false, false);
                for (uint64_t a : kValues)
                    for (uint64_t b : kValues)
                        for (bool carry : {false, true}) {
                            if (carry && !fi.carry) continue;
                            uint64_t r;
                            uint64_t y = fi.sub ? ~b : b;
                            Nzcv want = add_with_carry(a, y, fi.carry ? carry : fi.sub, fi.bits, &r);
                            for (int e = 0; e < 3; e++) {
                                cpu.x[0] = 0x5555;
                                cpu.x[1] = a;
                                cpu.x[2] = b;
                                cpu.x[3] = 0x7777;
                                cpu.x[30] = kRam + 0x100;
                                cpu.nf = cpu.zf = cpu.vf = 1;
                                cpu.cf = carry;
                                if (e == 0) interp::run(*code, cpu);
                                else if (e == 1) rig.baseline.enter(base, &cpu);
                                else rig.llvm.enter(compiled.fn, &cpu);
                                INFO("executor " << e << std::hex << " x1 " << a << " x2 " << b << " C " << carry);
                                CHECK(cpu.x[0] == ((fi.word & 31) == 31 ? 0x5555 : r));
                                CHECK(cpu.nf == want.n);
                                CHECK(cpu.zf == want.z);
                                CHECK(cpu.cf == want.c);
                                CHECK(cpu.vf == want.v);
                                bool holds = condition_holds(cc, want);
                                CHECK(cpu.x[3] == (branch ? 0x7777 : holds));
                                CHECK(cpu.pc == (branch && holds ? kRam + 12 : kRam + 0x100));
                                runs++;
                            }
                        }
                rig.llvm.release(compiled);
            }
    MESSAGE("A64 flags: " << runs << " runs");
}

TEST_CASE("A64 flags: what the next flag-setting instruction overwrites is neither stored nor computed") {
    Rig rig;
    Aarch64Cpu& cpu = rig.cpu;
    // adds x0, x1, x2; adds x3, x4, x5; b.eq +8; ret
    ir::Block blk = rig.translate({0xab020020, 0xab050083, 0x54000040, 0xd65f03c0});
    for (const uint64_t* f : {&cpu.nf, &cpu.zf, &cpu.cf, &cpu.vf}) CHECK(stores_to(blk, rig.off(*f)) == 1);
    CHECK(count(blk, ir::Op::uaddo) == 1);
    CHECK(count(blk, ir::Op::saddo) == 1);
    CHECK(stores_to(blk, rig.off(cpu.x[0])) == 1);
    // cmp x1, x2; b.gt; cmp w1, w2; csel ... ls: the branch and the select test the compare
    // itself (the side exit: not GT), not the flags.
    ir::Block cmp = rig.translate({0xeb02003f, 0x5400004c, 0x6b02003f, 0x9a829020, 0xd65f03c0});
    bool branch = false, select = false;
    for (const ir::Insn& i : cmp.insns) {
        branch |= i.op == ir::Op::brcond && i.cond == ir::Cond::LE && i.type == ir::Type::I64;
        select |= i.op == ir::Op::setcond && i.cond == ir::Cond::LEU && i.type == ir::Type::I32;
    }
    CHECK(branch);
    CHECK(select);
    // A load between two flag-setting instructions may fault: the first one's flags stay.
    // adds x0, x1, x2; ldr x6, [x7]; adds x3, x4, x5; ret
    ir::Block ld = rig.translate({0xab020020, 0xf94000e6, 0xab050083, 0xd65f03c0});
    for (const uint64_t* f : {&cpu.nf, &cpu.zf, &cpu.cf, &cpu.vf}) CHECK(stores_to(ld, rig.off(*f)) == 2);
}

#endif
