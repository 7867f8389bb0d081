// The F/D helpers as translated code runs them: natively (the interpreter's and the
// baseline's calls) and inlined from bitcode into LLVM code, with operands both run-time
// values and constants (which LLVM may fold). Every result, fflags, mstatus.FS/SD and
// illegal-instruction exception must be what the generic soft-float path (fp_exec) gives.
#include <doctest/doctest.h>

#include <bit>
#include <cstdio>
#include <cstring>
#include <string>
#include <cmath>
#include <random>
#include <vector>

#include "backends/llvm/jit.h"
#include "frontends/riscv/cpu.h"
#include "frontends/riscv/fpu.h"
#include "frontends/riscv/translate.h"
#include "ir/builder.h"
#include "softmmu/address_space.h"

using namespace tessera;
using namespace tessera::riscv;
using fp::FpOp;

namespace {

bool x_source(FpOp op) {
    switch (op) {
    case FpOp::FCVT_S_W: case FpOp::FCVT_S_WU: case FpOp::FCVT_S_L: case FpOp::FCVT_S_LU:
    case FpOp::FCVT_D_W: case FpOp::FCVT_D_WU: case FpOp::FCVT_D_L: case FpOp::FCVT_D_LU: return true;
    default: return false;
    }
}
// Sign injection, min/max, compares and fclass have no rounding-mode field (funct3 selects
// the operation and is never 7).
bool has_rm(FpOp op) {
    const std::string n = fp::fp_op_name(op);
    return n.rfind("FSGNJ", 0) != 0 && n.rfind("FMIN", 0) != 0 && n.rfind("FMAX", 0) != 0 && n.rfind("FEQ", 0) != 0 &&
           n.rfind("FLT", 0) != 0 && n.rfind("FLE", 0) != 0 && n.rfind("FCLASS", 0) != 0;
}
bool single(FpOp op) {
    const char* n = fp::fp_op_name(op);
    size_t len = std::strlen(n);
    return n[len - 1] == 'S' || op == FpOp::FCVT_D_S;
}

uint64_t operand(std::mt19937_64& rng, bool sgl) {
    static const double specials[] = {0.0, -0.0, 1.0, -1.0, 1e-310, 1e308, 2.2250738585072014e-308, 3.0, 0.1,
                                      INFINITY, -INFINITY, 2.5, -7.5, 4294967296.5, 1e19, -1e19};
    uint64_t v;
    switch (rng() % 6) {
    case 0: v = std::bit_cast<uint64_t>(specials[rng() % 16]); break;
    case 1: v = std::bit_cast<uint64_t>(std::ldexp(double(rng() % 1000000) - 500000, int(rng() % 200) - 100)); break;
    case 2: v = rng() % 2 ? 0x7ff8000000000000ull : 0x7ff0000000000001ull; break;  // quiet, signaling NaN
    default: v = rng(); break;
    }
    if (!sgl) return v;
    if (rng() % 16 == 0) return v;  // improperly boxed: reads as the canonical NaN
    float f = rng() % 2 ? float(std::bit_cast<double>(v)) : std::bit_cast<float>(uint32_t(v));
    return fp::box_s(std::bit_cast<uint32_t>(f));
}
uint64_t int_operand(std::mt19937_64& rng) {
    static const uint64_t edges[] = {0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffull,
                                     0x8000000000000000ull, 16777217, 9007199254740993ull};
    return rng() % 2 ? edges[rng() % 10] : rng() >> (rng() % 64);
}

struct CpuState {
    uint32_t fflags, frm;
    uint64_t fs;
};
struct Outcome {
    uint64_t value, mstatus;
    uint32_t fflags;
    bool exception;
    bool operator==(const Outcome&) const = default;
};
}  // namespace
namespace doctest {
template <>
struct StringMaker<Outcome> {
    static String convert(const Outcome& o) {
        char buf[160];
        snprintf(buf, sizeof buf, "{value=%#llx mstatus=%#llx fflags=%#x exception=%d}", (unsigned long long)o.value,
                 (unsigned long long)o.mstatus, o.fflags, int(o.exception));
        return buf;
    }
};
}  // namespace doctest
namespace {

struct Rig {
    AddressSpace as;
    RiscvCpu cpu{as, 0};
    jit::Jit inlined{cpu, false, true};
    uint32_t off(const uint64_t& field) { return env_off(cpu, field); }
    void set(const CpuState& s, uint64_t a, uint64_t b, uint64_t c) {
        cpu.fflags = s.fflags;
        cpu.frm = s.frm;
        cpu.set_mstatus((cpu.mstatus_ & ~mstatus::FS) | s.fs);
        cpu.exception_pending = false;
        cpu.x[10] = 0x5555;
        cpu.x[11] = a;
        cpu.x[12] = b;
        cpu.x[13] = c;
    }
    Outcome outcome() { return {cpu.x[10], cpu.mstatus_, cpu.fflags, cpu.exception_pending}; }
    // x10 = helper(desc, a, b, c): a, b, c from x11-x13, or constants.
    ir::Block block(const ir::Helper* h, uint64_t desc, const uint64_t* consts) {
        ir::Block blk;
        ir::Builder b(blk);
        b.insn_start(0x1000);
        ir::Temp v[3];
        for (int k = 0; k < 3; k++)
            v[k] = consts ? b.movi(ir::Type::I64, consts[k]) : b.ld_env(ir::Type::I64, off(cpu.x[11 + k]), true);
        b.st_env(b.call(h, b.movi(ir::Type::I64, desc), v[0], v[1], v[2]), off(cpu.x[10]), true);
        b.exit_tb(0x1004, ir::kNoChainSlot);
        return blk;
    }
};

// What the generic path gives, from the same starting state.
Outcome reference(FpOp op, uint64_t desc, const CpuState& s, uint64_t mstatus0, uint64_t a, uint64_t b, uint64_t c) {
    unsigned rm = (desc >> 8) & 7;
    if (rm == 7) rm = s.frm;
    if (rm > 4) return {0x5555, mstatus0, s.fflags, true};
    uint32_t flags = 0;
    uint64_t r = fp::fp_exec(op, a, b, c, int(rm), &flags);
    return {r, flags ? mstatus0 | mstatus::FS | mstatus::SD : mstatus0, s.fflags | flags, false};
}

const CpuState kStates[] = {
    {0, 0, mstatus::FS}, {fp::NX, 0, mstatus::FS}, {fp::NX, 0, 1ull << mstatus::FS_SHIFT}, {0x1f, 0, mstatus::FS},
    {fp::NX, 2, mstatus::FS}, {0, 4, mstatus::FS}, {fp::NX, 5, mstatus::FS},
};
const unsigned kRms[] = {fp::RNE, fp::RTZ, fp::RMM, 7};

}  // namespace

