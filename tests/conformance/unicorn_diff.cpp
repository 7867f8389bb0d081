// tessera_conformance_unicorn: random instruction streams from a guest ISA's decode
// table, run on Tessera and on Unicorn from the same state and compared afterwards
// (for RISC-V: registers, fflags and the data buffer). The ISA is a DiffIsa (diff_isa.h).
//
//   tessera_conformance_unicorn --seeds tests/conformance/seeds.txt [--mode interp] [--isa riscv64|aarch64]
//   tessera_conformance_unicorn --random 2000 [--seed S]
//   tessera_conformance_unicorn --only SEED        (one seed, stream always printed)
//   --first N: only the first N seeds of the list (the slower executors' ctest entries)
//
// On a mismatch it prints the seed, the first instruction after which the two disagree
// (found by bisecting the stream length), that instruction's IR, the register/memory
// differences, the initial state and the disassembled stream.
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/conformance/diff_isa.h"

using namespace tessera;
using namespace tessera::conformance;

namespace {

constexpr unsigned kMaxReports = 10;  // full reports; later failures get one line

// The ISAs the harness knows.
const DiffIsa* find_isa(const std::string& name) {
    for (const DiffIsa* isa : {&riscv64_diff_isa(), &aarch64_diff_isa()})
        if (name == isa->name()) return isa;
    return nullptr;
}

struct Options {
    std::vector<uint64_t> seeds;
    ExecMode mode = ExecMode::Interp;
    bool baseline = false;  // jit, lockstep: the baseline x86-64 code generator instead of LLVM
    bool verbose = false;
    bool stats = false;
    const DiffIsa* isa = &riscv64_diff_isa();
};

[[noreturn]] void usage_error(const std::string& msg) {
    fprintf(stderr, "tessera_conformance_unicorn: %s\n", msg.c_str());
    fprintf(stderr, "usage: tessera_conformance_unicorn [--seeds FILE] [--random N [--seed S]] [--only SEED] [--first N] "
                    "[--mode interp|jit|tiered|lockstep] [--baseline] [--isa riscv64|aarch64] [--verbose] [--stats]\n");
    exit(2);
}

bool parse_u64(const std::string& s, uint64_t* out) {
    if (s.empty()) return false;
    char* end = nullptr;
    errno = 0;
    *out = strtoull(s.c_str(), &end, 0);
    return errno == 0 && *end == 0;
}

void read_seed_file(const std::string& path, std::vector<uint64_t>& out) {
    std::ifstream in(path);
    if (!in) usage_error(path + ": cannot open seed file");
    std::string line;
    for (int n = 1; std::getline(in, line); n++) {
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        std::string w;
        while (words >> w) {
            uint64_t v;
            if (!parse_u64(w, &v)) usage_error(path + ":" + std::to_string(n) + ": not a seed: " + w);
            out.push_back(v);
        }
    }
}

Options parse(int argc, char** argv) {
    Options o;
    uint64_t random_n = 0, random_seed = 0, first = 0;
    bool have_seed = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage_error(a + " needs a value");
            return argv[++i];
        };
        uint64_t v;
        if (a == "--seeds") {
            read_seed_file(value(), o.seeds);
        } else if (a == "--random") {
            if (!parse_u64(value(), &random_n)) usage_error("--random: not a number: " + std::string(argv[i]));
        } else if (a == "--seed") {
            if (!parse_u64(value(), &random_seed)) usage_error("--seed: not a number: " + std::string(argv[i]));
            have_seed = true;
        } else if (a == "--only") {
            if (!parse_u64(value(), &v)) usage_error("--only: not a seed: " + std::string(argv[i]));
            o.seeds.push_back(v);
            o.verbose = true;
        } else if (a == "--first") {
            if (!parse_u64(value(), &first)) usage_error("--first: not a number: " + std::string(argv[i]));
        } else if (a == "--mode") {
            std::string m = value();
            if (!parse_exec_mode(m, &o.mode)) usage_error("--mode: unknown execution mode: " + m);
        } else if (a == "--isa") {
            std::string n = value();
            o.isa = find_isa(n);
            if (!o.isa) usage_error("--isa: unknown ISA: " + n);
        } else if (a == "--baseline") {
            o.baseline = true;
        } else if (a == "--verbose") {
            o.verbose = true;
        } else if (a == "--stats") {
            o.stats = true;
        } else {
            usage_error("unknown option: " + a);
        }
    }
    if (random_n) {
        if (!have_seed) random_seed = std::random_device{}() | uint64_t(std::random_device{}()) << 32;
        printf("random seeds: --random %" PRIu64 " --seed %#" PRIx64 "\n", random_n, random_seed);
        std::mt19937_64 g(random_seed);
        for (uint64_t i = 0; i < random_n; i++) o.seeds.push_back(g());
    }
    if (first && first < o.seeds.size()) o.seeds.resize(first);  // a quicker run of the same list
    if (o.seeds.empty()) usage_error("no seeds: give --seeds FILE, --random N or --only SEED");
    return o;
}

