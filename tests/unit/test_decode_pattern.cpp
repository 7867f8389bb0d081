// The ISA-independent pattern decoder: parsing, fields, the overlap rule, buckets.
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "frontends/common/decode_pattern.h"

using namespace tessera::decode;

namespace {

// The parser at compile time: fixed bits, separators, the width.
constexpr auto kAdd = parse<uint32_t>("0000000 ttttt sssss 000 ddddd 0110011");
static_assert(kAdd.mask == 0xfe00707f && kAdd.match == 0x00000033 && kAdd.width == 32);
constexpr auto kCAdd = parse<uint32_t>("100_1 ddddd ttttt 10");
static_assert(kCAdd.mask == 0xf003 && kCAdd.match == 0x9002 && kCAdd.width == 16);
static_assert(parse<uint16_t>("1111 0000 1111 0000").mask == 0xffff);
static_assert(parse<uint16_t>("1111 0000 1111 0000").match == 0xf0f0);

// Field masks need not be contiguous; gather packs them MSB first.
constexpr const char* kScattered = "a 000 bbb a 11 aa";
static_assert(field_mask<uint32_t>(kScattered, 'a') == 0b1'000'000'1'00'11);
static_assert(field_mask<uint32_t>(kScattered, 'b') == 0b0'000'111'0'00'00);
static_assert(field_mask<uint32_t>(kScattered, 'z') == 0);
static_assert(gather<uint32_t>(0b1'000'101'0'11'01, field_mask<uint32_t>(kScattered, 'a')) == 0b1001);
static_assert(gather<uint32_t>(0b1'000'101'0'11'01, field_mask<uint32_t>(kScattered, 'b')) == 0b101);
static_assert(gather<uint32_t>(0xffffffff, 0x80000001) == 3);

// The overlap rule, both ways: a special case may precede its general form, not follow
// it; equally specific overlapping entries are rejected in either order.
constexpr auto kGeneral = parse<uint32_t>("0000 ssss dddd 0001");
constexpr auto kSpecial = parse<uint32_t>("0000 ssss 0000 0001");
constexpr auto kOther = parse<uint32_t>("0000 0000 dddd 0001");
constexpr auto kDisjoint = parse<uint32_t>("0001 ssss dddd 0001");
constexpr auto kShort = parse<uint32_t>("ssss dddd 0001");
static_assert(may_precede(kSpecial, kGeneral));
static_assert(!may_precede(kGeneral, kSpecial));
static_assert(!may_precede(kOther, kSpecial) && !may_precede(kSpecial, kOther));
static_assert(!may_precede(kGeneral, kGeneral));
static_assert(may_precede(kGeneral, kDisjoint) && may_precede(kDisjoint, kGeneral));
static_assert(may_precede(kGeneral, kShort));  // different widths: the ISA tells them apart

constexpr Encoding<uint32_t> kGood[] = {kSpecial, kGeneral, kDisjoint};
constexpr Encoding<uint32_t> kBad[] = {kGeneral, kDisjoint, kSpecial};
static_assert(table_is_unambiguous(std::span<const Encoding<uint32_t>>(kGood)));
static_assert(!table_is_unambiguous(std::span<const Encoding<uint32_t>>(kBad)));

// A random table of patterns, most fixing a common "opcode" so that buckets form, some
// fixing only odd bits so that they are copied into many buckets, in an order that
// makes priority matter (overlaps are not rejected here: the decoder must still agree
// with the scan).
std::vector<Encoding<uint32_t>> random_table(std::mt19937_64& g, size_t n) {
    std::vector<Encoding<uint32_t>> t;
    for (size_t i = 0; i < n; i++) {
        Encoding<uint32_t> e;
        e.width = 32;
        switch (g() % 4) {
        case 0: e.mask = uint32_t(g()) & uint32_t(g()); break;  // sparse, anywhere
        case 1: e.mask = 0x7f | (uint32_t(g()) & 0xfe007000); break;
        default: e.mask = 0x707f | (uint32_t(g()) & uint32_t(g()) & 0xfff00000); break;
        }
        e.match = uint32_t(g()) & e.mask & ~uint32_t(g() % 3 == 0 ? 0x78 : 0);
        t.push_back(e);
    }
    return t;
}

}  // namespace

TEST_CASE("parse, field_mask and gather agree at run time with the compile-time values") {
    CHECK(kAdd.mask == 0xfe00707fu);
    CHECK(gather<uint32_t>(0x00b50533, field_mask<uint32_t>("0000000 ttttt sssss 000 ddddd 0110011", 'd')) == 10);
    CHECK(gather<uint32_t>(0x00b50533, field_mask<uint32_t>("0000000 ttttt sssss 000 ddddd 0110011", 's')) == 10);
    CHECK(gather<uint32_t>(0x00b50533, field_mask<uint32_t>("0000000 ttttt sssss 000 ddddd 0110011", 't')) == 11);
}

TEST_CASE("the bucketed decoder returns what a linear scan returns") {
    std::mt19937_64 g(0x7e55e7a);
    for (int round = 0; round < 6; round++) {
        const auto table = random_table(g, 20 + size_t(round) * 60);
        const std::span<const Encoding<uint32_t>> t(table);
        const BucketDecoder<Encoding<uint32_t>> d(t);
        CHECK(d.buckets() >= 2);
        CHECK(d.buckets() <= (size_t(1) << BucketDecoder<Encoding<uint32_t>>::kMaxKeyBits));
        auto same = [&](uint32_t w) {
            const Encoding<uint32_t>* want = linear_find(t, w);
            const Encoding<uint32_t>* got = d.find(w);
            if (got != want) FAIL_CHECK("word ", w, ": bucket entry ", got ? got - t.data() : -1, ", scan entry ",
                                        want ? want - t.data() : -1);
        };
        for (const auto& e : table) {
            same(e.match);
            same(e.match | ~e.mask);
            for (int k = 0; k < 64; k++) same(e.match | (uint32_t(g()) & ~e.mask));
        }
        for (int k = 0; k < 200000; k++) same(uint32_t(g()));
    }
}

TEST_CASE("the bucketed decoder on 16-bit words and an empty table") {
    constexpr Encoding<uint16_t> t16[] = {parse<uint16_t>("100 1 00000 00000 10"), parse<uint16_t>("100 1 ddddd 00000 10"),
                                          parse<uint16_t>("100 1 ddddd ttttt 10"), parse<uint16_t>("010 i ddddd iiiii 10")};
    static_assert(table_is_unambiguous(std::span<const Encoding<uint16_t>>(t16)));
    const BucketDecoder<Encoding<uint16_t>> d{std::span<const Encoding<uint16_t>>(t16)};
    for (uint32_t w = 0; w < 0x10000; w++) {
        const auto* want = linear_find(std::span<const Encoding<uint16_t>>(t16), uint16_t(w));
        if (d.find(uint16_t(w)) != want) FAIL_CHECK("word ", w);
    }
    CHECK(d.find(0x9002) == &t16[0]);
    CHECK(d.find(0x9082) == &t16[1]);
    CHECK(d.find(0x9086) == &t16[2]);
    CHECK(d.find(0x0002) == nullptr);

    const BucketDecoder<Encoding<uint32_t>> none{std::span<const Encoding<uint32_t>>()};
    CHECK(none.find(0) == nullptr);
    CHECK(none.find(0xffffffff) == nullptr);
}
