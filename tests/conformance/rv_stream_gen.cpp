// Random RISC-V instruction streams from the decode table; see rv_stream_gen.h.
#include "tests/conformance/rv_stream_gen.h"

#include "tests/conformance/table_sampler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>

namespace tessera::conformance {

using riscv::Args;
using riscv::Fmt;
using riscv::Pattern;

// ---- operand fields: the Args members the sampler encodes ---------------------------------

namespace {

enum Field : uint8_t { F_IMM, F_CSR, F_RD, F_RS1, F_RS2, F_RS3, F_RM, F_COUNT };  // encode priority

uint64_t field(const Args& a, int f) {
    switch (f) {
    case F_IMM: return uint64_t(a.imm);
    case F_CSR: return a.csr;
    case F_RD: return a.rd;
    case F_RS1: return a.rs1;
    case F_RS2: return a.rs2;
    case F_RS3: return a.rs3;
    default: return a.rm;
    }
}

// Which Args fields carry meaning for a format. decode() fills rd/rs1/rs2/rs3/rm from
// their 32-bit positions for every format; only these are operands.
unsigned format_fields(Fmt fmt) {
    constexpr unsigned IMM = 1 << F_IMM, CSR = 1 << F_CSR, RD = 1 << F_RD, RS1 = 1 << F_RS1, RS2 = 1 << F_RS2,
                       RS3 = 1 << F_RS3, RM = 1 << F_RM;
    switch (fmt) {
    case Fmt::R: return RD | RS1 | RS2;
    case Fmt::Rrm: return RD | RS1 | RS2 | RM;
    case Fmt::R4: return RD | RS1 | RS2 | RS3 | RM;
    case Fmt::R1: return RD | RS1;
    case Fmt::R1rm: return RD | RS1 | RM;
    case Fmt::I: case Fmt::Shift: return RD | RS1 | IMM;
    case Fmt::S: case Fmt::B: return RS1 | RS2 | IMM;
    case Fmt::U: case Fmt::J: return RD | IMM;
    case Fmt::Csr: return RD | RS1 | CSR;
    case Fmt::CsrI: return RD | IMM | CSR;
    case Fmt::Amo: return RD | RS1 | RS2;
    case Fmt::None: return 0;
    default: return RD | RS1 | RS2 | IMM;  // compressed: expanded base fields
    }
}

OpInfo op_info_of(const Pattern& p);

// Compressed stores and branches leave rd as decoded from bits 11:7, which are immediate
// or rs1' bits there: not an operand.
unsigned meaningful(const Pattern& p) {
    unsigned f = format_fields(p.fmt);
    if (p.len() == 2 && op_info_of(p).rd == Opnd::None) f &= ~(1u << F_RD);
    return f;
}

// The decode table as the generic sampler sees it.
struct RvTable {
    using Entry = Pattern;
    using Args = riscv::Args;
    static constexpr int kFields = F_COUNT;
    static std::span<const Pattern> table() { return {riscv::kPatterns, riscv::kNumPatterns}; }
    static const Pattern* decode(uint32_t w, Args* a) { return riscv::decode(w, a); }
    static uint64_t field(const Args& a, int f) { return conformance::field(a, f); }
    static unsigned operands(const Pattern& p) { return meaningful(p); }
};
using Sampler = TableSampler<RvTable>;

}  // namespace

bool encode(const Pattern& p, const Args& args, uint32_t base_word, uint32_t* out) {
    return Sampler::encode(p, args, base_word, out);
}

const Pattern* find_pattern(const char* name) {
    for (size_t i = 0; i < riscv::kNumPatterns; i++)
        if (!strcmp(riscv::kPatterns[i].name, name)) return &riscv::kPatterns[i];
    fprintf(stderr, "conformance: no decode-table entry named %s\n", name);
    abort();
}

namespace {
uint32_t encode_or_die(const char* name, const Args& a) {
    const Pattern* p = find_pattern(name);
    uint32_t w;
    if (!encode(*p, a, p->match, &w)) {
        fprintf(stderr, "conformance: cannot encode %s\n", name);
        abort();
    }
    return w;
}
}  // namespace

uint32_t ecall_word() { return encode_or_die("ecall", Args{}); }
std::array<uint32_t, 2> trap_loop_words() {
    Args j;
    j.imm = -4;
    return {encode_or_die("wfi", Args{}), encode_or_die("jal", j)};
}

// ---- what each handler does with its operands ----------------------------------------------

const Pattern& base_pattern(const Pattern& p) {
    if (p.len() == 4) return p;
    for (size_t i = 0; i < riscv::kNumPatterns; i++)
        if (riscv::kPatterns[i].len() == 4 && riscv::kPatterns[i].handler == p.handler) return riscv::kPatterns[i];
    return p;
}

OpInfo op_info(const Pattern& pat) { return op_info_of(pat); }

namespace {
OpInfo op_info_of(const Pattern& pat) {
    const std::string n = base_pattern(pat).name;
    auto starts = [&](const char* s) { return n.rfind(s, 0) == 0; };
    auto one_of = [&](std::initializer_list<const char*> l) {
        for (const char* s : l)
            if (n == s) return true;
        return false;
    };
    auto bytes = [](char c) -> uint8_t { return c == 'b' ? 1 : c == 'h' ? 2 : c == 'w' ? 4 : 8; };
    // f-register kind of a precision letter; w/wu/l/lu name integer registers.
    auto prec = [](char c) { return c == 's' ? Opnd::FS : c == 'd' ? Opnd::FD : Opnd::X; };
    using O = Opnd;
    OpInfo o;
    if (one_of({"ecall", "ebreak", "sret", "mret", "wfi", "sfence_vma", "fence_i"})) return o;  // privileged
    if (n == "fence") return {Cls::Fence};
    if (starts("csrr")) return {Cls::Csr, O::X, O::X};
    if (one_of({"lui", "auipc"})) return {Cls::Alu, O::X};
    if (n == "jal") return {Cls::Jal, O::X};
    if (n == "jalr") return {Cls::Jalr, O::X, O::X};
    if (one_of({"beq", "bne", "blt", "bge", "bltu", "bgeu"})) return {Cls::Branch, O::None, O::X, O::X};
    if (one_of({"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"})) return {Cls::Load, O::X, O::X, O::None, O::None, bytes(n[1])};
    if (one_of({"sb", "sh", "sw", "sd"})) return {Cls::Store, O::None, O::X, O::X, O::None, bytes(n[1])};
    if (starts("lr_")) return {Cls::Lr, O::X, O::X, O::None, O::None, bytes(n.back())};
    if (starts("sc_")) return {Cls::Sc, O::X, O::X, O::X, O::None, bytes(n.back())};
    if (starts("amo")) return {Cls::Amo, O::X, O::X, O::X, O::None, bytes(n.back())};
    if (n == "flw") return {Cls::Load, O::FS, O::X, O::None, O::None, 4};
    if (n == "fld") return {Cls::Load, O::FD, O::X, O::None, O::None, 8};
    if (n == "fsw") return {Cls::Store, O::None, O::X, O::FAny, O::None, 4};
    if (n == "fsd") return {Cls::Store, O::None, O::X, O::FD, O::None, 8};
    if (n[0] != 'f') return {Cls::Alu, O::X, O::X, O::X};
    // F and D.
    if (n == "fmv_x_w") return {Cls::Fp, O::X, O::FAny};
    if (n == "fmv_x_d") return {Cls::Fp, O::X, O::FD};
    if (n == "fmv_w_x") return {Cls::Fp, O::FS, O::X};
    if (n == "fmv_d_x") return {Cls::Fp, O::FD, O::X};
    if (starts("fcvt_")) {  // fcvt_<dst>_<src>
        size_t us = n.find('_', 5);
        return {Cls::Fp, prec(n[5]), prec(n[us + 1])};
    }
    const O p = prec(n.back());
    if (starts("feq") || starts("flt") || starts("fle")) return {Cls::Fp, O::X, p, p};
    if (starts("fclass")) return {Cls::Fp, O::X, p};
    if (starts("fsqrt")) return {Cls::Fp, p, p};
    if (starts("fmadd") || starts("fmsub") || starts("fnmsub") || starts("fnmadd")) return {Cls::Fp, p, p, p, p};
    return {Cls::Fp, p, p, p};
}
}  // namespace

bool is_base_reg(unsigned r) {
    for (const BaseReg& b : kBaseRegs)
        if (b.reg == r) return true;
    return false;
}

const char* fkind_name(FKind k) { return k == FKind::D ? "D" : k == FKind::S ? "S" : "low32"; }

// ---- FP register kinds along the stream's paths ---------------------------------------------

namespace {

FKinds merge(const FKinds& a, const FKinds& b) {
    FKinds r;
    for (int i = 0; i < 32; i++) r[i] = a[i] == b[i] ? a[i] : FKind::Low32;
    return r;
}

// Forward data flow over a stream whose jumps only go forward.
class KindFlow {
public:
    explicit KindFlow(const FKinds& init) : cur(init) {}
    // Instruction i is next: merge what flows in from earlier jumps.
    void enter(int i) {
        auto it = incoming_.find(i);
        if (it == incoming_.end()) return;
        cur = live_ ? merge(cur, it->second) : it->second;
        live_ = true;
        incoming_.erase(it);
    }
    void apply(const Insn& in) {
        Args a;
        const Pattern* p = riscv::decode(in.word, &a);
        if (!p) return;
        OpInfo o = op_info(*p);
        if (o.rd == Opnd::FS) cur[a.rd] = FKind::S;
        if (o.rd == Opnd::FD) cur[a.rd] = FKind::D;
        if (in.target >= 0) {
            auto it = incoming_.find(in.target);
            if (it == incoming_.end()) incoming_.emplace(in.target, cur);
            else it->second = merge(it->second, cur);
        }
        if (o.cls == Cls::Jal || o.cls == Cls::Jalr) live_ = false;
    }
    bool pending_target(int i) const { return incoming_.count(i) != 0; }
    FKinds cur;

private:
    bool live_ = true;
    std::map<int, FKinds> incoming_;
};

}  // namespace

FKinds final_kinds(const Stream& s, const FKinds& init) {
    KindFlow flow(init);
    for (size_t i = 0; i < s.insns.size(); i++) {
        flow.enter(int(i));
        flow.apply(s.insns[i]);
    }
    flow.enter(int(s.insns.size()));
    return flow.cur;
}

// ---- streams ----------------------------------------------------------------------------------

std::vector<uint8_t> Stream::code() const {
    std::vector<uint8_t> out;
    auto put = [&](uint32_t w, unsigned len) {
        for (unsigned i = 0; i < len; i++) out.push_back(uint8_t(w >> (8 * i)));
    };
    for (const Insn& in : insns) put(in.word, in.pat->len());
    put(ecall_word(), 4);
    return out;
}

Stream Stream::prefix(size_t k) const {
    static const uint32_t nop4 = encode_or_die("addi", Args{});
    static const uint32_t nop2 = encode_or_die("c.addi", Args{});
    Stream s = *this;
    for (size_t j = k; j < s.insns.size(); j++) {
        Insn& in = s.insns[j];
        in.word = in.pat->len() == 2 ? nop2 : nop4;
        Args a;
        in.pat = riscv::decode(in.word, &a);
        in.target = -1;
    }
    return s;
}

namespace {

// Every draw is its own statement (never two in one expression, whose evaluation order
// C++ leaves open): the same seed gives the same stream with any compiler.
struct Rng {
    std::mt19937_64 g;
    uint64_t next() { return g(); }
    uint64_t below(uint64_t n) { return g() % n; }  // not a std distribution: same stream everywhere
    bool chance(unsigned percent) { return below(100) < percent; }
};

// ---- initial values ---------------------------------------------------------------------------

uint64_t rand_x(Rng& r) {
    static const uint64_t sp[] = {0, 1, 2, ~0ull, ~1ull, 0x7fffffff, 0x80000000, 0xffffffff80000000ull,
                                  0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                  0x8000, 0xffff, 0xff, 0x80, 31, 32, 63, 64};
    switch (r.below(8)) {
    case 0: return sp[r.below(sizeof sp / sizeof sp[0])];
    case 1: return uint64_t(int64_t(r.below(64)) - 32);
    case 2: { uint64_t v = r.next(); return v >> r.below(64); }
    case 3: { uint64_t v = r.next(); return 0 - (v >> r.below(64)); }
    case 4: return uint64_t(int64_t(int32_t(uint32_t(r.next()))));
    case 5: return kDataBase + r.below(kDataSize);  // pointer-like
    default: return r.next();
    }
}

// IEEE values with EB exponent and MB fraction bits: the special ones, boundaries, ties.
template <int EB, int MB>
uint64_t rand_fp(Rng& r) {
    constexpr uint64_t SIGN = 1ull << (EB + MB), INF = uint64_t((1u << EB) - 1) << MB,
                       FRAC = (1ull << MB) - 1, QUIET = 1ull << (MB - 1);
    constexpr int BIAS = (1 << (EB - 1)) - 1;
    const uint64_t s = r.below(2) ? SIGN : 0;
    switch (r.below(12)) {
    case 0: case 1: {
        static const uint64_t sp[] = {0, INF, INF | QUIET, INF | QUIET | 0x1234, INF | 1, INF | (FRAC >> 1),
                                      1, FRAC, 1ull << MB, INF - 1, uint64_t(BIAS) << MB,
                                      uint64_t(BIAS - 1) << MB, uint64_t(BIAS + 1) << MB | QUIET};
        return s | sp[r.below(sizeof sp / sizeof sp[0])];
    }
    case 2: return s | (r.next() & FRAC);  // subnormal
    case 3: {  // near the integer conversion boundaries
        static const int exps[] = {0, 1, 22, 23, 30, 31, 32, 52, 53, 62, 63, 64, -1};
        int e = exps[r.below(sizeof exps / sizeof exps[0])];
        uint64_t frac = r.below(2) ? (r.next() & FRAC) : r.below(2) ? FRAC - r.below(3) : r.below(3);
        return s | uint64_t(e + BIAS) << MB | frac;
    }
    case 4: case 5: {  // short significand near 1: exact results and ties
        uint64_t frac = 0;
        for (int i = int(r.below(3)); i > 0; i--) frac |= 1ull << (MB - 1 - r.below(6));
        return s | uint64_t(BIAS + int(r.below(9)) - 4) << MB | frac;
    }
    case 6: {
        uint64_t e = uint64_t(BIAS + int(r.below(40)) - 20);
        return s | e << MB | (r.next() & FRAC);
    }
    default: return r.next() & (SIGN | INF | FRAC);
    }
}
uint64_t rand_single(Rng& r) { return rand_fp<8, 23>(r); }
uint64_t rand_double(Rng& r) { return rand_fp<11, 52>(r); }
constexpr uint64_t kBox = 0xffffffff00000000ull;

InitialState make_initial(Rng& r) {
    InitialState st;
    for (unsigned i = 1; i < 32; i++) st.x[i] = rand_x(r);
    for (const BaseReg& b : kBaseRegs) st.x[b.reg] = b.addr;
    for (unsigned i = 0; i < 32; i++) {
        if (r.chance(45)) {  // a properly boxed single
            st.fkind[i] = FKind::S;
            st.f[i] = kBox | rand_single(r);
            continue;
        }
        st.fkind[i] = FKind::D;
        switch (r.below(10)) {
        case 0: case 1: st.f[i] = rand_single(r); break;                            // unboxed single
        case 2: {  // badly boxed
            uint64_t hi = r.next() & kBox & ~(1ull << 40);
            st.f[i] = hi | rand_single(r);
            break;
        }
        default: st.f[i] = rand_double(r); break;
        }
    }
    // Often plant the operands of the rare FP corner cases (inf * 0 + qNaN, fmin with an
    // sNaN): the generator can then aim an instruction at registers still holding them.
    if (r.chance(60)) {
        static const uint64_t sp_s[] = {0x7f800000, 0xff800000, 0, 0x80000000, 0x7fc00000, 0x7f800001, 0xffa00000};
        static const uint64_t sp_d[] = {0x7ff0000000000000ull, 0xfff0000000000000ull, 0, 0x8000000000000000ull,
                                        0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff4000000000000ull};
        for (int n = 0; n < 8; n++) {
            unsigned reg = unsigned(r.below(32));
            size_t k = r.below(7);
            st.f[reg] = st.fkind[reg] == FKind::S ? kBox | sp_s[k] : sp_d[k];
        }
    }
    st.frm = uint32_t(r.below(5));
    st.fflags = r.below(2) ? 0 : uint32_t(r.below(32));
    st.data.resize(kDataSize);
    for (size_t off = 0; off < kDataSize; off += 8) {
        uint64_t v;
        switch (r.below(5)) {
        case 0: v = rand_double(r); break;
        case 1: v = rand_single(r); v |= rand_single(r) << 32; break;
        case 2: v = rand_x(r); break;
        default: v = r.next(); break;
        }
        memcpy(&st.data[off], &v, 8);
    }
    return st;
}

// ---- the generator ----------------------------------------------------------------------------

constexpr int kMaxJump = 32;  // instructions: keeps c.beqz/c.bnez (+-256 bytes) in range

// IEEE classification of the single (low 32 bits) or double in an f register.
struct FpClass {
    bool dbl;
    uint64_t v(uint64_t reg) const { return dbl ? reg : reg & 0xffffffffu; }
    uint64_t exp() const { return dbl ? 0x7ff0000000000000ull : 0x7f800000u; }
    uint64_t frac() const { return dbl ? 0x000fffffffffffffull : 0x007fffffu; }
    uint64_t quiet() const { return dbl ? 0x0008000000000000ull : 0x00400000u; }
    bool inf(uint64_t r) const { return (v(r) & exp()) == exp() && !(v(r) & frac()); }
    bool zero(uint64_t r) const { return !(v(r) & (exp() | frac())); }
    bool qnan(uint64_t r) const { return (v(r) & exp()) == exp() && (v(r) & quiet()); }
    bool snan(uint64_t r) const { return (v(r) & exp()) == exp() && (v(r) & frac()) && !(v(r) & quiet()); }
};

class Generator {
public:
    Generator(uint64_t seed, const InitialState& init, unsigned n) : flow_(init.fkind), init_(init), n_(int(n)) {
        r_.g.seed(seed);
        for (size_t i = 0; i < riscv::kNumPatterns; i++)
            if (op_info(riscv::kPatterns[i]).cls != Cls::Excluded) candidates_.push_back(&riscv::kPatterns[i]);
    }
    Stream run(uint64_t seed);

private:
    // Constraints applied to a decoded random instance; false rejects it.
    using Constrain = std::function<bool(Args&)>;
    bool make(const Pattern& p, const Constrain& c, uint32_t* word);
    bool common(const Pattern& p, Args& a, unsigned avoid_write);
    unsigned pick_x(unsigned avoid);
    bool pick_f(FKind k, uint32_t* reg);
    bool pick_known(FKind k, bool (FpClass::*pred)(uint64_t) const, uint32_t* reg);
    void aim_at_corner_cases(const Pattern& p, Args& a);
    bool free_of_targets(int first, int count) const;
    void emit(const Pattern& p, uint32_t word, int target = -1, bool interior = false);
    bool emit_single(const Pattern& p, unsigned avoid_write = 0, bool interior = false);
    bool emit_amo(const Pattern& p);
    bool emit_lrsc(unsigned size);
    bool emit_indirect(const Pattern& p);
    bool emit_sp_adjust(const Pattern& p);
    uint32_t addi(unsigned rd, unsigned rs1, int64_t imm);
    uint32_t auipc0(unsigned rd);

