// Unit tests for the RISC-V F/D arithmetic module (frontends/riscv/fpu.h), checked
// against hand-derived expectations from the unprivileged spec (20191213).
#include <doctest/doctest.h>

#include <bit>
#include <cfenv>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>

#include "frontends/riscv/fpu.h"

using namespace tessera::riscv::fp;

namespace {

constexpr uint64_t BOX = 0xffffffff00000000ull;
constexpr uint64_t CNAN_S = BOX | 0x7fc00000u;
constexpr uint64_t CNAN_D = 0x7ff8000000000000ull;
constexpr uint64_t SNAN_S = BOX | 0x7f800001u;
constexpr uint64_t QNAN_S = BOX | 0xffc12345u;  // negative quiet NaN with a payload
constexpr uint64_t SNAN_D = 0x7ff0000000000001ull;
constexpr uint64_t QNAN_D = 0xfff8000000001234ull;
constexpr uint64_t INF_D = 0x7ff0000000000000ull;
constexpr uint64_t NINF_D = 0xfff0000000000000ull;
constexpr uint64_t INF_S = BOX | 0x7f800000u;
constexpr uint64_t NINF_S = BOX | 0xff800000u;

uint64_t D(double v) { return std::bit_cast<uint64_t>(v); }
uint64_t S(float v) { return BOX | std::bit_cast<uint32_t>(v); }

struct R {
    uint64_t v;
    uint32_t f;
};
R ex(FpOp op, uint64_t a, uint64_t b = 0, uint64_t c = 0, int rm = RNE) {
    uint32_t f = 0;
    uint64_t v = fp_exec(op, a, b, c, rm, &f);
    return {v, f};
}

}  // namespace

TEST_CASE("riscv fpu: op names") {
    CHECK(std::string(fp_op_name(FpOp::FADD_S)) == "FADD_S");
    CHECK(std::string(fp_op_name(FpOp::FCVT_D_S)) == "FCVT_D_S");
    std::set<std::string> names;
    for (int i = 0; i < int(FpOp::COUNT); ++i) names.insert(fp_op_name(FpOp(i)));
    CHECK(names.size() == size_t(FpOp::COUNT));
}

TEST_CASE("riscv fpu: basic arithmetic, single and double") {
    CHECK(ex(FpOp::FADD_S, S(1.5f), S(2.25f)).v == S(3.75f));
    CHECK(ex(FpOp::FSUB_S, S(1.5f), S(2.25f)).v == S(-0.75f));
    CHECK(ex(FpOp::FMUL_S, S(1.5f), S(-4.0f)).v == S(-6.0f));
    CHECK(ex(FpOp::FDIV_S, S(1.0f), S(4.0f)).v == S(0.25f));
    CHECK(ex(FpOp::FSQRT_S, S(16.0f)).v == S(4.0f));
    CHECK(ex(FpOp::FADD_D, D(1.5), D(2.25)).v == D(3.75));
    CHECK(ex(FpOp::FSUB_D, D(1.5), D(2.25)).v == D(-0.75));
    CHECK(ex(FpOp::FMUL_D, D(1.5), D(-4.0)).v == D(-6.0));
    CHECK(ex(FpOp::FDIV_D, D(1.0), D(4.0)).v == D(0.25));
    CHECK(ex(FpOp::FSQRT_D, D(2.25)).v == D(1.5));
    CHECK(ex(FpOp::FADD_D, D(1.5), D(2.25)).f == 0);
    // Inexact results
    R r = ex(FpOp::FDIV_D, D(1.0), D(3.0));
    CHECK(r.v == D(1.0 / 3.0));
    CHECK(r.f == NX);
    r = ex(FpOp::FSQRT_D, D(2.0));
    CHECK(r.v == 0x3ff6a09e667f3bcdull);
    CHECK(r.f == NX);
    // sqrt(2) = 1.41421356237309504880..., the RNE result ...bcd is above it.
    CHECK(ex(FpOp::FSQRT_D, D(2.0), 0, 0, RUP).v == 0x3ff6a09e667f3bcdull);
    CHECK(ex(FpOp::FSQRT_D, D(2.0), 0, 0, RDN).v == 0x3ff6a09e667f3bccull);
    CHECK(ex(FpOp::FSQRT_D, D(2.0), 0, 0, RTZ).v == 0x3ff6a09e667f3bccull);
    CHECK(ex(FpOp::FSQRT_D, D(2.0), 0, 0, RMM).v == 0x3ff6a09e667f3bcdull);
    r = ex(FpOp::FSQRT_S, S(2.0f));
    CHECK(r.v == (BOX | 0x3fb504f3u));
    CHECK(r.f == NX);
}

