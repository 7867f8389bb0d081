// The ISA-independent part of a virtual CPU: the soft TLB, the pending-exception flag,
// the kick flag other threads use, and the hooks an ISA implements for the slow path.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/cpu.h"
#include "ir/ir.h"
#include "softmmu/address_space.h"
#include "softmmu/debug_points.h"

namespace tessera {

enum class Access : uint8_t { Load = 0, Store = 1, Fetch = 2 };

constexpr unsigned TLB_BITS = 10;  // 4 MiB reach per mode: big arrays a power of two apart no longer thrash
constexpr unsigned TLB_SIZE = 1u << TLB_BITS;
// The TLB's storage is sized for the most MMU modes any CPU declares (CpuFacts::mmu_modes:
// RISC-V 4; x86 and A64 need more privilege and translation-regime variants); flushes walk
// only the modes the CPU uses.
constexpr unsigned MAX_MMU_MODES = 8;
// The longest instruction any frontend fetches (x86: 15 bytes).
constexpr unsigned MAX_INSN_BYTES = 16;

// Low tag bits that force the slow path; real tags are page aligned.
constexpr uint64_t TLB_INVALID = ~0ull;
constexpr uint64_t TLB_MMIO = 1ull << 11;     // device region: dispatch through the map
constexpr uint64_t TLB_NOTDIRTY = 1ull << 10; // page holds translated code: invalidate first
constexpr uint64_t TLB_WATCH = 1ull << 9;     // lockstep: every store goes through the log
constexpr uint64_t TLB_DEBUG = 1ull << 8;     // a watchpoint lies on the page (softmmu/debug_points.h)

// Lockstep's record of one block's effects outside the CPU: RAM stores (with the old
// value, so they can be undone), device accesses and non-deterministic inputs (so the
// second executor replays them instead of touching devices twice).
struct EffectLog {
    enum Kind : uint8_t { RamStore, MmioRead, MmioWrite, Nondet, DeviceCall };
    struct Entry {
        Kind kind;
        uint8_t size;
        uint64_t addr, old_val, val;
        uint64_t lines_after = 0;  // device-driven CPU inputs after a device access
    };
    enum Mode { Record, Replay } mode = Record;
    std::vector<Entry> entries;           // what this run did
    const std::vector<Entry>* replay = nullptr;
    size_t cursor = 0;                    // next device/nondet entry of `replay`
    std::string mismatch;                 // first replay disagreement
    // TLB entries (mmu index, slot) filled during the run: the second executor must miss on
    // them too, so it walks the page tables (and sets A/D bits) exactly as the first did.
    std::vector<std::pair<unsigned, unsigned>> tlb_fills;
    const Entry* next_replayed();
};

struct TlbEntry {
    uint64_t tag_read, tag_write, tag_code;
    uintptr_t addend;  // host = guest virtual + addend
};

struct Translation {
    uint64_t pa;
    bool read, write, exec;  // permissions granted for this mmu index on this page
};

class Vcpu;

// ORed into the mmu index passed to the slow paths: the access must be naturally aligned.
constexpr unsigned SLOW_ALIGNED = 1u << 8;
inline unsigned slow_idx(unsigned mmu_idx, uint8_t memop) { return mmu_idx | (memop & ir::MO_ALIGN ? SLOW_ALIGNED : 0); }

// Where the fields compiled code reads and writes live in the CPU state, as byte offsets:
// for the code generators (backends/llvm, backends/x64).
struct CodeLayout {
    uint32_t tlb = 0, pc = 0, insn_count = 0, mem_accesses = 0, exception_pending = 0;
    uint32_t exit_word = 0, last_block = 0, region_entry = 0, pc_context = 0;  // pc_context: two words
};

// What a block is translated for besides its pc: the mode part of the block key. Two blocks
// at the same physical pc whose modes differ in any bit are different blocks.
struct TbMode {
    uint64_t flags = 0;  // ISA mode bits (RISC-V: privilege, data mmu index, FS, FP fast-path state)
    uint64_t extra = 0;  // one more word an ISA may need (x86: the CS base); 0 when unused
    bool operator==(const TbMode&) const = default;
};

// The per-vCPU indirect branch cache: a guest pc in one mode (translation flags) to its
// block's code. Compiled code follows jit_fn; the interpreter follows interp_code (a block
// that has no compiled code). The executor fills it and clears it when code changes.
// It holds only blocks whose TbMode::extra is 0, and only such blocks probe it: the probe
// in compiled code stays a pc, a flags and a context comparison, and a block found there has
// the prober's whole mode. (x86's CS base is 0 outside real mode and 16-bit segments.)
// Entries carry the address space (Vcpu::pc_context) they were made in, so a switch of
// address space empties nothing: with KPTI every Linux syscall switches TTBR1 twice.
struct IbcEntry {
    uint64_t pc;
    uint64_t flags;
    int64_t (*jit_fn)(Vcpu*);
    const void* interp_code;
    uint64_t context = 0;
    uint64_t pad_[3] = {};  // 64 bytes: probes scale the index by a shift
};

class Vcpu {
public:
    explicit Vcpu(AddressSpace& as) : as(as) { tlb_flush(); }
    virtual ~Vcpu() = default;
    Vcpu(const Vcpu&) = delete;
    Vcpu& operator=(const Vcpu&) = delete;

