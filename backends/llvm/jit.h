// Tier 1: lowers IR blocks to LLVM IR and compiles them with LLVM ORC (LLJIT).
// The lowering is generated from ir/ops.def like the interpreter, so both executors
// implement the same op table; guest state is reached through the env pointer.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "softmmu/vcpu.h"

// The TLB slow paths every compiled code calls (LLVM's and the baseline's): a guest load or
// store at va of size bytes under mmu index idx (slow_idx), through Vcpu::load_slow/store_slow.
extern "C" uint64_t tessera_jit_load_slow(tessera::Vcpu* env, uint64_t va, uint64_t size, uint64_t idx);
extern "C" void tessera_jit_store_slow(tessera::Vcpu* env, uint64_t va, uint64_t size, uint64_t val, uint64_t idx);

namespace tessera::jit {

// A compiled block: same contract as interp::run (chain slot, EXIT_NOCHAIN, EXIT_EXCEPTION).
// Blocks use LLVM's preserve_none convention (no callee-saved registers, so chaining from
// block to block saves and restores nothing); C++ must enter them through Jit::enter().
using BlockFn = int64_t (*)(Vcpu* env);

struct CompiledBlock {
    BlockFn fn = nullptr;
    std::string llvm_ir;   // kept when requested (-d llvm, lockstep reports)
    std::string host_asm;  // kept when requested (-d out_asm)
    uint64_t code_bytes = 0;
    void* handle = nullptr;  // the batch's shared ORC resource tracker
    // A region's entry points, one per member (entries[0] == fn). The code is shared: hand
    // each member its own copy via share_entry(); every copy is released on its own.
    std::vector<BlockFn> entries;
};

// The per-vCPU indirect branch cache compiled code consults for jalr-style exits.
using tessera::IbcEntry;

// Where a block's compiled exits may continue without returning to the executor.
struct ChainInfo {
    BlockFn* jit_chain = nullptr;  // the block's two direct-exit slots (TB::jit_chain)
    const IbcEntry* ibc = nullptr;  // nullptr: indirect exits return (the block's TbMode::extra is not 0)
    uint32_t ibc_mask = 0;
    uint8_t ibc_shift = 0;         // the CPU's insn_align_bits
    uint64_t flags = 0;            // the block's TbMode::flags (an indirect exit keeps them)
    const void* block = nullptr;   // stored into Vcpu::last_block by every return to the executor
    const bool* valid = nullptr;   // the block's TB::valid: a region enters it only while set
};

struct JitStats {
    uint64_t blocks_compiled = 0, code_bytes = 0, compile_ns = 0, freed = 0;
    // What is still allocated: object bytes, and LLVM modules (each costs host mappings).
    uint64_t live_bytes = 0, live_batches = 0;
};

// Host machine code as text, one instruction per line (-d out_asm).
std::string disassemble_host(const uint8_t* code, size_t n);

// -perfmap: every compiled block is listed in /tmp/perf-<pid>.map, so `perf report`
// names the guest pc of JIT code. Call before compiling anything.
void enable_perf_map();
bool perf_map_enabled();
// One more map line: code made elsewhere (the baseline code generator).
void perf_map_add(const void* start, size_t size, const std::string& name);

class Jit {
public:
    // env_layout_cpu: any vCPU of the kind that will run the code, to read field offsets.
    // count_accesses: compiled code adds its loads and stores to Vcpu::mem_accesses.
    // helper_bitcode: helpers that come with bitcode are linked in and inlined (else called).
    explicit Jit(const Vcpu& env_layout_cpu, bool count_accesses = false, bool helper_bitcode = true);
    ~Jit();
    Jit(const Jit&) = delete;
    Jit& operator=(const Jit&) = delete;

    // Thread-safe: may run on a background compile thread. Throws std::runtime_error if
    // LLVM fails (a bug, not a guest error).
    // chain: nullptr for a block that must always return to the executor (lockstep).
    CompiledBlock compile(const ir::Block& b, bool keep_ir, bool keep_asm, const ChainInfo* chain = nullptr);
    // A region: several blocks of one guest page in one function, blocks[0] first. Direct
    // exits between members become branches inside the function, so LLVM can keep values in
    // host registers around loops. chains[i] describes blocks[i].
    struct Region {
        std::vector<const ir::Block*> blocks;
        std::vector<ChainInfo> chains;
    };
    // Several regions in one LLVM module: LLVM's fixed cost per module (pass set-up, code
    // generation pipeline, linking) is paid once. Each result can be released on its own;
    // the memory goes when the last of the batch is released. With keep_asm, host_asm is
    // the text of the whole batch.
    std::vector<CompiledBlock> compile_batch(const std::vector<Region>& regions, bool keep_ir, bool keep_asm);
    // Runs compiled code (through a C-convention trampoline owned by this engine).
    int64_t enter(BlockFn fn, Vcpu* env) const { return enter_(env, fn); }
    // Frees the code of a block that can no longer run (once every sharer released it).
    void release(CompiledBlock& cb);
    // The copy of region code for member k (k >= 1): same code, its own entry and release.
    static CompiledBlock share_entry(const CompiledBlock& region, size_t k);
    // Releases a region result nobody will run: its own share and every member's.
    void release_unused(CompiledBlock& region);
    JitStats stats() const;

private:
    int64_t (*enter_)(Vcpu*, BlockFn) = nullptr;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::jit
