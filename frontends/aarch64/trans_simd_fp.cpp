// AdvSIMD floating point: vector and scalar-vector FP arithmetic, compares, conversions.
// (Placeholder: the group's table comes with its handlers.)
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {
const std::span<const Pattern> kSimdFpPatterns{};
}  // namespace tessera::aarch64
