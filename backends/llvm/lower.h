// IR block -> LLVM module with one function `int64_t name(ptr env)`.
#pragma once
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <memory>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "softmmu/vcpu.h"

namespace tessera::jit {

// Where the executor-visible fields live inside the CPU object.
struct EnvLayout : CodeLayout {
    bool count_accesses = false;  // maintain mem_accesses (it costs loops a register)
    // TLB-miss paths: JIT-made preserve_most trampolines into tessera_jit_{load,store}_slow,
    // so a miss costs the hot path no caller-saved spills (0: call the C functions).
    uint64_t load_slow = 0, store_slow = 0;
    // Helpers with bitcode are called by symbol, to be linked and inlined (helper_call.h);
    // off: every helper is called at its native address.
    bool helper_bitcode = true;
};
struct ChainInfo;

// Adds to m one function `name`: blocks[0] is the entry; chains (one per block) may be
// null for code that always returns. A region of several blocks also gets one entry trampoline
// per other member, `name_e<k>`, which starts the function at blocks[k].
void lower_region(const std::vector<const ir::Block*>& blocks, const EnvLayout& env, llvm::Module& m,
                  const std::string& name, const std::vector<ChainInfo>* chains);

}  // namespace tessera::jit
