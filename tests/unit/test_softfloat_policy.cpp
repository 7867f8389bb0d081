// The shared soft-float core under policies other than RISC-V's: each knob of
// softfloat::Policy changes exactly what it says (RISC-V's own behaviour is covered by
// test_riscv_fpu*.cpp through fp_exec).
#include <doctest/doctest.h>

#include <bit>
#include <cmath>

#include "softfloat/arith.h"
#include "softfloat/compare.h"
#include "softfloat/convert.h"

using namespace tessera::softfloat;

namespace {
constexpr Policy kRiscvLike{};
constexpr Policy kBefore{.tininess = Tininess::BeforeRounding};
constexpr Policy kX86Like{.nan = NanRule::FirstNan, .default_nan_negative = true, .flush_to_zero = true,
                          .ftz_flags = UF | NX, .int_invalid = IntInvalid::Indefinite};
constexpr Policy kArmLike{.tininess = Tininess::BeforeRounding, .nan = NanRule::SignalingFirst,
                          .flush_to_zero = true, .ftz_flags = UF, .denormals_are_zero = true, .daz_flags = ID,
                          .int_invalid = IntInvalid::SaturateNanZero};
uint64_t D(double v) { return std::bit_cast<uint64_t>(v); }
constexpr uint64_t QNAN_A = 0x7ff8000000001234ull, SNAN_B = 0x7ff0000000000005ull;
}  // namespace

TEST_CASE("softfloat policy: tininess before or after rounding") {
    // (1 - 2^-25) * 2^-126 rounds (ties to even) to 2^-126, the smallest normal binary32.
    const uint64_t x = D(std::ldexp(1.0 - 0x1p-25, -126));
    uint32_t after = 0, before = 0;
    CHECK(convert<F32, F64, kRiscvLike>(x, RNE, &after) == 0x00800000u);
    CHECK(convert<F32, F64, kBefore>(x, RNE, &before) == 0x00800000u);
    CHECK(after == NX);          // not tiny once rounded
    CHECK(before == (UF | NX));  // tiny before rounding
}

TEST_CASE("softfloat policy: NaN results") {
    uint32_t f = 0;
    CHECK(add<F64, kRiscvLike>(QNAN_A, SNAN_B, false, RNE, &f) == F64::CNAN);
    CHECK(f == NV);
    f = 0;
    CHECK(add<F64, kX86Like>(QNAN_A, SNAN_B, false, RNE, &f) == QNAN_A);  // first operand
    CHECK(f == NV);
    f = 0;
    CHECK(add<F64, kArmLike>(QNAN_A, SNAN_B, false, RNE, &f) == (SNAN_B | F64::QBIT));  // signaling first, quieted
    CHECK(f == NV);
    f = 0;
    CHECK(fma<F64, kArmLike>(D(1.0), D(2.0), SNAN_B, false, false, RNE, &f) == (SNAN_B | F64::QBIT));
    // A new NaN is the default NaN: x86's has the sign bit set.
    f = 0;
    CHECK(mul<F64, kX86Like>(D(0.0), D(INFINITY), RNE, &f) == 0xfff8000000000000ull);
    CHECK(mul<F64, kRiscvLike>(D(0.0), D(INFINITY), RNE, &f) == 0x7ff8000000000000ull);
    // Narrowing keeps the payload's top bits.
    f = 0;
    CHECK(convert<F32, F64, kX86Like>(0x7ff4000000000000ull, RNE, &f) == 0x7fe00000u);
    CHECK(f == NV);
}

TEST_CASE("softfloat policy: flush-to-zero and denormals-are-zero") {
    const uint64_t tiny = D(0x1p-1000), sub = D(0x1p-1070);
    uint32_t f = 0;
    CHECK(mul<F64, kRiscvLike>(tiny, D(-0x1p-60), RNE, &f) == D(-0x1p-1060));  // a subnormal result
    CHECK(f == 0);
    f = 0;
    CHECK(mul<F64, kX86Like>(tiny, D(-0x1p-60), RNE, &f) == D(-0.0));
    CHECK(f == (UF | NX));
    f = 0;
    CHECK(mul<F64, kArmLike>(tiny, D(0x1p-60), RNE, &f) == D(0.0));
    CHECK(f == UF);
    // DAZ: a subnormal operand reads as zero (ARM raises input-denormal).
    f = 0;
    CHECK(add<F64, kRiscvLike>(sub, D(0.0), false, RNE, &f) == sub);
    CHECK(f == 0);
    f = 0;
    CHECK(add<F64, kArmLike>(sub, D(-0.0), false, RNE, &f) == D(0.0));
    CHECK(f == ID);
    f = 0;
    CHECK(add<F64, kX86Like>(sub, D(-0.0), false, RNE, &f) == sub);  // x86-like here: FTZ without DAZ
}

TEST_CASE("softfloat policy: invalid float-to-integer conversions") {
    const uint64_t nan = F64::CNAN, big = D(1e300), neg = D(-1e300);
    uint32_t f = 0;
    CHECK(to_int<F64, kRiscvLike>(nan, true, 32, RTZ, &f) == 0x7fffffffu);
    CHECK(to_int<F64, kArmLike>(nan, true, 32, RTZ, &f) == 0);
    CHECK(to_int<F64, kX86Like>(nan, true, 32, RTZ, &f) == 0x80000000u);
    CHECK(to_int<F64, kRiscvLike>(neg, true, 64, RTZ, &f) == 0x8000000000000000ull);
    CHECK(to_int<F64, kArmLike>(big, false, 32, RTZ, &f) == 0xffffffffu);
    CHECK(to_int<F64, kX86Like>(big, true, 64, RTZ, &f) == 0x8000000000000000ull);
    CHECK(f == NV);
    f = 0;
    CHECK(to_int<F64, kRiscvLike>(D(-0.25), false, 32, RNE, &f) == 0);  // rounds to zero: in range
    CHECK(f == NX);
}

TEST_CASE("softfloat: classify and sign operations") {
    CHECK(classify<F64>(D(-0.0)) == Class::NegZero);
    CHECK(classify<F64>(D(0x1p-1070)) == Class::PosSubnormal);
    CHECK(classify<F64>(SNAN_B) == Class::SNaN);
    CHECK(classify<F32>(0xff800000u) == Class::NegInf);
    CHECK(sign_inject<F64>(D(2.0), D(-1.0), SignOp::Copy) == D(-2.0));
    CHECK(sign_inject<F64>(D(-2.0), D(-1.0), SignOp::CopyNegated) == D(2.0));
    CHECK(sign_inject<F64>(D(-2.0), D(-1.0), SignOp::Xor) == D(2.0));
}
