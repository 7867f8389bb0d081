// Random A64 instruction streams from the decode tables; see a64_stream_gen.h.
#include "tests/conformance/a64_stream_gen.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <set>

#include "tests/conformance/a64_effects.h"
#include "tests/conformance/a64_ldst.h"

namespace tessera::conformance::a64 {

namespace {

std::span<const aarch64::Pattern> table() { return aarch64::patterns(); }

// Architectural words the harness builds itself (each checked to decode to an entry).
constexpr uint32_t kNop = 0xd503201f, kWfi = 0xd503207f;
uint32_t movz(unsigned rd, unsigned imm16, unsigned hw) { return 0xd2800000u | hw << 21 | imm16 << 5 | rd; }
uint32_t add_imm(unsigned rd, unsigned rn, int64_t imm) {  // ADD/SUB Xd, Xn|SP, #imm (|imm| < 4096)
    return (imm < 0 ? 0xd1000000u : 0x91000000u) | uint32_t(imm < 0 ? -imm : imm) << 10 | rn << 5 | rd;
}
// MRS/MSR by op0:op1:CRn:CRm:op2 (bits 20:5 of the word).
constexpr uint32_t sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
    return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}
constexpr uint32_t kNzcv = sysreg(3, 3, 4, 2, 0), kFpcr = sysreg(3, 3, 4, 4, 0), kFpsr = sysreg(3, 3, 4, 4, 1),
                   kTpidr = sysreg(3, 3, 13, 0, 2);
uint32_t mrs(unsigned rt, uint32_t enc) { return 0xd5200000u | enc << 5 | rt; }
uint32_t msr(unsigned rt, uint32_t enc) { return 0xd5000000u | enc << 5 | rt; }

uint32_t checked(uint32_t w) {
    if (!aarch64::decode(w)) {
        fprintf(stderr, "conformance: %#010x is in no A64 decode-table entry\n", w);
        abort();
    }
    return w;
}

// Words left out because Tessera is known to get them wrong. Each entry says why (none now).
bool excluded(uint32_t) { return false; }

size_t entry_of(uint32_t w) { return size_t(aarch64::decode(w) - table().data()); }

// Every draw is its own statement: the same seed gives the same stream with any compiler.
struct Rng {
    std::mt19937_64 g;
    uint64_t next() { return g(); }
    uint64_t below(uint64_t n) { return g() % n; }
    bool chance(unsigned percent) { return below(100) < percent; }
    int64_t range(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo + 1))); }  // lo..hi
};

// ---- initial values ---------------------------------------------------------------------------

uint64_t rand_x(Rng& r) {
    static const uint64_t special[] = {0, 1, 2, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
                                       0x7fffffffffffffff, 0x8000000000000000, 0xffffffff80000000, 0x8000, 0xff};
    switch (r.below(6)) {
    case 0: return special[r.below(std::size(special))];
    case 1: return uint64_t(int64_t(int32_t(r.next())));
    case 2: return r.below(256);
    default: return r.next();
    }
}

// An FP value of 2^ebits exponent and fbits fraction bits: zeros, infinities, NaNs (quiet and
// signalling, with payloads), subnormals, one, the extremes and plain random values.
uint64_t rand_float(Rng& r, unsigned ebits, unsigned fbits) {
    const uint64_t sign = r.below(2) ? 1ull << (ebits + fbits) : 0;
    const uint64_t emax = (1ull << ebits) - 1, fmask = (1ull << fbits) - 1, quiet = 1ull << (fbits - 1);
    const uint64_t bias = emax >> 1;
    auto make = [&](uint64_t e, uint64_t f) { return sign | e << fbits | (f & fmask); };
    switch (r.below(14)) {
    case 0: return make(0, 0);                                       // +-0
    case 1: return make(emax, 0);                                    // +-inf
    case 2: return make(emax, quiet | r.next());                     // quiet NaN
    case 3: return make(emax, std::max<uint64_t>(1, r.next() & (quiet - 1)));  // signalling NaN
    case 4: return make(0, std::max<uint64_t>(1, r.next()));         // subnormal
    case 5: return make(0, 1);                                       // the smallest subnormal
    case 6: return make(bias, 0);                                    // +-1.0
    case 7: return make(emax - 1, fmask);                            // the largest normal
    case 8: return make(1, 0);                                       // the smallest normal
    case 9: return make(bias + r.below(std::min<uint64_t>(64, bias)), r.next() & ~(fmask >> 3));  // near integers
    case 10: return make(bias - 1 + r.below(3), r.below(2) ? quiet : 0);  // 0.5 .. 3.0: rounding ties
    default: return make(1 + r.below(emax - 1), r.next());           // any normal
    }
}

