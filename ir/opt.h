// IR-level clean-up run on every block before it reaches an executor: forwarding of
// CPU-state values within the block, constant folding, dead code and dead state stores.
#pragma once
#include "ir/ir.h"

namespace tessera::ir {

// Computes an op on constants exactly as ops.def defines it; false if op is not foldable.
bool fold_binary(Op op, Type t, uint64_t a, uint64_t b, uint64_t* out);
// The same for mov, neg, not and the extensions (imm: the extension's width).
bool fold_unary(Op op, Type t, int64_t imm, uint64_t a, uint64_t* out);

void optimize(Block& b);

}  // namespace tessera::ir
