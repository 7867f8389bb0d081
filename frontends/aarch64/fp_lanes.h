// Lanes of a 128-bit SIMD&FP register held as two 64-bit words (element size log2 esz:
// 1 H, 2 S, 3 D), for the AdvSIMD FP helpers. Indexes are masked to the register.
#pragma once
#include <cstdint>

namespace tessera::aarch64 {

inline uint64_t lane(const uint64_t* v, unsigned e, unsigned esz) {
    if (esz == 3) return v[e & 1];
    if (esz == 2) return uint32_t(v[(e >> 1) & 1] >> (32 * (e & 1)));
    return uint16_t(v[(e >> 2) & 1] >> (16 * (e & 3)));
}
inline void set_lane(uint64_t* v, unsigned e, unsigned esz, uint64_t x) {
    const unsigned bits = 8u << esz, per = 64 / bits, sh = bits * (e % per);
    const uint64_t mask = (bits == 64 ? ~0ull : (1ull << bits) - 1) << sh;
    uint64_t& w = v[(e / per) & 1];
    w = (w & ~mask) | ((x << sh) & mask);
}

}  // namespace tessera::aarch64