void rand_vreg(Rng& r, uint64_t out[2]) {
    const unsigned kind = unsigned(r.below(5));
    for (int half = 0; half < 2; half++) {
        uint64_t v = 0;
        switch (kind) {
        case 0: v = rand_float(r, 11, 52); break;
        case 1: for (int i = 0; i < 2; i++) v |= rand_float(r, 8, 23) << (32 * i); break;
        case 2: for (int i = 0; i < 4; i++) v |= rand_float(r, 5, 10) << (16 * i); break;
        case 3: v = rand_x(r); break;
        default: v = r.next(); break;
        }
        out[half] = v;
    }
}

InitialState make_initial(Rng& r) {
    InitialState st;
    for (unsigned i = 0; i < 31; i++) st.x[i] = rand_x(r);
    for (const BaseReg& b : kBaseRegs) (b.reg == kSp ? st.sp : st.x[b.reg]) = b.addr;
    st.x[kIndexRegs[0]] = r.below(0x81);
    st.x[kIndexRegs[1]] = uint64_t(-int64_t(1 + r.below(0x80)));
    st.nzcv = uint32_t(r.below(16)) << 28;
    for (auto& v : st.v) rand_vreg(r, v);
    // Mostly the default FPCR; sometimes another rounding mode, flush-to-zero, default NaN, AHP.
    if (r.chance(25)) st.fpcr = (r.next() & 0x1f) << 22;
    if (r.chance(30)) st.fpsr = r.next() & 0x0800009f;
    st.tpidr_el0 = r.next();
    st.data.resize(kDataSize);
    for (size_t off = 0; off < kDataSize; off += 16) {
        uint64_t v[2];
        rand_vreg(r, v);
        memcpy(&st.data[off], v, 16);
    }
    return st;
}

// ---- the generator ----------------------------------------------------------------------------

// How the generator treats an entry, from where its words fall in the encoding space.
enum class Use : uint8_t { Skip, Generic, Hint, Barrier, Mrs, Msr };

Use use_of(const aarch64::Pattern& p) {
    auto fixed = [&](unsigned hi, unsigned lo, unsigned v) {  // bits hi:lo of every word are v
        const uint32_t m = ((1u << (hi - lo + 1)) - 1) << lo;
        return (p.mask & m) == m && ((p.match & m) >> lo) == v;
    };
    if (fixed(28, 26, 0b101)) {  // branches, exception generation, system
        if (aarch64::decode(kNop) == &p) return Use::Hint;
        if (aarch64::decode(0xd5033bbf) == &p) return Use::Barrier;  // DMB ISH
        if (aarch64::decode(mrs(0, kNzcv)) == &p) return Use::Mrs;
        if (aarch64::decode(msr(0, kNzcv)) == &p) return Use::Msr;
        return Use::Skip;
    }
    if (fixed(28, 27, 0)) return Use::Skip;  // reserved, SME, SVE
    return Use::Generic;
}

std::mutex notes_mutex;
std::set<std::string> notes;  // entries with load/store words the analysis does not know

