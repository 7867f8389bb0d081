// Running one generated A64 stream on Tessera and on Unicorn, from the same initial state,
// to the same end point (the WFI after the stream, or an UNDEFINED instruction).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backends/exec/executor.h"
#include "tests/conformance/a64_stream_gen.h"

namespace tessera::conformance::a64 {

struct FinalState {
    uint64_t x[31] = {};
    uint64_t sp = 0;
    uint32_t nzcv = 0;
    uint64_t v[32][2] = {};
    uint64_t fpcr = 0, fpsr = 0, tpidr_el0 = 0;
    std::vector<uint8_t> data;
    uint64_t executed = 0;    // instructions of the stream executed (Unicorn only)
    bool completed = false;   // reached the end of the stream
    bool undefined = false;   // took an UNDEFINED exception, at undefined_pc
    uint64_t undefined_pc = 0;
    std::string problem;      // neither: what happened instead
};

// Tessera: a bare CPU at EL1h, MMU off, FP enabled, on a RAM-only address space, run by the
// Executor in the given mode until the final WFI (or the WFI at an exception vector) halts it.
FinalState run_on_tessera(const Stream& s, const InitialState& init, ExecMode mode, bool baseline = false);

// Unicorn 2.0.1 (QEMU 5.0) as a Cortex-A72 (Armv8.0 with CRC32), at EL1h as it starts.
FinalState run_on_unicorn(const Stream& s, const InitialState& init);

std::vector<std::string> disassemble(const Stream& s);
std::string ir_of(const Stream& s, size_t index);  // Tessera's IR for one instruction alone

}  // namespace tessera::conformance::a64