    struct Patch {
        int insn, from, target;  // insn's imm = addr(target) - addr(from)
    };
    Rng r_;
    KindFlow flow_;
    const InitialState& init_;
    std::array<bool, 32> f_written_{};  // by any instruction so far: the initial value is gone
    int n_;
    std::vector<const Pattern*> candidates_;
    std::vector<Insn> out_;
    std::vector<Patch> patches_;
};

unsigned Generator::pick_x(unsigned avoid) {
    for (;;) {
        unsigned x = 1 + unsigned(r_.below(31));
        if (!is_base_reg(x) && x != avoid) return x;
    }
}

bool Generator::pick_f(FKind k, uint32_t* reg) {
    uint32_t regs[32];
    unsigned n = 0;
    for (uint32_t i = 0; i < 32; i++)
        if (flow_.cur[i] == k) regs[n++] = i;
    if (!n) return false;
    *reg = regs[r_.below(n)];
    return true;
}

bool Generator::pick_known(FKind k, bool (FpClass::*pred)(uint64_t) const, uint32_t* reg) {
    const FpClass c{k == FKind::D};
    uint32_t regs[32];
    unsigned n = 0;
    for (uint32_t i = 0; i < 32; i++)
        if (!f_written_[i] && flow_.cur[i] == k && (c.*pred)(init_.f[i])) regs[n++] = i;
    if (!n) return false;
    *reg = regs[r_.below(n)];
    return true;
}

// Sometimes point an FMA at inf, 0 and a quiet NaN, or fmin/fmax at a signaling NaN.
void Generator::aim_at_corner_cases(const Pattern& p, Args& a) {
    const std::string n = base_pattern(p).name;
    const FKind k = n.back() == 'd' ? FKind::D : FKind::S;
    if (p.fmt == Fmt::R4 && r_.chance(25)) {
        uint32_t inf, zero, nan;
        if (pick_known(k, &FpClass::inf, &inf) && pick_known(k, &FpClass::zero, &zero) &&
            pick_known(k, &FpClass::qnan, &nan)) {
            bool swap = r_.below(2);
            a.rs1 = swap ? zero : inf;
            a.rs2 = swap ? inf : zero;
            a.rs3 = nan;
        }
    } else if ((n.rfind("fmin", 0) == 0 || n.rfind("fmax", 0) == 0) && r_.chance(25)) {
        uint32_t snan;
        if (pick_known(k, &FpClass::snan, &snan)) (r_.below(2) ? a.rs1 : a.rs2) = snan;
    }
}

bool Generator::free_of_targets(int first, int count) const {
    for (int i = first; i < first + count; i++)
        if (flow_.pending_target(i)) return false;
    return true;
}

bool Generator::make(const Pattern& p, const Constrain& c, uint32_t* word) {
    flow_.enter(int(out_.size()));  // kinds at this instruction, after merging jumps into it
    for (int t = 0; t < 24; t++) {
        uint32_t w = Sampler::instance(p, uint32_t(r_.next()));
        Args a;
        if (riscv::decode(w, &a) != &p) continue;
        if (!c(a)) continue;
        if (encode(p, a, w, word)) return true;
    }
    return false;
}

// The constraints every instruction obeys: base registers are never written, memory
// accesses stay in the data buffer, FP operands have the kind the operation reads,
// rounding modes are valid, and CSR accesses touch only fflags/frm/fcsr, never making
// frm invalid (a later dynamic-rounding instruction would trap).
bool Generator::common(const Pattern& p, Args& a, unsigned avoid_write) {
    const OpInfo o = op_info(p);
    if (o.rd == Opnd::X && (is_base_reg(a.rd) || (avoid_write && a.rd == avoid_write))) a.rd = pick_x(avoid_write);
    if (o.cls == Cls::Load || o.cls == Cls::Store) {
        const BaseReg& b = kBaseRegs[r_.below(std::size(kBaseRegs))];
        a.rs1 = b.reg;
        if (r_.chance(80)) a.imm &= ~int64_t(o.size - 1);  // mostly aligned; misaligned is legal too
        else if (b.reg == 2 && b.addr % 4096 == 0 && r_.chance(30)) a.imm = -int64_t(1 + r_.below(o.size));  // page-crossing
        uint64_t addr = b.addr + uint64_t(a.imm);
        if (addr < kDataBase || addr + o.size > kDataBase + kDataSize) return false;
    }
    const Opnd need[3] = {o.rs1, o.rs2, o.rs3};
    uint32_t* regs[3] = {&a.rs1, &a.rs2, &a.rs3};
    for (int i = 0; i < 3; i++) {
        if (need[i] != Opnd::FS && need[i] != Opnd::FD) continue;
        FKind k = need[i] == Opnd::FS ? FKind::S : FKind::D;
        if (flow_.cur[*regs[i]] != k && !pick_f(k, regs[i])) return false;
    }
    if (o.cls == Cls::Fp) aim_at_corner_cases(p, a);
    if (p.fmt == Fmt::Rrm || p.fmt == Fmt::R1rm || p.fmt == Fmt::R4) {
        static const uint32_t rms[] = {0, 1, 2, 3, 4, 7};  // 7: dynamic (frm)
        a.rm = rms[r_.below(6)];
    }
    if (o.cls == Cls::Csr) {
        a.csr = 1 + uint32_t(r_.below(3));  // fflags, frm, fcsr
        const std::string n = p.name;
        if (a.csr != 1 && (n == "csrrw" || n == "csrrs")) a.rs1 = 0;  // could set frm to 5..7
        if (a.csr == 2 && n == "csrrwi") a.imm = int64_t(r_.below(5));
        if (a.csr == 2 && n == "csrrsi") a.imm = 0;
    }
    return true;
}

void Generator::emit(const Pattern& p, uint32_t word, int target, bool interior) {
    flow_.enter(int(out_.size()));
    Insn in;
    in.pat = &p;
    in.word = word;
    in.target = target;
    in.interior = interior;
    flow_.apply(in);
    Args a;
    OpInfo o = op_info(p);
    if ((o.rd == Opnd::FS || o.rd == Opnd::FD) && riscv::decode(word, &a)) f_written_[a.rd] = true;
    out_.push_back(in);
}

uint32_t Generator::addi(unsigned rd, unsigned rs1, int64_t imm) {
    Args a;
    a.rd = rd;
    a.rs1 = rs1;
    a.imm = imm;
    return encode_or_die("addi", a);
}

uint32_t Generator::auipc0(unsigned rd) {
    Args a;
    a.rd = rd;
    return encode_or_die("auipc", a);
}

bool Generator::emit_single(const Pattern& p, unsigned avoid_write, bool interior) {
    const OpInfo o = op_info(p);
    const int i = int(out_.size());
    int target = -1;
    if (o.cls == Cls::Branch || o.cls == Cls::Jal) target = i + 1 + int(r_.below(std::min(kMaxJump, n_ - i)));
    uint32_t w;
    if (!make(p, [&](Args& a) { return common(p, a, avoid_write); }, &w)) return false;
    if (target >= 0) patches_.push_back({i, i, target});
    emit(p, w, target, interior);
    return true;
}

// An AMO at a naturally aligned address: through a base register directly, or through a
// temporary set by an addi just before (the AMO is then never a branch target).
bool Generator::emit_amo(const Pattern& p) {
    const OpInfo o = op_info(p);
    const BaseReg& b = kBaseRegs[r_.below(std::size(kBaseRegs))];
    unsigned addr_reg = b.reg;
    const int i = int(out_.size());
    bool unit = r_.chance(75) && i + 2 <= n_ && free_of_targets(i + 1, 1);
    if (unit) {
        int64_t lo = std::max<int64_t>(-2048, int64_t(kDataBase) - int64_t(b.addr));
        int64_t hi = std::min<int64_t>(2047, int64_t(kDataBase + kDataSize) - int64_t(b.addr) - o.size);
        int64_t off = (lo + int64_t(r_.below(uint64_t(hi - lo + 1)))) & ~int64_t(o.size - 1);
        if (off < lo) off += o.size;
        addr_reg = pick_x(0);
        uint32_t w;
        if (!make(p, [&](Args& a) { a.rs1 = addr_reg; return common(p, a, 0); }, &w)) return false;
        emit(*find_pattern("addi"), addi(addr_reg, b.reg, off));
        emit(p, w, -1, true);
        return true;
    }
    uint32_t w;
    if (!make(p, [&](Args& a) { a.rs1 = addr_reg; return common(p, a, 0); }, &w)) return false;
    emit(p, w);
    return true;
}

// addi t; lr rd, (t); up to three straight-line instructions that leave t alone; sc (t).
// Mostly the SC pairs with the LR; sometimes it goes to a base register instead (and
// fails). LR and SC always have the same width: the spec leaves a mismatched pair's
// outcome to the implementation.
bool Generator::emit_lrsc(unsigned size) {
    const int i = int(out_.size());
    const int middle = int(r_.below(4));
    const int len = 3 + middle;
    if (i + len > n_ || !free_of_targets(i + 1, len - 1)) return false;
    const Pattern& lr = *find_pattern(size == 4 ? "lr_w" : "lr_d");
    const Pattern& sc = *find_pattern(size == 4 ? "sc_w" : "sc_d");
    const BaseReg& b = kBaseRegs[r_.below(std::size(kBaseRegs))];
    const unsigned t = pick_x(0);
    const int64_t off = (int64_t(r_.below(4000)) - 2000) & ~int64_t(size - 1);
    uint32_t wlr, wsc;
    if (!make(lr, [&](Args& a) { a.rs1 = t; return common(lr, a, t); }, &wlr)) return false;
    bool pair = r_.chance(85);
    unsigned sc_addr = pair ? t : kBaseRegs[r_.below(std::size(kBaseRegs))].reg;
    if (!make(sc, [&](Args& a) { a.rs1 = sc_addr; return common(sc, a, 0); }, &wsc)) return false;
    emit(*find_pattern("addi"), addi(t, b.reg, off));
    emit(lr, wlr, -1, true);
    for (int m = 0; m < middle; m++) {
        for (int tries = 0; tries < 50; tries++) {
            const Pattern& p = *candidates_[r_.below(candidates_.size())];
            Cls c = op_info(p).cls;
            if (c != Cls::Alu && c != Cls::Load && c != Cls::Store && c != Cls::Fp && c != Cls::Csr) continue;
            if (emit_single(p, t, true)) break;
        }
    }
    while (int(out_.size()) < i + len - 1) emit(*find_pattern("addi"), addi(0, 0, 0), -1, true);
    emit(sc, wsc, -1, true);
    return true;
}

// jalr: auipc t, 0; jalr rd, off(t).  c.jr/c.jalr: auipc t, 0; addi t, t, off; c.jr t.
bool Generator::emit_indirect(const Pattern& p) {
    const int i = int(out_.size());
    const bool compressed = p.len() == 2;
    const int len = compressed ? 3 : 2;
    if (i + len > n_ || !free_of_targets(i + 1, len - 1)) return false;
    const unsigned t = pick_x(0);
    const int last = i + len - 1;
    const int target = last + 1 + int(r_.below(std::min(kMaxJump, n_ - last)));
    uint32_t w;
    if (!make(p, [&](Args& a) {
            if (!compressed) a.imm = 0;  // patched below
            a.rs1 = t;
            return common(p, a, 0);
        }, &w))
        return false;
    emit(*find_pattern("auipc"), auipc0(t));
    if (compressed) {
        patches_.push_back({i + 1, i, target});
        emit(*find_pattern("addi"), addi(t, t, 0), -1, true);
    } else {
        patches_.push_back({i + 1, i, target});
    }
    emit(p, w, target, true);
    return true;
}

// c.addi16sp writes sp, a base register: c.addi16sp sp, imm; c.mv t, sp; c.addi16sp sp, -imm.
bool Generator::emit_sp_adjust(const Pattern& p) {
    const int i = int(out_.size());
    if (i + 3 > n_ || !free_of_targets(i + 1, 2)) return false;
    uint32_t up, down, mv;
    if (!make(p, [](Args& a) { return a.imm >= -496 && a.imm <= 496; }, &up)) return false;
    Args a;
    riscv::decode(up, &a);
    a.imm = -a.imm;
    if (!encode(p, a, up, &down)) return false;
    Args m;
    m.rd = pick_x(0);
    m.rs2 = 2;
    const Pattern& cmv = *find_pattern("c.mv");
    if (!encode(cmv, m, cmv.match, &mv)) return false;
    emit(p, up);
    emit(cmv, mv, -1, true);
    emit(p, down, -1, true);
    return true;
}

Stream Generator::run(uint64_t seed) {
    while (int(out_.size()) < n_) {
        const Pattern& p = *candidates_[r_.below(candidates_.size())];
        switch (op_info(p).cls) {
        case Cls::Amo: emit_amo(p); break;
        case Cls::Lr: case Cls::Sc: emit_lrsc(op_info(p).size); break;
        case Cls::Jalr: emit_indirect(p); break;
        default:
            if (!strcmp(p.name, "c.addi16sp")) emit_sp_adjust(p);
            else emit_single(p);
            break;
        }
    }
    Stream s;
    s.seed = seed;
    s.insns = std::move(out_);
    uint64_t pc = kCodeBase;
    for (Insn& in : s.insns) {
        in.addr = pc;
        pc += in.pat->len();
    }
    s.end_pc = pc;
    auto addr_of = [&](int i) { return i == int(s.insns.size()) ? s.end_pc : s.insns[size_t(i)].addr; };
    for (const Patch& pt : patches_) {
        Insn& in = s.insns[size_t(pt.insn)];
        Args a;
        riscv::decode(in.word, &a);
        a.imm = int64_t(addr_of(pt.target) - addr_of(pt.from));
        if (!encode(*in.pat, a, in.word, &in.word)) {
            fprintf(stderr, "conformance: seed %#llx: cannot encode %s with offset %lld\n",
                    (unsigned long long)seed, in.pat->name, (long long)a.imm);
            abort();
        }
    }
    return s;
}

}  // namespace

TestCase generate(uint64_t seed, unsigned min_len, unsigned max_len) {
    Rng r;
    r.g.seed(seed);
    TestCase tc;
    tc.init = make_initial(r);
    unsigned n = min_len + unsigned(r.below(max_len - min_len + 1));
    Generator g(r.next(), tc.init, n);
    tc.stream = g.run(seed);
    return tc;
}

}  // namespace tessera::conformance
