// RISC-V F/D: sign injection, min/max, compares, classify and conversions
// (unprivileged spec 20191213, sections 11.6-11.9 and 12.3-12.5), from the shared
// soft-float core under RISC-V's policy: fmin/fmax are minimumNumber/maximumNumber (F 2.2),
// fclass is 1 << class, 32-bit integer results are sign-extended to XLEN.
// Inline, so the per-op helpers (fpu_helpers.cpp) fold it to one case; exec_misc (fpu.cpp)
// is the out-of-line dispatch.
#pragma once
#include <cstdint>

#include "frontends/riscv/fpu.h"
#include "softfloat/compare.h"
#include "softfloat/convert.h"

namespace tessera::riscv::fp {

namespace misc {
namespace sf = softfloat;
using sf::F32;
using sf::F64;
constexpr sf::Policy P = kPolicy;
inline uint64_t sext32(uint64_t v) { return uint64_t(int64_t(int32_t(uint32_t(v)))); }
template <class F>
inline uint64_t to_x(uint64_t x, bool is_signed, int bits, int rm, uint32_t* flags) {
    uint64_t v = sf::to_int<F, P>(x, is_signed, bits, rm, flags);
    return bits == 32 ? sext32(v) : v;
}
template <class F>
inline uint64_t fclass(uint64_t x) { return uint64_t{1} << unsigned(sf::classify<F>(x)); }
}  // namespace misc

[[gnu::always_inline]] inline uint64_t misc_op(FpOp op, uint64_t a, uint64_t b, int rm, uint32_t* flags) {
    using namespace misc;
    using sf::SignOp;
    const uint64_t sa = unbox_s(a), sb = unbox_s(b);
    switch (op) {
        case FpOp::FMIN_S: return box_s(sf::min_max_number<F32, P>(sa, sb, false, flags));
        case FpOp::FMAX_S: return box_s(sf::min_max_number<F32, P>(sa, sb, true, flags));
        case FpOp::FMIN_D: return sf::min_max_number<F64, P>(a, b, false, flags);
        case FpOp::FMAX_D: return sf::min_max_number<F64, P>(a, b, true, flags);

        case FpOp::FSGNJ_S: return box_s(sf::sign_inject<F32>(sa, sb, SignOp::Copy));
        case FpOp::FSGNJN_S: return box_s(sf::sign_inject<F32>(sa, sb, SignOp::CopyNegated));
        case FpOp::FSGNJX_S: return box_s(sf::sign_inject<F32>(sa, sb, SignOp::Xor));
        case FpOp::FSGNJ_D: return sf::sign_inject<F64>(a, b, SignOp::Copy);
        case FpOp::FSGNJN_D: return sf::sign_inject<F64>(a, b, SignOp::CopyNegated);
        case FpOp::FSGNJX_D: return sf::sign_inject<F64>(a, b, SignOp::Xor);

        case FpOp::FEQ_S: return sf::quiet_eq<F32>(sa, sb, flags);
        case FpOp::FLT_S: return sf::signaling_lt<F32>(sa, sb, false, flags);
        case FpOp::FLE_S: return sf::signaling_lt<F32>(sa, sb, true, flags);
        case FpOp::FEQ_D: return sf::quiet_eq<F64>(a, b, flags);
        case FpOp::FLT_D: return sf::signaling_lt<F64>(a, b, false, flags);
        case FpOp::FLE_D: return sf::signaling_lt<F64>(a, b, true, flags);

        case FpOp::FCLASS_S: return fclass<F32>(sa);
        case FpOp::FCLASS_D: return fclass<F64>(a);

        case FpOp::FCVT_W_S: return to_x<F32>(sa, true, 32, rm, flags);
        case FpOp::FCVT_WU_S: return to_x<F32>(sa, false, 32, rm, flags);
        case FpOp::FCVT_L_S: return to_x<F32>(sa, true, 64, rm, flags);
        case FpOp::FCVT_LU_S: return to_x<F32>(sa, false, 64, rm, flags);
        case FpOp::FCVT_W_D: return to_x<F64>(a, true, 32, rm, flags);
        case FpOp::FCVT_WU_D: return to_x<F64>(a, false, 32, rm, flags);
        case FpOp::FCVT_L_D: return to_x<F64>(a, true, 64, rm, flags);
        case FpOp::FCVT_LU_D: return to_x<F64>(a, false, 64, rm, flags);

        // Integer sources are x-register values; the W forms use the low 32 bits.
        case FpOp::FCVT_S_W: return box_s(sf::from_i64<F32, P>(int32_t(uint32_t(a)), rm, flags));
        case FpOp::FCVT_S_WU: return box_s(sf::from_int<F32, P>(false, uint32_t(a), rm, flags));
        case FpOp::FCVT_S_L: return box_s(sf::from_i64<F32, P>(int64_t(a), rm, flags));
        case FpOp::FCVT_S_LU: return box_s(sf::from_int<F32, P>(false, a, rm, flags));
        case FpOp::FCVT_D_W: return sf::from_i64<F64, P>(int32_t(uint32_t(a)), rm, flags);
        case FpOp::FCVT_D_WU: return sf::from_int<F64, P>(false, uint32_t(a), rm, flags);
        case FpOp::FCVT_D_L: return sf::from_i64<F64, P>(int64_t(a), rm, flags);
        case FpOp::FCVT_D_LU: return sf::from_int<F64, P>(false, a, rm, flags);

        case FpOp::FCVT_S_D: return box_s(sf::convert<F32, F64, P>(a, rm, flags));
        case FpOp::FCVT_D_S: return sf::convert<F64, F32, P>(sa, rm, flags);

        default: break;  // arithmetic ops are handled in fp_exec; COUNT is not an op
    }
    *flags |= NV;
    return 0;
}

}  // namespace tessera::riscv::fp
