// The baseline code generator: a block's interpreter plan (interp::Code: operand placement,
// immediate forms, fused W ops) turned into x86-64 machine code in microseconds, one
// template per op, every temp in its frame slot. exec=jit runs it for every block first,
// exec=tiered for blocks that turned warm in the interpreter; LLVM recompiles the code that
// turns hot. Its code follows the JIT's contract (jit::BlockFn:
// preserve_none, env in r12, same exit codes, chains and branch cache), so baseline and
// LLVM blocks chain to each other freely.
#pragma once
#include <cstdint>
#include <string>

#include "backends/interp/interp.h"
#include "backends/llvm/jit.h"
#include "backends/x64/code_buffer.h"
#include "softmmu/vcpu.h"

namespace tessera::x64 {

// Whether fastfp's fused kinds use the host's FMA3 instructions (else a call): detected at
// start-up; a test may turn it off to reach the other path.
extern bool g_host_fma;

// The shared TLB-miss paths block code calls (Baseline::miss_thunk).
struct MissThunks {
    const uint8_t* load = nullptr;
    const uint8_t* store = nullptr;
};

struct BaselineStats {
    uint64_t blocks = 0, bytes = 0, ns = 0, unsupported = 0;
};

class Baseline {
public:
    // layout_cpu: any vCPU of the kind that will run the code, to read field offsets.
    // Throws std::runtime_error if executable memory cannot be mapped.
    // count_accesses: code adds its loads and stores to Vcpu::mem_accesses (-d stats, lockstep).
    explicit Baseline(const Vcpu& layout_cpu, size_t buffer_bytes = size_t(64) << 20, bool count_accesses = true);
    // The code of one block, or nullptr when an op has no template here (types wider than
    // 64 bits) or the buffer is full: the caller compiles the block another way.
    // chain: where exits may continue without returning (null: always return).
    // count_hot: each entry counts code.entries up to code.hot (when non-zero); reaching it
    // returns to the executor (EXIT_NOCHAIN, pc at the block) before anything runs.
    // asm_text: the host code, disassembled, when asked for.
    jit::BlockFn compile(const interp::Code& code, const jit::ChainInfo* chain, bool count_hot,
                         std::string* asm_text = nullptr);
    // Less room left than a large block may need: flush, then reset(). (A block that still
    // does not fit gets no baseline code, and is compiled another way.)
    bool nearly_full() const { return buffer_.free_bytes() < reserve_; }
    // Forgets all code (none of it may be running or referenced any more).
    void reset() { buffer_.reset_to(reserved_); }
    size_t bytes_used() const { return buffer_.used(); }
    // Runs code (a C-convention trampoline into preserve_none code).
    int64_t enter(jit::BlockFn fn, Vcpu* env) const { return enter_(env, fn); }
    BaselineStats stats() const { return stats_; }

private:
    const uint8_t* miss_thunk(bool is_store);

    CodeLayout lay_;
    CodeBuffer buffer_;
    MissThunks thunks_;
    int64_t (*enter_)(Vcpu*, jit::BlockFn) = nullptr;
    BaselineStats stats_;
    size_t reserved_ = 0;  // the enter trampoline, kept across resets
    size_t reserve_;       // room kept free: 1 MiB, or a quarter of a small buffer
    bool perf_map_ = false;  // -perfmap: list every block
    bool count_accesses_;
};

}  // namespace tessera::x64
