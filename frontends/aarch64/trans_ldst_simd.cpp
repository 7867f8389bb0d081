// Loads and stores of SIMD&FP registers: single registers and pairs of every addressing
// mode, and the structure loads and stores (LD1-LD4, ST1-ST4, LD1R-LD4R, single lanes).
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {
const std::span<const Pattern> kLoadStoreSimdPatterns{};
}  // namespace tessera::aarch64
