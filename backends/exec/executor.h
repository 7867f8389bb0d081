// The TCG-style execution loop shared by the executors: find or translate the block for
// the current pc, follow chains, take exceptions and interrupts at block boundaries.
#pragma once
#include <array>
#include <cstdint>

#include "backends/exec/tb_cache.h"
#include "softmmu/vcpu.h"

namespace tessera {

enum class ExecMode { Interp };

struct ExecStats {
    uint64_t blocks_executed = 0, chained = 0, lookups = 0, exceptions = 0, interrupts = 0;
};

class Executor {
public:
    Executor(Vcpu& cpu, TbCache& cache);
    // Runs blocks until the CPU halts (WFI), another thread kicks it, or a stop is requested.
    void run();
    ExecStats stats;

private:
    TB* lookup();
    TB* translate(uint64_t phys_pc, uint32_t flags);
    void log_block(const TB& tb);

    Vcpu& cpu_;
    TbCache& cache_;
    // Virtual-pc lookup cache in front of the block table; dropped when mappings change.
    struct JumpEntry {
        uint64_t pc;
        uint32_t flags;
        TB* tb;
    };
    static constexpr unsigned JC_SIZE = 4096;
    std::array<JumpEntry, JC_SIZE> jc_{};
    uint64_t jc_cache_flushes_ = 0, jc_tlb_gen_ = 0;
};

}  // namespace tessera
