// Decode tables written as bit patterns, for any ISA.
//
// A pattern is a string of '0', '1' and field letters, most significant bit first;
// spaces and underscores only separate groups:
//
//     "0000000 ttttt sssss 000 ddddd 0110011"      (32 bits: RISC-V add)
//     "100 1 ddddd ttttt 10"                        (16 bits: RISC-V c.add)
//
// parse() turns it into mask/match at compile time, field_mask() gives the bits one
// letter covers and gather() extracts them. table_is_unambiguous() is the build-time
// overlap check, and BucketDecoder dispatches through buckets keyed by bits most
// patterns fix, returning what a priority-ordered linear scan would.
//
// An entry type E plugs in with three members: `mask` and `match` (of the word type)
// and `width` (the pattern's bit count; entries of different widths never conflict,
// the ISA picks the width of a word before looking it up).
#pragma once
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tessera::decode {

template <typename Word>
struct Encoding {
    Word mask = 0, match = 0;
    unsigned width = 0;  // bits in the pattern
};

constexpr bool is_separator(char c) { return c == ' ' || c == '_'; }
constexpr bool is_field_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A throw in a consteval function is a compile error when reached: the message shows.
template <typename Word>
consteval Encoding<Word> parse(std::string_view pattern) {
    Encoding<Word> e;
    for (char c : pattern) {
        if (is_separator(c)) continue;
        if (c != '0' && c != '1' && !is_field_letter(c)) throw "decode pattern: not 0, 1, a letter, space or _";
        if (e.width == sizeof(Word) * 8) throw "decode pattern: longer than the instruction word";
        e.width++;
        e.mask = Word(e.mask << 1 | (c == '0' || c == '1'));
        e.match = Word(e.match << 1 | (c == '1'));
    }
    if (e.width == 0) throw "decode pattern: empty";
    return e;
}

// The bits `letter` covers in the pattern (not necessarily contiguous).
template <typename Word>
consteval Word field_mask(std::string_view pattern, char letter) {
    Word m = 0;
    for (char c : pattern) {
        if (is_separator(c)) continue;
        m = Word(m << 1 | (c == letter));
    }
    return m;
}

// The bits of w under mask, packed: the highest masked bit becomes the highest result bit.
template <typename Word>
constexpr Word gather(Word w, Word mask) {
    Word out = 0;
    unsigned at = 0;
    for (unsigned i = 0; i < sizeof(Word) * 8; i++) {
        if (!((mask >> i) & 1)) continue;
        out = Word(out | ((w >> i) & 1) << at);
        at++;
    }
    return out;
}

// May a come before b in a table? Yes if no word matches both, or if a is strictly more
// specific (every bit b fixes, a fixes the same way, and a fixes more): a special case
// listed before its general form.
template <typename E>
constexpr bool may_precede(const E& a, const E& b) {
    if (a.width != b.width) return true;
    const bool overlap = ((a.match ^ b.match) & a.mask & b.mask) == 0;
    if (!overlap) return true;
    return (a.mask & b.mask) == b.mask && a.mask != b.mask;
}

template <typename E>
constexpr bool table_is_unambiguous(std::span<const E> t) {
    for (size_t i = 0; i < t.size(); i++) {
        if ((t[i].match & ~t[i].mask) != 0) return false;
        for (size_t j = i + 1; j < t.size(); j++)
            if (!may_precede(t[i], t[j])) return false;
    }
    return true;
}

// The reference: the first entry matching w, in table order.
template <typename E>
const E* linear_find(std::span<const E> t, decltype(E::mask) w) {
    for (const E& e : t)
        if ((w & e.mask) == e.match) return &e;
    return nullptr;
}

// Buckets indexed by a key of up to kMaxKeyBits bits, chosen among the bits fixed by the
// most entries. An entry sits in every bucket whose key it can match, in table order, so
// the first entry in w's bucket matching w is the first entry in the table matching w.
template <typename E>
class BucketDecoder {
public:
    using Word = decltype(E::mask);
    static constexpr unsigned kMaxKeyBits = 11, kMaxRuns = 4;

    explicit BucketDecoder(std::span<const E> table) : table_(table) {
        choose_key();
        const size_t buckets = size_t(1) << key_bits_;
        start_.assign(buckets + 1, 0);
        for (size_t b = 0; b < buckets; b++) {
            start_[b] = uint32_t(slots_.size());
            const Word key_word = scatter(Word(b));
            for (size_t i = 0; i < table.size(); i++) {
                const E& e = table[i];
                if (((e.match ^ key_word) & e.mask & key_mask_) == 0) slots_.push_back({e.mask, e.match, uint32_t(i)});
            }
        }
        start_[buckets] = uint32_t(slots_.size());
    }

    const E* find(Word w) const {
        const size_t k = key(w);
        for (uint32_t s = start_[k], end = start_[k + 1]; s < end; s++) {
            const Slot& slot = slots_[s];
            if ((w & slot.mask) == slot.match) return &table_[slot.index];
        }
        return nullptr;
    }

    Word key_mask() const { return key_mask_; }
    size_t buckets() const { return start_.size() - 1; }
    size_t slots() const { return slots_.size(); }
    size_t largest_bucket() const {
        size_t m = 0;
        for (size_t b = 0; b + 1 < start_.size(); b++) m = std::max<size_t>(m, start_[b + 1] - start_[b]);
        return m;
    }

private:
    struct Slot {
        Word mask, match;
        uint32_t index;
    };
    struct Run {
        uint8_t lo, len, at;  // bits lo..lo+len-1 of the word go to key bits at..at+len-1
    };

    // Bits by how many entries fix them; a bit that would need a fifth run is skipped.
    void choose_key() {
        constexpr unsigned kBits = sizeof(Word) * 8;
        unsigned count[kBits] = {};
        for (const E& e : table_)
            for (unsigned i = 0; i < kBits; i++) count[i] += (e.mask >> i) & 1;
        for (unsigned n = 0; n < kMaxKeyBits; n++) {
            int best = -1;
            for (unsigned i = 0; i < kBits; i++) {
                if ((key_mask_ >> i) & 1 || count[i] * 2 < table_.size()) continue;
                if (runs_of(Word(key_mask_ | Word(1) << i)) > kMaxRuns) continue;
                if (best < 0 || count[i] > count[best]) best = int(i);
            }
            if (best < 0) break;
            key_mask_ = Word(key_mask_ | Word(1) << best);
        }
        unsigned at = 0;
        for (unsigned i = 0; i < kBits;) {
            if (!((key_mask_ >> i) & 1)) { i++; continue; }
            unsigned len = 0;
            while (i + len < kBits && ((key_mask_ >> (i + len)) & 1)) len++;
            runs_[nruns_++] = {uint8_t(i), uint8_t(len), uint8_t(at)};
            at += len;
            i += len;
        }
        key_bits_ = at;
    }

    static unsigned runs_of(Word m) {
        unsigned n = 0;
        for (unsigned i = 0; i < sizeof(Word) * 8; i++) n += ((m >> i) & 1) && (i == 0 || !((m >> (i - 1)) & 1));
        return n;
    }

    size_t key(Word w) const {
        size_t k = 0;
        for (unsigned r = 0; r < nruns_; r++) k |= size_t((w >> runs_[r].lo) & ((Word(1) << runs_[r].len) - 1)) << runs_[r].at;
        return k;
    }
    // The word whose key bits spell k (other bits zero).
    Word scatter(Word k) const {
        Word w = 0;
        for (unsigned r = 0; r < nruns_; r++) w = Word(w | ((k >> runs_[r].at) & ((Word(1) << runs_[r].len) - 1)) << runs_[r].lo);
        return w;
    }

    std::span<const E> table_;
    Word key_mask_ = 0;
    unsigned key_bits_ = 0, nruns_ = 0;
    Run runs_[kMaxRuns] = {};
    std::vector<uint32_t> start_;  // bucket b: slots_[start_[b] .. start_[b + 1])
    std::vector<Slot> slots_;
};

}  // namespace tessera::decode