class Generator {
public:
    Generator(uint64_t seed, const InitialState& init, unsigned n) : n_(n) {
        r_.g.seed(seed);
        for (size_t i = 0; i < table().size(); i++)
            if (use_of(table()[i]) != Use::Skip) candidates_.push_back(i);
        for (size_t i = 0; i < std::size(kBaseRegs); i++)
            base_[i] = kBaseRegs[i].reg == kSp ? init.sp : init.x[kBaseRegs[i].reg];
        for (size_t i = 0; i < std::size(kIndexRegs); i++) index_[i] = init.x[kIndexRegs[i]];
    }
    std::vector<Insn> run();

private:
    uint64_t pc() const { return kCodeBase + 4 * out_.size(); }
    unsigned free_reg(uint32_t avoid) {
        for (;;) {
            unsigned r = unsigned(r_.below(31));
            if (!is_pinned(r) && !((avoid >> r) & 1)) return r;
        }
    }
    void emit(uint32_t w, bool undefined = false) {
        Insn in;
        in.word = w;
        in.addr = pc();
        in.entry = entry_of(w);
        in.undefined = undefined;
        out_.push_back(in);
    }
    // The word is accepted and writes no register it must not (avoid: extra X registers).
    bool safe(uint32_t w, uint32_t avoid, uint32_t allowed_x = 0, bool allowed_sp = false) {
        if (excluded(w)) return false;
        Effects e = effects_of(w, pc());
        if (!e.accepted || e.raises) return false;
        uint32_t forbidden = avoid;
        for (unsigned r = 0; r < 31; r++)
            if (is_pinned(r)) forbidden |= 1u << r;
        if (e.writes_x & forbidden & ~allowed_x) return false;
        return !e.writes_sp || allowed_sp;
    }
    bool emit_generic(size_t entry, uint32_t avoid);
    bool aim(uint32_t* w, const LdSt& ls, uint32_t avoid, uint64_t* new_base, int* base_slot);
    bool emit_exclusive(uint32_t w, const LdSt& ls);
    bool emit_system(Use u, size_t entry);
    bool emit_undefined();
    uint32_t instance(size_t entry) {
        const aarch64::Pattern& p = table()[entry];
        return p.match | (uint32_t(r_.next()) & ~p.mask);
    }
    bool in_data(uint64_t addr, unsigned bytes) const {
        return addr >= kDataBase && addr + bytes <= kDataBase + kDataSize && addr + bytes > addr;
    }
    // Bases stay well inside the buffer, so the next access can reach either way.
    bool base_ok(uint64_t v) const { return v >= kDataBase + 0x400 && v <= kDataBase + kDataSize - 0x400; }

    Rng r_;
    unsigned n_;
    std::vector<size_t> candidates_;
    std::vector<Insn> out_;
    uint64_t base_[std::size(kBaseRegs)];
    uint64_t index_[std::size(kIndexRegs)];
};

// Points a load/store at the data buffer: a base register, an index register, an offset in
// range. *new_base: the base's value after writeback.
bool Generator::aim(uint32_t* w, const LdSt& ls, uint32_t avoid, uint64_t* new_base, int* base_slot) {
    const int slot = int(r_.below(std::size(kBaseRegs)));
    const unsigned rn = kBaseRegs[slot].reg;
    const uint64_t base = base_[slot];
    uint32_t x = *w;
    uint64_t addr = base, after = base;
    if (ls.kind != LsKind::Literal) x = set_bits(x, 9, 5, rn);
    switch (ls.offset) {
    case LsOffset::Imm19: {  // anywhere in the buffer, 4-byte aligned
        const uint64_t target = kDataBase + 4 * r_.below((kDataSize - 16) / 4);
        x = set_bits(x, 23, 5, uint64_t(int64_t(target - pc()) / 4));
        addr = target;
        break;
    }
    case LsOffset::Uimm12: {
        const int64_t hi = std::min<int64_t>(4095, int64_t(kDataBase + kDataSize - ls.total - base) / ls.scale);
        if (hi < 0) return false;
        const int64_t imm = r_.chance(20) ? r_.range(0, std::min<int64_t>(hi, 8)) : r_.range(0, hi);
        x = set_bits(x, 21, 10, uint64_t(imm));
        addr = base + uint64_t(imm) * ls.scale;
        break;
    }
    case LsOffset::Imm9: case LsOffset::Imm7: {
        const bool nine = ls.offset == LsOffset::Imm9;
        const int64_t units = nine ? r_.range(-256, 255) : r_.range(-64, 63);
        const int64_t off = nine ? units : units * ls.scale;
        x = nine ? set_bits(x, 20, 12, uint64_t(units)) : set_bits(x, 21, 15, uint64_t(units));
        addr = ls.post ? base : base + uint64_t(off);
        if (ls.writeback) after = base + uint64_t(off);
        break;
    }
    case LsOffset::Reg: {
        const unsigned pick = unsigned(r_.below(3));
        const unsigned rm = pick < 2 ? kIndexRegs[pick] : 31;
        const uint64_t idx = pick < 2 ? index_[pick] : 0;
        x = set_bits(x, 20, 16, rm);
        const unsigned option = field(x, 15, 13);
        uint64_t ext;
        switch (option) {
        case 2: ext = uint32_t(idx); break;
        case 3: case 7: ext = idx; break;
        case 6: ext = uint64_t(int64_t(int32_t(idx))); break;
        default: return false;  // reserved extends: rejected by the handler anyway
        }
        const unsigned shift = field(x, 12, 12) ? unsigned(__builtin_ctz(ls.scale)) : 0;
        addr = base + (ext << shift);
        break;
    }
    case LsOffset::PostReg: {
        const unsigned pick = unsigned(r_.below(3));
        x = set_bits(x, 20, 16, pick < 2 ? kIndexRegs[pick] : 31);
        after = base + (pick < 2 ? index_[pick] : ls.total);
        break;
    }
    case LsOffset::None: break;
    }
    if (!in_data(addr, ls.total)) return false;
    if (ls.writeback && !base_ok(after)) return false;
    if (!ls.vector && ls.writeback && rn != kSp) {  // Rt or Rt2 = Rn with writeback: UNPREDICTABLE
        if (field(x, 4, 0) == rn || (ls.kind == LsKind::Pair && field(x, 14, 10) == rn)) return false;
    }
    if (ls.kind == LsKind::Pair && ls.load && field(x, 4, 0) == field(x, 14, 10)) return false;  // Rt = Rt2
    const uint32_t allowed = ls.writeback && rn != kSp ? 1u << rn : 0;
    if (!safe(x, avoid, allowed, ls.writeback && rn == kSp)) return false;
    *w = x;
    *new_base = after;
    *base_slot = slot;
    return true;
}

