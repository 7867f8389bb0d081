// The accelerator interface: what runs a board's vCPUs. TCG (backends/exec/tcg_accel.h:
// interpreter, baseline, LLVM, tiered, lockstep) is the first implementation; KVM will be
// the second, routing its MMIO exits to the same AddressSpace and devices. A board hands
// over its memory map and its CPUs and never asks which accelerator it has.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera {

class AddressSpace;
class Vcpu;

// -accel NAME[,PROP=VALUE...] as the user wrote it; the accelerator checks the properties.
struct AccelConfig {
    std::string name = "tcg";
    std::vector<std::pair<std::string, std::string>> props;
    bool count_accesses = false;  // -d stats: count guest loads and stores
};

class Accelerator {
public:
    virtual ~Accelerator() = default;
    virtual const char* name() const = 0;
    // The board's memory map is complete: take it over (TCG: code-page tracking; KVM:
    // memory slots for RAM, exits for everything else).
    virtual void map_memory(AddressSpace& as) = 0;
    // Creates the vCPU that runs cpu. Call after map_memory, in index order.
    virtual void add_cpu(Vcpu& cpu) = 0;
    // Runs vCPU `index` until it halts (WFI), is kicked, or is asked to stop.
    virtual void run(unsigned index) = 0;
    // Runs exactly one instruction of vCPU `index` for a debugger (no interrupt first).
    virtual void step(unsigned index) = 0;
    // The accelerator found an error of its own and printed a report (lockstep divergence).
    virtual bool failed() const { return false; }
    // The board is being reset: drop everything derived from guest memory and CPU state.
    virtual void reset() = 0;
    virtual void print_stats(FILE* out) = 0;
    // For a state report: counts that tell a spinning guest from a sleeping one (one line).
    virtual std::string describe_state() const { return {}; }
};

struct AccelProperty {
    const char* name;
    const char* help;
};

// One accelerator in the registry (app/registry.cpp): -accel help prints these.
struct AccelInfo {
    const char* name;
    const char* description;
    std::vector<AccelProperty> props;
    // Throws ConfigError (util/error.h) for a property it does not take.
    std::unique_ptr<Accelerator> (*create)(const AccelConfig& cfg);
};

}  // namespace tessera
