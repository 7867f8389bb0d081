// A64 decoding: tables of bit-pattern strings (frontends/common/decode_pattern.h), one per
// instruction group, each next to the handlers it names (trans_*.cpp); decode.cpp joins them.
// Handlers read their fields from the instruction word (fields.h style accessors below).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "frontends/common/decode_pattern.h"

namespace tessera::aarch64 {

struct Ctx;
using Handler = bool (*)(Ctx&, uint32_t insn);

struct Pattern {
    const char* name;
    const char* bits;  // 32 characters of 0, 1 and field letters (documentation), MSB first
    uint32_t mask, match;
    uint8_t width;
    Handler handler;
};

consteval Pattern pattern(const char* name, const char* bits, Handler h) {
    const auto e = decode::parse<uint32_t>(bits);
    if (e.width != 32) throw "A64 pattern: not 32 bits";
    return {name, bits, e.mask, e.match, 32, h};
}

// The groups' tables (each checked unambiguous where it is defined; decode.cpp checks them
// together at start-up and the unit tests do too).
extern const std::span<const Pattern> kBranchPatterns, kSystemPatterns, kDataPatterns, kLoadStorePatterns,
    kLoadStoreSimdPatterns, kSimdPatterns, kSimdFpPatterns, kFpPatterns;

// All patterns, in priority order (groups do not overlap).
std::span<const Pattern> patterns();
// The entry for an instruction word, or nullptr (unallocated or not implemented: UNDEFINED).
const Pattern* decode(uint32_t insn);

// Fields every group uses.
constexpr unsigned bits(uint32_t w, unsigned hi, unsigned lo) { return (w >> lo) & ((1u << (hi - lo + 1)) - 1); }
constexpr unsigned rd(uint32_t w) { return w & 31; }
constexpr unsigned rn(uint32_t w) { return (w >> 5) & 31; }
constexpr unsigned rm(uint32_t w) { return (w >> 16) & 31; }
constexpr unsigned rt2(uint32_t w) { return (w >> 10) & 31; }
constexpr bool sf(uint32_t w) { return (w >> 31) & 1; }
constexpr int64_t sext(uint64_t v, unsigned width) { return int64_t(v << (64 - width)) >> (64 - width); }

}  // namespace tessera::aarch64
