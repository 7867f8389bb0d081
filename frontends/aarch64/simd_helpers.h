// The AdvSIMD integer helpers of simd_helpers.cpp: one per encoding group, C names (the same
// in the native code and in the embedded bitcode), and the descriptor translated code passes
// them. The descriptor is a constant of the instruction, so once the LLVM tier has inlined a
// helper, the group's switch folds away to the instruction's own loop.
#pragma once
#include <cstdint>

namespace tessera::aarch64::simd {

// Register numbers, element size, Q, U, the group's opcode, scalar form, and up to two small
// immediates (shift amount, element index, register count).
struct Desc {
    unsigned d, n, m, size, q, u, op, scalar, imm, imm2;
};
constexpr uint64_t pack(const Desc& x) {
    return uint64_t(x.d) | uint64_t(x.n) << 5 | uint64_t(x.m) << 10 | uint64_t(x.size) << 15 | uint64_t(x.q) << 17 |
           uint64_t(x.u) << 18 | uint64_t(x.op) << 19 | uint64_t(x.scalar) << 25 | uint64_t(x.imm) << 26 |
           uint64_t(x.imm2) << 34;
}
constexpr Desc unpack(uint64_t v) {
    return Desc{unsigned(v) & 31,        unsigned(v >> 5) & 31, unsigned(v >> 10) & 31, unsigned(v >> 15) & 3,
                unsigned(v >> 17) & 1,   unsigned(v >> 18) & 1, unsigned(v >> 19) & 63, unsigned(v >> 25) & 1,
                unsigned(v >> 26) & 255, unsigned(v >> 34) & 255};
}

}  // namespace tessera::aarch64::simd

// Groups (the ARM ARM's names): three same, three different, two-register miscellaneous,
// across lanes, permute (ZIP/UZP/TRN), table lookup, shift by immediate, by element, and the
// (de)interleaving of structure loads and stores through Aarch64Cpu::ldst_buf.
#define TESSERA_A64_SIMD_HELPERS(X) \
    X(three_same) X(three_diff) X(misc) X(across) X(permute) X(tbl) X(shift_imm) X(by_elem) X(ldst_struct)

extern "C" {
#define TESSERA_DECLARE(g) uint64_t tessera_a64_simd_##g(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t c);
TESSERA_A64_SIMD_HELPERS(TESSERA_DECLARE)
#undef TESSERA_DECLARE
}