bool Generator::emit_generic(size_t entry, uint32_t avoid) {
    for (int tries = 0; tries < 32; tries++) {
        uint32_t w = instance(entry);
        if (aarch64::decode(w) != &table()[entry]) continue;
        if (!is_ldst_group(w)) {
            if (!safe(w, avoid)) continue;
            emit(w);
            return true;
        }
        LdSt ls;
        if (!analyse_ldst(w, &ls)) {
            if (effects_of(w, pc()).accepted) {
                std::lock_guard<std::mutex> lock(notes_mutex);
                char b[160];
                snprintf(b, sizeof b, "%s: load/store words not aimed (e.g. %#010x): not generated", table()[entry].name, w);
                notes.insert(b);
            }
            continue;
        }
        if (ls.kind == LsKind::Exclusive) {
            if (avoid) continue;  // not inside another unit
            return emit_exclusive(w, ls);
        }
        uint64_t after;
        int slot;
        if (!aim(&w, ls, avoid, &after, &slot)) continue;
        if (ls.writeback) base_[slot] = after;
        emit(w);
        return true;
    }
    return false;
}

// Exclusives and acquire/release need an aligned address in Rn itself: a unit
//   ADD t, base, #off ; the access [t] ; for a load-exclusive, up to three instructions that
//   leave t and memory alone, then the store-exclusive of the same size to [t].
// The pair always matches in size and address: otherwise the architecture leaves success to
// the implementation.
bool Generator::emit_exclusive(uint32_t w, const LdSt& ls) {
    const bool exclusive = !field(w, 23, 23);  // o2 = 0: LDXR/STXR (and pairs); o2 = 1: LDAR/STLR
    const bool pair = field(w, 21, 21);
    const unsigned middle = exclusive && ls.load ? unsigned(r_.below(4)) : 0;
    const unsigned len = 2 + middle + (exclusive && ls.load ? 1 : 0);
    if (out_.size() + len > n_) return false;
    const int slot = int(r_.below(std::size(kBaseRegs)));
    const unsigned t = free_reg(0);
    const int64_t lo = int64_t(kDataBase) - int64_t(base_[slot]), hi = lo + int64_t(kDataSize - ls.total);
    int64_t off = r_.range(std::max<int64_t>(lo, -4095), std::min<int64_t>(hi, 4095));
    off = int64_t((base_[slot] + uint64_t(off)) & ~uint64_t(ls.total - 1)) - int64_t(base_[slot]);
    if (off < lo || off > hi || off < -4095 || off > 4095) return false;
    const uint32_t add = checked(add_imm(t, kBaseRegs[slot].reg, off));
    // The access; a store-exclusive's status register differs from its data and address.
    // Fields the architecture writes as (1): Rs but in a store-exclusive, Rt2 but in a pair.
    auto canonical = [&](uint32_t word) {
        if (!exclusive || field(word, 22, 22)) word = set_bits(word, 20, 16, 31);
        if (!field(word, 21, 21)) word = set_bits(word, 14, 10, 31);
        return word;
    };
    auto access = [&](uint32_t word) -> bool {
        const bool store_excl = exclusive && !field(word, 22, 22);
        if (store_excl) {
            const unsigned s = field(word, 20, 16);
            if (s == t || s == field(word, 4, 0) || (field(word, 21, 21) && s == field(word, 14, 10))) return false;
        }
        if (field(word, 22, 22) && field(word, 21, 21) && field(word, 4, 0) == field(word, 14, 10)) return false;
        return true;
    };
    // Decide the words before emitting anything (a unit is all or nothing).
    uint32_t first = 0, last = 0;
    bool found = false;
    for (int tries = 0; tries < 32 && !found; tries++) {
        uint32_t cand = set_bits(instance(entry_of(w)), 31, 21, field(w, 31, 21));
        cand = set_bits(cand, 15, 15, field(w, 15, 15));
        cand = canonical(set_bits(cand, 9, 5, t));
        found = access(cand) && safe(cand, 1u << t);
        if (found) first = cand;
    }
    if (!found) return false;
    if (exclusive && ls.load) {
        found = false;
        for (int tries = 0; tries < 32 && !found; tries++) {
            uint32_t cand = set_bits(instance(entry_of(w)), 31, 30, field(w, 31, 30));
            cand = set_bits(cand, 23, 21, pair ? 1 : 0);  // o2 = 0, L = 0, o1 as the load
            cand = canonical(set_bits(cand, 9, 5, t));
            found = aarch64::decode(cand) && access(cand) && safe(cand, 1u << t);
            if (found) last = cand;
        }
        if (!found) return false;
    }
    emit(add);
    emit(first);
    for (unsigned m = 0; m < middle; m++) {
        for (int tries = 0; tries < 50; tries++) {
            const size_t e = candidates_[r_.below(candidates_.size())];
            if (use_of(table()[e]) != Use::Generic) continue;
            const uint32_t probe = table()[e].match;
            if (is_ldst_group(probe)) continue;  // no memory inside the unit
            if (emit_generic(e, 1u << t)) break;
        }
    }
    if (last) emit(last);
    return true;
}