// Smallest k such that the first k instructions already disagree: prefix(k - 1) agrees
// and prefix(k) does not, so instruction k - 1 ran on equal states and left different ones.
size_t bisect(const DiffCase& c, const Engine& mode) {
    size_t lo = 0, hi = c.size();
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c.run_both(mid, mode).diffs.empty()) lo = mid;
        else hi = mid;
    }
    return hi - 1;
}

// ---- the report --------------------------------------------------------------------------------

void report(uint64_t seed, const DiffCase& c, const Outcome& o, const Engine& mode) {
    printf("=== MISMATCH: seed %#" PRIx64 " (%zu instructions, mode %s) ===\n", seed, c.size(), mode.name().c_str());
    for (const std::string& d : o.diffs) printf("  %s\n", d.c_str());
    size_t k = bisect(c, mode);
    printf("first divergence: instruction [%zu] %s\n", k, c.text(k).c_str());
    printf("  the first %zu instructions agree; after [%zu]:\n", k, k);
    Outcome at = c.run_both(k + 1, mode);
    for (const std::string& d : at.diffs) printf("    %s\n", d.c_str());
    printf("  Tessera IR of [%zu]:\n%s", k, c.ir_of(k).c_str());
    c.print_initial();
    printf("stream (>> marks the divergence):\n");
    c.print_stream(long(k));
    for (const std::string& n : o.notes) printf("  unicorn deviation handled: %s\n", n.c_str());
    printf("reproduce: tessera_conformance_unicorn --only %#" PRIx64 " --mode %s%s\n\n", seed, exec_mode_name(mode.mode),
           mode.baseline ? " --baseline" : "");
}

}  // namespace

int main(int argc, char** argv) {
    Options opt = parse(argc, argv);
    const DiffIsa& isa = *opt.isa;
    const Engine engine{opt.mode, opt.baseline};
    const std::vector<const char*> names = isa.table_names();
    const std::vector<const char*> deviation_names = isa.deviation_names();
    unsigned passed = 0, failed = 0, reports = 0;
    std::vector<unsigned> deviations(deviation_names.size());
    size_t insns = 0, executed = 0;
    std::vector<unsigned> per_entry(names.size());
    std::vector<uint64_t> failures;
    for (uint64_t seed : opt.seeds) {
        std::unique_ptr<DiffCase> c = isa.generate(seed);
        insns += c->size();
        for (size_t i = 0; i < c->size(); i++) per_entry[c->entry(i)]++;
        Outcome o = c->run_both(c->size(), engine);
        executed += o.executed;
        for (size_t i = 0; i < deviations.size() && i < o.deviations.size(); i++) deviations[i] += o.deviations[i];
        if (o.diffs.empty()) {
            passed++;
            if (opt.verbose) {
                printf("seed %#" PRIx64 ": pass\n", seed);
                c->print_initial();
                c->print_stream(-1);
                for (const std::string& n : o.notes) printf("  unicorn deviation handled: %s\n", n.c_str());
            }
            continue;
        }
        failed++;
        failures.push_back(seed);
        if (reports++ < kMaxReports) report(seed, *c, o, engine);
        else printf("MISMATCH: seed %#" PRIx64 ": %s\n", seed, o.diffs[0].c_str());
        fflush(stdout);
    }
    if (opt.stats) {
        printf("instances per decode-table entry:\n");
        std::string never;
        for (size_t i = 0; i < names.size(); i++) {
            if (per_entry[i]) printf("  %-12s %u\n", names[i], per_entry[i]);
            else never += std::string(" ") + names[i];
        }
        printf("never generated:%s\n", never.c_str());
        for (const std::string& n : isa.notes()) printf("note: %s\n", n.c_str());
    }
    std::string handled;
    for (size_t i = 0; i < deviations.size(); i++)
        handled += (i ? ", " : " ") + std::to_string(deviations[i]) + " " + deviation_names[i];
    printf("%zu instructions (%zu executed) in %zu streams; documented QEMU 5.0 deviations handled:%s\n", insns,
           executed, opt.seeds.size(), handled.c_str());
    if (!failures.empty()) {
        printf("failing seeds:");
        for (uint64_t s : failures) printf(" %#" PRIx64, s);
        printf("\n");
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
