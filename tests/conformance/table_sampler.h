// Instructions drawn from an ISA's decode table, for any ISA (the generator's core).
//
// An entry's instance is its match value with the don't-care bits filled at random.
// Operands are read back through the ISA's decoder; to write them, the bit each operand
// bit lives in is found by probing the decoder one bit at a time (FieldMap), so no field
// position is written twice. Every word made is decoded again and checked to be the
// intended entry with the intended operands.
//
// The ISA plugs in a traits type T:
//   using Entry = ...;   // mask, match (uint32_t), width (16 or 32 bits)
//   using Args = ...;    // the decoded operands
//   static constexpr int kFields;                      // operand fields, in encode priority
//   static std::span<const Entry> table();
//   static const Entry* decode(uint32_t word, Args*);  // nullptr: illegal
//   static uint64_t field(const Args&, int f);
//   static unsigned operands(const Entry&);            // bit f: field f is an operand
#pragma once
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace tessera::conformance {

template <typename T>
class TableSampler {
public:
    using Entry = typename T::Entry;
    using Args = typename T::Args;

    static uint32_t width_mask(const Entry& p) { return p.width == 32 ? 0xffffffffu : (1u << p.width) - 1; }

    // A random instance of p: its fixed bits, the rest from `random`.
    static uint32_t instance(const Entry& p, uint32_t random) { return p.match | (random & ~p.mask & width_mask(p)); }

    // Encodes args into an instance of p, taking bits that no operand covers from
    // base_word. False if args cannot be represented (the re-decode differs).
    static bool encode(const Entry& p, const Args& args, uint32_t base_word, uint32_t* out) {
        const FieldMap& m = field_map(p);
        uint32_t w = p.match | (base_word & ~p.mask & ~m.mapped & width_mask(p));
        for (unsigned i = 0; i < 32; i++) {
            const Bit& bit = m.bits[i];
            if (((m.mapped >> i) & 1) && ((T::field(args, bit.field) >> bit.pos) & 1)) w |= 1u << i;
        }
        Args back;
        if (T::decode(w, &back) != &p || !same_operands(p, args, back)) return false;
        *out = w;
        return true;
    }

    static bool same_operands(const Entry& p, const Args& a, const Args& b) {
        const unsigned want = T::operands(p);
        for (int f = 0; f < T::kFields; f++)
            if (((want >> f) & 1) && T::field(a, f) != T::field(b, f)) return false;
        return true;
    }

private:
    // For each instruction bit, the operand field bit it sets (the first field in
    // priority order, when one bit feeds two fields such as c.addi's rd and rs1).
    struct Bit {
        int8_t field = -1;
        uint8_t pos = 0;
    };
    struct FieldMap {
        Bit bits[32];
        uint32_t mapped = 0;
    };

    static FieldMap probe(const Entry& p) {
        FieldMap m;
        const uint32_t free = ~p.mask & width_mask(p);
        const unsigned want = T::operands(p);
        uint32_t unresolved = free;
        std::mt19937_64 rng(0x5eed ^ p.match);
        for (int tries = 0; tries < 4096 && unresolved; tries++) {
            const uint32_t w = instance(p, uint32_t(rng()));
            Args a;
            if (T::decode(w, &a) != &p) continue;
            for (unsigned i = 0; i < 32; i++) {
                if (!((unresolved >> i) & 1)) continue;
                Args b;
                if (T::decode(w ^ (1u << i), &b) != &p) continue;  // try from another word
                for (int f = 0; f < T::kFields; f++) {
                    const uint64_t d = T::field(a, f) ^ T::field(b, f);
                    if (!d || !((want >> f) & 1)) continue;
                    m.bits[i] = {int8_t(f), uint8_t(__builtin_ctzll(d))};  // sign bits: the lowest one
                    m.mapped |= 1u << i;
                    break;
                }
                unresolved &= ~(1u << i);
            }
        }
        return m;
    }

    static const FieldMap& field_map(const Entry& p) {
        static const std::vector<FieldMap> maps = [] {
            std::vector<FieldMap> v;
            for (const Entry& e : T::table()) v.push_back(probe(e));
            return v;
        }();
        return maps[size_t(&p - T::table().data())];
    }
};

}  // namespace tessera::conformance
