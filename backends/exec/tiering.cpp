#include "backends/exec/tiering.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>

namespace tessera {

namespace {
uint64_t now_ns() {
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
}  // namespace

BackgroundCompiler::BackgroundCompiler(const Vcpu& layout_cpu, bool keep_ir, bool keep_asm, std::atomic<bool>* ready,
                                       bool count_accesses, size_t max_batch, bool drop_stale)
    : layout_cpu_(layout_cpu), keep_ir_(keep_ir), keep_asm_(keep_asm), count_accesses_(count_accesses),
      max_batch_(max_batch), drop_stale_(drop_stale), ready_(ready),
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

void BackgroundCompiler::enqueue(const std::vector<TB*>& members, std::vector<ir::Block> blocks, uint64_t epoch,
                                 const std::vector<jit::ChainInfo>& chains, unsigned rank) {
    Job job{members, epoch, now_ns(), rank, std::move(blocks), chains};
    {
        std::lock_guard<std::mutex> g(mu_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

void BackgroundCompiler::promote(const TB* head) {
    std::lock_guard<std::mutex> g(mu_);
    for (auto it = jobs_.begin(); it != jobs_.end(); ++it)
        if (it->members[0] == head) {
            Job job = std::move(*it);
            jobs_.erase(it);
            job.queued_ns = now_ns();
            jobs_.push_back(std::move(job));
            return;
        }
}

size_t BackgroundCompiler::queued() {
    std::lock_guard<std::mutex> g(mu_);
    return jobs_.size();
}

BackgroundCompiler::Claim BackgroundCompiler::claim(const TB* tb) {
    std::lock_guard<std::mutex> g(mu_);
    for (auto it = jobs_.begin(); it != jobs_.end(); ++it)
        if (it->members[0] == tb) {
            jobs_.erase(it);
            return Claim::Queued;
        }
    if (std::find(compiling_.begin(), compiling_.end(), tb) != compiling_.end()) return Claim::Compiling;
    for (const Result& r : done_)
        if (r.members[0] == tb) return Claim::Done;
    return Claim::None;
}

void BackgroundCompiler::wait_compiled(const TB* tb) {
    std::unique_lock<std::mutex> lk(mu_);
    batch_done_.wait(lk, [&] { return std::find(compiling_.begin(), compiling_.end(), tb) == compiling_.end(); });
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
        // The newest jobs first, several per batch (LLVM's cost per module is paid once, and
        // hot blocks tend to turn hot together): the code that turned hot last is the code
        // running now. Jobs gone stale are handed back uncompiled.
        std::vector<Job> batch, stale;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [&] { return stop_ || !jobs_.empty(); });
            if (stop_) return;
            uint64_t now = now_ns();
            size_t blocks = 0;  // -d out_asm: one job per object
            while (!jobs_.empty()) {
                // The next job: lowest rank, newest among equals (jobs_ is oldest first).
                auto next = std::prev(jobs_.end());
                for (auto it = jobs_.begin(); it != jobs_.end(); ++it)
                    if (it->rank < next->rank) next = it;
                for (auto it = std::next(next); it != jobs_.end(); ++it)
                    if (it->rank == next->rank) next = it;
                if (drop_stale_ && now - next->queued_ns > kStaleNs) {  // and so is everything before it
                    for (Job& j : jobs_) stale.push_back(std::move(j));
                    jobs_.clear();
                    break;
                }
                if (!batch.empty() && (keep_asm_ || blocks + next->blocks.size() > max_batch_)) break;
                blocks += next->blocks.size();
                batch.push_back(std::move(*next));
                jobs_.erase(next);
            }
            for (const Job& j : batch) compiling_.push_back(j.members[0]);
            for (Job& j : stale) done_.push_back(Result{std::move(j.members), j.epoch, {}, true});
            if (!stale.empty()) {
                dropped_ += stale.size();
                done_count_.store(done_.size(), std::memory_order_relaxed);
                ready_->store(true, std::memory_order_release);
            }
        }
        if (batch.empty()) continue;
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
        }
        cpu_ns_.store(thread_cpu_ns(), std::memory_order_relaxed);
        std::lock_guard<std::mutex> g(mu_);
        compiling_.clear();
        batch_done_.notify_all();
        if (stop_) {
            for (jit::CompiledBlock& c : code) jit_->release_unused(c);
            return;
        }
        if (code.empty()) continue;  // failed
        for (size_t k = 0; k < batch.size(); k++) done_.push_back(Result{batch[k].members, batch[k].epoch, std::move(code[k])});
        done_count_.store(done_.size(), std::memory_order_relaxed);
        ready_->store(true, std::memory_order_release);
    }
}

}  // namespace tessera