TEST_CASE("riscv fpu: signed zeros") {
    CHECK(ex(FpOp::FSUB_D, D(1.0), D(1.0)).v == D(0.0));
    CHECK(ex(FpOp::FSUB_D, D(1.0), D(1.0), 0, RDN).v == D(-0.0));
    CHECK(ex(FpOp::FADD_S, S(-0.0f), S(-0.0f)).v == S(-0.0f));
    CHECK(ex(FpOp::FADD_S, S(-0.0f), S(0.0f)).v == S(0.0f));
    CHECK(ex(FpOp::FADD_S, S(-0.0f), S(0.0f), 0, RDN).v == S(-0.0f));
    CHECK(ex(FpOp::FMUL_D, D(-0.0), D(3.0)).v == D(-0.0));
    CHECK(ex(FpOp::FSQRT_D, D(-0.0)).v == D(-0.0));
    CHECK(ex(FpOp::FSQRT_D, D(-0.0)).f == 0);
    // fnmadd: -(a*b) - c with a*b = +0 and c = +0 gives -0
    CHECK(ex(FpOp::FNMADD_D, D(0.0), D(1.0), D(0.0)).v == D(-0.0));
    CHECK(ex(FpOp::FMADD_D, D(0.0), D(-1.0), D(0.0)).v == D(0.0));
    CHECK(ex(FpOp::FMADD_D, D(0.0), D(-1.0), D(0.0), RDN).v == D(-0.0));
    CHECK(ex(FpOp::FMADD_D, D(2.0), D(3.0), D(-6.0)).v == D(0.0));
    CHECK(ex(FpOp::FMADD_D, D(2.0), D(3.0), D(-6.0), RDN).v == D(-0.0));
}

TEST_CASE("riscv fpu: all rounding modes including RMM ties") {
    // 1 + 2^-24 is exactly halfway between 1 and 1 + 2^-23 in single precision.
    const uint64_t one = S(1.0f), half_ulp = S(0x1p-24f), up = S(1.0f + 0x1p-23f);
    struct Case { int rm; uint64_t pos, neg; };
    const Case cases[] = {
        {RNE, one, S(-1.0f)}, {RTZ, one, S(-1.0f)}, {RDN, one, S(-1.0f - 0x1p-23f)},
        {RUP, up, S(-1.0f)}, {RMM, up, S(-1.0f - 0x1p-23f)},
    };
    for (const auto& c : cases) {
        CAPTURE(c.rm);
        R r = ex(FpOp::FADD_S, one, half_ulp, 0, c.rm);
        CHECK(r.v == c.pos);
        CHECK(r.f == NX);
        r = ex(FpOp::FSUB_S, S(-1.0f), half_ulp, 0, c.rm);
        CHECK(r.v == c.neg);
        CHECK(r.f == NX);
    }
    // Tie where the even neighbour is the larger one: RNE and RMM agree.
    CHECK(ex(FpOp::FADD_S, up, half_ulp, 0, RNE).v == S(1.0f + 0x1p-22f));
    CHECK(ex(FpOp::FADD_S, up, half_ulp, 0, RMM).v == S(1.0f + 0x1p-22f));
    // Double: multiplication tie. (1 + 2^-52) * (1 + 2^-1) ... use 3 * (1+2^-52)/2 style:
    // (2^53 + 1) as a product tie: 3 * 0x1.5555555555555p... keep it simple with add.
    const uint64_t d1 = D(1.0), dh = D(0x1p-53);
    CHECK(ex(FpOp::FADD_D, d1, dh, 0, RNE).v == D(1.0));
    CHECK(ex(FpOp::FADD_D, d1, dh, 0, RMM).v == D(1.0 + 0x1p-52));
    CHECK(ex(FpOp::FADD_D, d1, dh, 0, RTZ).v == D(1.0));
    CHECK(ex(FpOp::FADD_D, d1, dh, 0, RUP).v == D(1.0 + 0x1p-52));
    CHECK(ex(FpOp::FADD_D, d1, dh, 0, RDN).v == D(1.0));
    // A product that is an exact tie: (1 + 2^-26)^2 = 1 + 2^-25 + 2^-52 -> single tie?
    // In single: (1 + 2^-12) * (1 + 2^-12) = 1 + 2^-11 + 2^-24: tie between
    // 1 + 2^-11 (even) and 1 + 2^-11 + 2^-23.
    const uint64_t m = S(1.0f + 0x1p-12f);
    CHECK(ex(FpOp::FMUL_S, m, m, 0, RNE).v == S(1.0f + 0x1p-11f));
    CHECK(ex(FpOp::FMUL_S, m, m, 0, RMM).v == S(1.0f + 0x1p-11f + 0x1p-23f));
    CHECK(ex(FpOp::FMUL_S, m, m, 0, RMM).f == NX);
    // Division/sqrt in directed modes
    CHECK(ex(FpOp::FDIV_S, S(1.0f), S(3.0f), 0, RTZ).v == (BOX | 0x3eaaaaaau));
    CHECK(ex(FpOp::FDIV_S, S(1.0f), S(3.0f), 0, RUP).v == (BOX | 0x3eaaaaabu));
    CHECK(ex(FpOp::FDIV_S, S(-1.0f), S(3.0f), 0, RUP).v == (BOX | 0xbeaaaaaau));
    CHECK(ex(FpOp::FDIV_S, S(-1.0f), S(3.0f), 0, RDN).v == (BOX | 0xbeaaaaabu));
}

