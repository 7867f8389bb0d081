// RISC-V decoding: one declarative table (decode_table.cpp) of bit-pattern strings
// (frontends/common/decode_pattern.h), operand formats and handlers. Compressed encodings
// name the same handlers as the base ISA, with their fields expanded, so each
// instruction's semantics are written once.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tessera::riscv {

struct Ctx;

struct Args {
    uint32_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
    int64_t imm = 0;
    uint32_t rm = 0, csr = 0;
};

enum class Fmt : uint8_t {
    // 32-bit formats
    R, R4, I, S, B, U, J, Shift, Csr, CsrI, None, Amo, Rrm, R1rm, R1,
    // 16-bit formats: each expands to base-ISA fields
    C_ADDI4SPN, C_LW, C_LD, C_SW, C_SD, C_ADDI, C_LI, C_ADDI16SP, C_LUI, C_SHIFT_R, C_ANDI,
    C_ARITH, C_J, C_BRANCH, C_SLLI, C_LWSP, C_LDSP, C_SWSP, C_SDSP, C_JR, C_MV, C_JALR, C_ADD,
    C_NONE, C_ADDIW,
};

using Handler = bool (*)(Ctx&, const Args&);

struct Pattern {
    const char* name;
    const char* bits;  // the pattern string: 0, 1 and field letters, MSB first
    uint32_t mask, match;
    uint8_t width;  // 16 or 32 bits
    Fmt fmt;
    Handler handler;
    constexpr unsigned len() const { return width / 8; }  // bytes
};

// The table, in priority order: an entry may overlap a later one only if it is strictly
// more specific (checked at compile time in decode_table.cpp).
extern const Pattern* const kPatterns;
extern const size_t kNumPatterns;

// Decodes one instruction (len from its low bits). Returns nullptr for an illegal
// encoding, including reserved compressed forms. Dispatches through buckets.
const Pattern* decode(uint32_t insn, Args* args);
// The same by a linear scan of the table: the definition decode() is tested against.
const Pattern* decode_linear(uint32_t insn, Args* args);
inline unsigned insn_length(uint32_t insn) { return (insn & 3) == 3 ? 4 : 2; }

}  // namespace tessera::riscv
