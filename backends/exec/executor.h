// The execution loop shared by the executors: find or translate the block for the
// current pc, follow chains, run it in the interpreter or as JIT code, take exceptions
// and interrupts at block boundaries.
#pragma once
#include <array>
#include <cstdint>
#include <memory>

#include "backends/exec/page_set.h"
#include "backends/exec/tb_cache.h"
#include "backends/llvm/jit.h"
#include "softmmu/vcpu.h"

namespace tessera {

namespace jit {
class Jit;
}
namespace x64 {
class Baseline;
}
class BackgroundCompiler;
class Lockstep;

enum class ExecMode { Interp, Jit, Tiered, Lockstep };
const char* exec_mode_name(ExecMode m);
bool parse_exec_mode(const std::string& s, ExecMode* out);

// A quarter of the host's mapping limit, at the mappings an LLVM module takes.
uint64_t default_max_compiled_batches();

struct ExecOptions {
    ExecMode mode = ExecMode::Interp;
    uint32_t hot_threshold = 64;        // tiered: executions before a block is compiled, at least...
    uint64_t hot_insns = 100000;        // ...and enough that it ran this many guest instructions
    uint32_t region_blocks = 8;         // tiered: blocks compiled together (1: no regions)
    bool count_accesses = false;        // compiled code counts loads and stores (always in lockstep)
    bool compile_ahead = true;          // jit without baseline: a second thread compiles successors ahead
    // The baseline x86-64 code generator (backends/x64). jit: it compiles every block first,
    // LLVM recompiles hot regions on a second thread. tiered: blocks start in the interpreter,
    // turn to baseline code when warm, to LLVM when hot. lockstep: it checks the baseline
    // code instead of LLVM's.
    bool baseline = false;
    // tiered with the baseline: interpreted runs before a block gets baseline code. Measured
    // on OpenSBI + U-Boot to the prompt (15 rounds each): 1 run 87 ms, 4 runs 76 ms, 16 to
    // 256 runs 72 ms, never 89 ms. Code run a few times is cheaper to interpret than to compile.
    uint32_t warm_runs = 16;
    uint64_t max_compiled_bytes = 256ull << 20;  // LLVM code cache bound: flush everything beyond it
    // LLVM modules alive at once: each holds a few host mappings, and a process has a limited
    // number (vm.max_map_count). Beyond it, everything is flushed too.
    uint64_t max_compiled_batches = default_max_compiled_batches();
    uint64_t baseline_bytes = 64ull << 20;       // the baseline's code buffer: flushed when nearly full
    // run() returns after the loop has run this many blocks (0: no limit). Blocks chained by
    // compiled code are not counted, so it bounds interp and lockstep runs (fuzzing).
    uint64_t max_blocks = 0;
};

struct ExecStats {
    uint64_t blocks_executed = 0, jit_blocks_executed = 0, chained = 0, lookups = 0, exceptions = 0,
             interrupts = 0, flushes = 0, lockstep_blocks = 0;
    uint64_t jump_cache_hits = 0, pc_cache_clears = 0;  // lookups answered by the jump cache; TLB-driven clears
    uint64_t ir_remade = 0, ir_remake_refused = 0;  // tiered: blocks translated again for LLVM (Executor::block_ir)
};

class Executor {
public:
    Executor(Vcpu& cpu, TbCache& cache, ExecOptions opts = {});
    ~Executor();
    // Runs blocks until the CPU halts (WFI), another thread kicks it, or a stop is requested.
    void run();
    // Runs one guest instruction for a debugger (no interrupt is taken first). A debugger stop
    // (a watchpoint) leaves cpu.debug_exit set, as run() does.
    void step();
    // Drop every translation (between blocks only).
    void flush();
    void print_stats(FILE* out);
    ExecStats stats;
    // Lockstep found a divergence: the report was printed and the guest stopped.
    bool diverged() const;

private:
    TB* lookup();
    // ahead: a successor translated before it runs (not compiled here; no guest-visible effect).
    TB* translate(uint64_t pc, uint64_t phys_pc, const TbMode& mode, bool ahead = false);
    // jit: tb's code, compiled now unless the second thread has it (or is about to).
    jit::BlockFn ensure_compiled(TB* tb);
    void compile_successors_ahead(TB* tb, unsigned depth);
    // Runs tb (and, for compiled code, whatever it chains to); tb becomes the block that returned.
    int execute(TB*& tb);
    void install_compiled();
    void compile_now(TB* tb);
    bool compile_baseline(TB* tb);  // false: the block needs LLVM
    jit::Jit& own_jit();            // created on first use
    int64_t enter(jit::BlockFn fn);
    bool llvm_cache_full() const;
    uint32_t hot_count(const TB& tb) const;
    uint32_t first_count(const TB& tb) const;
    bool warm_up(TB* tb);
    void hot_from_baseline(TB* tb);
    jit::ChainInfo chain_info(TB* tb);
    void enqueue_region(TB* head);
    bool keeps_ir() const;
    bool block_ir(TB* tb, ir::Block& out);
    void clear_ibc();
    void forget_flushed_pages();
    void remember_indirect(uint64_t pc, const TbMode& mode, TB* tb);
    bool exit_requested() const;
    // A debugger stop is pending: clear the exception it travelled as; run() returns.
    bool debug_stop();
    bool out_of_blocks() const { return opts_.max_blocks && stats.blocks_executed >= opts_.max_blocks; }

