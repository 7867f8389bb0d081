// Random RISC-V user-level instruction streams for the conformance tests, drawn from the
// one decode table (frontends/riscv/decode.h, ARCHITECTURE.md rule 1).
//
// An instruction is made by picking a table entry, filling its don't-care bits at random,
// decoding the word, constraining the decoded operands (registers, rounding mode, memory
// offsets, branch targets) and encoding them back. Field positions are not written here:
// they are found by probing decode() bit by bit (TableSampler, table_sampler.h), and
// every word is re-decoded to check that it is the intended entry with the intended
// operands. A given seed always yields the same stream and initial state.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "frontends/riscv/decode.h"

namespace tessera::conformance {

// Guest-physical layout, the same in both emulators: one RAM region.
constexpr uint64_t kRamBase = 0x80000000, kRamSize = 0x8000;
constexpr uint64_t kCodeBase = 0x80000e80;  // the stream, then one ecall; crosses a page
constexpr uint64_t kTrapBase = 0x80003000;  // mtvec: wfi; j .-4 (Tessera halts there)
constexpr uint64_t kDataBase = 0x80004000, kDataSize = 0x2000;  // two pages of data

// Data pointers: never written by a stream; every load, store and atomic goes through
// one of them (directly, or through an addi into a temporary just before an atomic).
// x2 is sp, so the c.*sp forms are usable; x8/x9 are reachable by c.lw/c.sd and friends.
struct BaseReg {
    unsigned reg;
    uint64_t addr;
};
inline constexpr BaseReg kBaseRegs[] = {{2, kDataBase + 0x1000}, {8, kDataBase + 0x800}, {9, kDataBase + 0x1800}};
bool is_base_reg(unsigned r);

// What both emulators are expected to agree on in an FP register after a stream.
// Unicorn 2.0.1 (QEMU 5.0) does not NaN-box single-precision results and does not check
// the boxing of single-precision operands (unlike the spec, D extension "NaN Boxing of
// Narrower Values"). So the generator tracks, per register, whether it holds a double
// (D: all 64 bits agree), a single (S: the low 32 bits agree, and Tessera's upper half
// must be all ones), or either, when two paths merge after a branch (Low32). Single-
// precision operations only read S registers, double ones only D registers.
enum class FKind : uint8_t { D, S, Low32 };
const char* fkind_name(FKind k);
using FKinds = std::array<FKind, 32>;

// How the decode table's handlers use their operands (derived from the base name).
enum class Cls : uint8_t { Excluded, Alu, Load, Store, Branch, Jal, Jalr, Lr, Sc, Amo, Csr, Fence, Fp };
enum class Opnd : uint8_t { None, X, FS, FD, FAny };  // FAny: only the low 32 bits are used
struct OpInfo {
    Cls cls = Cls::Excluded;
    Opnd rd = Opnd::None, rs1 = Opnd::None, rs2 = Opnd::None, rs3 = Opnd::None;
    uint8_t size = 0;  // memory access bytes
};
// The 32-bit entry a compressed entry expands to (same handler), or p itself.
const riscv::Pattern& base_pattern(const riscv::Pattern& p);
OpInfo op_info(const riscv::Pattern& p);
const riscv::Pattern* find_pattern(const char* name);

// Encodes args into an instance of p, taking bits that no operand field covers from
// base_word. False if args cannot be represented (the re-decode differs).
bool encode(const riscv::Pattern& p, const riscv::Args& args, uint32_t base_word, uint32_t* out);

struct Insn {
    const riscv::Pattern* pat = nullptr;
    uint32_t word = 0;
    uint64_t addr = 0;
    int target = -1;        // jumps and branches: index of the target instruction (size() = the end)
    bool interior = false;  // inside a multi-instruction unit: never a branch target
};

struct Stream {
    uint64_t seed = 0;
    std::vector<Insn> insns;
    uint64_t end_pc = 0;  // the final ecall; a branch may target it
    // Code bytes from kCodeBase, including the final ecall.
    std::vector<uint8_t> code() const;
    // The same layout with instructions [k, end) replaced by nops of the same length: the
    // state after it is the state after the first k instructions (on the path taken).
    Stream prefix(size_t k) const;
};

struct InitialState {
    uint64_t x[32] = {};
    uint64_t f[32] = {};
    FKinds fkind{};
    uint32_t frm = 0, fflags = 0;
    std::vector<uint8_t> data;  // kDataSize bytes at kDataBase
};

struct TestCase {
    Stream stream;
    InitialState init;
};

// Streams of min_len..max_len instructions.
TestCase generate(uint64_t seed, unsigned min_len = 50, unsigned max_len = 200);

// FP register kinds after the stream (merging every path), from the initial kinds.
FKinds final_kinds(const Stream& s, const FKinds& init);

// Table-derived words the harness needs.
uint32_t ecall_word();
std::array<uint32_t, 2> trap_loop_words();  // wfi; jal x0, -4

}  // namespace tessera::conformance
