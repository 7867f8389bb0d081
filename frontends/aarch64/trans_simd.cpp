// AdvSIMD integer: copies, permutes, modified immediates, arithmetic, compares, shifts,
// reductions, table lookups. (Placeholder: the group's table comes with its handlers.)
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {
const std::span<const Pattern> kSimdPatterns{};
}  // namespace tessera::aarch64
