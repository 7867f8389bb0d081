// Random A64 instruction streams for the conformance tests, drawn from the decode tables
// (aarch64::patterns(), ARCHITECTURE.md rule 1): whatever the groups hold when the test runs,
// integer, load/store, and scalar FP and AdvSIMD as those tables fill up.
//
// A64 handlers read their fields from the word themselves, so an instruction is made by
// filling a table entry's don't-care bits at random and then fixing the few fields the
// harness must control, at their architectural positions: the base and index registers
// and the offsets of loads and stores (a64_ldst.h). What an instruction does to the state
// is not guessed from its name: it is read off Tessera's IR for the word (A64Effects): whether
// the handler accepts it, which X registers and SP it writes, whether it touches memory.
// Streams are straight-line (branches and exception-generating instructions are left out),
// so the generator knows every base register's value at every instruction. A given seed
// always yields the same stream and initial state.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "frontends/aarch64/decode.h"

namespace tessera::conformance::a64 {

// Guest-physical layout, the same in both emulators: one RAM region where QEMU's virt has
// its RAM. The MMU is off and the CPU at EL1h in both.
constexpr uint64_t kRamBase = 0x40000000, kRamSize = 0x8000;
constexpr uint64_t kCodeBase = 0x40000e80;  // the stream, then a WFI; crosses a page
constexpr uint64_t kVbar = 0x40003000;      // VBAR_EL1: a WFI at every vector (Tessera halts there)
constexpr uint64_t kDataBase = 0x40004000, kDataSize = 0x2000;  // two pages of data

// Registers the stream's ordinary instructions never write: the base registers of every load
// and store (changed only by the writeback the generator intends, so their values are known)
// and two index registers for the register-offset and post-index-by-register forms.
constexpr unsigned kSp = 31;  // as a base (Rn = 31)
struct BaseReg {
    unsigned reg;
    uint64_t addr;  // initial value
};
inline constexpr BaseReg kBaseRegs[] = {{kSp, kDataBase + 0x1000}, {28, kDataBase + 0x800}, {27, kDataBase + 0x1800}};
inline constexpr unsigned kIndexRegs[] = {26, 25};  // a small positive and a small negative offset
bool is_pinned(unsigned r);                           // a base or index register (never SP here)

struct Insn {
    uint32_t word = 0;
    uint64_t addr = 0;
    size_t entry = 0;  // index in aarch64::patterns()
    bool undefined = false;  // Tessera's handler rejects it: the stream's last instruction
};

struct Stream {
    std::vector<Insn> insns;
    uint64_t end_pc = 0;  // a WFI
    std::vector<uint8_t> code() const;  // from kCodeBase, including the final WFI
    // Instructions [k, end) replaced by NOPs: the state after it is the state after k.
    Stream prefix(size_t k) const;
};

struct InitialState {
    uint64_t x[31] = {};
    uint64_t sp = 0;
    uint32_t nzcv = 0;  // bits 31:28
    uint64_t v[32][2] = {};
    uint64_t fpcr = 0, fpsr = 0, tpidr_el0 = 0;
    std::vector<uint8_t> data;  // kDataSize bytes at kDataBase
};

struct TestCase {
    Stream stream;
    InitialState init;
};

// Streams of min_len..max_len instructions. Some streams end with an instruction that Tessera
// treats as UNDEFINED, to check that Unicorn agrees.
TestCase generate(uint64_t seed, unsigned min_len = 50, unsigned max_len = 200);

// Words the harness needs, checked against the tables.
uint32_t nop_word();
uint32_t wfi_word();

// Why entries were never used, for --stats: entries whose words all touch memory in a way
// the load/store analysis does not know.
std::vector<std::string> generator_notes();

}  // namespace tessera::conformance::a64