TEST_CASE("riscv fpu: overflow") {
    const uint64_t maxd = 0x7fefffffffffffffull, nmaxd = 0xffefffffffffffffull;
    R r = ex(FpOp::FMUL_D, maxd, D(2.0));
    CHECK(r.v == INF_D);
    CHECK(r.f == (OF | NX));
    CHECK(ex(FpOp::FMUL_D, maxd, D(2.0), 0, RMM).v == INF_D);
    CHECK(ex(FpOp::FMUL_D, maxd, D(2.0), 0, RTZ).v == maxd);
    CHECK(ex(FpOp::FMUL_D, maxd, D(2.0), 0, RTZ).f == (OF | NX));
    CHECK(ex(FpOp::FMUL_D, maxd, D(2.0), 0, RDN).v == maxd);
    CHECK(ex(FpOp::FMUL_D, maxd, D(2.0), 0, RUP).v == INF_D);
    CHECK(ex(FpOp::FMUL_D, nmaxd, D(2.0), 0, RUP).v == nmaxd);
    CHECK(ex(FpOp::FMUL_D, nmaxd, D(2.0), 0, RDN).v == NINF_D);
    CHECK(ex(FpOp::FADD_S, S(3.4028235e38f), S(3.4028235e38f)).v == INF_S);
    CHECK(ex(FpOp::FADD_S, S(3.4028235e38f), S(3.4028235e38f)).f == (OF | NX));
    // max + half ulp ties to even -> overflow in RNE; RMM also; RTZ stays.
    CHECK(ex(FpOp::FADD_D, maxd, D(0x1p970)).v == INF_D);
    CHECK(ex(FpOp::FADD_D, maxd, D(0x1p970), 0, RTZ).v == maxd);
    CHECK(ex(FpOp::FADD_D, maxd, D(0x1p970), 0, RTZ).f == NX);  // rounded result finite: no OF
    // Narrowing conversion overflow.
    r = ex(FpOp::FCVT_S_D, D(1e300));
    CHECK(r.v == INF_S);
    CHECK(r.f == (OF | NX));
    CHECK(ex(FpOp::FCVT_S_D, D(-1e300), 0, 0, RTZ).v == S(-3.4028235e38f));
    // Infinity arithmetic is exact: no flags
    CHECK(ex(FpOp::FADD_D, INF_D, D(1.0)).f == 0);
}

TEST_CASE("riscv fpu: underflow uses tininess after rounding") {
    // Product exactly 2^-1022 * (1 - 2^-54): below the smallest normal before rounding,
    // but rounding to 53 bits with unbounded exponent gives 2^-1022 in RNE/RMM/RUP, so it
    // is NOT tiny: NX without UF (x86 SSE, tiny-before-rounding, would raise UF here).
    const uint64_t a = D(1.0 - 0x1p-27), b = D(0x1p-1022 * (1.0 + 0x1p-27));
    for (int rm : {RNE, RMM, RUP}) {
        CAPTURE(rm);
        R r = ex(FpOp::FMUL_D, a, b, 0, rm);
        CHECK(r.v == D(0x1p-1022));
        CHECK(r.f == NX);
    }
    for (int rm : {RTZ, RDN}) {
        CAPTURE(rm);
        R r = ex(FpOp::FMUL_D, a, b, 0, rm);
        CHECK(r.v == 0x000fffffffffffffull);
        CHECK(r.f == (UF | NX));
    }
    // Same through the fused path and a narrowing conversion (single precision).
    R r = ex(FpOp::FMADD_D, a, b, D(0.0));
    CHECK(r.v == D(0x1p-1022));
    CHECK(r.f == NX);
    r = ex(FpOp::FCVT_S_D, D(0x1p-126 * (1.0 - 0x1p-25)));
    CHECK(r.v == S(0x1p-126f));
    CHECK(r.f == NX);
    r = ex(FpOp::FCVT_S_D, D(0x1p-126 * (1.0 - 0x1p-25)), 0, 0, RTZ);
    CHECK(r.v == (BOX | 0x007fffffu));
    CHECK(r.f == (UF | NX));
    // Just below that threshold it is tiny even in RNE.
    r = ex(FpOp::FCVT_S_D, D(0x1p-126 * (1.0 - 0x1p-24)));
    CHECK(r.v == S(0x1p-126f));
    CHECK(r.f == (UF | NX));
    // Exact subnormal results raise nothing.
    r = ex(FpOp::FMUL_D, D(0x1p-1070), D(0.5));
    CHECK(r.v == D(0x1p-1071));
    CHECK(r.f == 0);
    r = ex(FpOp::FSUB_S, S(0x1p-126f), S(0x1p-149f));
    CHECK(r.v == (BOX | 0x007fffffu));
    CHECK(r.f == 0);
    // Half of the smallest subnormal: RNE -> 0, RUP -> min subnormal, both UF|NX.
    r = ex(FpOp::FMUL_D, D(0x1p-1074), D(0.5));
    CHECK(r.v == D(0.0));
    CHECK(r.f == (UF | NX));
    r = ex(FpOp::FMUL_D, D(0x1p-1074), D(0.5), 0, RUP);
    CHECK(r.v == 1);
    CHECK(r.f == (UF | NX));
    r = ex(FpOp::FMUL_D, D(0x1p-1074), D(0.5), 0, RMM);
    CHECK(r.v == 1);
    r = ex(FpOp::FMUL_D, D(-0x1p-1074), D(0.5), 0, RDN);
    CHECK(r.v == 0x8000000000000001ull);
    // Subnormal operands
    CHECK(ex(FpOp::FADD_D, D(0x1p-1074), D(0x1p-1074)).v == D(0x1p-1073));
    CHECK(ex(FpOp::FDIV_D, D(0x1p-1074), D(0x1p-1074)).v == D(1.0));
    CHECK(ex(FpOp::FSQRT_D, D(0x1p-1074)).v == D(0x1p-537));
    CHECK(ex(FpOp::FMUL_S, S(0x1p-149f), S(0x1p100f)).v == S(0x1p-49f));
}

