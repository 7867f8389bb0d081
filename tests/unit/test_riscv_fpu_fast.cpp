// The host fast path agrees bit for bit with the soft-float path wherever it applies,
// and applies only where the soft-float path raises no flag but NX.
#include <doctest/doctest.h>

#include <bit>
#include <random>

#include "frontends/riscv/fpu.h"
#include "frontends/riscv/fpu_fast.h"

using namespace tessera::riscv::fp;

namespace {
uint64_t random_operand(std::mt19937_64& rng, bool dbl) {
    static const double specials[] = {0.0, -0.0, 1.0, -1.0, 1e-310, 1e308, 2.2250738585072014e-308, 3.0, 0.1};
    uint64_t v;
    switch (rng() % 4) {
    case 0: v = std::bit_cast<uint64_t>(specials[rng() % 9]); break;
    case 1: v = std::bit_cast<uint64_t>(std::ldexp(double(rng() % 1000000) - 500000, int(rng() % 200) - 100)); break;
    default: v = rng(); break;
    }
    if (dbl) return v;
    float f = rng() % 2 ? float(std::bit_cast<double>(v)) : std::bit_cast<float>(uint32_t(v));
    return 0xffffffff00000000ull | std::bit_cast<uint32_t>(f);
}
}  // namespace

TEST_CASE("fast path matches soft float") {
    std::mt19937_64 rng(12345);
    const FpOp ops[] = {FpOp::FADD_S, FpOp::FSUB_S, FpOp::FMUL_S, FpOp::FDIV_S, FpOp::FSQRT_S, FpOp::FMADD_S,
                        FpOp::FMSUB_S, FpOp::FNMSUB_S, FpOp::FNMADD_S, FpOp::FADD_D, FpOp::FSUB_D, FpOp::FMUL_D,
                        FpOp::FDIV_D, FpOp::FSQRT_D, FpOp::FMADD_D, FpOp::FMSUB_D, FpOp::FNMSUB_D, FpOp::FNMADD_D};
    unsigned taken = 0, total = 0;
    for (FpOp op : ops) {
        bool dbl = unsigned(op) >= unsigned(FpOp::FADD_D);
        for (int n = 0; n < 20000; n++) {
            uint64_t a = random_operand(rng, dbl), b = random_operand(rng, dbl), c = random_operand(rng, dbl);
            uint64_t fast_r;
            total++;
            if (!fp_fast(op, a, b, c, &fast_r)) continue;
            taken++;
            uint32_t flags = 0;
            uint64_t soft = fp_exec(op, a, b, c, RNE, &flags);
            INFO(fp_op_name(op), " a=", a, " b=", b, " c=", c);
            CHECK(fast_r == soft);
            CHECK((flags & ~uint32_t(NX)) == 0);
        }
    }
    CHECK(taken > total / 4);  // the fast path must actually be exercised
}
