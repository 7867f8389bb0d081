#include "backends/exec/executor.h"

#include <cinttypes>

#include "backends/interp/interp.h"
#include "util/log.h"

namespace tessera {

// Invalidated blocks stay allocated until this many exist; then the cache is flushed
// between blocks, where nothing can still be running them.
static constexpr uint64_t kMaxDeadBlocks = 50000;

Executor::Executor(Vcpu& cpu, TbCache& cache) : cpu_(cpu), cache_(cache) {
    for (auto& e : jc_) e = JumpEntry{~0ull, 0, nullptr};
}

TB* Executor::translate(uint64_t phys_pc, uint32_t flags) {
    auto tb = std::make_unique<TB>();
    tb->key = TbKey{phys_pc, flags};
    tb->pc = cpu_.pc;
    if (!cpu_.translate_block(cpu_.pc, flags, tb->ir, &tb->page2)) return nullptr;
    if (log_enabled(LOG_OP)) log_printf("%s\n", ir::print(tb->ir).c_str());
    tb->guest_insns = tb->ir.guest_insns;
    tb->code = interp::compile(tb->ir);
    cpu_.as.mark_code(phys_pc);
    if (tb->page2 != ~0ull) cpu_.as.mark_code(tb->page2);
    return cache_.insert(std::move(tb));
}

TB* Executor::lookup() {
    stats.lookups++;
    uint32_t flags = cpu_.tb_flags();
    uint64_t pc = cpu_.pc;
    JumpEntry& je = jc_[(pc >> 1) & (JC_SIZE - 1)];
    if (je.pc == pc && je.flags == flags && je.tb->valid) return je.tb;
    uint64_t phys;
    if (!cpu_.code_phys(pc, cpu_.fetch_mmu_idx(), &phys)) return nullptr;
    TB* tb = cache_.find(TbKey{phys, flags});
    if (!tb) tb = translate(phys, flags);
    if (!tb) return nullptr;
    je = JumpEntry{pc, flags, tb};
    return tb;
}

void Executor::log_block(const TB& tb) {
    log_printf("Trace pc=%016" PRIx64 " insns=%u\n", tb.pc, tb.guest_insns);
}

void Executor::run() {
    TB* last = nullptr;
    int slot = interp::EXIT_NOCHAIN;
    for (;;) {
        if (cpu_.kick.load(std::memory_order_relaxed) || cpu_.stop_requested) return;
        if (cpu_.irq_check) {
            cpu_.irq_check = false;
            if (cpu_.do_interrupt()) {
                stats.interrupts++;
                last = nullptr;
            }
        }
        if (cpu_.halted()) return;
        if (cache_.invalidated > kMaxDeadBlocks) {
            cache_.flush();
            cache_.invalidated = 0;
            last = nullptr;
        }
        if (cache_.generation != jc_cache_flushes_ || cpu_.tlb_generation != jc_tlb_gen_) {
            for (auto& e : jc_) e = JumpEntry{~0ull, 0, nullptr};
            jc_cache_flushes_ = cache_.generation;
            jc_tlb_gen_ = cpu_.tlb_generation;
        }
        TB* tb = nullptr;
        if (last && slot >= 0 && slot < 2) {
            tb = last->chain[slot];
            if (tb && tb->valid) {
                stats.chained++;
            } else {
                tb = lookup();
                // Chain only inside one virtual page: its physical mapping is the same for both.
                if (tb && last->valid && ((tb->pc ^ last->pc) & PAGE_MASK) == 0) last->chain[slot] = tb;
            }
        } else {
            tb = lookup();
        }
        if (!tb) {  // the fetch itself faulted
            stats.exceptions++;
            cpu_.do_exception();
            last = nullptr;
            continue;
        }
        if (log_enabled(LOG_EXEC)) log_block(*tb);
        stats.blocks_executed++;
        slot = interp::run(*tb->code, cpu_);
        if (slot == interp::EXIT_EXCEPTION) {
            stats.exceptions++;
            cpu_.do_exception();
            last = nullptr;
            continue;
        }
        last = tb;
    }
}

}  // namespace tessera
