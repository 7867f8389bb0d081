// tessera_conformance_unicorn: random RISC-V instruction streams from the decode table,
// run on Tessera and on Unicorn from the same state; registers, fflags and the data
// buffer are compared afterwards.
//
//   tessera_conformance_unicorn --seeds tests/conformance/seeds.txt [--mode interp]
//   tessera_conformance_unicorn --random 2000 [--seed S]
//   tessera_conformance_unicorn --only SEED        (one seed, stream always printed)
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

#include "tests/conformance/rv_runners.h"

using namespace tessera;
using namespace tessera::conformance;

namespace {

constexpr unsigned kMaxReports = 10;  // full reports; later failures get one line

// The executor under test.
struct Engine {
    ExecMode mode = ExecMode::Interp;
    bool baseline = false;
    std::string name() const { return std::string(exec_mode_name(mode)) + (baseline ? " (baseline)" : ""); }
};

struct Options {
    std::vector<uint64_t> seeds;
    ExecMode mode = ExecMode::Interp;
    bool baseline = false;  // jit, lockstep: the baseline x86-64 code generator instead of LLVM
    bool verbose = false;
    bool stats = false;
};

[[noreturn]] void usage_error(const std::string& msg) {
    fprintf(stderr, "tessera_conformance_unicorn: %s\n", msg.c_str());
    fprintf(stderr, "usage: tessera_conformance_unicorn [--seeds FILE] [--random N [--seed S]] [--only SEED] "
                    "[--mode interp|jit|tiered|lockstep] [--baseline] [--verbose] [--stats]\n");
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
    uint64_t random_n = 0, random_seed = 0;
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
        } else if (a == "--mode") {
            std::string m = value();
            if (!parse_exec_mode(m, &o.mode)) usage_error("--mode: unknown execution mode: " + m);
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
    if (o.seeds.empty()) usage_error("no seeds: give --seeds FILE, --random N or --only SEED");
    return o;
}

std::string hex64(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "%016" PRIx64, v);
    return b;
}

// ---- comparison -------------------------------------------------------------------------------

std::vector<std::string> compare(const FinalState& t, const FinalState& u, const FKinds& kinds,
                                 const InitialState& init) {
    std::vector<std::string> d;
    if (!t.completed) d.push_back("tessera: " + t.problem);
    if (!u.completed) d.push_back("unicorn: " + u.problem);
    char b[200];
    for (int i = 1; i < 32; i++)
        if (t.x[i] != u.x[i]) {
            snprintf(b, sizeof b, "x%-2d tessera=%s unicorn=%s", i, hex64(t.x[i]).c_str(), hex64(u.x[i]).c_str());
            d.push_back(b);
        }
    for (int i = 0; i < 32; i++) {
        FKind k = kinds[size_t(i)];
        uint64_t mask = k == FKind::D ? ~0ull : 0xffffffffull;
        const char* why = nullptr;
        if ((t.f[i] & mask) != (u.f[i] & mask)) why = "";
        else if (k == FKind::S && (t.f[i] >> 32) != 0xffffffffu) why = " (tessera: single not NaN-boxed)";
        if (why) {
            snprintf(b, sizeof b, "f%-2d [%s] tessera=%s unicorn=%s%s", i, fkind_name(k), hex64(t.f[i]).c_str(),
                     hex64(u.f[i]).c_str(), why);
            d.push_back(b);
        }
    }
    if (t.fflags != u.fflags) {
        snprintf(b, sizeof b, "fflags tessera=%#x unicorn=%#x (NV=10 DZ=08 OF=04 UF=02 NX=01)", t.fflags, u.fflags);
        d.push_back(b);
    }
    unsigned mem_lines = 0;
    for (size_t off = 0; off + 8 <= kDataSize; off += 8) {
        if (!memcmp(&t.data[off], &u.data[off], 8)) continue;
        if (++mem_lines > 16) continue;
        uint64_t tv, uv, iv;
        memcpy(&tv, &t.data[off], 8);
        memcpy(&uv, &u.data[off], 8);
        memcpy(&iv, &init.data[off], 8);
        snprintf(b, sizeof b, "mem[%#" PRIx64 "] initial=%s tessera=%s unicorn=%s", kDataBase + off,
                 hex64(iv).c_str(), hex64(tv).c_str(), hex64(uv).c_str());
        d.push_back(b);
    }
    if (mem_lines > 16) d.push_back("... " + std::to_string(mem_lines - 16) + " more differing data words");
    return d;
}

struct Outcome {
    std::vector<std::string> diffs;
    Deviations dev;
    uint64_t executed = 0;
};

Outcome run_both(const Stream& s, const InitialState& init, const Engine& mode) {
    Outcome o;
    FinalState t = run_on_tessera(s, init, mode.mode, mode.baseline);
    FinalState u = run_on_unicorn(s, init, &o.dev);
    o.executed = u.executed;
    o.diffs = compare(t, u, final_kinds(s, init.fkind), init);
    return o;
}

// Smallest k such that the first k instructions already disagree: prefix(k - 1) agrees
// and prefix(k) does not, so instruction k - 1 ran on equal states and left different ones.
size_t bisect(const TestCase& tc, const Engine& mode) {
    size_t lo = 0, hi = tc.stream.insns.size();
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (run_both(tc.stream.prefix(mid), tc.init, mode).diffs.empty()) lo = mid;
        else hi = mid;
    }
    return hi - 1;
}

// ---- the report --------------------------------------------------------------------------------

