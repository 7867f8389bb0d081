// Lockstep: every block runs in the interpreter and as JIT code from the same state;
// architectural state, memory writes and device accesses are compared after each block.
#pragma once
#include <string>
#include <vector>

#include "backends/exec/tb.h"
#include "softmmu/vcpu.h"

namespace tessera {

class Lockstep {
public:
    Lockstep(Vcpu& cpu, jit::Jit& jit);
    ~Lockstep();
    // Runs tb both ways. The JIT's result and state stand; on a divergence a report is
    // printed, the CPU is stopped and diverged() turns true.
    int run(TB& tb);
    bool diverged() const { return diverged_; }

private:
    void report(TB& tb, const std::string& what, int r1, int r2);
    Vcpu& cpu_;
    jit::Jit& jit_;
    std::vector<uint8_t> before_, after_interp_, after_jit_;
    EffectLog interp_log_, jit_log_;
    bool diverged_ = false;
};

}  // namespace tessera
