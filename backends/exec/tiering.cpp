#include "backends/exec/tiering.h"

#include <pthread.h>
#include <sched.h>

#include <cstdio>

namespace tessera {

BackgroundCompiler::BackgroundCompiler(const Vcpu& layout_cpu, bool keep_ir, bool keep_asm, std::atomic<bool>* ready)
    : layout_cpu_(layout_cpu), keep_ir_(keep_ir), keep_asm_(keep_asm), ready_(ready), thread_([this] { worker(); }) {}

BackgroundCompiler::~BackgroundCompiler() {
    {
        std::lock_guard<std::mutex> g(mu_);
        stop_ = true;
        jobs_.clear();
    }
    cv_.notify_all();
    thread_.join();
    for (Result& r : done_) jit_->release(r.code);  // results exist only if the engine does
}

void BackgroundCompiler::enqueue(const std::vector<TB*>& members, uint64_t epoch, const std::vector<jit::ChainInfo>& chains) {
    Job job{members[0], epoch, {}, chains};
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
    // The guest never waits for the compiler, so the compiler waits for the guest: it gets
    // only CPU time nothing else wants.
    sched_param idle{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [&] { return stop_ || !jobs_.empty(); });
            if (stop_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        if (!jit_) {  // only once something is hot: short runs never pay for LLVM's start-up
            jit_ = std::make_unique<jit::Jit>(layout_cpu_);
            jit_ready_.store(jit_.get(), std::memory_order_release);
        }
        Result r{job.tb, job.epoch, {}};
        try {
            std::vector<const ir::Block*> blocks;
            for (const ir::Block& b : job.blocks) blocks.push_back(&b);
            r.code = jit_->compile_region(blocks, keep_ir_, keep_asm_, job.chains);
        } catch (const std::exception& e) {
            fprintf(stderr, "tessera: background compile failed, block stays interpreted: %s\n", e.what());
            continue;
        }
        std::lock_guard<std::mutex> g(mu_);
        if (stop_) {
            jit_->release(r.code);
            return;
        }
        done_.push_back(std::move(r));
        done_count_.store(done_.size(), std::memory_order_relaxed);
        ready_->store(true, std::memory_order_release);
    }
}

}  // namespace tessera
