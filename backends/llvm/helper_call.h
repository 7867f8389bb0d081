// Helper calls in LLVM code: the call with the memory attributes of the helper's effect
// class, and the linking of helper bitcode into a module so the calls can be inlined.
#pragma once
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <vector>

#include "ir/ir.h"

namespace tessera::jit {

// Calls h with (env, a, b, c, d). A helper with bitcode is called by its bitcode symbol
// when use_bitcode (link_helper_bitcode must then run on the module before it is compiled),
// else through its native address.
llvm::Value* emit_helper_call(llvm::IRBuilder<>& b, llvm::Module& m, const ir::Helper& h,
                              llvm::ArrayRef<llvm::Value*> args, bool use_bitcode);

// The bitcode libraries the calls of these blocks need.
std::vector<const ir::HelperBitcode*> helper_bitcode_used(const std::vector<const ir::Block*>& blocks);

// Links the functions m calls from lib into m (only those, and what they call), internal and
// always inlined. What the linked code still calls must be defined in the JIT (lib.externs).
void link_helper_bitcode(llvm::Module& m, const ir::HelperBitcode& lib);

}  // namespace tessera::jit
