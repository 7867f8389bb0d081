// Internal to the interpreter: the extra handlers beyond the op table, shared by the
// compiler (compile.cpp, which picks handlers) and the dispatch loop (interp.cpp).
#pragma once
#include <atomic>
#include <cstdint>

#include "backends/interp/interp.h"

namespace tessera::interp::detail {

using ir::Op;

inline uint64_t sx(uint64_t v, unsigned bits) {
    unsigned sh = 64 - bits;
    return uint64_t(int64_t(v << sh) >> sh);
}
inline uint64_t type_mask(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }

// Total division and high multiplication as ops.def defines them (shared with backends/x64).
inline uint64_t do_div(Op op, uint64_t a, uint64_t b, unsigned bits, uint8_t zero_policy) {
    uint64_t m = type_mask(bits);
    uint64_t by_zero = zero_policy == ir::DIV0_ZERO ? 0 : m;
    int64_t sa = int64_t(sx(a, bits)), sb = int64_t(sx(b, bits));
    uint64_t ua = a & m, ub = b & m;
    switch (op) {
    case Op::divu: return ub ? ua / ub : by_zero;
    case Op::remu: return ub ? ua % ub : ua;
    case Op::divs:
        if (!sb) return by_zero;
        if (sb == -1) return uint64_t(-uint64_t(sa)) & m;  // MIN / -1 wraps to MIN
        return uint64_t(sa / sb) & m;
    default:  // rems
        if (!sb) return ua;
        if (sb == -1) return 0;
        return uint64_t(sa % sb) & m;
    }
}

// A fence as the host needs it: only a store-load ordering costs a full barrier on x86.
inline void host_fence(uint8_t kinds) {
    if (kinds & ir::FENCE_ST_LD) std::atomic_thread_fence(std::memory_order_seq_cst);
    else std::atomic_thread_fence(std::memory_order_acq_rel);
}

inline uint64_t do_mulh(Op op, uint64_t a, uint64_t b, unsigned bits) {
    __int128 x = op == Op::mulhu ? __int128(a & type_mask(bits)) : __int128(int64_t(sx(a, bits)));
    __int128 y = op == Op::mulhs ? __int128(int64_t(sx(b, bits))) : __int128(b & type_mask(bits));
    if (op == Op::mulhu) return uint64_t((unsigned __int128)(a & type_mask(bits)) * (unsigned __int128)(b & type_mask(bits)) >> bits) & type_mask(bits);
    return uint64_t((x * y) >> bits) & type_mask(bits);
}

// Extra handlers beyond the op table: specialised memory and env accesses.
enum Special { LD_U8, LD_S8, LD_U16, LD_S16, LD_U32, LD_S32, LD_64, ST_8, ST_16, ST_32, ST_64,
               LD_ENV64, ST_ENV64, CALL_RAISE,
               // register-immediate forms: the second operand is a constant
               ADD_RI, SUB_RI, MUL_RI, AND_RI, OR_RI, XOR_RI, SHL_RI, SHR_RI, SAR_RI, SETCOND_RI,
               UADDO_RI, SADDO_RI, USUBO_RI, SSUBO_RI,
               // 64-bit conditional branches, one handler per condition
               BR_EQ, BR_NE, BR_LT, BR_GE, BR_LTU, BR_GEU,
               // A 32-bit op on the low words, fused with the extension of its result to 64
               // bits: sign-extended (RV64's W instructions)...
               ADDW, SUBW, MULW, SHLW, SHRW, SARW, ADDW_RI, SUBW_RI, SHLW_RI, SHRW_RI, SARW_RI,
               // ...or zero-extended (AArch64's W registers, x86's 32-bit operations)
               ADDWZ, SUBWZ, MULWZ, SHLWZ, SHRWZ, SARWZ, ADDWZ_RI, SUBWZ_RI, SHLWZ_RI, SHRWZ_RI, SARWZ_RI,
               NSPECIAL };

// The fused handler for "op.i32, then sext (or zext) to i64 from 32" (register or immediate
// form), or NSPECIAL.
inline Special w_form(Op op, bool ri, bool zext = false) {
    Special s;
    switch (op) {
    case Op::add: s = ri ? ADDW_RI : ADDW; break;
    case Op::sub: s = ri ? SUBW_RI : SUBW; break;
    case Op::mul: s = ri ? NSPECIAL : MULW; break;
    case Op::shl: s = ri ? SHLW_RI : SHLW; break;
    case Op::shr: s = ri ? SHRW_RI : SHRW; break;
    case Op::sar: s = ri ? SARW_RI : SARW; break;
    default: return NSPECIAL;
    }
    return s == NSPECIAL || !zext ? s : Special(s + (ADDWZ - ADDW));
}
// Whether a fused W handler zero-extends its result (else it sign-extends).
inline bool w_zero_extends(Special s) { return s >= ADDWZ && s <= SARWZ_RI; }

// The op's register-immediate handler, or NSPECIAL if it has none.
inline Special ri_form(Op op) {
    switch (op) {
    case Op::add: return ADD_RI;
    case Op::sub: return SUB_RI;
    case Op::mul: return MUL_RI;
    case Op::and_: return AND_RI;
    case Op::or_: return OR_RI;
    case Op::xor_: return XOR_RI;
    case Op::shl: return SHL_RI;
    case Op::shr: return SHR_RI;
    case Op::sar: return SAR_RI;
    case Op::setcond: return SETCOND_RI;
    case Op::uaddo: return UADDO_RI;
    case Op::saddo: return SADDO_RI;
    case Op::usubo: return USUBO_RI;
    case Op::ssubo: return SSUBO_RI;
    default: return NSPECIAL;
    }
}
inline bool commutative(Op op) {
    return op == Op::add || op == Op::mul || op == Op::and_ || op == Op::or_ || op == Op::xor_ || op == Op::uaddo ||
           op == Op::saddo;
}

// The handler addresses of the dispatch loop, exported once by exec().
struct Tables {
    const void* const* ops;
    const void* const* special;
};
const Tables& tables();

}  // namespace tessera::interp::detail
