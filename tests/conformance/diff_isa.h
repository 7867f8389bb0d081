// What the differential harness (unicorn_diff.cpp) needs from a guest ISA. An ISA plugs
// in by implementing DiffIsa: its decode table (drawn from by TableSampler), its
// generator and constraints, its Unicorn engine and register mapping (UnicornSession),
// its Tessera runner and its comparison: RISC-V (rv_diff_isa.cpp), AArch64 (a64_diff_isa.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/exec/executor.h"

namespace tessera::conformance {

// The executor under test.
struct Engine {
    ExecMode mode = ExecMode::Interp;
    bool baseline = false;  // jit, lockstep: the baseline x86-64 code generator instead of LLVM
    std::string name() const { return std::string(exec_mode_name(mode)) + (baseline ? " (baseline)" : ""); }
};

// One run of a case on Tessera and on Unicorn.
struct Outcome {
    std::vector<std::string> diffs;  // empty: they agree
    std::vector<std::string> notes;  // Unicorn deviations from the spec that were handled
    std::vector<unsigned> deviations;  // counts, by DiffIsa::deviation_names()
    uint64_t executed = 0;             // instructions Unicorn executed
};

// One generated test: an instruction stream and an initial state.
class DiffCase {
public:
    virtual ~DiffCase() = default;
    virtual size_t size() const = 0;              // instructions
    virtual size_t entry(size_t i) const = 0;     // decode-table index of instruction i
    virtual std::string text(size_t i) const = 0;  // disassembly and table name of instruction i
    // Runs the first k instructions (the rest replaced by nops of the same length).
    virtual Outcome run_both(size_t k, const Engine& e) const = 0;
    virtual std::string ir_of(size_t i) const = 0;  // Tessera's IR for instruction i alone
    virtual void print_initial() const = 0;
    virtual void print_stream(long mark) const = 0;  // mark: the instruction to point at, or -1
};

class DiffIsa {
public:
    virtual ~DiffIsa() = default;
    virtual const char* name() const = 0;
    virtual std::vector<const char*> table_names() const = 0;  // the decode table, in order
    virtual std::vector<const char*> deviation_names() const = 0;
    virtual std::unique_ptr<DiffCase> generate(uint64_t seed) const = 0;
    // What the generator left out and why, for --stats.
    virtual std::vector<std::string> notes() const { return {}; }
};

const DiffIsa& riscv64_diff_isa();
const DiffIsa& aarch64_diff_isa();

}  // namespace tessera::conformance