// Hints that are NOPs (not WFI, WFE, SEV, SEVL, YIELD), barriers, and MRS/MSR of the EL0
// registers both emulators hold alike: NZCV, FPCR, FPSR, TPIDR_EL0.
bool Generator::emit_system(Use u, size_t entry) {
    const aarch64::Pattern& p = table()[entry];
    uint32_t w;
    switch (u) {
    case Use::Hint: {
        unsigned imm;
        do imm = unsigned(r_.below(128));
        while (imm >= 1 && imm <= 5);
        w = kNop | imm << 5;
        break;
    }
    case Use::Barrier: {
        static const unsigned ops[] = {2, 4, 5, 6};  // CLREX, DSB, DMB, ISB
        w = 0xd503301f | unsigned(r_.below(16)) << 8 | ops[r_.below(4)] << 5;
        break;
    }
    case Use::Mrs: {
        static const uint32_t regs[] = {kNzcv, kFpcr, kFpsr, kTpidr};
        w = mrs(free_reg(0), regs[r_.below(4)]);
        break;
    }
    default: {
        const unsigned which = unsigned(r_.below(4));
        if (which < 2) {  // NZCV, TPIDR_EL0: any value
            w = msr(unsigned(r_.below(32)), which ? kTpidr : kNzcv);
            break;
        }
        // FPCR, FPSR: only bits this CPU defines (v8.0 with FP and AdvSIMD), through a MOVZ.
        if (out_.size() + 2 > n_) return false;
        const unsigned t = free_reg(0);
        const uint32_t value = which == 2 ? movz(t, unsigned(r_.next() & 0x7c0), 1)  // AHP DN FZ RMode
                                          : r_.chance(20) ? movz(t, 0x800, 1)        // QC
                                                          : movz(t, unsigned(r_.next() & 0x9f), 0);
        const uint32_t set = msr(t, which == 2 ? kFpcr : kFpsr);
        if (aarch64::decode(set) != &p || !safe(value, 0) || !safe(set, 0)) return false;
        emit(checked(value));
        emit(set);
        return true;
    }
    }
    if (aarch64::decode(w) != &p || !safe(w, 0)) return false;
    emit(w);
    return true;
}

