// Running one generated stream on Tessera and on Unicorn, from the same initial state,
// to the same end point (the stream's final ecall).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backends/exec/executor.h"
#include "tests/conformance/rv_stream_gen.h"

namespace tessera::conformance {

struct FinalState {
    uint64_t x[32] = {};
    uint64_t f[32] = {};
    uint32_t fflags = 0;
    std::vector<uint8_t> data;
    uint64_t executed = 0;   // instructions of the stream executed (Unicorn only)
    bool completed = false;  // reached the end of the stream without a trap
    std::string problem;     // otherwise: what happened instead
};

// Tessera: a bare hart in M-mode on a RAM-only address space, run by the Executor in the
// given mode until the final ecall traps to a wfi loop and the hart halts. Adding an
// execution mode needs nothing here: the mode goes straight into ExecOptions.
FinalState run_on_tessera(const Stream& s, const InitialState& init, ExecMode mode, bool baseline = false);

// Documented QEMU 5.0 deviations from the RISC-V spec met while running on Unicorn.
// Each is detected on the actual operands just before the instruction executes, and the
// spec's result is put into Unicorn's state (see rv_run_unicorn.cpp for the spec text).
struct Deviations {
    unsigned fminmax_snan = 0;   // fmin/fmax with exactly one sNaN operand, the other not a NaN
    unsigned fma_inf_zero = 0;   // FMA of inf * 0 with a quiet-NaN addend
    unsigned amo_w_minmax = 0;   // AMO{MIN,MAX}[U].W compared against all 64 bits of rs2
    std::vector<std::string> notes;
};

FinalState run_on_unicorn(const Stream& s, const InitialState& init, Deviations* dev);

// Disassembly of the stream through Tessera's disassembler (LLVM MC).
std::vector<std::string> disassemble(const Stream& s);
// The IR Tessera translates one instruction to (in a one-instruction block).
std::string ir_of(const Stream& s, size_t index);

}  // namespace tessera::conformance