void print_stream(const Stream& s, long mark) {
    std::vector<std::string> text = disassemble(s);
    for (size_t i = 0; i < s.insns.size(); i++) {
        const Insn& in = s.insns[i];
        char word[16];
        snprintf(word, sizeof word, in.pat->len() == 2 ? "%04x    " : "%08x", in.word);
        printf("  %s[%3zu] %08" PRIx64 ": %s  %-36s %-12s", long(i) == mark ? ">>" : "  ", i, in.addr, word,
               text[i].c_str(), in.pat->name);
        if (in.target >= 0) printf(" -> [%d]", in.target);
        printf("\n");
    }
    printf("    [%3zu] %08" PRIx64 ": %08x  ecall (end)\n", s.insns.size(), s.end_pc, ecall_word());
}

void print_initial(const InitialState& st) {
    printf("initial state:\n");
    for (int i = 0; i < 32; i++) printf("  x%-2d=%s%s", i, hex64(st.x[i]).c_str(), i % 4 == 3 ? "\n" : "");
    for (int i = 0; i < 32; i++)
        printf("  f%-2d=%s %-2s%s", i, hex64(st.f[i]).c_str(), fkind_name(st.fkind[size_t(i)]), i % 4 == 3 ? "\n" : "");
    printf("  frm=%u fflags=%#x  data: %#" PRIx64 "..%#" PRIx64 " (initial words shown in the memory diff)\n", st.frm,
           st.fflags, kDataBase, kDataBase + kDataSize);
}

void report(uint64_t seed, const TestCase& tc, const Outcome& o, const Engine& mode) {
    printf("=== MISMATCH: seed %#" PRIx64 " (%zu instructions, mode %s) ===\n", seed, tc.stream.insns.size(),
           mode.name().c_str());
    for (const std::string& d : o.diffs) printf("  %s\n", d.c_str());
    size_t k = bisect(tc, mode);
    const Insn& bad = tc.stream.insns[k];
    printf("first divergence: instruction [%zu] at %#" PRIx64 ": %s (%s)\n", k, bad.addr,
           disassemble(tc.stream)[k].c_str(), bad.pat->name);
    printf("  the first %zu instructions agree; after [%zu]:\n", k, k);
    Outcome at = run_both(tc.stream.prefix(k + 1), tc.init, mode);
    for (const std::string& d : at.diffs) printf("    %s\n", d.c_str());
    printf("  Tessera IR of [%zu]:\n%s", k, ir_of(tc.stream, k).c_str());
    print_initial(tc.init);
    printf("stream (>> marks the divergence):\n");
    print_stream(tc.stream, long(k));
    for (const std::string& n : o.dev.notes) printf("  unicorn deviation handled: %s\n", n.c_str());
    printf("reproduce: tessera_conformance_unicorn --only %#" PRIx64 " --mode %s%s\n\n", seed, exec_mode_name(mode.mode),
           mode.baseline ? " --baseline" : "");
}

}  // namespace

int main(int argc, char** argv) {
    Options opt = parse(argc, argv);
    unsigned passed = 0, failed = 0, reports = 0;
    Deviations total;
    size_t insns = 0, executed = 0;
    std::vector<unsigned> per_pattern(riscv::kNumPatterns);
    std::vector<uint64_t> failures;
    for (uint64_t seed : opt.seeds) {
        TestCase tc = generate(seed);
        insns += tc.stream.insns.size();
        for (const Insn& in : tc.stream.insns) per_pattern[size_t(in.pat - riscv::kPatterns)]++;
        Outcome o = run_both(tc.stream, tc.init, Engine{opt.mode, opt.baseline});
        executed += o.executed;
        total.fminmax_snan += o.dev.fminmax_snan;
        total.fma_inf_zero += o.dev.fma_inf_zero;
        total.amo_w_minmax += o.dev.amo_w_minmax;
        if (o.diffs.empty()) {
            passed++;
            if (opt.verbose) {
                printf("seed %#" PRIx64 ": pass\n", seed);
                print_initial(tc.init);
                print_stream(tc.stream, -1);
                for (const std::string& n : o.dev.notes) printf("  unicorn deviation handled: %s\n", n.c_str());
            }
            continue;
        }
        failed++;
        failures.push_back(seed);
        if (reports++ < kMaxReports) report(seed, tc, o, Engine{opt.mode, opt.baseline});
        else printf("MISMATCH: seed %#" PRIx64 ": %s\n", seed, o.diffs[0].c_str());
        fflush(stdout);
    }
    if (opt.stats) {
        printf("instances per decode-table entry:\n");
        std::string never;
        for (size_t i = 0; i < riscv::kNumPatterns; i++) {
            const riscv::Pattern& p = riscv::kPatterns[i];
            if (per_pattern[i]) printf("  %-12s %u\n", p.name, per_pattern[i]);
            else never += std::string(" ") + p.name;
        }
        printf("never generated:%s\n", never.c_str());
    }
    printf("%zu instructions (%zu executed) in %zu streams; documented QEMU 5.0 deviations handled: %u fmin/fmax-sNaN, "
           "%u fma-inf*0+qNaN, %u amo{min,max}[u].w\n",
           insns, executed, opt.seeds.size(), total.fminmax_snan, total.fma_inf_zero, total.amo_w_minmax);
    if (!failures.empty()) {
        printf("failing seeds:");
        for (uint64_t s : failures) printf(" %#" PRIx64, s);
        printf("\n");
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
