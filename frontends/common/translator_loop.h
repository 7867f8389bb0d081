// The fetch loop every frontend shares: instruction by instruction until the frontend ends
// the block or a limit is reached (instruction count, end of the page, a second page, IR
// temps), with the fault rules of the block's first and later instructions, the refusal to
// touch a second page when translating ahead, and -d in_asm. A frontend supplies only how
// long an instruction is from its first bytes and how to translate one instruction.
#pragma once
#include <cstdint>

#include "ir/builder.h"
#include "softmmu/vcpu.h"

namespace tessera {

// Up to kMaxInsnBytes bytes of one instruction, fetched on demand across a page boundary.
// Each piece comes through Vcpu::code_ptr (and, on a second page, code_phys), so bytes past
// the end of a region or on an unmapped page fault, and only if the instruction needs them.
class InsnFetcher {
public:
    static constexpr unsigned kMaxInsnBytes = MAX_INSN_BYTES;
    InsnFetcher(Vcpu& cpu, unsigned mmu_idx, uint64_t pc, uint64_t* page2)
        : cpu_(cpu), idx_(mmu_idx), pc_(pc), page2_(page2) {}
    // Makes the first n bytes available. False when they cannot be: a fault is then pending
    // (or, translating ahead, the second page was not touched and nothing is pending).
    bool need(unsigned n);
    const uint8_t* bytes() const { return buf_; }
    unsigned have() const { return have_; }
    // The instruction reads a second page (its physical page went to *page2).
    bool crossed() const { return crossed_; }
    // need() failed because translating ahead must not touch a second page (nothing pending).
    bool refused() const { return refused_; }

private:
    Vcpu& cpu_;
    unsigned idx_;
    uint64_t pc_;
    uint64_t* page2_;
    uint8_t buf_[kMaxInsnBytes] = {};
    unsigned have_ = 0;
    bool crossed_ = false;
    bool refused_ = false;
};

// What a frontend supplies to the loop. Its translate_insn emits the instruction's IR
// through the builder it was made with.
class InsnTranslator {
public:
    virtual ~InsnTranslator() = default;
    // Bytes every instruction has at least (fetched before asking its length).
    virtual unsigned min_insn_bytes() const = 0;
    // The instruction's length from its first `have` bytes; a value above `have` asks for
    // that many bytes (the loop fetches them and asks again), at most the CPU's max_insn_bytes.
    virtual unsigned insn_length(const uint8_t* bytes, unsigned have) = 0;
    // Translate the instruction at pc (its bytes, len of them; index: its position in the
    // block). Returns true if it ended the block.
    virtual bool translate_insn(uint64_t pc, const uint8_t* bytes, unsigned len, unsigned index) = 0;
    // -d in_asm prints the instruction as one little-endian word (RISC-V, A64), or its bytes
    // in memory order (x86).
    virtual bool log_as_word() const { return true; }
};

struct TranslatorLimits {
    unsigned max_insns = 128;     // a debugger's single step asks for 1
    unsigned temps_headroom = 200;  // IR temps one instruction may need at most
    uint64_t flags = 0;             // the block's translation flags (breakpoints may depend on the mode)
};

// Lifts guest code at pc into out through t, fetching in mmu index fetch_idx. Returns false
// with a pending exception when even the first instruction cannot be fetched (or, translating
// ahead, not without touching a second page). *page2: as Vcpu::translate_block.
bool translator_loop(Vcpu& cpu, InsnTranslator& t, ir::Builder& b, ir::Block& out, uint64_t pc, unsigned fetch_idx,
                     uint64_t* page2, const TranslatorLimits& limits);

}  // namespace tessera
