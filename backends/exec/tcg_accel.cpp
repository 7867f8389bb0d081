#include "backends/exec/tcg_accel.h"

#include <cstdlib>
#include <stdexcept>

#include "softmmu/address_space.h"
#include "util/error.h"

namespace tessera {

TcgAccel::~TcgAccel() {
    executors_.clear();  // their blocks release code into engines they own
    if (as_) {
        as_->on_code_write = nullptr;
        as_->on_code_mark = nullptr;
    }
}

void TcgAccel::map_memory(AddressSpace& as) {
    as_ = &as;
    // Stores into translated code invalidate it; pages get code are write-protected in
    // every vCPU's TLB so those stores take the slow path.
    as.on_code_write = [this](uint64_t pa, uint64_t size) { return cache_.invalidate_range(pa, size); };
    as.on_code_mark = [this](uint64_t page) {
        for (Vcpu* c : cpus_) c->tlb_protect_code(page);
    };
}

void TcgAccel::add_cpu(Vcpu& cpu) {
    if (!cpus_.empty()) throw std::logic_error("tcg: one vCPU per machine so far");
    cpus_.push_back(&cpu);
    executors_.push_back(std::make_unique<Executor>(cpu, cache_, opts_));
}

void TcgAccel::run(unsigned index) { executors_.at(index)->run(); }
void TcgAccel::step(unsigned index) { executors_.at(index)->step(); }

bool TcgAccel::failed() const {
    for (const auto& e : executors_)
        if (e->diverged()) return true;
    return false;
}

void TcgAccel::reset() {
    for (auto& e : executors_) e->flush();
}

void TcgAccel::print_stats(FILE* out) {
    for (auto& e : executors_) e->print_stats(out);
}

std::string TcgAccel::describe_state() const {
    std::string out;
    for (const auto& e : executors_) {
        const ExecStats& s = e->stats;
        char line[200];
        snprintf(line, sizeof line, "%sexecutor: %llu blocks run, %llu lookups, %llu interrupts taken, %llu exceptions",
                 out.empty() ? "" : "; ", (unsigned long long)s.blocks_executed, (unsigned long long)s.lookups,
                 (unsigned long long)s.interrupts, (unsigned long long)s.exceptions);
        out += line;
    }
    return out;
}

namespace {

uint32_t number(const std::string& prop, const std::string& v, unsigned long lo, unsigned long hi, const char* unit = "") {
    char* end = nullptr;
    unsigned long n = strtoul(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi)
        throw ConfigError{"-accel: " + prop + " must be " + std::to_string(lo) + ".." + std::to_string(hi) + unit +
                          ", not '" + v + "'"};
    return uint32_t(n);
}

bool on_off(const std::string& prop, const std::string& v) {
    if (v == "on" || v == "off") return v == "on";
    throw ConfigError{"-accel: " + prop + " must be on or off, not '" + v + "'"};
}

}  // namespace

ExecOptions TcgAccel::parse(const AccelConfig& cfg) {
    ExecOptions eo;
    eo.mode = ExecMode::Tiered;
    int baseline = -1;  // the mode decides
    for (const auto& [prop, v] : cfg.props) {
        if (prop == "exec") {
            if (!parse_exec_mode(v, &eo.mode))
                throw ConfigError{"-accel: unknown exec mode '" + v + "' (available: interp, jit, tiered, lockstep)"};
        } else if (prop == "threshold") {  // given explicitly: exactly that many runs
            eo.hot_threshold = number(prop, v, 1, 1000000);
            eo.hot_insns = 0;
        } else if (prop == "tb-size") {  // QEMU's name: the code cache in MiB
            eo.max_compiled_bytes = eo.baseline_bytes = uint64_t(number(prop, v, 1, 4096, " (MiB)")) << 20;
        } else if (prop == "warm") {
            eo.warm_runs = number(prop, v, 1, 1000000);
        } else if (prop == "region") {
            eo.region_blocks = number(prop, v, 1, 64);
        } else if (prop == "ahead") {
            eo.compile_ahead = on_off(prop, v);
        } else if (prop == "baseline") {
            baseline = on_off(prop, v);
        } else {
            throw ConfigError{"-accel: unknown property '" + prop + (v.empty() ? "" : "=" + v) +
                              "' of tcg (-accel help lists them)"};
        }
    }
    if (baseline == 1 && eo.mode == ExecMode::Interp)
        throw ConfigError{"-accel: baseline=on applies to exec=jit, tiered and lockstep"};
    eo.baseline = baseline < 0 ? eo.mode == ExecMode::Jit || eo.mode == ExecMode::Tiered : baseline == 1;
    eo.count_accesses = cfg.count_accesses;
    return eo;
}

const AccelInfo& TcgAccel::info() {
    static const AccelInfo i{
        "tcg",
        "software: guest code through Tessera's IR, interpreted or compiled to host code",
        {{"exec=interp|jit|tiered|lockstep",
          "tiered (default): interpreter, baseline x86-64 code when warm, LLVM when hot; jit: "
          "every block compiled before it runs; lockstep: interpreter and compiled code compared"},
         {"threshold=N", "runs before LLVM compiles a block (default: 64 and 100000 guest instructions)"},
         {"warm=N", "tiered: interpreted runs before baseline code (default 16)"},
         {"region=N", "blocks LLVM compiles together (default 8; 1: none)"},
         {"baseline=on|off", "use the baseline code generator (default on for jit and tiered, off for lockstep)"},
         {"ahead=on|off", "jit with baseline=off: a second thread compiles successors ahead (default on)"},
         {"tb-size=MiB", "code cache bound, LLVM's (default 256) and the baseline's (default 64) each"}},
        [](const AccelConfig& cfg) -> std::unique_ptr<Accelerator> { return std::make_unique<TcgAccel>(parse(cfg)); }};
    return i;
}

}  // namespace tessera