TEST_CASE("riscv fpu: invalid and divide-by-zero") {
    R r = ex(FpOp::FDIV_D, D(1.0), D(0.0));
    CHECK(r.v == INF_D);
    CHECK(r.f == DZ);
    r = ex(FpOp::FDIV_S, S(-1.0f), S(0.0f));
    CHECK(r.v == NINF_S);
    CHECK(r.f == DZ);
    r = ex(FpOp::FDIV_D, D(0.0), D(0.0));
    CHECK(r.v == CNAN_D);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FDIV_D, INF_D, INF_D).f == NV);
    CHECK(ex(FpOp::FDIV_D, INF_D, D(0.0)).f == 0);  // inf / 0 = inf, no DZ
    CHECK(ex(FpOp::FADD_D, INF_D, NINF_D).v == CNAN_D);
    CHECK(ex(FpOp::FADD_D, INF_D, NINF_D).f == NV);
    CHECK(ex(FpOp::FSUB_S, INF_S, INF_S).f == NV);
    CHECK(ex(FpOp::FMUL_S, INF_S, S(0.0f)).v == CNAN_S);
    CHECK(ex(FpOp::FMUL_S, INF_S, S(0.0f)).f == NV);
    r = ex(FpOp::FSQRT_D, D(-1.0));
    CHECK(r.v == CNAN_D);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FSQRT_S, NINF_S).f == NV);
    CHECK(ex(FpOp::FSQRT_S, NINF_S).v == CNAN_S);
    // NaN operands: quiet propagate canonical without NV; signaling raise NV.
    CHECK(ex(FpOp::FADD_D, QNAN_D, D(1.0)).v == CNAN_D);
    CHECK(ex(FpOp::FADD_D, QNAN_D, D(1.0)).f == 0);
    CHECK(ex(FpOp::FADD_D, SNAN_D, D(1.0)).v == CNAN_D);
    CHECK(ex(FpOp::FADD_D, SNAN_D, D(1.0)).f == NV);
    CHECK(ex(FpOp::FMUL_S, S(1.0f), QNAN_S).v == CNAN_S);
    CHECK(ex(FpOp::FDIV_S, SNAN_S, S(1.0f)).f == NV);
    CHECK(ex(FpOp::FSQRT_D, SNAN_D).f == NV);
    CHECK(ex(FpOp::FSQRT_D, QNAN_D).f == 0);
}

TEST_CASE("riscv fpu: fused multiply-add") {
    // Single rounding: (1+2^-52)(1-2^-52) - 1 = -2^-104 exactly.
    R r = ex(FpOp::FMADD_D, D(1.0 + 0x1p-52), D(1.0 - 0x1p-52), D(-1.0));
    CHECK(r.v == D(-0x1p-104));
    CHECK(r.f == 0);
    CHECK(ex(FpOp::FMSUB_D, D(1.0 + 0x1p-52), D(1.0 - 0x1p-52), D(1.0)).v == D(-0x1p-104));
    CHECK(ex(FpOp::FNMSUB_D, D(1.0 + 0x1p-52), D(1.0 - 0x1p-52), D(1.0)).v == D(0x1p-104));
    CHECK(ex(FpOp::FNMADD_D, D(1.0 + 0x1p-52), D(1.0 - 0x1p-52), D(-1.0)).v == D(0x1p-104));
    CHECK(ex(FpOp::FMADD_S, S(2.0f), S(3.0f), S(1.0f)).v == S(7.0f));
    CHECK(ex(FpOp::FMSUB_S, S(2.0f), S(3.0f), S(1.0f)).v == S(5.0f));
    CHECK(ex(FpOp::FNMSUB_S, S(2.0f), S(3.0f), S(1.0f)).v == S(-5.0f));
    CHECK(ex(FpOp::FNMADD_S, S(2.0f), S(3.0f), S(1.0f)).v == S(-7.0f));
    // Product far below the addend only contributes a sticky bit.
    r = ex(FpOp::FMADD_D, D(0x1p-600), D(0x1p-600), D(1.0), RUP);
    CHECK(r.v == D(1.0 + 0x1p-52));
    CHECK(r.f == NX);
    r = ex(FpOp::FMADD_D, D(-0x1p-600), D(0x1p-600), D(1.0), RTZ);
    CHECK(r.v == D(1.0 - 0x1p-53));
    // inf * 0 raises NV even with a quiet NaN addend (RISC-V spec, 11.6).
    r = ex(FpOp::FMADD_D, INF_D, D(0.0), QNAN_D);
    CHECK(r.v == CNAN_D);
    CHECK(r.f == NV);
    r = ex(FpOp::FNMADD_S, S(0.0f), NINF_S, QNAN_S);
    CHECK(r.v == CNAN_S);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FMADD_D, QNAN_D, D(0.0), D(1.0)).f == 0);
    CHECK(ex(FpOp::FMADD_D, D(1.0), D(1.0), SNAN_D).f == NV);
    // inf*x + -inf is invalid; inf*x + inf is inf.
    CHECK(ex(FpOp::FMADD_D, INF_D, D(2.0), NINF_D).f == NV);
    CHECK(ex(FpOp::FMADD_D, INF_D, D(2.0), INF_D).v == INF_D);
    CHECK(ex(FpOp::FMSUB_D, INF_D, D(2.0), NINF_D).v == INF_D);
    CHECK(ex(FpOp::FMADD_D, D(1.0), D(2.0), NINF_D).v == NINF_D);
    // Overflow and underflow through fma.
    r = ex(FpOp::FMADD_D, D(0x1p1000), D(0x1p100), D(1.0));
    CHECK(r.v == INF_D);
    CHECK(r.f == (OF | NX));
    r = ex(FpOp::FMADD_D, D(0x1p-1000), D(0x1p-100), D(0.0));
    CHECK(r.v == D(0.0));
    CHECK(r.f == (UF | NX));
}

