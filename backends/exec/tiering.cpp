#include "backends/exec/tiering.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

namespace tessera {

BackgroundCompiler::BackgroundCompiler(const Vcpu& layout_cpu, bool keep_ir, bool keep_asm, std::atomic<bool>* ready,
                                       bool count_accesses)
    : layout_cpu_(layout_cpu), keep_ir_(keep_ir), keep_asm_(keep_asm), count_accesses_(count_accesses), ready_(ready),
      thread_([this] { worker(); }) {}

BackgroundCompiler::~BackgroundCompiler() {
    {
        std::lock_guard<std::mutex> g(mu_);
        stop_ = true;
        jobs_.clear();
    }
    cv_.notify_all();
    thread_.join();
    for (Result& r : done_) jit_->release_unused(r.code);  // results exist only if the engine does
}

void BackgroundCompiler::enqueue(const std::vector<TB*>& members, uint64_t epoch, const std::vector<jit::ChainInfo>& chains) {
    Job job{members, epoch, {}, chains};
    for (TB* m : members) job.blocks.push_back(m->ir);
    {
        std::lock_guard<std::mutex> g(mu_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

size_t BackgroundCompiler::queued() {
    std::lock_guard<std::mutex> g(mu_);
    return jobs_.size();
}

std::vector<BackgroundCompiler::Result> BackgroundCompiler::take_done() {
    std::lock_guard<std::mutex> g(mu_);
    std::vector<Result> out;
    out.swap(done_);
    done_count_.store(0, std::memory_order_relaxed);
    return out;
}

void BackgroundCompiler::worker() {
    // The guest never waits for the compiler, and gets the larger share of a core they
    // must share: nice 5 (weight about a third of the guest's). Not SCHED_IDLE: on one
    // core, or beside a busy process, an idle-class compiler never ran and a CPU-bound guest
    // stayed interpreted (crc32 on one core: 3.65 s idle-class, 0.95 s at nice 5).
    setpriority(PRIO_PROCESS, 0, 5);  // Linux: the calling thread's nice value
    for (;;) {
        // Everything queued (up to a bound) is compiled as one batch: LLVM's cost per module
        // is paid once, and hot blocks tend to turn hot together.
        std::vector<Job> batch;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [&] { return stop_ || !jobs_.empty(); });
            if (stop_) return;
            // -d out_asm: one job per object. Otherwise jobs up to kMaxBatch blocks in all.
            size_t blocks = 0;
            while (!jobs_.empty() && (batch.empty() || (!keep_asm_ && blocks + jobs_.front().blocks.size() <= kMaxBatch))) {
                blocks += jobs_.front().blocks.size();
                batch.push_back(std::move(jobs_.front()));
                jobs_.pop_front();
            }
        }
        if (!jit_) {  // only once something is hot: short runs never pay for LLVM's start-up
            jit_ = std::make_unique<jit::Jit>(layout_cpu_, count_accesses_);
            jit_ready_.store(jit_.get(), std::memory_order_release);
        }
        std::vector<jit::Jit::Region> regions;
        for (const Job& job : batch) {
            jit::Jit::Region r{{}, job.chains};
            for (const ir::Block& b : job.blocks) r.blocks.push_back(&b);
            regions.push_back(std::move(r));
        }
        std::vector<jit::CompiledBlock> code;
        try {
            code = jit_->compile_batch(regions, keep_ir_, keep_asm_);
        } catch (const std::exception& e) {
            fprintf(stderr, "tessera: background compile failed, blocks stay interpreted: %s\n", e.what());
            continue;
        }
        std::lock_guard<std::mutex> g(mu_);
        if (stop_) {
            for (jit::CompiledBlock& c : code) jit_->release_unused(c);
            return;
        }
        for (size_t k = 0; k < batch.size(); k++) done_.push_back(Result{batch[k].members, batch[k].epoch, std::move(code[k])});
        done_count_.store(done_.size(), std::memory_order_relaxed);
        ready_->store(true, std::memory_order_release);
    }
}

}  // namespace tessera
