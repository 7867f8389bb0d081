// RISC-V as a DiffIsa: streams from rv_stream_gen, run by rv_run_tessera and
// rv_run_unicorn, compared register by register (FP registers by the kind the stream
// left in them, see FKind), fflags and the data buffer.
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "tests/conformance/diff_isa.h"
#include "tests/conformance/rv_runners.h"

namespace tessera::conformance {

namespace {

std::string hex64(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "%016" PRIx64, v);
    return b;
}

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

class RvCase : public DiffCase {
public:
    explicit RvCase(uint64_t seed) : tc_(generate(seed)) {}

    size_t size() const override { return tc_.stream.insns.size(); }
    size_t entry(size_t i) const override { return size_t(tc_.stream.insns[i].pat - riscv::kPatterns); }
    std::string text(size_t i) const override {
        const Insn& in = tc_.stream.insns[i];
        char b[200];
        snprintf(b, sizeof b, "at %#" PRIx64 ": %s (%s)", in.addr, disassemble(tc_.stream)[i].c_str(), in.pat->name);
        return b;
    }

    Outcome run_both(size_t k, const Engine& e) const override {
        const Stream s = k >= size() ? tc_.stream : tc_.stream.prefix(k);
        Deviations dev;
        FinalState t = run_on_tessera(s, tc_.init, e.mode, e.baseline);
        FinalState u = run_on_unicorn(s, tc_.init, &dev);
        Outcome o;
        o.executed = u.executed;
        o.diffs = compare(t, u, final_kinds(s, tc_.init.fkind), tc_.init);
        o.notes = dev.notes;
        o.deviations = {dev.fminmax_snan, dev.fma_inf_zero, dev.amo_w_minmax};
        return o;
    }

    std::string ir_of(size_t i) const override { return conformance::ir_of(tc_.stream, i); }

    void print_initial() const override {
        const InitialState& st = tc_.init;
        printf("initial state:\n");
        for (int i = 0; i < 32; i++) printf("  x%-2d=%s%s", i, hex64(st.x[i]).c_str(), i % 4 == 3 ? "\n" : "");
        for (int i = 0; i < 32; i++)
            printf("  f%-2d=%s %-2s%s", i, hex64(st.f[i]).c_str(), fkind_name(st.fkind[size_t(i)]),
                   i % 4 == 3 ? "\n" : "");
        printf("  frm=%u fflags=%#x  data: %#" PRIx64 "..%#" PRIx64 " (initial words shown in the memory diff)\n",
               st.frm, st.fflags, kDataBase, kDataBase + kDataSize);
    }

    void print_stream(long mark) const override {
        const Stream& s = tc_.stream;
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

private:
    TestCase tc_;
};

class Riscv64 : public DiffIsa {
public:
    const char* name() const override { return "riscv64"; }
    std::vector<const char*> table_names() const override {
        std::vector<const char*> v;
        for (size_t i = 0; i < riscv::kNumPatterns; i++) v.push_back(riscv::kPatterns[i].name);
        return v;
    }
    std::vector<const char*> deviation_names() const override {
        return {"fmin/fmax-sNaN", "fma-inf*0+qNaN", "amo{min,max}[u].w"};
    }
    std::unique_ptr<DiffCase> generate(uint64_t seed) const override { return std::make_unique<RvCase>(seed); }
};

}  // namespace

const DiffIsa& riscv64_diff_isa() {
    static const Riscv64 isa;
    return isa;
}

}  // namespace tessera::conformance
