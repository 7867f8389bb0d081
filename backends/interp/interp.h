// Tier 0: the interpreter. A block's IR is compiled once into a compact array of
// pre-decoded ops that a threaded dispatch loop executes.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "ir/ir.h"
#include "softmmu/vcpu.h"

namespace tessera::interp {

enum : int { EXIT_NOCHAIN = -1, EXIT_EXCEPTION = -2 };
constexpr uint8_t kKindSpecial = uint8_t(ir::Op::COUNT);

struct CInsn {
    const void* handler;
    uint32_t d, a, b, c, e;
    uint8_t bits, cond, aux;
    uint8_t kind;   // the handler chosen: an ir::Op, or kKindSpecial + detail::Special
    uint64_t mask;  // the type's value mask; exits: loads and stores made up to this exit
    int64_t imm;
    int64_t imm2;  // constant second operand (_ri forms), address displacement (ld/st), insns retired (exits)
};

struct Code {
    // Successor blocks' code for the two direct exits: the interpreter continues into them
    // without returning (cleared when the successor is invalidated or gets JIT code).
    const Code* next[ir::kChainSlots] = {};
    const void* tb = nullptr;           // the block this code belongs to (Vcpu::last_block)
    uint64_t flags = 0;                 // its TbMode::flags (indirect exits keep them)
    bool probes_ibc = true;             // false when its TbMode::extra is not 0 (softmmu/vcpu.h, IbcEntry)
    // Tiering: entries are counted until `hot` (0: not counting); reaching it returns to the
    // executor, which queues the block for compilation.
    mutable uint32_t entries = 0;
    mutable uint32_t hot = 0;
    std::vector<CInsn> insns;
    std::vector<uint16_t> guest_index;  // per compact op: which guest instruction it belongs to
    std::vector<uint16_t> mem_upto;     // per compact op: loads and stores up to and including it
    std::vector<uint64_t> insn_pc;      // per guest instruction: its pc
    uint32_t zero_off = 0;              // a frame slot holding 0, read by absent operands
    uint32_t guest_insns = 0;
    // Frees the ops once compiled code has taken the block's place for good (tiered: it has
    // baseline code, and only a flush of every block ends that). The counters, links and pcs
    // stay; run() must not be called again.
    void release_ops() {
        std::vector<CInsn>().swap(insns);
        std::vector<uint16_t>().swap(guest_index);
        std::vector<uint16_t>().swap(mem_upto);
    }
};

// Operands are byte offsets from the CPU state; frame_off is where Vcpu::interp_frame is.
uint32_t frame_offset(const Vcpu& cpu);
std::unique_ptr<Code> compile(const ir::Block& b, uint32_t frame_off);

// Executes one block, and with follow_chains the blocks it chains to. Returns the chain
// slot of a direct exit (0 or 1), EXIT_NOCHAIN for an indirect exit, or EXIT_EXCEPTION with
// cpu.pc at the faulting instruction and the exception left pending for the ISA to take.
// cpu.last_block names the block that returned.
int run(const Code& code, Vcpu& cpu, bool follow_chains = false);

}  // namespace tessera::interp