TEST_CASE("riscv fpu: NaN boxing and canonical NaN") {
    // Improperly boxed single operands read as the canonical NaN (quiet: no NV).
    const uint64_t unboxed_one = 0x000000003f800000ull;
    R r = ex(FpOp::FADD_S, unboxed_one, S(1.0f));
    CHECK(r.v == CNAN_S);
    CHECK(r.f == 0);
    r = ex(FpOp::FADD_S, 0x7fffffff3f800000ull, S(1.0f));
    CHECK(r.v == CNAN_S);
    // Sign injection treats the unboxed operand as 0x7fc00000 and boxes the result.
    CHECK(ex(FpOp::FSGNJ_S, unboxed_one, S(-2.0f)).v == (BOX | 0xffc00000u));
    CHECK(ex(FpOp::FSGNJN_S, S(3.0f), unboxed_one).v == S(-3.0f));
    CHECK(ex(FpOp::FSGNJX_S, S(-3.0f), unboxed_one).v == S(-3.0f));
    CHECK(ex(FpOp::FCLASS_S, unboxed_one).v == (1u << 9));
    CHECK(ex(FpOp::FCVT_D_S, unboxed_one).v == CNAN_D);
    CHECK(ex(FpOp::FCVT_D_S, unboxed_one).f == 0);
    CHECK(ex(FpOp::FEQ_S, unboxed_one, unboxed_one).v == 0);
    CHECK(ex(FpOp::FMIN_S, unboxed_one, S(5.0f)).v == S(5.0f));
    CHECK(ex(FpOp::FCVT_W_S, unboxed_one).v == 0x7fffffffu);
    // Every single-precision result is boxed.
    CHECK(ex(FpOp::FCVT_S_W, 1).v == S(1.0f));
    CHECK(ex(FpOp::FCVT_S_D, D(0.5)).v == S(0.5f));
    CHECK(ex(FpOp::FMIN_S, S(1.0f), S(2.0f)).v == S(1.0f));
    // NaN results are canonical regardless of input payloads or sign.
    CHECK(ex(FpOp::FADD_S, QNAN_S, S(1.0f)).v == CNAN_S);
    CHECK(ex(FpOp::FMADD_S, S(1.0f), S(1.0f), QNAN_S).v == CNAN_S);
    CHECK(ex(FpOp::FCVT_S_D, QNAN_D).v == CNAN_S);
    CHECK(ex(FpOp::FCVT_S_D, SNAN_D).f == NV);
    CHECK(ex(FpOp::FCVT_D_S, QNAN_S).v == CNAN_D);
    CHECK(ex(FpOp::FCVT_D_S, SNAN_S).v == CNAN_D);
    CHECK(ex(FpOp::FCVT_D_S, SNAN_S).f == NV);
    // Sign injection does not canonicalize NaNs (it is not arithmetic).
    CHECK(ex(FpOp::FSGNJ_D, QNAN_D, D(1.0)).v == 0x7ff8000000001234ull);
    CHECK(ex(FpOp::FSGNJN_D, SNAN_D, D(1.0)).v == (SNAN_D | 0x8000000000000000ull));
    CHECK(ex(FpOp::FSGNJN_D, SNAN_D, D(1.0)).f == 0);
    CHECK(ex(FpOp::FSGNJX_D, D(-2.0), D(-1.0)).v == D(2.0));
}

TEST_CASE("riscv fpu: fmin/fmax (minimumNumber/maximumNumber)") {
    CHECK(ex(FpOp::FMIN_D, D(1.0), D(2.0)).v == D(1.0));
    CHECK(ex(FpOp::FMAX_D, D(1.0), D(2.0)).v == D(2.0));
    CHECK(ex(FpOp::FMIN_D, D(-1.0), D(-2.0)).v == D(-2.0));
    CHECK(ex(FpOp::FMIN_D, D(-0.0), D(0.0)).v == D(-0.0));
    CHECK(ex(FpOp::FMIN_D, D(0.0), D(-0.0)).v == D(-0.0));
    CHECK(ex(FpOp::FMAX_D, D(-0.0), D(0.0)).v == D(0.0));
    CHECK(ex(FpOp::FMAX_S, S(0.0f), S(-0.0f)).v == S(0.0f));
    CHECK(ex(FpOp::FMIN_S, S(0.0f), S(-0.0f)).v == S(-0.0f));
    // One quiet NaN: the other operand, no flags.
    R r = ex(FpOp::FMIN_D, QNAN_D, D(3.0));
    CHECK(r.v == D(3.0));
    CHECK(r.f == 0);
    CHECK(ex(FpOp::FMAX_S, S(3.0f), QNAN_S).v == S(3.0f));
    // Signaling NaN: the other operand, with NV.
    r = ex(FpOp::FMAX_D, SNAN_D, D(3.0));
    CHECK(r.v == D(3.0));
    CHECK(r.f == NV);
    r = ex(FpOp::FMIN_S, S(-7.0f), SNAN_S);
    CHECK(r.v == S(-7.0f));
    CHECK(r.f == NV);
    // Both NaN: canonical NaN.
    r = ex(FpOp::FMIN_D, QNAN_D, QNAN_D);
    CHECK(r.v == CNAN_D);
    CHECK(r.f == 0);
    r = ex(FpOp::FMAX_S, SNAN_S, QNAN_S);
    CHECK(r.v == CNAN_S);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FMAX_D, NINF_D, D(-1e308)).v == D(-1e308));
}

