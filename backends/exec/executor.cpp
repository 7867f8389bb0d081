#include "backends/exec/executor.h"

#include <algorithm>
#include <cinttypes>

#include "backends/exec/lockstep.h"
#include "backends/exec/tiering.h"
#include "backends/interp/interp.h"
#include "backends/llvm/jit.h"
#include "backends/x64/baseline.h"
#include "ir/opt.h"
#include "util/log.h"

namespace tessera {

// Invalidated blocks (their code already freed) stay allocated until there are at least this
// many and more than live ones; then the cache is flushed between blocks. Recompiling the live
// blocks costs in proportion to the invalidations that paid for it, and a guest that rewrites
// its code forever (tests/guest/riscv64/hostile/smc_storm.S) holds bounded memory.
static constexpr uint64_t kMinDeadBlocks = 8192;

uint64_t default_max_compiled_batches() {
    // An LLVM module is one JITLink allocation split by its segments' protections (code, and
    // read-only data such as .eh_frame). Measured with smc_storm under exec=jit,baseline=off
    // before dead code was freed: 6,800 new mappings for about 4,200 modules in 15 s.
    constexpr uint64_t kMappingsPerBatch = 2;
    uint64_t limit = 65530;  // Linux's default
    if (FILE* f = fopen("/proc/sys/vm/max_map_count", "r")) {
        unsigned long long v;
        if (fscanf(f, "%llu", &v) == 1 && v > 0) limit = v;
        fclose(f);
    }
    return std::max<uint64_t>(limit / 4 / kMappingsPerBatch, 256);
}

const char* exec_mode_name(ExecMode m) {
    switch (m) {
    case ExecMode::Interp: return "interp";
    case ExecMode::Jit: return "jit";
    case ExecMode::Tiered: return "tiered";
    case ExecMode::Lockstep: return "lockstep";
    }
    return "?";
}

bool parse_exec_mode(const std::string& s, ExecMode* out) {
    for (ExecMode m : {ExecMode::Interp, ExecMode::Jit, ExecMode::Tiered, ExecMode::Lockstep})
        if (s == exec_mode_name(m)) {
            *out = m;
            return true;
        }
    return false;
}

Executor::Executor(Vcpu& cpu, TbCache& cache, ExecOptions opts)
    : cpu_(cpu), cache_(cache), opts_(opts), ibc_(new jit::IbcEntry[IBC_SIZE]) {
    for (auto& e : jc_) e = JumpEntry{~0ull, {}, nullptr, 0};
    clear_ibc();
    // A store into translated code may invalidate blocks in the middle of a block: compiled
    // code must not find them through the indirect branch cache afterwards.
    cache_.on_invalidate_block = [this](TB* t) { forget_block(t); };
    cache_.on_invalidate = [this] {
        cpu_.code_changed = true;  // compiled loops must not run stale code
    };
    bool compiles = opts_.mode == ExecMode::Jit || opts_.mode == ExecMode::Lockstep;
    if ((compiles || opts_.mode == ExecMode::Tiered) && opts_.baseline) {
        try {
            baseline_ = std::make_unique<x64::Baseline>(cpu, opts_.baseline_bytes,
                                                        opts_.count_accesses || opts_.mode == ExecMode::Lockstep);
        } catch (const std::runtime_error& e) {  // no executable memory of our own: LLVM only
            log_printf("baseline code generator unavailable (%s): compiling with LLVM only\n", e.what());
        }
    }
    // With the baseline, jit needs LLVM's engine on this thread only for a block the baseline
    // cannot compile; lockstep always has one.
    if (compiles && (!baseline_ || opts_.mode == ExecMode::Lockstep)) own_jit();
    bool keep_ir = log_enabled(LOG_LLVM) || opts_.mode == ExecMode::Lockstep;
    // tiered, and jit with the baseline: hot regions in batches, stale jobs dropped. jit
    // compiling ahead: one block per module, so the block the vCPU waits for is never behind
    // others, and nothing dropped.
    bool ahead = opts_.mode == ExecMode::Jit && !baseline_ && opts_.compile_ahead;
    if (opts_.mode == ExecMode::Tiered || (opts_.mode == ExecMode::Jit && baseline_) || ahead)
        compiler_ = std::make_unique<BackgroundCompiler>(cpu, keep_ir, log_enabled(LOG_OUT_ASM), &cpu.code_ready,
                                                         opts_.count_accesses, ahead ? 1 : 8, !ahead);
    if (opts_.mode == ExecMode::Lockstep) lockstep_ = std::make_unique<Lockstep>(cpu_, *jit_);
    cpu_.ibc = ibc_.get();
    cpu_.ibc_mask = IBC_SIZE - 1;
}

Executor::~Executor() {
    cpu_.ibc = nullptr;
    cache_.on_invalidate = nullptr;
    cache_.on_invalidate_block = nullptr;
    cache_.flush();     // blocks release their code into the engine...
    compiler_.reset();  // ...before the worker (and a tiered engine) goes away
}

jit::Jit& Executor::own_jit() {
    if (!own_jit_) {
        own_jit_ = std::make_unique<jit::Jit>(cpu_, opts_.count_accesses || opts_.mode == ExecMode::Lockstep);
        jit_ = own_jit_.get();
    }
    return *own_jit_;
}

// Any compiled code, LLVM's or the baseline's: both trampolines do the same.
int64_t Executor::enter(jit::BlockFn fn) { return baseline_ ? baseline_->enter(fn, &cpu_) : jit_->enter(fn, &cpu_); }

bool Executor::llvm_cache_full() const {
    jit::Jit* bg = compiler_ ? compiler_->jit() : nullptr;
    jit::JitStats own = own_jit_ ? own_jit_->stats() : jit::JitStats{}, other = bg ? bg->stats() : jit::JitStats{};
    return own.live_bytes + other.live_bytes > opts_.max_compiled_bytes ||
           own.live_batches + other.live_batches > opts_.max_compiled_batches;
}

// The pages the TLB flushed one by one (TLBI by VA): their virtual pcs may now map to other
// code, so the jump and indirect branch caches forget those pages and nothing else. Both are
// indexed by (pc >> insn_align_bits), so a page's entries are one run of indices.
void Executor::forget_flushed_pages() {
    const unsigned per_page = unsigned(PAGE_SIZE >> cpu_.insn_align_bits);
    for (unsigned k = 0; k < cpu_.page_flushes; k++) {
        const uint64_t page = cpu_.page_flush_log[k];
        if (!cached_pages_.erase(page)) continue;
        const unsigned first = unsigned(page >> cpu_.insn_align_bits);
        for (unsigned i = 0; i < std::min(per_page, JC_SIZE); i++) {
            JumpEntry& e = jc_[(first + i) & (JC_SIZE - 1)];
            if ((e.pc & PAGE_MASK) == page) e = JumpEntry{~0ull, {}, nullptr, 0};
        }
        for (unsigned i = 0; i < std::min(per_page, IBC_SIZE); i++) {
            jit::IbcEntry& e = ibc_[(first + i) & (IBC_SIZE - 1)];
            if ((e.pc & PAGE_MASK) == page) e = jit::IbcEntry{~0ull, 0, nullptr, nullptr};
        }
    }
    cpu_.page_flushes = 0;
}

void Executor::clear_ibc() {
    for (unsigned i = 0; i < IBC_SIZE; i++) ibc_[i] = jit::IbcEntry{~0ull, 0, nullptr, nullptr};
    ibc_filled_.clear();
}

void Executor::forget_pcs() {
    stats.pc_cache_clears++;
    if (jc_filled_.size() > kFilledLog) {
        for (auto& e : jc_) e = JumpEntry{~0ull, {}, nullptr, 0};
    } else {
        for (uint32_t i : jc_filled_) jc_[i] = JumpEntry{~0ull, {}, nullptr, 0};
    }
    jc_filled_.clear();
    forget_ibc();
    cached_pages_.clear();
}

void Executor::forget_ibc() {
    if (ibc_filled_.size() > kFilledLog) {
        clear_ibc();
    } else {
        for (uint32_t i : ibc_filled_) ibc_[i] = jit::IbcEntry{~0ull, 0, nullptr, nullptr};
        ibc_filled_.clear();
    }
}

// A block is cached under its own virtual pc only (lookup and remember_indirect fill the slot
// of cpu_.pc with the block found for it), so one slot in each cache can refer to it.
void Executor::forget_block(TB* t) {
    JumpEntry& je = jc_[(t->pc >> cpu_.insn_align_bits) & (JC_SIZE - 1)];
    if (je.tb == t) je = JumpEntry{~0ull, {}, nullptr, 0};
    jit::IbcEntry& e = ibc_[(t->pc >> cpu_.insn_align_bits) & (IBC_SIZE - 1)];
    if (e.pc == t->pc && e.flags == t->key.mode.flags) e = jit::IbcEntry{~0ull, 0, nullptr, nullptr};
}

void Executor::remember_indirect(uint64_t pc, const TbMode& mode, TB* tb) {
    jit::IbcEntry& e = ibc_[(pc >> cpu_.insn_align_bits) & (IBC_SIZE - 1)];
    if (opts_.mode == ExecMode::Lockstep) return;  // every block returns to the loop there
    if (mode.extra) return;  // the cache compares pc and flags only (IbcEntry)
    uint64_t flags = mode.flags, context = cpu_.context_of(pc);
    jit::BlockFn fn = tb->jit_fn.load(std::memory_order_relaxed);
    const void* code = fn ? nullptr : tb->code.get();
    if (e.pc != pc || e.flags != flags || e.context != context || e.jit_fn != fn || e.interp_code != code) {
        e = jit::IbcEntry{pc, flags, fn, code, context};
        note_filled(ibc_filled_, uint32_t(&e - ibc_.get()));
    }
}

// A hot block is compiled with the blocks it has been seen to chain to on the same page
// (loops, if/else arms), so direct exits among them become branches inside one function.
// Members not yet queued join the region (one entry trampoline each) instead of being compiled
// on their own. Up to 8 blocks by default: measured faster than single blocks on
// bench/compare's integer workloads (sort, strings, vm), the same on the others.
void Executor::enqueue_region(TB* head) {
    const size_t kMaxMembers = opts_.region_blocks;
    constexpr uint32_t kMaxInsns = 256;
    std::vector<ir::Block> blocks(1);
    if (!block_ir(head, blocks[0])) return;  // counts again from 0, and tries again when hot
    std::vector<TB*> members{head};
    head->queued = true;  // and keeps counting: hot again while it waits, it is promoted
    uint32_t insns = head->guest_insns;
    for (size_t k = 0; k < members.size(); k++)
        for (TB* next : members[k]->chain) {
            if (!next || !next->valid || members.size() >= kMaxMembers || insns + next->guest_insns > kMaxInsns) continue;
            if (((next->pc ^ head->pc) & PAGE_MASK) || next->key.mode != head->key.mode) continue;
            if (std::find(members.begin(), members.end(), next) != members.end()) continue;
            if (next->queued || next->compiled.fn) continue;  // each block is compiled by LLVM once
            ir::Block b;
            if (!block_ir(next, b)) continue;
            next->queued = true;  // it gets its entry into this region instead
            next->code->hot = 0;  // only the head keeps counting
            members.push_back(next);
            blocks.push_back(std::move(b));
            insns += next->guest_insns;
        }
    std::vector<jit::ChainInfo> chains;
    for (TB* m : members) chains.push_back(chain_info(m));
    compiler_->enqueue(members, std::move(blocks), epoch_, chains);
}

// Tiered keeps no IR with its blocks: most never turn hot, and a Linux boot's 47K blocks kept
// 66 MB of it, fresh memory that costs page faults and zeroing. The other modes compile every
// block (jit), or print and check it (lockstep, -d op and in_asm, which would log it twice).
bool Executor::keeps_ir() const {
    return opts_.mode != ExecMode::Tiered || log_enabled(LOG_OP) || log_enabled(LOG_IN_ASM);
}

// A block's IR for LLVM: kept, or translated again from its code, which is as it was (a write
// would have invalidated the block) if the block's pc still maps to the same physical page:
// members share the running head's virtual page. Translated the way blocks ahead are (no
// exception, no walk of a second page), it must come out as the block did; false if not.
bool Executor::block_ir(TB* tb, ir::Block& out) {
    if (!tb->ir.insns.empty()) {
        out = tb->ir;
        return true;
    }
    // The block about to run (a region's head) may walk the page tables, as its lookup would:
    // a block entered through chains can have lost its TLB entry since. Its members then
    // find the page in the TLB.
    uint64_t phys;
    bool was_pending = cpu_.exception_pending;
    bool mapped = tb->pc == cpu_.pc && tb->key.mode == cpu_.tb_mode() ? cpu_.code_phys(tb->pc, cpu_.fetch_mmu_idx(), &phys)
                                                                     : cpu_.code_phys_ahead(tb->pc, cpu_.fetch_mmu_idx(), &phys);
    cpu_.exception_pending = was_pending;
    if (!mapped || phys != tb->key.phys_pc) {
        stats.ir_remake_refused++;
        return false;
    }
    uint64_t page2 = ~0ull;
    out.clear();
    cpu_.fetch_ahead = true;
    bool ok = cpu_.translate_block(tb->pc, tb->key.mode, out, &page2);
    cpu_.fetch_ahead = false;
    cpu_.exception_pending = was_pending;
    if (!ok || page2 != tb->page2 || out.guest_bytes != tb->ir.guest_bytes || out.guest_insns != tb->guest_insns) {
        stats.ir_remake_refused++;
        return false;
    }
    ir::optimize(out);
    stats.ir_remade++;
    return true;
}

jit::ChainInfo Executor::chain_info(TB* tb) {
    // A block with an extra mode word does not probe the indirect branch cache (IbcEntry).
    const jit::IbcEntry* ibc = tb->key.mode.extra ? nullptr : ibc_.get();
    return jit::ChainInfo{tb->jit_chain, ibc, IBC_SIZE - 1, cpu_.insn_align_bits, tb->key.mode.flags, tb, &tb->valid};
}

bool Executor::exit_requested() const {
    return cpu_.exit_pending();
}

bool Executor::diverged() const { return lockstep_ && lockstep_->diverged(); }

void Executor::flush() {
    cache_.flush();
    for (auto& e : jc_) e = JumpEntry{~0ull, {}, nullptr, 0};  // every block is gone
    jc_filled_.clear();
    clear_ibc();
    cached_pages_.clear();
    if (baseline_) baseline_->reset();  // no block, chain or cache entry refers to its code now
    epoch_++;
    stats.flushes++;
}

void Executor::compile_now(TB* tb) {
    llvm_grew_ = true;
    bool keep_ir = log_enabled(LOG_LLVM) || opts_.mode == ExecMode::Lockstep;
    // Lockstep compares block by block: its compiled code always returns to the loop.
    jit::ChainInfo chain = chain_info(tb);
    const ir::Block* ir = &tb->ir;
    if (ir->insns.empty()) {
        if (!block_ir(tb, scratch_)) throw std::logic_error("compile_now: the block's IR is gone and cannot be made again");
        ir = &scratch_;
    }
    tb->compiled = own_jit().compile(*ir, keep_ir, log_enabled(LOG_OUT_ASM), opts_.mode == ExecMode::Lockstep ? nullptr : &chain);
    tb->jit_owner = own_jit_.get();
    tb->jit_fn.store(tb->compiled.fn, std::memory_order_release);
    if (log_enabled(LOG_LLVM)) log_printf("LLVM IR for pc=0x%" PRIx64 ":\n%s\n", tb->pc, tb->compiled.llvm_ir.c_str());
    if (log_enabled(LOG_OUT_ASM)) log_printf("OUT: pc=0x%" PRIx64 "\n%s\n", tb->pc, tb->compiled.host_asm.c_str());
}

bool Executor::compile_baseline(TB* tb) {
    bool lockstep = opts_.mode == ExecMode::Lockstep;  // compares block by block: always returns
    bool keep_asm = log_enabled(LOG_OUT_ASM) || lockstep;
    jit::ChainInfo chain = chain_info(tb);
    std::string text;
    jit::BlockFn fn = baseline_->compile(*tb->code, lockstep ? nullptr : &chain, !lockstep, keep_asm ? &text : nullptr);
    if (!fn) return false;
    tb->jit_fn.store(fn, std::memory_order_release);
    if (lockstep) tb->compiled.host_asm = text;  // for a divergence report
    if (log_enabled(LOG_OUT_ASM)) log_printf("OUT (baseline): pc=0x%" PRIx64 "\n%s\n", tb->pc, text.c_str());
    return true;
}

// What a block counts towards first: in tiered with the baseline, an interpreted block gets
// baseline code after warm_runs; otherwise the count is towards LLVM.
uint32_t Executor::first_count(const TB& tb) const {
    if (opts_.mode == ExecMode::Tiered && baseline_ && !tb.jit_fn.load(std::memory_order_relaxed)) return opts_.warm_runs;
    return hot_count(tb);
}

// tiered: an interpreted block that turned warm gets baseline code, and counts again, now
// towards LLVM. Interpreter chains into it return to the loop from now on, which runs its code.
bool Executor::warm_up(TB* tb) {
    if (!compile_baseline(tb)) return false;
    TbCache::unlink_interp(tb);
    jit::IbcEntry& e = ibc_[(tb->pc >> cpu_.insn_align_bits) & (IBC_SIZE - 1)];
    if (e.interp_code == tb->code.get()) e = jit::IbcEntry{~0ull, 0, nullptr, nullptr};
    tb->code->entries = 0;
    tb->code->hot = hot_count(*tb);
    tb->code->release_ops();  // a kept block costs its IR and code alone (memory is page faults)
    return true;
}

// Baseline code counted its block hot and returned before running it: the region goes to LLVM
// (or, already queued, to the front of the queue).
void Executor::hot_from_baseline(TB* tb) {
    if (tb->code->hot && tb->code->entries >= tb->code->hot) {
        tb->code->entries = 0;
        if (tb->queued) compiler_->promote(tb);
        else enqueue_region(tb);
    }
}

// Entries before a block is worth compiling: at least hot_threshold, and enough to have run
// hot_insns guest instructions in it. A compile costs milliseconds of LLVM on the other core,
// which slows this one a little too (shared caches and memory, or a VM's host): a 3-instruction
// block run 64 times had not earned that; one that ran 100k instructions likely runs as many again.
uint32_t Executor::hot_count(const TB& tb) const {
    uint64_t by_insns = opts_.hot_insns / std::max<uint32_t>(1, tb.guest_insns);
    return uint32_t(std::min<uint64_t>(std::max<uint64_t>(opts_.hot_threshold, by_insns), UINT32_MAX));
}

TB* Executor::translate(uint64_t pc, uint64_t phys_pc, const TbMode& mode, bool ahead) {
    auto tb = std::make_unique<TB>();
    tb->key = TbKey{phys_pc, pc, mode};
    tb->pc = pc;
    bool was_pending = cpu_.exception_pending;
    cpu_.fetch_ahead = ahead;
    ir::Block& ir = scratch_;
    ir.clear();
    bool ok = cpu_.translate_block(pc, mode, ir, &tb->page2);
    cpu_.fetch_ahead = false;
    if (!ok) {
        if (ahead) cpu_.exception_pending = was_pending;  // it may never run: nothing to report
        return nullptr;
    }
    // Lockstep is the checking mode: every block's IR is verified against the op table too,
    // as the frontend made it and as the optimiser left it.
    auto check = [&](const char* stage) {
        if (opts_.mode != ExecMode::Lockstep) return;
        std::string err = ir::verify(ir);
        if (err.empty()) return;
        char where[64];
        snprintf(where, sizeof where, " IR for pc 0x%" PRIx64 ": ", pc);
        throw std::logic_error(std::string("invalid ") + stage + where + err + "\n" + ir::print(ir));
    };
    check("translated");
    ir::optimize(ir);
    check("optimised");
    if (log_enabled(LOG_OP)) log_printf("%s\n", ir::print(ir).c_str());
    if (keeps_ir() || tb->page2 != ~0ull) {  // a block across pages cannot be translated again ahead
        tb->ir = ir;                           // copied into empty vectors: exactly the size it needs
    } else {
        tb->ir.guest_pc = ir.guest_pc;  // what the block cache and the executors read of it
        tb->ir.guest_insns = ir.guest_insns;
        tb->ir.guest_bytes = ir.guest_bytes;
        tb->ir.return_pc = ir.return_pc;
    }
    tb->guest_insns = ir.guest_insns;
    tb->code = interp::compile(ir, interp::frame_offset(cpu_));
    tb->code->tb = tb.get();
    tb->code->flags = mode.flags;
    tb->code->probes_ibc = mode.extra == 0;
    if (opts_.mode == ExecMode::Tiered || (opts_.mode == ExecMode::Jit && baseline_)) tb->code->hot = first_count(*tb);
    cpu_.as.mark_code(phys_pc);
    if (tb->page2 != ~0ull) cpu_.as.mark_code(tb->page2);
    TB* t = cache_.insert(std::move(tb));
    if (!ahead && (opts_.mode == ExecMode::Jit || opts_.mode == ExecMode::Lockstep))
        if (!baseline_ || !compile_baseline(t)) compile_now(t);
    return t;
}

// jit: the direct successors on the same page are translated now and compiled by the second
// thread while this block runs, so the vCPU finds more blocks compiled when it gets there.
// Their successors follow, up to kAheadDepth steps from a block that ran; nearer ones first.
void Executor::compile_successors_ahead(TB* tb, unsigned depth) {
    constexpr unsigned kAheadDepth = 4;
    if (depth >= kAheadDepth || depth >= tb->ahead_depth) return;  // done from as near already
    tb->ahead_depth = uint8_t(depth);
    std::vector<uint64_t> targets;
    for (const ir::Insn& in : tb->ir.insns)
        if (in.op == ir::Op::exit_tb) targets.push_back(uint64_t(in.imm));
    if (tb->ir.return_pc) targets.push_back(tb->ir.return_pc);  // after the call returns
    for (uint64_t target : targets) {
        uint64_t phys = (tb->key.phys_pc & PAGE_MASK) | (target & ~PAGE_MASK);  // same page, same mapping
        if (((target ^ tb->pc) & PAGE_MASK) && !cpu_.code_phys_ahead(target, cpu_.fetch_mmu_idx(), &phys)) continue;
        TB* s = cache_.find(TbKey{phys, target, tb->key.mode});
        if (!s) {
            s = translate(target, phys, tb->key.mode, true);
            if (!s) continue;
            compiler_->enqueue({s}, {s->ir}, epoch_, {chain_info(s)}, depth + 1);
        }
        compile_successors_ahead(s, depth + 1);
    }
}

jit::BlockFn Executor::ensure_compiled(TB* tb) {
    for (;;) {
        if (compiler_ && compiler_->has_done()) {
            cpu_.code_ready.store(false, std::memory_order_relaxed);
            install_compiled();
        }
        if (jit::BlockFn fn = tb->jit_fn.load(std::memory_order_relaxed)) return fn;
        BackgroundCompiler::Claim c = compiler_ ? compiler_->claim(tb) : BackgroundCompiler::Claim::None;
        if (c == BackgroundCompiler::Claim::Compiling) {
            compiler_->wait_compiled(tb);
            continue;
        }
        if (c == BackgroundCompiler::Claim::Done) continue;  // installed on the next turn
        compile_now(tb);  // not queued, or taken out of the queue
        return tb->jit_fn.load(std::memory_order_relaxed);
    }
}

TB* Executor::lookup() {
    stats.lookups++;
    TbMode mode = cpu_.tb_mode();
    uint64_t pc = cpu_.pc;
    JumpEntry& je = jc_[(pc >> cpu_.insn_align_bits) & (JC_SIZE - 1)];
    if (je.pc == pc && je.mode == mode && je.context == cpu_.context_of(pc) && je.tb->valid) {
        stats.jump_cache_hits++;
        remember_indirect(pc, mode, je.tb);
        return je.tb;
    }
    uint64_t phys;
    if (!cpu_.code_phys(pc, cpu_.fetch_mmu_idx(), &phys)) return nullptr;
    TB* tb = cache_.find(TbKey{phys, pc, mode});
    if (!tb) tb = translate(pc, phys, mode);
    if (!tb) return nullptr;
    je = JumpEntry{pc, mode, tb, cpu_.context_of(pc)};
    note_filled(jc_filled_, uint32_t(&je - jc_.data()));
    cached_pages_.insert(pc & PAGE_MASK);
    remember_indirect(pc, mode, tb);
    return tb;
}

void Executor::install_compiled() {
    llvm_grew_ = true;
    for (auto& r : compiler_->take_done()) {
        if (r.dropped) {  // stale in the queue: members still running turn hot again
            if (r.epoch != epoch_) continue;  // flushed meanwhile: the members are gone
            for (TB* m : r.members)
                if (m->valid && !m->compiled.fn) {
                    m->queued = false;
                    m->code->entries = 0;
                    m->code->hot = first_count(*m);
                }
            continue;
        }
        jit::Jit* engine = compiler_->jit();  // exists: it produced this result
        if (opts_.mode == ExecMode::Tiered || !jit_) jit_ = engine;
        if (r.epoch != epoch_) {  // flushed meanwhile: the members are gone
            engine->release_unused(r.code);
            continue;
        }
        // One entry per member of the region; each member owns (and releases) its share.
        std::vector<jit::CompiledBlock> parts(r.members.size());
        for (size_t k = 1; k < parts.size(); k++) parts[k] = jit::Jit::share_entry(r.code, k);
        parts[0] = std::move(r.code);
        for (size_t k = 0; k < parts.size(); k++) {
            TB* m = r.members[k];
            if (!m->valid || m->compiled.fn) {  // invalidated meanwhile
                engine->release(parts[k]);
                continue;
            }
            m->queued = false;
            m->code->hot = 0;
            m->compiled = std::move(parts[k]);
            m->jit_owner = engine;
            jit::BlockFn old = m->jit_fn.load(std::memory_order_relaxed);  // baseline code, if any
            m->jit_fn.store(m->compiled.fn, std::memory_order_release);
            TbCache::unlink_interp(m);
            jit::IbcEntry& e = ibc_[(m->pc >> cpu_.insn_align_bits) & (IBC_SIZE - 1)];
            if (e.interp_code == m->code.get()) e = jit::IbcEntry{~0ull, 0, nullptr, nullptr};  // now compiled
            if (old) {  // code chaining to the baseline code, or caching it, moves on to LLVM's
                for (auto [src, slot] : m->incoming)
                    if (src->chain[slot] == m && src->jit_chain[slot] == old) src->jit_chain[slot] = m->compiled.fn;
                if (e.jit_fn == old) e.jit_fn = m->compiled.fn;
            }
            if (k) continue;
            if (log_enabled(LOG_LLVM)) log_printf("LLVM IR for pc=0x%" PRIx64 ":\n%s\n", m->pc, m->compiled.llvm_ir.c_str());
            if (log_enabled(LOG_OUT_ASM)) log_printf("OUT: pc=0x%" PRIx64 "\n%s\n", m->pc, m->compiled.host_asm.c_str());
        }
    }
}

int Executor::execute(TB*& tb) {
    stats.blocks_executed++;
    switch (opts_.mode) {
    case ExecMode::Interp: {
        int r = interp::run(*tb->code, cpu_, true);
        tb = static_cast<TB*>(const_cast<void*>(cpu_.last_block));  // chains may have moved on
        return r;
    }
    case ExecMode::Jit: {
        stats.jit_blocks_executed++;
        jit::BlockFn fn = tb->jit_fn.load(std::memory_order_relaxed);
        if (!fn) fn = ensure_compiled(tb);
        if (baseline_) {
            hot_from_baseline(tb);
        } else if (compiler_ && !tb->ran) {  // the block's first run
            tb->ran = true;
            if (tb->jit_owner != jit_) ahead_used_++;
            compile_successors_ahead(tb, 0);
        }
        int r = int(enter(fn));
        tb = static_cast<TB*>(const_cast<void*>(cpu_.last_block));  // chains may have moved on
        return r;
    }
    case ExecMode::Tiered: {
        jit::BlockFn fn = tb->jit_fn.load(std::memory_order_acquire);
        if (!fn && tb->code->hot && ++tb->code->entries >= tb->code->hot) {
            tb->code->entries = 0;
            if (tb->queued) compiler_->promote(tb);  // still hot while it waits: compile it sooner
            else if (baseline_ && warm_up(tb)) fn = tb->jit_fn.load(std::memory_order_relaxed);
            else enqueue_region(tb);
        }
        if (fn) {
            if (baseline_) hot_from_baseline(tb);
            stats.jit_blocks_executed++;
            int r = int(enter(fn));
            tb = static_cast<TB*>(const_cast<void*>(cpu_.last_block));
            return r;
        }
        int r = interp::run(*tb->code, cpu_, true);
        tb = static_cast<TB*>(const_cast<void*>(cpu_.last_block));
        return r;
    }
    case ExecMode::Lockstep: stats.lockstep_blocks++; return lockstep_->run(*tb);
    }
    return interp::EXIT_NOCHAIN;
}

void Executor::run() {
    TB* last = nullptr;
    int slot = interp::EXIT_NOCHAIN;
    bool jit_links = opts_.mode == ExecMode::Jit || opts_.mode == ExecMode::Tiered;
    bool interp_links = opts_.mode == ExecMode::Interp || opts_.mode == ExecMode::Tiered;
    for (;;) {
        // Slow path: everything that can only change between blocks or on request.
        if (cpu_.kick.load(std::memory_order_relaxed) || cpu_.stop_requested || out_of_blocks()) return;
        cpu_.code_changed = false;  // the lookup below sees invalidated blocks anyway
        if (cpu_.irq_check) {
            cpu_.irq_check = false;
            if (cpu_.do_interrupt()) {
                stats.interrupts++;
                last = nullptr;
            }
        }
        if (cpu_.halted()) return;
        if (cpu_.code_ready.load(std::memory_order_relaxed)) {
            cpu_.code_ready.store(false, std::memory_order_relaxed);
            install_compiled();
            last = nullptr;
        }
        if (cpu_.flush_code_requested) {  // breakpoints or triggers changed
            cpu_.flush_code_requested = false;
            flush();
            last = nullptr;
        }
        cache_.reclaim_dead_code();  // nothing runs now: invalidated blocks' code can go
        // Bounded code caches, in every mode: start over; code is compiled again as it runs.
        bool llvm_full = llvm_grew_ && llvm_cache_full();
        llvm_grew_ = false;
        if (llvm_full || cache_.dead() > std::max<uint64_t>(kMinDeadBlocks, cache_.size()) ||
            (baseline_ && baseline_->nearly_full())) {
            flush();
            last = nullptr;
        }
        // Invalidated blocks left both caches as they went (forget_block); a flush cleared them.
        if (cpu_.tlb_generation != jc_tlb_gen_) {
            forget_pcs();
            jc_tlb_gen_ = cpu_.tlb_generation;
            cpu_.page_flushes = 0;
        } else if (cpu_.page_flushes) {
            forget_flushed_pages();
        }
        TB* tb = lookup();
        if (!tb) {  // the fetch itself faulted
            if (debug_stop()) return;
            stats.exceptions++;
            cpu_.do_exception();
            last = nullptr;
            continue;
        }
        // Chain only inside one virtual page (its physical mapping is the same for both), and
        // only between blocks of one mode: a mode a block's run may change (a flag set on the
        // way) need not be the mode at its end next time.
        if (last && slot >= 0 && slot < int(ir::kChainSlots) && last->valid && ((tb->pc ^ last->pc) & PAGE_MASK) == 0 &&
            last->key.mode == tb->key.mode)
            TbCache::link(last, slot, tb, jit_links, interp_links);
        // Fast path: follow chains until a block leaves without one or someone asks.
        for (;;) {
            if (log_enabled(LOG_EXEC)) log_printf("Trace pc=%016" PRIx64 " insns=%u\n", tb->pc, tb->guest_insns);
            slot = execute(tb);
            if (slot < 0 || slot >= int(ir::kChainSlots)) break;
            TB* next = tb->chain[slot];
            if (!next || exit_requested() || out_of_blocks()) break;
            // Compiled code returned although a chain exists: the successor got its code
            // after the link was made. Patch the compiled exit for next time.
            if (jit_links && !tb->jit_chain[slot] && next->jit_fn.load(std::memory_order_relaxed))
                TbCache::link(tb, slot, next, true, false);
            else if (interp_links && tb->code && !tb->code->next[slot]) TbCache::link(tb, slot, next, false, true);
            stats.chained++;
            tb = next;
        }
        if (slot == interp::EXIT_EXCEPTION) {
            if (debug_stop()) return;
            stats.exceptions++;
            cpu_.do_exception();
            last = nullptr;
            continue;
        }
        last = tb;
    }
}

bool Executor::debug_stop() {
    if (cpu_.debug_exit == DebugExit::None) return false;
    cpu_.exception_pending = false;  // the debugger's stop, not the guest's exception
    return true;
}

void Executor::step() {
    // One instruction in the interpreter, from a block made for it and thrown away, so the
    // cache never holds a one-instruction block and no mode needs a stepping variant.
    cpu_.debug_stepping = true;
    cpu_.block_insn_limit = 1;
    ir::Block block;
    uint64_t page2 = ~0ull;
    bool ok = cpu_.translate_block(cpu_.pc, cpu_.tb_mode(), block, &page2);
    cpu_.block_insn_limit = 0;
    if (ok) {
        ir::optimize(block);
        auto code = interp::compile(block, interp::frame_offset(cpu_));
        interp::run(*code, cpu_, false);
        cpu_.last_block = nullptr;
    }
    cpu_.debug_stepping = false;
    if (cpu_.exception_pending && !debug_stop()) {
        stats.exceptions++;
        cpu_.do_exception();
    }
}

// Called on the vCPU's own thread (its host CPU time is reported).
void Executor::print_stats(FILE* out) {
    fprintf(out,
            "stats: guest insns %" PRIu64 ", exec %s, blocks translated %" PRIu64 ", invalidated %" PRIu64
            ", executed %" PRIu64 " (jit %" PRIu64 "), chained %" PRIu64 ", lookups %" PRIu64 " (jump cache %" PRIu64
            ", cleared %" PRIu64 " times), exceptions %" PRIu64
            ", interrupts %" PRIu64 ", flushes %" PRIu64 ", guest loads/stores %" PRIu64 ", tlb misses %" PRIu64
            " (data %" PRIu64 "), data tlb hit rate %.4f\n",
            cpu_.insn_count, exec_mode_name(opts_.mode), cache_.translated, cache_.invalidated, stats.blocks_executed,
            stats.jit_blocks_executed, stats.chained, stats.lookups, stats.jump_cache_hits, stats.pc_cache_clears, stats.exceptions, stats.interrupts, stats.flushes,
            cpu_.mem_accesses, cpu_.tlb_misses, cpu_.data_tlb_misses,
            cpu_.mem_accesses ? 1.0 - double(cpu_.data_tlb_misses) / double(cpu_.mem_accesses) : 1.0);
    // LLVM: this thread's engine and the second thread's (hot regions, or compiling ahead).
    jit::Jit* bg = compiler_ ? compiler_->jit() : nullptr;
    if (own_jit_ || bg) {
        jit::JitStats j;
        for (jit::Jit* e : {own_jit_.get(), bg}) {
            if (!e) continue;
            jit::JitStats a = e->stats();
            j.blocks_compiled += a.blocks_compiled;
            j.code_bytes += a.code_bytes;
            j.compile_ns += a.compile_ns;
            j.freed += a.freed;
        }
        fprintf(out, "stats: blocks compiled %" PRIu64 ", compile time %.3f s, code cache %" PRIu64 " bytes, freed %" PRIu64,
                j.blocks_compiled, double(j.compile_ns) / 1e9, j.code_bytes, j.freed);
        if (opts_.mode == ExecMode::Jit && !baseline_ && bg)
            fprintf(out, ", ahead of time %" PRIu64 " (run %" PRIu64 ")", bg->stats().blocks_compiled, ahead_used_);
        if (compiler_) fprintf(out, ", dropped stale %" PRIu64, compiler_->dropped());
        if (stats.ir_remade || stats.ir_remake_refused)
            fprintf(out, ", IR made again %" PRIu64 " (refused %" PRIu64 ")", stats.ir_remade, stats.ir_remake_refused);
        fputc('\n', out);
    }
    fprintf(out, "stats: host cpu: this vCPU's thread %.3f s", double(thread_cpu_ns()) / 1e9);
    if (compiler_) fprintf(out, ", compiler thread %.3f s", double(compiler_->cpu_ns()) / 1e9);
    fputc('\n', out);
    if (baseline_) {
        x64::BaselineStats b = baseline_->stats();
        fprintf(out, "stats: baseline blocks %" PRIu64 ", compile time %.3f s, code %" PRIu64 " bytes (in use %zu), unsupported %" PRIu64 "\n",
                b.blocks, double(b.ns) / 1e9, b.bytes, baseline_->bytes_used(), b.unsupported);
    }
}

}  // namespace tessera