    // Hot state first: the executors address these directly.
    TlbEntry tlb[MAX_MMU_MODES][TLB_SIZE];
    uint64_t tlb_page_pa[MAX_MMU_MODES][TLB_SIZE];
    uint64_t pc = 0;
    uint64_t insn_count = 0;       // guest instructions retired
    uint64_t mem_accesses = 0;     // guest loads and stores executed (for the TLB hit rate)
    // The exit word: kick and the four flags after it form one aligned 64-bit word that
    // compiled code and the interpreter test with a single load at every chain point.
    alignas(8) std::atomic<uint32_t> kick{0}; // another thread wants the loop to look at something
    // Set by helpers when something that gates interrupts changed (mie, mip, mstatus):
    // the loop takes pending interrupts before the next block.
    bool irq_check = false;
    // Set by the board to leave the run loop (exit, reset).
    bool stop_requested = false;
    // Set by the background compiler when compiled code waits to be installed.
    std::atomic<bool> code_ready{false};
    // Set when translated code was invalidated (a store hit a code page): code that loops
    // inside one compiled function must return so the executor retranslates.
    bool code_changed = false;
    bool exit_pending() const {
        // One relaxed atomic load across the fields, on purpose: other threads set kick and
        // code_ready atomically, and an atomic read of the word does not race with them.
        using word = uint64_t __attribute__((may_alias));
        return __atomic_load_n(reinterpret_cast<const word*>(&kick), __ATOMIC_RELAXED) != 0;
    }
    bool exit_word_layout_ok() const {
        auto at = [this](const void* p) { return static_cast<const char*>(p) - reinterpret_cast<const char*>(&kick); };
        return sizeof kick == 4 && reinterpret_cast<uintptr_t>(&kick) % 8 == 0 && at(&irq_check) == 4 &&
               at(&stop_requested) == 5 && at(&code_ready) == 6 && at(&code_changed) == 7;
    }
    bool exception_pending = false;
    const IbcEntry* ibc = nullptr;  // set by the executor; index (pc >> insn_align_bits) & ibc_mask
    uint32_t ibc_mask = 0;
    // Facts of the ISA, set by the frontend through set_facts() (core/cpu.h, CpuFacts).
    // Instructions start at multiples of 2^insn_align_bits (RISC-V with C: 1; A64: 2; x86: 0):
    // the block lookup caches hash pc >> insn_align_bits, so neighbouring instructions take
    // neighbouring slots. The fetch loop reads at most max_insn_bytes for one instruction.
    // The TLB's modes 0 .. mmu_modes-1 are in use (flushes walk only those).
    uint8_t insn_align_bits = 0;
    uint8_t max_insn_bytes = MAX_INSN_BYTES;
    uint8_t mmu_modes = MAX_MMU_MODES;
    // Throws std::logic_error if a fact is beyond what the storage above holds.
    void set_facts(const CpuFacts& f);
    // Blocks hold at most this many guest instructions (0: the frontend's own limit). A
    // debugger's single step sets 1 for a block that is never cached (Executor::step).
    uint32_t block_insn_limit = 0;
    // Translating ahead of execution (jit mode): the block must not read a second page,
    // whose page walk could set accessed bits for code that never runs.
    bool fetch_ahead = false;
    // Faults raised now are probes (a block's later instructions, translation ahead,
    // disassembly): they are raised again if the guest really gets there, so not logged.
    bool quiet_faults = false;
    AddressSpace& as;

    // --- implemented by each ISA ---
    // Translate a virtual address for an access in mmu index idx. On failure record the
    // guest exception (exception_pending = true) and return false.
    virtual bool translate(uint64_t va, Access acc, unsigned idx, Translation* out) = 0;
    // A physical access hit nothing (or was refused by the platform): record an access fault.
    virtual void raise_bus_fault(uint64_t va, Access acc) = 0;
    // The platform refused an access (nothing at pa, a device cannot run code): logged under
    // -d guest_errors, then raised as the ISA's access fault.
    void refuse_access(uint64_t va, uint64_t pa, Access acc, const char* why);
    // A physical store the ISA makes on its own (page-table A/D bits): logged under lockstep
    // so it can be undone like any other store. Returns false if nothing backs pa.
    bool store_phys(uint64_t pa, unsigned size, uint64_t val);
    // Misaligned access that the ISA does not allow (atomics): record the fault.
    virtual void raise_misaligned(uint64_t va, Access acc) = 0;

