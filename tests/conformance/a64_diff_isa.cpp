// AArch64 as a DiffIsa: streams from a64_stream_gen, run by a64_run_tessera and
// a64_run_unicorn, compared afterwards: X0-X30, SP, NZCV, V0-V31 (128 bits), FPCR, FPSR,
// TPIDR_EL0, the data buffer, and how the stream ended (its end, or UNDEFINED at one place).
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "tests/conformance/a64_effects.h"
#include "tests/conformance/a64_runners.h"
#include "tests/conformance/diff_isa.h"

namespace tessera::conformance {

namespace {

using namespace a64;

std::string hex64(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "%016" PRIx64, v);
    return b;
}

std::string ending(const FinalState& s) {
    if (s.completed) return "reached the end";
    if (s.undefined) return "UNDEFINED at " + hex64(s.undefined_pc);
    return s.problem;
}

std::vector<std::string> compare(const FinalState& t, const FinalState& u, const InitialState& init) {
    std::vector<std::string> d;
    const bool same_end = (t.completed && u.completed) || (t.undefined && u.undefined && t.undefined_pc == u.undefined_pc);
    if (!same_end) d.push_back("end: tessera " + ending(t) + ", unicorn " + ending(u));
    char b[200];
    auto reg = [&](const char* name, uint64_t tv, uint64_t uv) {
        if (tv == uv) return;
        snprintf(b, sizeof b, "%-5s tessera=%s unicorn=%s", name, hex64(tv).c_str(), hex64(uv).c_str());
        d.push_back(b);
    };
    for (int i = 0; i < 31; i++) {
        char n[8];
        snprintf(n, sizeof n, "x%d", i);
        reg(n, t.x[i], u.x[i]);
    }
    reg("sp", t.sp, u.sp);
    reg("nzcv", t.nzcv, u.nzcv);
    for (int i = 0; i < 32; i++) {
        if (!memcmp(t.v[i], u.v[i], 16)) continue;
        snprintf(b, sizeof b, "v%-3d  tessera=%s:%s unicorn=%s:%s", i, hex64(t.v[i][1]).c_str(), hex64(t.v[i][0]).c_str(),
                 hex64(u.v[i][1]).c_str(), hex64(u.v[i][0]).c_str());
        d.push_back(b);
    }
    reg("fpcr", t.fpcr, u.fpcr);
    reg("fpsr", t.fpsr, u.fpsr);
    reg("tpidr", t.tpidr_el0, u.tpidr_el0);
    unsigned mem_lines = 0;
    for (size_t off = 0; off + 8 <= kDataSize; off += 8) {
        if (!memcmp(&t.data[off], &u.data[off], 8)) continue;
        if (++mem_lines > 16) continue;
        uint64_t tv, uv, iv;
        memcpy(&tv, &t.data[off], 8);
        memcpy(&uv, &u.data[off], 8);
        memcpy(&iv, &init.data[off], 8);
        snprintf(b, sizeof b, "mem[%#" PRIx64 "] initial=%s tessera=%s unicorn=%s", kDataBase + off, hex64(iv).c_str(),
                 hex64(tv).c_str(), hex64(uv).c_str());
        d.push_back(b);
    }
    if (mem_lines > 16) d.push_back("... " + std::to_string(mem_lines - 16) + " more differing data words");
    return d;
}

class A64Case : public DiffCase {
public:
    explicit A64Case(uint64_t seed) : tc_(a64::generate(seed)) {}

    size_t size() const override { return tc_.stream.insns.size(); }
    size_t entry(size_t i) const override { return tc_.stream.insns[i].entry; }
    std::string text(size_t i) const override {
        const Insn& in = tc_.stream.insns[i];
        char b[240];
        snprintf(b, sizeof b, "at %#" PRIx64 ": %08x %s (%s)", in.addr, in.word,
                 disassemble_word(in.word, in.addr).c_str(), aarch64::patterns()[in.entry].name);
        return b;
    }

    Outcome run_both(size_t k, const Engine& e) const override {
        const Stream s = k >= size() ? tc_.stream : tc_.stream.prefix(k);
        FinalState t = run_on_tessera(s, tc_.init, e.mode, e.baseline);
        FinalState u = run_on_unicorn(s, tc_.init);
        Outcome o;
        o.executed = u.executed;
        o.diffs = compare(t, u, tc_.init);
        return o;
    }

    std::string ir_of(size_t i) const override { return a64::ir_of(tc_.stream, i); }

    void print_initial() const override {
        const InitialState& st = tc_.init;
        printf("initial state:\n");
        for (int i = 0; i < 31; i++) printf("  x%-2d=%s%s", i, hex64(st.x[i]).c_str(), i % 4 == 3 ? "\n" : "");
        printf("  sp =%s\n", hex64(st.sp).c_str());
        for (int i = 0; i < 32; i++)
            printf("  v%-2d=%s:%s%s", i, hex64(st.v[i][1]).c_str(), hex64(st.v[i][0]).c_str(), i % 2 == 1 ? "\n" : "");
        printf("  nzcv=%#x fpcr=%#" PRIx64 " fpsr=%#" PRIx64 " tpidr_el0=%#" PRIx64
               "  data: %#" PRIx64 "..%#" PRIx64 " (initial words shown in the memory diff)\n",
               st.nzcv, st.fpcr, st.fpsr, st.tpidr_el0, kDataBase, kDataBase + kDataSize);
    }

    void print_stream(long mark) const override {
        const Stream& s = tc_.stream;
        std::vector<std::string> text = disassemble(s);
        for (size_t i = 0; i < s.insns.size(); i++) {
            const Insn& in = s.insns[i];
            printf("  %s[%3zu] %08" PRIx64 ": %08x  %-40s %s%s\n", long(i) == mark ? ">>" : "  ", i, in.addr, in.word,
                   text[i].c_str(), aarch64::patterns()[in.entry].name, in.undefined ? " (UNDEFINED in Tessera)" : "");
        }
        printf("    [%3zu] %08" PRIx64 ": %08x  wfi (end)\n", s.insns.size(), s.end_pc, wfi_word());
    }

private:
    TestCase tc_;
};

class Aarch64 : public DiffIsa {
public:
    const char* name() const override { return "aarch64"; }
    std::vector<const char*> table_names() const override {
        std::vector<const char*> v;
        for (const aarch64::Pattern& p : aarch64::patterns()) v.push_back(p.name);
        return v;
    }
    std::vector<const char*> deviation_names() const override { return {}; }
    std::unique_ptr<DiffCase> generate(uint64_t seed) const override { return std::make_unique<A64Case>(seed); }
    std::vector<std::string> notes() const override { return generator_notes(); }
};

}  // namespace

const DiffIsa& aarch64_diff_isa() {
    static const Aarch64 isa;
    return isa;
}

}  // namespace tessera::conformance
