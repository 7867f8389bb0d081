// What the device fuzzers share: reading the fuzzer's bytes as a stream of small decisions,
// and picking register offsets (often the interesting ones) and access sizes (bad ones too).
#pragma once
#include <cstddef>
#include <cstdint>

namespace tessera::fuzz {

struct Input {
    const uint8_t* p;
    size_t n;
    bool empty() const { return n == 0; }
    uint8_t u8() {
        if (!n) return 0;
        n--;
        return *p++;
    }
    uint64_t uN(unsigned bytes) {
        uint64_t v = 0;
        for (unsigned i = 0; i < bytes; i++) v |= uint64_t(u8()) << (8 * i);
        return v;
    }
};

// Mostly one of `hot`, else anywhere in the region, else any 64-bit offset.
inline uint64_t pick_offset(Input& in, const uint64_t* hot, size_t nhot, uint64_t region) {
    uint8_t mode = in.u8();
    if (mode < 160) return hot[mode % nhot];
    if (mode < 250) return in.uN(4) % region;
    return in.uN(8);
}

inline unsigned pick_size(Input& in) {
    static const unsigned kSizes[] = {1, 2, 4, 8, 4, 4, 1, 8, 0, 3, 16, 5};
    return kSizes[in.u8() % 12];
}

}  // namespace tessera::fuzz