    // Execution hooks, called by the executors between blocks.
    // What changes how code at the same physical pc is translated (the block key's mode).
    virtual TbMode tb_mode() = 0;
    virtual unsigned fetch_mmu_idx() = 0;
    // Whether fetches in mmu index idx are translated through guest page tables now.
    virtual bool fetch_walks_page_tables(unsigned idx) = 0;
    // Lift guest code at pc into out. Returns false with a pending exception when even the
    // first instruction cannot be fetched. *page2 gets the physical page of a second code
    // page the block reads, or ~0.
    virtual bool translate_block(uint64_t pc, const TbMode& mode, ir::Block& out, uint64_t* page2) = 0;
    // Enter the handler for the pending exception; pc is the faulting instruction's.
    virtual void do_exception() = 0;
    // Take a pending, enabled interrupt if there is one. Returns true if taken.
    virtual bool do_interrupt() = 0;
    // WFI: true while the CPU sleeps; the ISA clears it when an interrupt becomes pending.
    virtual bool halted() = 0;
    // Disassemble one instruction for -d in_asm; returns its length (0 if unknown).
    virtual unsigned disas(uint64_t pc, char* out, size_t outlen) = 0;

    // The interpreter's temps, at a fixed offset from the CPU state so that one operand
    // encoding (an offset from env) reaches both temps and guest registers.
    static constexpr unsigned kInterpFrameSlots = 8192;
    uint64_t interp_frame[kInterpFrameSlots];
    // Compiled code chains from block to block; it leaves here the block that returned.
    const void* last_block = nullptr;
    // Which member of a multi-entry region function to start at (set by its entry trampolines).
    uint32_t region_entry = 0;

    // --- softmmu services (tlb.cpp) ---
    void tlb_flush();
    void tlb_flush_page(uint64_t va);
    // Writes to this physical page must go through the slow path (it now holds code).
    void tlb_protect_code(uint64_t page_pa);
    bool tlb_fill(uint64_t va, Access acc, unsigned idx);
    // Ensure va is writable (filling the TLB); false with a pending store fault otherwise.
    bool probe_store(uint64_t va, unsigned idx);
    // idx: the mmu index, with SLOW_ALIGNED ORed in for an access that must be aligned
    // (slow_idx()). The executors' fast paths take only aligned accesses, so the check lives
    // here alone.
    uint64_t load_slow(uint64_t va, unsigned size, unsigned idx);
    void store_slow(uint64_t va, unsigned size, uint64_t val, unsigned idx);
    // Physical address of instruction bytes at va; false with a pending fault otherwise.
    bool code_phys(uint64_t va, unsigned idx, uint64_t* pa);
    // For translating ahead of execution: the physical pc, found without side effects (no
    // page walk, which may set accessed bits; no exception). False if that is not possible.
    bool code_phys_ahead(uint64_t va, unsigned idx, uint64_t* pa);
    // Host pointer to the len instruction bytes at va (same page), or nullptr with a pending
    // fault (also when a region ends before va + len).
    const uint8_t* code_ptr(uint64_t va, unsigned idx, unsigned len = 2);

    // Lockstep support: the executors' effects go through `effects` while it is set.
    EffectLog* effects = nullptr;
    bool watch_writes = false;
    // A value from outside the guest (a clock): recorded, or replayed in lockstep.
    uint64_t nondet(uint64_t v);
    // A helper's call into the board that may move device lines (a timer written or seen
    // firing updates its interrupt): under lockstep the first executor makes the call and
    // records the lines after it; the second gets those lines and leaves the board alone.
    template <class F>
    void device_call(F&& call) {
        if (!effects || effects->mode == EffectLog::Record) {
            call();
            if (effects) effects->entries.push_back({EffectLog::DeviceCall, 0, 0, 0, 0, device_lines()});
            return;
        }
        const EffectLog::Entry* e = effects->next_replayed();
        if (!e || e->kind != EffectLog::DeviceCall) {
            if (effects->mismatch.empty()) effects->mismatch = "second executor called a device the first did not";
            return;
        }
        effects->entries.push_back(*e);
        set_device_lines(e->lines_after);
    }
    // The architectural state as bytes, for lockstep's snapshot, restore and compare.
    virtual void save_arch(std::vector<uint8_t>& out) const = 0;
    virtual void load_arch(const std::vector<uint8_t>& in) = 0;
    virtual std::string diff_arch(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) const = 0;
    // Inputs devices drive into the CPU (interrupt lines): a device access in the middle of
    // a block can change them, so lockstep replays them with the access.
    virtual uint64_t device_lines() const { return 0; }
    virtual void set_device_lines(uint64_t) {}
    // For a state report (SIGUSR1): what decides whether the CPU runs, sleeps or takes an
    // interrupt (privilege, masks, interrupt lines, WFI, timers), on one line.
    virtual std::string describe_state() const { return {}; }

