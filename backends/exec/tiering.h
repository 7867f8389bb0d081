// Background compilation for tiered execution: hot blocks are copied into a queue, a
// worker thread compiles them with LLVM, and the vCPU thread installs the results
// between blocks. The worker never touches a TB, so flushes cannot race with it.
#pragma once
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "backends/exec/tb.h"
#include "backends/llvm/jit.h"

namespace tessera {

// Host CPU time the calling thread has used.
inline uint64_t thread_cpu_ns() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

class BackgroundCompiler {
public:
    // The LLVM engine is created on the worker thread, so start-up never waits for it.
    // ready is set whenever a result is waiting (the vCPU's code_ready flag).
    // max_batch: blocks per LLVM module (more amortise LLVM's cost per module; fewer give
    // each result sooner). drop_stale: hand back jobs that waited too long (tiering).
    BackgroundCompiler(const Vcpu& layout_cpu, bool keep_ir, bool keep_asm, std::atomic<bool>* ready,
                       bool count_accesses = false, size_t max_batch = 8, bool drop_stale = true);
    ~BackgroundCompiler();
    // Compiles members[0] together with the other members (a region): one function with an
    // entry per member (CompiledBlock::entries, in members' order).
    // Among queued jobs the lowest rank goes first, the newest among equals.
    // blocks: the members' IR, in the same order.
    void enqueue(const std::vector<TB*>& members, std::vector<ir::Block> blocks, uint64_t epoch,
                 const std::vector<jit::ChainInfo>& chains, unsigned rank = 0);
    struct Result {
        std::vector<TB*> members;
        uint64_t epoch;
        jit::CompiledBlock code;
        bool dropped = false;  // went stale in the queue, not compiled: count the members again
    };
    // Finished compilations, oldest first (vCPU thread).
    std::vector<Result> take_done();
    bool has_done() const { return done_count_.load(std::memory_order_relaxed) != 0; }
    size_t queued();
    // The job headed by head is still hot while it waits: it becomes the newest job.
    void promote(const TB* head);
    // Where the job headed by tb stands. Queued: it is taken out of the queue (the caller
    // compiles tb itself). Compiling: wait_compiled(tb), then take_done().
    enum class Claim { Queued, Compiling, Done, None };
    Claim claim(const TB* tb);
    void wait_compiled(const TB* tb);
    // Jobs handed back uncompiled because they went stale in the queue.
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    // Host CPU time the compiler thread has used, for -d stats.
    uint64_t cpu_ns() const { return cpu_ns_.load(std::memory_order_relaxed); }
    // The engine, once the worker has created it (results exist only after that).
    jit::Jit* jit() const { return jit_ready_.load(std::memory_order_acquire); }

private:
    void worker();
    // A job queued longer than this is dropped; its blocks are counted again, and queued
    // again if they are still hot. Boot code turns hot in waves and moves on: compiling
    // the backlog in order kept the compiler busy with code that no longer ran. Measured:
    // 10 ms cost strings 6% (still-hot jobs dropped and requeued while a batch compiled).
    static constexpr uint64_t kStaleNs = 50'000'000;
    struct Job {
        std::vector<TB*> members;
        uint64_t epoch;
        uint64_t queued_ns;
        unsigned rank;
        std::vector<ir::Block> blocks;
        std::vector<jit::ChainInfo> chains;
    };
    const Vcpu& layout_cpu_;
    std::unique_ptr<jit::Jit> jit_;
    std::atomic<jit::Jit*> jit_ready_{nullptr};
    bool keep_ir_, keep_asm_;
    bool count_accesses_;
    size_t max_batch_;
    bool drop_stale_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::condition_variable batch_done_;
    std::vector<const TB*> compiling_;  // heads of the batch being compiled
    std::deque<Job> jobs_;
    std::vector<Result> done_;
    std::atomic<size_t> done_count_{0};
    std::atomic<uint64_t> dropped_{0};
    std::atomic<uint64_t> cpu_ns_{0};
    std::atomic<bool>* ready_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace tessera
