// Encoding of the h_amo / h_lr / h_sc helper descriptor.
#pragma once
#include <cstdint>

namespace tessera::riscv {

enum class AmoOp : uint8_t { Swap, Add, Xor, And, Or, Min, Max, MinU, MaxU };

constexpr uint64_t amo_desc(AmoOp op, unsigned bytes, unsigned mmu_idx) {
    return uint64_t(op) | uint64_t(bytes) << 8 | uint64_t(mmu_idx) << 16;
}

}  // namespace tessera::riscv
