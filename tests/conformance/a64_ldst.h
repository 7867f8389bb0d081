// The A64 load/store encodings as the generator needs them: where an access goes (base,
// offset or index, writeback) and how many bytes it covers, read from the word by the
// architecture's encoding index (Arm ARM C4.1.66, "Loads and Stores"), so SIMD&FP forms are
// understood as soon as the decode tables hold them. Whether a particular word is allocated
// is not decided here: Tessera's handler says so (A64Effects).
#pragma once
#include <cstdint>

namespace tessera::conformance::a64 {

enum class LsKind : uint8_t {
    Literal,     // LDR (literal), LDRSW, PRFM, LDR Sn/Dn/Qn (literal): pc-relative imm19
    Single,      // one register: unsigned offset, imm9 (unscaled, pre, post, unprivileged), register
    Pair,        // LDP/STP/LDNP/STNP/LDPSW (X, W and SIMD&FP)
    Exclusive,   // LDXR/STXR/LDAR/STLR and the pairs: address = Rn, no offset
    SimdMulti,   // LD1-LD4/ST1-ST4 (multiple structures)
    SimdSingle,  // LD1-LD4/ST1-ST4 (single structure), LD1R-LD4R
};

enum class LsOffset : uint8_t { None, Imm19, Uimm12, Imm9, Imm7, Reg, PostReg };

struct LdSt {
    LsKind kind;
    LsOffset offset;
    bool vector = false;     // V = 1: Rt (and Rt2) are SIMD&FP registers
    bool load = false;
    bool writeback = false;  // Rn is updated (pre- or post-index)
    bool post = false;       // the access is at Rn, the update after it
    unsigned scale = 0;      // bytes one unit of an immediate offset stands for
    unsigned total = 0;      // bytes accessed (an upper bound when the word is unallocated)
};

// False when the word is not in the load/store group, or is a load/store the harness does
// not know how to aim (LSE atomics, RCpc, pointer authentication, memory tagging).
bool analyse_ldst(uint32_t w, LdSt* out);
inline bool is_ldst_group(uint32_t w) { return ((w >> 25) & 5) == 4; }  // op0 = x1x0

// Architectural field positions.
inline uint32_t set_bits(uint32_t w, unsigned hi, unsigned lo, uint64_t v) {
    const uint32_t m = uint32_t(((1ull << (hi - lo + 1)) - 1) << lo);
    return (w & ~m) | (uint32_t(v << lo) & m);
}
inline unsigned field(uint32_t w, unsigned hi, unsigned lo) { return (w >> lo) & ((1u << (hi - lo + 1)) - 1); }
inline int64_t sfield(uint32_t w, unsigned hi, unsigned lo) {
    const unsigned n = hi - lo + 1;
    return int64_t(uint64_t(field(w, hi, lo)) << (64 - n)) >> (64 - n);
}

}  // namespace tessera::conformance::a64
