// What Tessera's translator makes of one A64 word, read off the IR its handler emits: the
// generator's way to know, without a list of instruction names, whether a word is accepted
// and which general-purpose registers it writes.
#pragma once
#include <cstdint>
#include <string>

namespace tessera::conformance::a64 {

struct Effects {
    bool accepted = false;  // decodes and the handler takes it (else Tessera's UNDEFINED)
    bool raises = false;    // translates to an exception (a trap, SVC, BRK)
    uint32_t writes_x = 0;  // bit r: X register r (0-30)
    bool writes_sp = false;
};

// At EL1h, FP/AdvSIMD enabled (the state the streams run in), at guest address pc.
Effects effects_of(uint32_t word, uint64_t pc);

// Tessera's disassembly of one word (LLVM MC).
std::string disassemble_word(uint32_t word, uint64_t pc);

}  // namespace tessera::conformance::a64
