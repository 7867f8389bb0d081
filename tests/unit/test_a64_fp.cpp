// The A64 scalar FP helpers as translated code runs them: natively (the interpreter's and
// the baseline's calls) and inlined from bitcode into LLVM code, with run-time and constant
// operands, under several FPCR and FPSR states. Every result and FPSR must be what the
// generic path (fp::exec under FPCR) gives. And a few facts of ARM's rules checked by hand.
#include <doctest/doctest.h>

#include <bit>
#include <cstdio>
#include <random>
#include <vector>

#include "backends/llvm/jit.h"
#include "frontends/aarch64/cpu.h"
#include "frontends/aarch64/fp_helpers.h"
#include "frontends/aarch64/fp_ops.h"
#include "ir/builder.h"
#include "softmmu/address_space.h"

using namespace tessera;
using namespace tessera::aarch64;
using fp::Op;
namespace sf = tessera::softfloat;

namespace {

uint64_t operand(std::mt19937_64& rng, unsigned fmt) {
    static const uint64_t d_specials[] = {0, 1ull << 63, 1, 0x000fffffffffffffull, 0x0010000000000000ull,
                                          0x3ff0000000000000ull, 0xbff8000000000000ull, 0x7fefffffffffffffull,
                                          0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000001ull,
                                          0xfff4000000000000ull, 0x43e0000000000000ull, 0x41dfffffffc00000ull,
                                          0x3fe0000000000000ull, 0x4330000000000001ull};
    static const uint64_t s_specials[] = {0, 0x80000000, 1, 0x007fffff, 0x00800000, 0x3f800000, 0xbfc00000, 0x7f7fffff,
                                          0x7f800000, 0xff800000, 0x7fc00001, 0xffa00000, 0x5f000000, 0x4effffff,
                                          0x3f000000, 0x4b000001};
    uint64_t v;
    switch (rng() % 4) {
    case 0: v = fmt == 3 ? d_specials[rng() % 16] : s_specials[rng() % 16]; break;
    case 1: {  // near 1 with few bits: exact and inexact operations alike
        v = fmt == 3 ? 0x3f00000000000000ull + ((rng() % 0x1000) << 52 >> 6) + (rng() % 4 << 50)
                     : 0x3c000000u + uint32_t((rng() % 0x100) << 23 >> 3) + uint32_t(rng() % 4 << 21);
        break;
    }
    default: v = rng(); break;
    }
    return fmt == 3 ? v : (fmt == 2 ? uint32_t(v) : uint16_t(v));
}

struct State {
    uint64_t fpcr, fpsr;
};
const State kStates[] = {
    {0, 0}, {0, fp::FPSR_IXC}, {0, 0x9f}, {1u << 22, fp::FPSR_IXC}, {3u << 22 | fp::FPCR_FZ, 0},
    {fp::FPCR_DN, fp::FPSR_IXC}, {fp::FPCR_AHP | fp::FPCR_FZ | fp::FPCR_DN, 0x9f}, {2u << 22, 0},
};

struct Outcome {
    uint64_t value, fpsr;
    bool operator==(const Outcome&) const = default;
};
}  // namespace
namespace doctest {
template <>
struct StringMaker<Outcome> {
    static String convert(const Outcome& o) {
        char buf[96];
        snprintf(buf, sizeof buf, "{value=%#llx fpsr=%#llx}", (unsigned long long)o.value, (unsigned long long)o.fpsr);
        return buf;
    }
};
}  // namespace doctest
namespace {

struct Rig {
    AddressSpace as;
    Aarch64Cpu cpu{as, 0};
    jit::Jit inlined{cpu, false, true};
    uint32_t off(const uint64_t& field) { return env_off(cpu, field); }
    void set(const State& s, uint64_t a, uint64_t b, uint64_t c) {
        cpu.fpcr = s.fpcr;
        cpu.fpsr = s.fpsr;
        cpu.x[10] = 0x5555;
        cpu.x[11] = a;
        cpu.x[12] = b;
        cpu.x[13] = c;
    }
    Outcome outcome() { return {cpu.x[10], cpu.fpsr}; }
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

Outcome reference(uint64_t desc, const State& s, uint64_t a, uint64_t b, uint64_t c) {
    uint32_t flags = 0;
    const uint64_t r = fp::exec(desc, a, b, c, s.fpcr, &flags);
    return {r, s.fpsr | fp::fpsr_bits(flags)};
}

// Every scalar descriptor translated code uses, one or a few per helper.
std::vector<uint64_t> descriptors() {
    std::vector<uint64_t> v;
    const Op arith[] = {Op::ADD, Op::SUB, Op::MUL, Op::DIV, Op::NMUL, Op::SQRT, Op::MADD, Op::MSUB, Op::NMADD, Op::NMSUB,
                        Op::MAX, Op::MIN, Op::MAXNM, Op::MINNM, Op::MULX, Op::ABD, Op::RECPS, Op::RSQRTS, Op::RECPE,
                        Op::RSQRTE, Op::RECPX, Op::CMEQ, Op::CMGE, Op::CMGT, Op::ACGE, Op::ACGT, Op::CMP, Op::CMPE};
    for (unsigned fmt = 2; fmt <= 3; fmt++) {
        for (Op op : arith) v.push_back(fp::desc(op, fmt));
        for (unsigned rm : {unsigned(sf::RNE), unsigned(sf::RMM), fp::RM_FPCR}) {
            v.push_back(fp::desc(Op::RINT, fmt, 0, rm));
            v.push_back(fp::desc(Op::RINTX, fmt, 0, rm));
        }
        for (unsigned isz = 2; isz <= 3; isz++)
            for (bool u : {false, true}) {
                v.push_back(fp::desc(Op::TOINT, fmt, isz, sf::RTZ, u));
                v.push_back(fp::desc(Op::TOINT, fmt, isz, sf::RMM, u, 7));
                v.push_back(fp::desc(Op::FROMINT, fmt, isz, fp::RM_FPCR, u));
                v.push_back(fp::desc(Op::FROMINT, fmt, isz, fp::RM_FPCR, u, 33));
            }
    }
    for (unsigned from = 1; from <= 3; from++)
        for (unsigned to = 1; to <= 3; to++)
            if (from != to) v.push_back(fp::desc(Op::CVT, from, to));
    v.push_back(fp::desc(Op::CVT, 3, 2, sf::ROD));
    return v;
}

}  // namespace

TEST_CASE("A64 FP helpers: native and inlined LLVM code agree with the generic path") {
    Rig rig;
    std::mt19937_64 rng(64);
    unsigned checked = 0;
    for (uint64_t desc : descriptors()) {
        const ir::Helper* h = fp_helper_for(desc);
        CAPTURE(desc);
        REQUIRE(h->bitcode_symbol != nullptr);
        const unsigned fmt = fp::desc_fmt(desc);
        const bool int_src = fp::desc_op(desc) == Op::FROMINT;
        ir::Block dyn = rig.block(h, desc, nullptr);
        jit::CompiledBlock code = rig.inlined.compile(dyn, false, false);
        for (int n = 0; n < 200; n++) {
            const uint64_t a = int_src ? rng() >> (rng() % 64) : operand(rng, fmt);
            const uint64_t b = operand(rng, fmt), c = operand(rng, fmt);
            for (const State& s : kStates) {
                CAPTURE(a);
                CAPTURE(b);
                CAPTURE(c);
                CAPTURE(s.fpcr);
                CAPTURE(s.fpsr);
                const Outcome want = reference(desc, s, a, b, c);
                rig.set(s, a, b, c);
                rig.cpu.x[10] = h->fn(static_cast<Vcpu*>(&rig.cpu), desc, a, b, c);
                CHECK(rig.outcome() == want);
                rig.set(s, a, b, c);
                rig.inlined.enter(code.fn, &rig.cpu);
                CHECK(rig.outcome() == want);
                checked++;
            }
        }
        rig.inlined.release(code);
        uint64_t k[3] = {int_src ? rng() : operand(rng, fmt), operand(rng, fmt), operand(rng, fmt)};
        ir::Block cb = rig.block(h, desc, k);
        jit::CompiledBlock folded = rig.inlined.compile(cb, false, false);
        for (const State& s : kStates) {
            rig.set(s, 0, 0, 0);
            rig.inlined.enter(folded.fn, &rig.cpu);
            CHECK(rig.outcome() == reference(desc, s, k[0], k[1], k[2]));
        }
        rig.inlined.release(folded);
    }
    CHECK(checked > 100000);
}

TEST_CASE("A64 FP: ARM's rules where IEEE leaves a choice") {
    auto run = [](uint64_t desc, uint64_t a, uint64_t b, uint64_t c, uint64_t fpcr, uint64_t* fpsr) {
        uint32_t f = 0;
        uint64_t r = fp::exec(desc, a, b, c, fpcr, &f);
        *fpsr = fp::fpsr_bits(f);
        return r;
    };
    uint64_t fl;
    // The first signaling NaN wins over an earlier quiet one, quieted; DN gives the default NaN.
    CHECK(run(fp::desc(Op::ADD, 2), 0x7fc00001, 0x7f800002, 0, 0, &fl) == 0x7fc00002);
    CHECK(fl == fp::FPSR_IOC);
    CHECK(run(fp::desc(Op::ADD, 2), 0x7fc00001, 0x7f800002, 0, fp::FPCR_DN, &fl) == 0x7fc00000);
    // FMADD: the addend's NaN first; inf * 0 with a quiet NaN addend is the default NaN.
    CHECK(run(fp::desc(Op::MADD, 2), 0x7fc00001, 0x3f800000, 0x7fc00003, 0, &fl) == 0x7fc00003);
    CHECK(run(fp::desc(Op::MADD, 2), 0x7f800000, 0, 0x7fc00003, 0, &fl) == 0x7fc00000);
    CHECK(fl == fp::FPSR_IOC);
    // FMSUB negates its product's first operand before NaN handling: a NaN Rn comes out negated.
    CHECK(run(fp::desc(Op::MSUB, 2), 0x7fc00001, 0x3f800000, 0x3f800000, 0, &fl) == 0xffc00001);
    // Tininess before rounding: (2^-126 - 2^-150) rounds to 2^-126 and still underflows.
    CHECK(run(fp::desc(Op::MSUB, 2), 1, 0x3f000000, 0x807fffff, 0, &fl) == 0x80800000);
    CHECK(fl == (fp::FPSR_UFC | fp::FPSR_IXC));
    // FZ: subnormal operands read as zero (IDC), tiny results flush (UFC, no IXC).
    CHECK(run(fp::desc(Op::ADD, 2), 1, 0, 0, fp::FPCR_FZ, &fl) == 0);
    CHECK(fl == fp::FPSR_IDC);
    CHECK(run(fp::desc(Op::MUL, 2), 0x00c00000, 0x3f000000, 0, fp::FPCR_FZ, &fl) == 0);
    CHECK(fl == fp::FPSR_UFC);
    // Conversions: NaN to 0, saturation with IOC only.
    CHECK(run(fp::desc(Op::TOINT, 3, 2, sf::RTZ), 0x7ff8000000000000ull, 0, 0, 0, &fl) == 0);
    CHECK(run(fp::desc(Op::TOINT, 3, 2, sf::RTZ), 0xc1f0000000000000ull, 0, 0, 0, &fl) == 0x80000000u);
    CHECK(fl == fp::FPSR_IOC);
    // Round to odd (FCVTXN): 1 + 2^-30 narrows to 1 + 2^-23.
    CHECK(run(fp::desc(Op::CVT, 3, 2, sf::ROD), 0x3ff0000004000000ull, 0, 0, 0, &fl) == 0x3f800001);
    // Alternative half precision: exponent 31 is a number; infinity saturates with IOC.
    CHECK(run(fp::desc(Op::CVT, 1, 2), 0x7c00, 0, 0, fp::FPCR_AHP, &fl) == 0x47800000);
    CHECK(run(fp::desc(Op::CVT, 2, 1), 0x7f800000, 0, 0, fp::FPCR_AHP, &fl) == 0x7fff);
    CHECK(fl == fp::FPSR_IOC);
    // Estimates: FRECPE(1.0) = 0.998046875, FRSQRTE(4.0) = 0.4990234375, URECPE(0x80000000).
    CHECK(run(fp::desc(Op::RECPE, 2), 0x3f800000, 0, 0, 0, &fl) == 0x3f7f8000);
    CHECK(run(fp::desc(Op::RSQRTE, 2), 0x40800000, 0, 0, 0, &fl) == 0x3eff8000);
    CHECK(run(fp::desc(Op::URECPE, 2), 0x80000000u, 0, 0, 0, &fl) == 0xff800000u);
    CHECK(run(fp::desc(Op::RECPX, 3), 0x4010000000000000ull, 0, 0, 0, &fl) == 0x3fe0000000000000ull);
}