TEST_CASE("riscv fpu: compares") {
    CHECK(ex(FpOp::FEQ_D, D(1.0), D(1.0)).v == 1);
    CHECK(ex(FpOp::FEQ_D, D(0.0), D(-0.0)).v == 1);
    CHECK(ex(FpOp::FLT_D, D(-0.0), D(0.0)).v == 0);
    CHECK(ex(FpOp::FLE_D, D(-0.0), D(0.0)).v == 1);
    CHECK(ex(FpOp::FLT_S, S(-1.0f), S(1.0f)).v == 1);
    CHECK(ex(FpOp::FLT_S, S(1.0f), S(1.0f)).v == 0);
    CHECK(ex(FpOp::FLE_S, S(1.0f), S(1.0f)).v == 1);
    CHECK(ex(FpOp::FLT_D, NINF_D, D(-1e308)).v == 1);
    CHECK(ex(FpOp::FLT_D, D(-2.0), D(-1.0)).v == 1);
    CHECK(ex(FpOp::FLE_D, D(-1.0), D(-2.0)).v == 0);
    // feq is quiet: NV only for signaling NaN.
    R r = ex(FpOp::FEQ_D, QNAN_D, D(1.0));
    CHECK(r.v == 0);
    CHECK(r.f == 0);
    r = ex(FpOp::FEQ_S, S(1.0f), SNAN_S);
    CHECK(r.v == 0);
    CHECK(r.f == NV);
    // flt/fle are signaling: NV for any NaN.
    for (FpOp op : {FpOp::FLT_D, FpOp::FLE_D}) {
        r = ex(op, QNAN_D, QNAN_D);
        CHECK(r.v == 0);
        CHECK(r.f == NV);
    }
    CHECK(ex(FpOp::FLE_S, QNAN_S, S(1.0f)).f == NV);
    CHECK(ex(FpOp::FLT_S, S(1.0f), SNAN_S).f == NV);
}

TEST_CASE("riscv fpu: fclass") {
    const struct { uint64_t v; unsigned bit; } ds[] = {
        {NINF_D, 0}, {D(-1.0), 1}, {0x800fffffffffffffull, 2}, {D(-0.0), 3}, {D(0.0), 4},
        {1, 5}, {D(1e300), 6}, {INF_D, 7}, {SNAN_D, 8}, {QNAN_D, 9}, {CNAN_D, 9},
        {0xfff0000000000001ull, 8},
    };
    for (auto c : ds) {
        CAPTURE(c.v);
        R r = ex(FpOp::FCLASS_D, c.v);
        CHECK(r.v == (1u << c.bit));
        CHECK(r.f == 0);
    }
    const struct { uint64_t v; unsigned bit; } ss[] = {
        {NINF_S, 0}, {S(-1.0f), 1}, {BOX | 0x80000001u, 2}, {S(-0.0f), 3}, {S(0.0f), 4},
        {BOX | 0x007fffffu, 5}, {S(1.0f), 6}, {INF_S, 7}, {SNAN_S, 8}, {QNAN_S, 9},
    };
    for (auto c : ss) {
        CAPTURE(c.v);
        CHECK(ex(FpOp::FCLASS_S, c.v).v == (1u << c.bit));
    }
}

