// What both ISAs' Tessera runners share: run a straight-line stream's CPU to its end under
// one executor mode, with a watchdog (a stream that does not end is a bug: it is kicked out).
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "backends/exec/executor.h"
#include "backends/exec/tb_cache.h"

namespace tessera::conformance {

struct RunOutcome {
    bool timed_out = false, diverged = false;
};

inline RunOutcome run_stream(Vcpu& cpu, AddressSpace& as, ExecMode mode, bool baseline) {
    constexpr auto kTimeout = std::chrono::seconds(10);
    TbCache cache;
    as.on_code_write = [&](uint64_t pa, uint64_t size) { return cache.invalidate_range(pa, size); };
    as.on_code_mark = [&](uint64_t page) { cpu.tlb_protect_code(page); };
    ExecOptions opts;
    opts.mode = mode;
    opts.baseline = baseline;
    RunOutcome out;
    Executor exec(cpu, cache, opts);
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock<std::mutex> lock(m);
        if (!cv.wait_for(lock, kTimeout, [&] { return done; })) {
            out.timed_out = true;
            cpu.kick.store(1);
        }
    });
    exec.run();
    {
        std::lock_guard<std::mutex> lock(m);
        done = true;
    }
    cv.notify_one();
    watchdog.join();
    out.diverged = exec.diverged();
    as.on_code_write = nullptr;  // the cache goes with this frame
    as.on_code_mark = nullptr;
    return out;
}

}  // namespace tessera::conformance