TEST_CASE("F/D helpers: native and inlined LLVM code agree with the soft-float path") {
    Rig rig;
    std::mt19937_64 rng(2024);
    unsigned checked = 0, fast = 0;
    for (unsigned o = 0; o < unsigned(FpOp::COUNT); o++) {
        const FpOp op = FpOp(o);
        const ir::Helper* h = fp_helper_for(op);
        const std::string name = fp::fp_op_name(op);
        CAPTURE(name);
        REQUIRE(h->bitcode_symbol != nullptr);  // every F/D op has an inlinable helper
        for (unsigned rm : kRms) {
            if (rm == 7 && !has_rm(op)) continue;
            const uint64_t desc = o | uint64_t(rm) << 8 | uint64_t(0x12345678) << 32;
            CAPTURE(rm);
            ir::Block dyn = rig.block(h, desc, nullptr);
            jit::CompiledBlock code = rig.inlined.compile(dyn, false, false);
            for (int n = 0; n < 300; n++) {
                uint64_t a = x_source(op) ? int_operand(rng) : operand(rng, single(op));
                uint64_t b = operand(rng, single(op)), c = operand(rng, single(op));
                for (const CpuState& s : kStates) {
                    CAPTURE(a);
                    CAPTURE(b);
                    CAPTURE(c);
                    CAPTURE(s.fflags);
                    CAPTURE(s.frm);
                    rig.set(s, a, b, c);
                    const Outcome want = reference(op, desc, s, rig.cpu.mstatus_, a, b, c);
                    uint64_t r = h->fn(static_cast<Vcpu*>(&rig.cpu), desc, a, b, c);
                    if (!rig.cpu.exception_pending) rig.cpu.x[10] = r;
                    CHECK(rig.outcome() == want);
                    rig.set(s, a, b, c);
                    rig.inlined.enter(code.fn, &rig.cpu);
                    CHECK(rig.outcome() == want);
                    checked++;
                    fast += want.fflags == s.fflags && !want.exception;
                }
            }
            rig.inlined.release(code);
            // Constant operands: LLVM folds the inlined fast path; the result must not change.
            for (int n = 0; n < 4; n++) {
                uint64_t k[3] = {x_source(op) ? int_operand(rng) : operand(rng, single(op)), operand(rng, single(op)),
                                 operand(rng, single(op))};
                ir::Block cb = rig.block(h, desc, k);
                jit::CompiledBlock folded = rig.inlined.compile(cb, false, false);
                for (const CpuState& s : kStates) {
                    rig.set(s, 0, 0, 0);
                    const Outcome want = reference(op, desc, s, rig.cpu.mstatus_, k[0], k[1], k[2]);
                    rig.inlined.enter(folded.fn, &rig.cpu);
                    CHECK(rig.outcome() == want);
                }
                rig.inlined.release(folded);
            }
        }
    }
    CHECK(checked > 100000);
    CHECK(fast > checked / 4);  // the cases where no new flag arises must be well represented
}

TEST_CASE("F/D helpers: LLVM is told the effect class; the call is inlined") {
    Rig rig;
    const ir::Helper* add = fp_helper_for(FpOp::FADD_D);
    const ir::Helper* sgnj = fp_helper_for(FpOp::FSGNJ_D);
    CHECK(add->effect() == ir::HelperEffect::WritesCpu);
    CHECK(sgnj->effect() == ir::HelperEffect::Pure);
    ir::Block blk = rig.block(add, unsigned(FpOp::FADD_D) | 7u << 8, nullptr);
    jit::CompiledBlock code = rig.inlined.compile(blk, false, true);
    // Inlined: the host adds in the block's own code; the slow path is the only call left.
    CHECK(code.host_asm.find("addsd") != std::string::npos);
    rig.inlined.release(code);
    jit::Jit called{rig.cpu, false, false};
    jit::CompiledBlock code2 = called.compile(blk, false, true);
    CHECK(code2.host_asm.find("addsd") == std::string::npos);
    called.release(code2);
}