TEST_CASE("riscv fpu: float to integer conversions") {
    const uint64_t INT_MIN_X = 0xffffffff80000000ull, ALL = ~uint64_t{0};
    // fcvt.w.d
    R r = ex(FpOp::FCVT_W_D, D(2147483647.4));
    CHECK(r.v == 0x7fffffffu);
    CHECK(r.f == NX);
    r = ex(FpOp::FCVT_W_D, D(2147483647.5));  // rounds to 2^31: out of range
    CHECK(r.v == 0x7fffffffu);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FCVT_W_D, D(2147483647.5), 0, 0, RTZ).f == NX);
    r = ex(FpOp::FCVT_W_D, D(-2147483648.9), 0, 0, RTZ);
    CHECK(r.v == INT_MIN_X);
    CHECK(r.f == NX);
    r = ex(FpOp::FCVT_W_D, D(-2147483648.9));
    CHECK(r.v == INT_MIN_X);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FCVT_W_D, D(-2147483648.0)).f == 0);
    CHECK(ex(FpOp::FCVT_W_D, D(-1.0)).v == ALL);  // sign-extended
    CHECK(ex(FpOp::FCVT_W_D, CNAN_D).v == 0x7fffffffu);
    CHECK(ex(FpOp::FCVT_W_D, CNAN_D).f == NV);
    CHECK(ex(FpOp::FCVT_W_D, NINF_D).v == INT_MIN_X);
    CHECK(ex(FpOp::FCVT_W_D, INF_D).v == 0x7fffffffu);
    CHECK(ex(FpOp::FCVT_W_D, D(-0.0)).v == 0);
    CHECK(ex(FpOp::FCVT_W_D, D(-0.0)).f == 0);
    // RMM and the other modes at .5
    CHECK(ex(FpOp::FCVT_W_D, D(2.5), 0, 0, RNE).v == 2);
    CHECK(ex(FpOp::FCVT_W_D, D(2.5), 0, 0, RMM).v == 3);
    CHECK(ex(FpOp::FCVT_W_D, D(-2.5), 0, 0, RMM).v == uint64_t(-3));
    CHECK(ex(FpOp::FCVT_W_D, D(-2.5), 0, 0, RNE).v == uint64_t(-2));
    CHECK(ex(FpOp::FCVT_W_D, D(-2.5), 0, 0, RDN).v == uint64_t(-3));
    CHECK(ex(FpOp::FCVT_W_D, D(-2.5), 0, 0, RUP).v == uint64_t(-2));
    CHECK(ex(FpOp::FCVT_W_D, D(-2.5), 0, 0, RTZ).v == uint64_t(-2));
    CHECK(ex(FpOp::FCVT_W_S, S(0.5f), 0, 0, RMM).v == 1);
    CHECK(ex(FpOp::FCVT_W_S, S(0.5f), 0, 0, RNE).v == 0);
    CHECK(ex(FpOp::FCVT_W_S, S(0x1p-140f), 0, 0, RUP).v == 1);
    CHECK(ex(FpOp::FCVT_W_S, S(-0x1p-140f), 0, 0, RUP).v == 0);
    // fcvt.wu: results sign-extended from bit 31.
    r = ex(FpOp::FCVT_WU_S, S(3e9f));
    CHECK(r.v == 0xffffffffb2d05e00ull);
    CHECK(r.f == 0);
    CHECK(ex(FpOp::FCVT_WU_D, D(4294967295.0)).v == ALL);
    r = ex(FpOp::FCVT_WU_D, D(4294967296.0));
    CHECK(r.v == ALL);
    CHECK(r.f == NV);
    r = ex(FpOp::FCVT_WU_D, D(-0.4));  // rounds to 0: in range, just inexact
    CHECK(r.v == 0);
    CHECK(r.f == NX);
    r = ex(FpOp::FCVT_WU_D, D(-0.6));  // rounds to -1: invalid
    CHECK(r.v == 0);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FCVT_WU_D, D(-0.6), 0, 0, RTZ).f == NX);
    CHECK(ex(FpOp::FCVT_WU_D, CNAN_D).v == ALL);
    CHECK(ex(FpOp::FCVT_WU_D, NINF_D).v == 0);
    CHECK(ex(FpOp::FCVT_WU_D, NINF_D).f == NV);
    // 64-bit
    r = ex(FpOp::FCVT_L_D, D(0x1p63));
    CHECK(r.v == 0x7fffffffffffffffull);
    CHECK(r.f == NV);
    r = ex(FpOp::FCVT_L_D, D(-0x1p63));
    CHECK(r.v == 0x8000000000000000ull);
    CHECK(r.f == 0);
    CHECK(ex(FpOp::FCVT_L_D, D(0x1p62 + 0x1p10)).v == 0x4000000000000400ull);
    CHECK(ex(FpOp::FCVT_L_S, S(-1.5f)).v == uint64_t(-2));
    CHECK(ex(FpOp::FCVT_L_S, NINF_S).v == 0x8000000000000000ull);
    CHECK(ex(FpOp::FCVT_L_S, QNAN_S).v == 0x7fffffffffffffffull);  // NaN -> max, any sign
    r = ex(FpOp::FCVT_LU_D, D(0x1p64));
    CHECK(r.v == ALL);
    CHECK(r.f == NV);
    CHECK(ex(FpOp::FCVT_LU_D, D(0x1p64 - 0x1p11)).v == 0xfffffffffffff800ull);
    CHECK(ex(FpOp::FCVT_LU_D, D(-1.0)).v == 0);
    CHECK(ex(FpOp::FCVT_LU_D, D(-1.0)).f == NV);
    CHECK(ex(FpOp::FCVT_LU_S, SNAN_S).v == ALL);
    CHECK(ex(FpOp::FCVT_LU_S, SNAN_S).f == NV);
    CHECK(ex(FpOp::FCVT_LU_D, D(1e-300), 0, 0, RUP).v == 1);
}