    Vcpu& cpu_;
    TbCache& cache_;
    ExecOptions opts_;
    // translate() builds and optimises each block here, then keeps an exact-size copy: the
    // vectors' capacity stays, so a translation allocates no growing arrays.
    ir::Block scratch_;
    std::unique_ptr<jit::Jit> own_jit_;  // jit and lockstep modes
    std::unique_ptr<x64::Baseline> baseline_;  // jit and lockstep with opts_.baseline
    jit::Jit* jit_ = nullptr;            // the engine in use (tiered: the compiler's, once it exists)
    std::unique_ptr<BackgroundCompiler> compiler_;  // tiered: hot code; jit: successors ahead
    uint64_t ahead_used_ = 0;  // jit: blocks whose code came from the second thread
    std::unique_ptr<Lockstep> lockstep_;
    bool llvm_grew_ = false;  // LLVM code was added since the cache bound was last checked
    uint64_t epoch_ = 0;  // bumped by flush(): compile results from before it are dropped
    // Virtual-pc lookup cache in front of the block table; dropped when mappings change.
    struct JumpEntry {
        uint64_t pc;
        TbMode mode;
        TB* tb;
        uint64_t context;  // Vcpu::context_of(pc) when it was filled
    };
    static constexpr unsigned JC_SIZE = 32768;
    std::array<JumpEntry, JC_SIZE> jc_{};
    uint64_t jc_tlb_gen_ = 0;
    // The slots of both caches filled since they were last cleared, so that a TLB flush (every
    // context switch: the TLB has no ASID tags) clears what was used, not 1.5 MiB of caches.
    // Past kFilledLog entries the next clear is a whole one.
    static constexpr size_t kFilledLog = 4096;
    std::vector<uint32_t> jc_filled_, ibc_filled_;
    void note_filled(std::vector<uint32_t>& log, uint32_t slot) {
        if (log.size() <= kFilledLog) log.push_back(slot);
    }
    // Forgets every virtual pc: both caches cleared (the used slots only, when known).
    void forget_pcs();
    void forget_ibc();  // the indirect branch cache's used slots
    // t was invalidated: its jump and indirect branch cache slots stop pointing at it.
    void forget_block(TB* t);
    // Virtual pages the two caches may hold entries for: a TLBI of any other page (most are
    // data pages) costs no scan of them.
    PageSet cached_pages_;
    // Indirect branch cache read by compiled code (jalr-style exits).
    static constexpr unsigned IBC_SIZE = 16384;
    std::unique_ptr<jit::IbcEntry[]> ibc_;
};

}  // namespace tessera