// The stream's last instruction: a word of some generic entry that Tessera's handler
// rejects (an unallocated or reserved field value). Unicorn must raise UNDEFINED there too.
bool Generator::emit_undefined() {
    for (int tries = 0; tries < 400; tries++) {
        const size_t e = candidates_[r_.below(candidates_.size())];
        if (use_of(table()[e]) != Use::Generic) continue;
        const uint32_t w = instance(e);
        if (aarch64::decode(w) != &table()[e] || effects_of(w, pc()).accepted) continue;
        // Should-be-one fields, where the architecture allows UNDEFINED or executing alike
        // (CONSTRAINED UNPREDICTABLE): SMULH/UMULH with Ra != 11111 (Tessera: UNDEFINED, QEMU runs it).
        if ((w & 0x7f608000) == 0x1b400000 && field(w, 14, 10) != 31) continue;
        // Features Unicorn's Cortex-A72 has and Tessera's cortex-a57 does not advertise (so
        // UNDEFINED here): PMULL/PMULL2 of 64-bit elements (FEAT_PMULL, crypto).
        if ((w & 0xbf20fc00) == 0x0e20e000 && field(w, 23, 22) == 3) continue;
        emit(w, true);
        return true;
    }
    return false;
}

std::vector<Insn> Generator::run() {
    const bool end_undefined = r_.chance(15);
    const unsigned body = end_undefined ? n_ - 1 : n_;
    for (unsigned stuck = 0; out_.size() < body && stuck < 100000; stuck++) {
        const size_t e = candidates_[r_.below(candidates_.size())];
        const Use u = use_of(table()[e]);
        if (u == Use::Generic) emit_generic(e, 0);
        else emit_system(u, e);
    }
    if (end_undefined) emit_undefined();
    return std::move(out_);
}

}  // namespace

bool is_pinned(unsigned r) {
    for (const BaseReg& b : kBaseRegs)
        if (b.reg == r) return true;
    for (unsigned i : kIndexRegs)
        if (i == r) return true;
    return false;
}

uint32_t nop_word() { return checked(kNop); }
uint32_t wfi_word() { return checked(kWfi); }

std::vector<uint8_t> Stream::code() const {
    std::vector<uint8_t> out(4 * (insns.size() + 1));
    for (size_t i = 0; i < insns.size(); i++) memcpy(&out[4 * i], &insns[i].word, 4);
    const uint32_t wfi = wfi_word();
    memcpy(&out[4 * insns.size()], &wfi, 4);
    return out;
}

Stream Stream::prefix(size_t k) const {
    Stream s = *this;
    for (size_t j = k; j < s.insns.size(); j++) {
        s.insns[j].word = nop_word();
        s.insns[j].entry = entry_of(s.insns[j].word);
        s.insns[j].undefined = false;
    }
    return s;
}

std::vector<std::string> generator_notes() {
    std::lock_guard<std::mutex> lock(notes_mutex);
    return {notes.begin(), notes.end()};
}

TestCase generate(uint64_t seed, unsigned min_len, unsigned max_len) {
    Rng r;
    r.g.seed(seed);
    TestCase tc;
    tc.init = make_initial(r);
    const unsigned n = min_len + unsigned(r.below(max_len - min_len + 1));
    Generator g(r.next(), tc.init, n);
    tc.stream.insns = g.run();
    for (size_t i = 0; i < tc.stream.insns.size(); i++) tc.stream.insns[i].addr = kCodeBase + 4 * i;
    tc.stream.end_pc = kCodeBase + 4 * tc.stream.insns.size();
    return tc;
}

}  // namespace tessera::conformance::a64