TEST_CASE("riscv fpu: integer to float conversions") {
    CHECK(ex(FpOp::FCVT_S_W, uint64_t(-1)).v == S(-1.0f));
    CHECK(ex(FpOp::FCVT_S_W, 0xdeadbeef00000005ull).v == S(5.0f));  // only low 32 bits
    CHECK(ex(FpOp::FCVT_S_WU, 0xffffffffffffffffull).v == S(4294967296.0f));
    CHECK(ex(FpOp::FCVT_S_WU, 0xffffffffffffffffull).f == NX);
    CHECK(ex(FpOp::FCVT_S_WU, 0xffffffffffffffffull, 0, 0, RTZ).v == (BOX | 0x4f7fffffu));
    CHECK(ex(FpOp::FCVT_D_W, 0x80000000u).v == D(-2147483648.0));
    CHECK(ex(FpOp::FCVT_D_WU, 0x80000000u).v == D(2147483648.0));
    CHECK(ex(FpOp::FCVT_D_W, 0).v == D(0.0));
    CHECK(ex(FpOp::FCVT_D_L, 0x8000000000000000ull).v == D(-0x1p63));
    CHECK(ex(FpOp::FCVT_D_L, 0x8000000000000000ull).f == 0);
    R r = ex(FpOp::FCVT_D_LU, ~uint64_t{0});
    CHECK(r.v == D(0x1p64));
    CHECK(r.f == NX);
    CHECK(ex(FpOp::FCVT_D_LU, ~uint64_t{0}, 0, 0, RTZ).v == 0x43efffffffffffffull);
    // Ties: 2^24 + 1 is halfway between 2^24 and 2^24 + 2 in single.
    CHECK(ex(FpOp::FCVT_S_W, 0x1000001, 0, 0, RNE).v == S(16777216.0f));
    CHECK(ex(FpOp::FCVT_S_W, 0x1000001, 0, 0, RMM).v == S(16777218.0f));
    CHECK(ex(FpOp::FCVT_S_W, uint64_t(-0x1000001), 0, 0, RMM).v == S(-16777218.0f));
    CHECK(ex(FpOp::FCVT_S_W, uint64_t(-0x1000001), 0, 0, RDN).v == S(-16777218.0f));
    CHECK(ex(FpOp::FCVT_S_W, uint64_t(-0x1000001), 0, 0, RUP).v == S(-16777216.0f));
    CHECK(ex(FpOp::FCVT_S_W, 0x1000003, 0, 0, RNE).v == S(16777220.0f));
    CHECK(ex(FpOp::FCVT_S_L, (uint64_t{1} << 53) + 1, 0, 0, RMM).v == S(0x1p53f));
    CHECK(ex(FpOp::FCVT_D_L, (uint64_t{1} << 53) + 1, 0, 0, RNE).v == D(0x1p53));
    CHECK(ex(FpOp::FCVT_D_L, (uint64_t{1} << 53) + 1, 0, 0, RMM).v == D(0x1p53 + 2));
    CHECK(ex(FpOp::FCVT_D_L, (uint64_t{1} << 53) + 1, 0, 0, RMM).f == NX);
}

TEST_CASE("riscv fpu: float to float conversions") {
    CHECK(ex(FpOp::FCVT_D_S, S(1.5f)).v == D(1.5));
    CHECK(ex(FpOp::FCVT_D_S, S(0x1p-149f)).v == D(0x1p-149));
    CHECK(ex(FpOp::FCVT_D_S, S(0x1p-149f)).f == 0);
    CHECK(ex(FpOp::FCVT_D_S, NINF_S).v == NINF_D);
    CHECK(ex(FpOp::FCVT_D_S, S(-0.0f)).v == D(-0.0));
    R r = ex(FpOp::FCVT_S_D, D(1.0 / 3.0));
    CHECK(r.v == S(1.0f / 3.0f));
    CHECK(r.f == NX);
    CHECK(ex(FpOp::FCVT_S_D, D(1.0 + 0x1p-24), 0, 0, RMM).v == S(1.0f + 0x1p-23f));
    CHECK(ex(FpOp::FCVT_S_D, D(1.0 + 0x1p-24), 0, 0, RNE).v == S(1.0f));
    r = ex(FpOp::FCVT_S_D, D(1e-300));
    CHECK(r.v == S(0.0f));
    CHECK(r.f == (UF | NX));
    CHECK(ex(FpOp::FCVT_S_D, D(-1e-300), 0, 0, RDN).v == (BOX | 0x80000001u));
}

TEST_CASE("riscv fpu: flags accumulate and are never cleared") {
    uint32_t f = DZ | OF;
    fp_exec(FpOp::FADD_D, D(1.0), D(0x1p-60), 0, RNE, &f);
    CHECK(f == (DZ | OF | NX));
    fp_exec(FpOp::FADD_D, D(1.0), D(1.0), 0, RNE, &f);
    CHECK(f == (DZ | OF | NX));
}

TEST_CASE("riscv fpu: host FP environment is untouched") {
    // fp_exec is soft-float; it must not leave host flags behind nor depend on the host
    // rounding mode.
    const uint64_t in[] = {D(1.0), D(3.0), D(0x1p-1074), D(1e300), SNAN_D, D(2.0), D(-1.0)};
    std::feclearexcept(FE_ALL_EXCEPT);
    uint32_t f = 0;
    uint64_t ref[int(FpOp::COUNT)][7];
    for (int op = 0; op < int(FpOp::COUNT); ++op)
        for (int i = 0; i < 7; ++i) ref[op][i] = fp_exec(FpOp(op), in[i], in[(i + 1) % 7], in[(i + 2) % 7], RNE, &f);
    CHECK(std::fetestexcept(FE_ALL_EXCEPT) == 0);
    const int saved = std::fegetround();
    for (int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
        std::fesetround(mode);
        int bad = 0;
        for (int op = 0; op < int(FpOp::COUNT); ++op)
            for (int i = 0; i < 7; ++i)
                bad += fp_exec(FpOp(op), in[i], in[(i + 1) % 7], in[(i + 2) % 7], RNE, &f) != ref[op][i];
        std::fesetround(saved);
        CHECK(bad == 0);
    }
}
