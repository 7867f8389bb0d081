#include "backends/exec/lockstep.h"

#include <cinttypes>
#include <cstdio>

#include "backends/interp/interp.h"
#include "util/log.h"

namespace tessera {

Lockstep::Lockstep(Vcpu& cpu, jit::Jit& jit) : cpu_(cpu), jit_(jit) {
    cpu_.watch_writes = true;  // route every store through the log
    cpu_.tlb_flush();
}

Lockstep::~Lockstep() {
    cpu_.watch_writes = false;
    cpu_.effects = nullptr;
}

static std::string describe_stores(const EffectLog& l) {
    std::string s;
    char line[128];
    for (const auto& e : l.entries) {
        static const char* kinds[] = {"store", "mmio read", "mmio write", "clock"};
        snprintf(line, sizeof line, "    %-10s pa=0x%" PRIx64 " size=%u value=0x%" PRIx64 "\n", kinds[e.kind], e.addr, e.size, e.val);
        s += line;
    }
    return s.empty() ? "    (none)\n" : s;
}

int Lockstep::run(TB& tb) {
    cpu_.save_arch(before_);
    uint64_t lines_before = cpu_.device_lines();
    // Statistics counters: both executors count; the totals keep the interpreter's.
    const uint64_t mem_before = cpu_.mem_accesses, misses_before = cpu_.tlb_misses, data_before = cpu_.data_tlb_misses;
    // 1. The interpreter, recording every effect.
    interp_log_ = EffectLog{};
    cpu_.effects = &interp_log_;
    int r1 = interp::run(*tb.code, cpu_);
    cpu_.save_arch(after_interp_);
    const uint64_t lines_interp = cpu_.device_lines();
    const uint64_t mem_interp = cpu_.mem_accesses, misses_interp = cpu_.tlb_misses, data_interp = cpu_.data_tlb_misses;
    cpu_.mem_accesses = mem_before;
    cpu_.tlb_misses = misses_before;
    cpu_.data_tlb_misses = data_before;
    // 2. Undo its RAM stores, restore the state, run the JIT replaying device accesses.
    for (auto it = interp_log_.entries.rbegin(); it != interp_log_.entries.rend(); ++it)
        if (it->kind == EffectLog::RamStore) cpu_.as.write_phys(it->addr, &it->old_val, it->size);
    cpu_.load_arch(before_);
    cpu_.set_device_lines(lines_before);  // replayed with each device access from here
    for (auto [mode, slot] : interp_log_.tlb_fills) cpu_.tlb[mode][slot] = TlbEntry{TLB_INVALID, TLB_INVALID, TLB_INVALID, 0};
    jit_log_ = EffectLog{};
    jit_log_.mode = EffectLog::Replay;
    jit_log_.replay = &interp_log_.entries;
    cpu_.effects = &jit_log_;
    int r2 = int(jit_.enter(tb.jit_fn.load(), &cpu_));
    cpu_.effects = nullptr;
    // Devices ran once, under the interpreter: a line a helper's device call changed then (a
    // timer seen firing) is not changed again by the replay, so the lines are the
    // interpreter's.
    if (cpu_.device_lines() != lines_interp) {
        cpu_.set_device_lines(lines_interp);
        cpu_.irq_check = true;
    }
    cpu_.save_arch(after_jit_);
    const uint64_t mem_jit = cpu_.mem_accesses;
    cpu_.mem_accesses = mem_interp;
    cpu_.tlb_misses = misses_interp;
    cpu_.data_tlb_misses = data_interp;
    // 3. Compare.
    std::string what;
    if (r1 != r2) what = "different block exits";
    else if (mem_interp != mem_jit) what = "different counts of loads and stores executed";
    else if (after_interp_ != after_jit_) what = "different architectural state";
    else if (!jit_log_.mismatch.empty()) what = jit_log_.mismatch;
    else if (jit_log_.next_replayed()) what = "the JIT made fewer device accesses";
    else {
        std::vector<EffectLog::Entry> a, b;
        for (auto& e : interp_log_.entries) a.push_back(e);
        for (auto& e : jit_log_.entries) b.push_back(e);
        bool same = a.size() == b.size();
        for (size_t i = 0; same && i < a.size(); i++)
            same = a[i].kind == b[i].kind && a[i].addr == b[i].addr && a[i].size == b[i].size && a[i].val == b[i].val;
        if (!same) what = "different memory writes";
    }
    if (!what.empty()) report(tb, what, r1, r2);
    return r2;
}

void Lockstep::report(TB& tb, const std::string& what, int r1, int r2) {
    diverged_ = true;
    cpu_.stop_requested = true;
    FILE* o = stderr;
    fprintf(o, "\nLOCKSTEP DIVERGENCE at guest pc 0x%016" PRIx64 ": %s\n", tb.pc, what.c_str());
    fprintf(o, "block exit: interpreter %d, jit %d\n", r1, r2);
    fprintf(o, "guest code:\n");
    uint64_t pc = tb.pc;
    for (uint32_t i = 0; i < tb.guest_insns; i++) {
        char text[96];
        unsigned len = cpu_.disas(pc, text, sizeof text);
        fprintf(o, "  0x%016" PRIx64 ":  %s\n", pc, text);
        if (!len) break;
        pc += len;
    }
    std::vector<uint8_t> zero(before_.size(), 0);
    fprintf(o, "state before (non-zero fields):\n%s", cpu_.diff_arch(zero, before_).c_str());
    fprintf(o, "register diff (interpreter != jit):\n%s", cpu_.diff_arch(after_interp_, after_jit_).c_str());
    fprintf(o, "interpreter effects:\n%s", describe_stores(interp_log_).c_str());
    fprintf(o, "jit effects:\n%s", describe_stores(jit_log_).c_str());
    fprintf(o, "IR:\n%s", ir::print(tb.ir).c_str());
    if (!tb.compiled.llvm_ir.empty()) fprintf(o, "LLVM IR (before optimisation):\n%s\n", tb.compiled.llvm_ir.c_str());
    else fprintf(o, "host code (baseline code generator):\n%s\n", tb.compiled.host_asm.c_str());
}

}  // namespace tessera
