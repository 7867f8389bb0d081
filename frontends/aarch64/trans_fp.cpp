// Scalar floating point: data processing, compares, conditional select, conversions
// between FP and integer, FMOV. (Placeholder: the group's table comes with its handlers.)
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {
const std::span<const Pattern> kFpPatterns{};
}  // namespace tessera::aarch64
