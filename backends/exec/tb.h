// A translation block: guest code at one physical pc in one mode, lifted to IR and
// prepared for the executors.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "backends/llvm/jit.h"
#include "ir/ir.h"

namespace tessera {

namespace interp {
struct Code;
}

// A block is its guest-physical code, the virtual pc it runs at (translated code holds
// absolute guest addresses: branch targets, return addresses, adr), and the mode.
struct TbKey {
    uint64_t phys_pc;
    uint64_t pc;
    TbMode mode;
    bool operator==(const TbKey&) const = default;
};

struct TB {
    TbKey key;
    uint64_t pc;             // virtual pc it was translated at
    uint64_t page2 = ~0ull;  // second physical code page, if the block straddles
    uint32_t guest_insns = 0;
    bool valid = true;
    bool queued = false;           // tiered: waiting to be compiled (a region's head or member)
    bool ran = false;              // jit: has run (its code was needed)
    uint8_t ahead_depth = 0xff;    // jit: its successors were queued ahead from this depth
    TB* chain[ir::kChainSlots] = {};  // direct successors, same virtual page only
    // The successors' JIT code, read by this block's compiled exits to tail-call them.
    jit::BlockFn jit_chain[ir::kChainSlots] = {};
    // Blocks chaining to this one (block, slot): unlinked when this one is invalidated.
    std::vector<std::pair<TB*, int>> incoming;
    ir::Block ir;
    std::unique_ptr<interp::Code> code;
    // Tier 1 code, installed atomically by the vCPU thread when the compiler delivers it.
    std::atomic<jit::BlockFn> jit_fn{nullptr};
    jit::CompiledBlock compiled;
    jit::Jit* jit_owner = nullptr;
    // An invalidated block's code, IR and links go as soon as nothing can be running it
    // (between blocks); the TB itself stays until the next flush, as pointers to it remain.
    void drop_code();
    ~TB();
};

}  // namespace tessera