    // --- debugging (softmmu/debug_points.h) ---
    DebugPoints debug;                   // the debugger's breakpoints and watchpoints
    DebugExit debug_exit = DebugExit::None;
    uint64_t debug_watch_addr = 0;       // DebugExit::Watchpoint: the address touched
    uint8_t debug_watch_access = 0;      // WATCH_READ or WATCH_WRITE
    // Running one instruction for the debugger: its own breakpoint at pc is not reported.
    bool debug_stepping = false;
    // Set when breakpoints or triggers changed: the executor drops all translated code.
    bool flush_code_requested = false;
    // The fetch loop (frontends/common/translator_loop.cpp) asks before each instruction:
    // must the block stop here for a breakpoint? flags: the block's translation flags.
    bool break_before(uint64_t pc, uint64_t flags) {
        return (!debug_stepping && debug.has_break(pc)) || guest_break_at(pc, flags);
    }
    // h_debug_break: the block reached a breakpoint at pc.
    void debug_break(uint64_t pc);
    // The slow path, on a page filled with TLB_DEBUG: true when the access must not happen
    // (a debugger stop or a guest exception is now pending).
    bool watch_hit(uint64_t va, unsigned size, Access acc);
    // The debugger changed its points: translated code and TLB entries must follow.
    void debug_points_changed() {
        flush_code_requested = true;
        tlb_flush();
    }
    // An ISA's own debug triggers (RISC-V's mcontrol). guest_break_at is asked with the
    // block's translation flags; a hit raises the ISA's breakpoint exception.
    virtual bool guest_break_at(uint64_t, uint64_t) { return false; }
    virtual void guest_break_hit(uint64_t pc) { (void)pc; }
    virtual bool guest_watch_page(uint64_t) { return false; }
    virtual bool guest_watch_hit(uint64_t, unsigned, Access) { return false; }

    // Counts for -d stats and tests.
    uint64_t tlb_misses = 0, data_tlb_misses = 0;  // TLB fills: all, and for loads and stores
    // Bumped on every full flush so virtual-pc caches above the TLB (the executor's jump and
    // indirect branch caches) can follow. A single-page flush is logged instead, so those
    // caches drop that page alone; a full log counts as a full flush.
    uint64_t tlb_generation = 0;
    // Which address space virtual pcs mean now (an id the ISA gives each set of translation
    // table bases it switches between: TTBR0 and TTBR1 on AArch64). A switch empties the TLB,
    // which has no ASID tags, but is no flush for the jump cache, whose entries carry their
    // context: an OS switching back to a process finds its blocks there. Removing mappings
    // still takes a TLBI (the architecture's rule), which bumps tlb_generation.
    // One id per half of the address space ([0]: pc bit 63 clear, [1]: set), so the kernel's
    // entries survive the process switches that change only the lower half (AArch64 names each
    // half by its TTBR's table without the ASID: Aarch64Cpu::switch_ttbrs). Compiled code
    // reads pc_context[pc >> 63].
    uint64_t pc_context[2] = {};
    uint64_t context_of(uint64_t pc) const { return pc_context[pc >> 63]; }
    void switch_context(uint64_t lower, uint64_t upper);
    static constexpr unsigned kPageFlushLog = 16;
    uint64_t page_flush_log[kPageFlushLog] = {};
    unsigned page_flushes = 0;

    static unsigned tlb_index(uint64_t va) { return unsigned(va >> PAGE_BITS) & (TLB_SIZE - 1); }

    // Throws std::logic_error if the exit word is not one aligned 64-bit word.
    CodeLayout code_layout() const {
        if (!exit_word_layout_ok()) throw std::logic_error("Vcpu layout: the exit word is not one aligned 64-bit word");
        auto off = [this](const void* p) { return uint32_t(static_cast<const char*>(p) - reinterpret_cast<const char*>(this)); };
        return CodeLayout{off(&tlb[0][0]),    off(&pc),   off(&insn_count), off(&mem_accesses), off(&exception_pending),
                          off(&kick),         off(&last_block), off(&region_entry), off(&pc_context[0])};
    }
};

}  // namespace tessera
