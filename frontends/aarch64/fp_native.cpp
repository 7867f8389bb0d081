// The native side of the A64 FP helpers: the generic scalar path and the ir::Helper objects
// (inlinable from the bitcode of fp_helpers.cpp).
#include "frontends/aarch64/cpu.h"
#include "frontends/aarch64/fp_helpers.h"
#include "frontends/aarch64/fp_lanes.h"
#include "frontends/aarch64/fp_ops.h"

// The embedded bitcode of fp_helpers.cpp (generated: build/a64_fp_helpers_bc.cpp).
extern const unsigned char tessera_a64_fp_helpers_bc[];
extern const size_t tessera_a64_fp_helpers_bc_size;

namespace tessera::aarch64 {

namespace {

Aarch64Cpu& cpu_of(void* env) { return *static_cast<Aarch64Cpu*>(static_cast<Vcpu*>(env)); }

// AdvSIMD FP in soft-float: every lane through fp::exec under FPCR, the flags ORed into FPSR
// once.
uint64_t vfp_soft(void* env, uint64_t d, uint64_t lay) {
    Aarch64Cpu& cpu = cpu_of(env);
    const unsigned rd = lay & 31, rn = (lay >> 5) & 31, rm = (lay >> 10) & 31, index = (lay >> 24) & 15;
    const auto shape = vfp::Shape((lay >> 16) & 15);
    const bool q = (lay >> 20) & 1, scalar = (lay >> 21) & 1;
    const unsigned esz = (lay >> 22) & 3;  // 2 or 3 (1 for a half-precision source)
    const uint64_t n[2] = {cpu.v[rn][0], cpu.v[rn][1]}, m[2] = {cpu.v[rm][0], cpu.v[rm][1]};
    const uint64_t old[2] = {cpu.v[rd][0], cpu.v[rd][1]};
    uint64_t r[2] = {0, 0};
    const uint64_t fpcr = cpu.fpcr;
    uint32_t flags = 0;
    const unsigned lanes = scalar ? 1 : (q ? 16u : 8u) >> esz;
    auto op = [&](uint64_t a, uint64_t b, uint64_t c) { return fp::exec(d, a, b, c, fpcr, &flags); };
    switch (shape) {
    case vfp::SAME: case vfp::ELEM: case vfp::UNARY: case vfp::ZERO: case vfp::ZERO_SWAP:
        for (unsigned e = 0; e < lanes; e++) {
            const uint64_t a = lane(n, e, esz), c = lane(old, e, esz);
            uint64_t x;
            switch (shape) {
            case vfp::SAME: x = op(a, lane(m, e, esz), c); break;
            case vfp::ELEM: x = op(a, lane(m, index, esz), c); break;
            case vfp::ZERO: x = op(a, 0, c); break;
            case vfp::ZERO_SWAP: x = op(0, a, c); break;
            default: x = op(a, 0, c); break;
            }
            set_lane(r, e, esz, x);
        }
        break;
    case vfp::PAIR:
        for (unsigned e = 0; e < lanes; e++) {
            const unsigned half = scalar ? 2 : lanes;  // lanes of n in x
            auto x = [&](unsigned i) { return i < half ? lane(n, i, esz) : lane(m, i - half, esz); };
            set_lane(r, e, esz, op(x(2 * e), x(2 * e + 1), 0));
        }
        break;
    case vfp::REDUCE: {  // 4S: (e0 op e1) op (e2 op e3)
        const uint64_t lo = op(lane(n, 0, esz), lane(n, 1, esz), 0), hi = op(lane(n, 2, esz), lane(n, 3, esz), 0);
        set_lane(r, 0, esz, op(lo, hi, 0));
        break;
    }
    case vfp::NARROW: {
        const unsigned count = scalar ? 1 : 8u >> (esz - 1);  // half-width lanes in 64 bits
        uint64_t part[2] = {0, 0};
        for (unsigned e = 0; e < count; e++) set_lane(part, e, esz - 1, op(lane(n, e, esz), 0, 0));
        if (q && !scalar) {
            r[0] = old[0];
            r[1] = part[0];
        } else {
            r[0] = part[0];
        }
        break;
    }
    case vfp::WIDEN: {
        const unsigned count = 8u >> esz;  // wide lanes in 128 bits
        const uint64_t src[2] = {q ? n[1] : n[0], 0};
        for (unsigned e = 0; e < count; e++) set_lane(r, e, esz + 1, op(lane(src, e, esz), 0, 0));
        break;
    }
    }
    cpu.v[rd][0] = r[0];
    cpu.v[rd][1] = (q && !scalar) || shape == vfp::WIDEN ? r[1] : 0;  // FCVTL fills 128 bits for either Q
    cpu.fpsr |= fp::fpsr_bits(flags);
    return 0;
}

}  // namespace

extern "C" uint64_t tessera_a64_vfp_slow(void* env, uint64_t desc, uint64_t layout, uint64_t, uint64_t) {
    return vfp_soft(env, desc, layout);
}

extern "C" uint64_t tessera_a64_fp_slow(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c) {
    Aarch64Cpu& cpu = cpu_of(env);
    uint32_t flags = 0;
    const uint64_t r = fp::exec(desc, a, b, c, cpu.fpcr, &flags);
    cpu.fpsr |= fp::fpsr_bits(flags);
    return r;
}

using namespace ir;
namespace {
constexpr uint32_t kFpFlags = HF_READS_ENV | HF_WRITES_ENV | HF_CPU_ONLY;
const HelperBitcode kA64FpBitcode = [] {
    // The inlined soft-float may reach the square root's host-FPU guess (softfloat/isqrt.cpp).
    static const HelperBitcode::Extern externs[] = {
        {"tessera_a64_fp_slow", reinterpret_cast<const void*>(&tessera_a64_fp_slow)},
        {"_ZN7tessera9softfloat8isqrt128EoPb", reinterpret_cast<const void*>(&softfloat::isqrt128)},
        {"tessera_a64_vfp_slow", reinterpret_cast<const void*>(&tessera_a64_vfp_slow)}};
    return HelperBitcode{tessera_a64_fp_helpers_bc, tessera_a64_fp_helpers_bc_size, externs, 3};
}();

}  // namespace

const Helper* fp_helper_for(uint64_t desc) {
    const unsigned op = unsigned(fp::desc_op(desc)), fmt = fp::desc_fmt(desc), fmt2 = fp::desc_fmt2(desc);
    constexpr unsigned kOps = unsigned(fp::Op::COUNT);
#define FP_HELPER(name, sym) Helper{"a64_fp_" #name, sym, kFpFlags, #sym, &kA64FpBitcode}
#define FP_ENTRY(o)                                                                         \
    table[unsigned(fp::Op::o)][0] = new FP_HELPER(o##_s, tessera_a64_fp_##o##_s);          \
    table[unsigned(fp::Op::o)][1] = new FP_HELPER(o##_d, tessera_a64_fp_##o##_d);
#define FP_CVT(from, to) cvt[from][to] = new FP_HELPER(cvt_##from##to, tessera_a64_fp_cvt_##from##to);
    struct Tables {
        const Helper* table[kOps][2] = {};
        const Helper* cvt[4][4] = {};
        Tables() {
            TESSERA_A64_FP_ARITH_OPS(FP_ENTRY)
            TESSERA_A64_FP_MISC_OPS(FP_ENTRY)
            TESSERA_A64_FP_CVTS(FP_CVT)
        }
    };
#undef FP_CVT
#undef FP_ENTRY
#undef FP_HELPER
    static const Tables t;  // built once, never freed (helpers outlive every block)
    const Helper* h = nullptr;
    if (fp::desc_op(desc) == fp::Op::CVT) h = t.cvt[fmt][fmt2];
    else if (op < kOps && fmt >= 2) h = t.table[op][fmt - 2];
    return h ? h : &h_fp_slow;
}

const Helper h_fp_slow{"a64_fp_slow", tessera_a64_fp_slow, kFpFlags};
const Helper h_vfp{"a64_vfp", tessera_a64_vfp, kFpFlags, "tessera_a64_vfp", &kA64FpBitcode};

}  // namespace tessera::aarch64
