// The RISC-V decode table: fields, compressed expansion, reserved encodings.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>

#include "frontends/common/decode_pattern.h"
#include "frontends/riscv/decode.h"

using namespace tessera::riscv;

namespace {
std::string name_of(uint32_t insn, Args* a = nullptr) {
    Args tmp;
    const Pattern* p = decode(insn, a ? a : &tmp);
    return p ? p->name : "<illegal>";
}
}  // namespace

namespace {
bool same_args(const Args& a, const Args& b) {
    return a.rd == b.rd && a.rs1 == b.rs1 && a.rs2 == b.rs2 && a.rs3 == b.rs3 && a.imm == b.imm && a.rm == b.rm &&
           a.csr == b.csr;
}
// decode() (buckets) against decode_linear() (the table in priority order).
unsigned mismatches = 0;
void compare_with_scan(uint32_t insn) {
    Args a, b;
    const Pattern* got = decode(insn, &a);
    const Pattern* want = decode_linear(insn, &b);
    if (got == want && (!got || same_args(a, b))) return;
    if (++mismatches <= 10)
        FAIL_CHECK("insn ", insn, ": buckets give ", got ? got->name : "<illegal>", ", the scan ",
                   want ? want->name : "<illegal>");
}
}  // namespace

TEST_CASE("the bucketed decoder agrees with a linear scan of the table") {
    mismatches = 0;
    for (uint32_t w = 0; w < 0x10000; w++) compare_with_scan(w);  // every 16-bit parcel
    std::mt19937_64 g(0xdec0de);
    for (size_t i = 0; i < kNumPatterns; i++) {
        const Pattern& p = kPatterns[i];
        const uint32_t width = p.width == 16 ? 0xffffu : 0xffffffffu;
        compare_with_scan(p.match);
        compare_with_scan(p.match | (~p.mask & width));
        compare_with_scan(p.match | ~p.mask);  // compressed: junk in the upper half
        for (int k = 0; k < 2000; k++) compare_with_scan(p.match | (uint32_t(g()) & ~p.mask));
    }
    for (int k = 0; k < 4000000; k++) compare_with_scan(uint32_t(g()));
    CHECK(mismatches == 0);
}

TEST_CASE("patterns: mask, match and length come from the string") {
    auto find = [](const char* name) -> const Pattern& {
        for (size_t i = 0; i < kNumPatterns; i++)
            if (!strcmp(kPatterns[i].name, name)) return kPatterns[i];
        FAIL("no entry ", name);
        return kPatterns[0];
    };
    const Pattern& add = find("add");
    CHECK(std::string(add.bits) == "0000000 ttttt sssss 000 ddddd 0110011");
    CHECK(add.mask == 0xfe00707fu);
    CHECK(add.match == 0x33u);
    CHECK(add.len() == 4);
    const Pattern& cadd = find("c.add");
    CHECK(cadd.mask == 0xf003u);
    CHECK(cadd.match == 0x9002u);
    CHECK(cadd.len() == 2);
    // The letters name the fields extract() reads: rd of add a0, a1, a0 from its 'd' bits.
    constexpr uint32_t kAddA0 = 0x00a58533;
    Args a;
    REQUIRE(decode(kAddA0, &a) == &add);
    CHECK(tessera::decode::gather<uint32_t>(kAddA0, tessera::decode::field_mask<uint32_t>(
                                                        "0000000 ttttt sssss 000 ddddd 0110011", 'd')) == a.rd);
    for (size_t i = 0; i < kNumPatterns; i++) {
        const Pattern& p = kPatterns[i];
        INFO(p.name);
        CHECK(p.len() == ((p.match & 3) == 3 ? 4u : 2u));
    }
}

TEST_CASE("every table entry is reachable: its own match decodes to it") {
    for (size_t i = 0; i < kNumPatterns; i++) {
        const Pattern& p = kPatterns[i];
        Args a;
        const Pattern* got = decode(p.match, &a);
        // A match value may fall into an earlier, strictly more specific entry (c.jalr's
        // rs1=0 is c.ebreak) or be a reserved form (c.addi4spn with imm 0): nothing else.
        if (!got || got == &p) continue;
        INFO(p.name, " decodes as ", got->name);
        CHECK(got < &p);
        CHECK((got->mask & p.mask) == p.mask);
        CHECK(got->mask != p.mask);
    }
}

TEST_CASE("base instructions and their fields") {
    Args a;
    CHECK(name_of(0x00a58533, &a) == "add");  // add a0, a1, a0
    CHECK(a.rd == 10);
    CHECK(a.rs1 == 11);
    CHECK(a.rs2 == 10);
    CHECK(name_of(0xfff50513, &a) == "addi");  // addi a0, a0, -1
    CHECK(a.imm == -1);
    CHECK(name_of(0xfe051ee3, &a) == "bne");  // bne a0, zero, -4
    CHECK(a.imm == -4);
    CHECK(name_of(0x0040006f, &a) == "jal");  // j +4
    CHECK(a.imm == 4);
    CHECK(name_of(0x800002b7, &a) == "lui");  // lui t0, 0x80000
    CHECK(a.imm == int64_t(0xffffffff80000000ull));
    CHECK(name_of(0xfeb53c23, &a) == "sd");  // sd a1, -8(a0)
    CHECK(a.imm == -8);
    CHECK(name_of(0x4025d593, &a) == "srai");  // srai a1, a1, 2
    CHECK(a.imm == 2);
    CHECK(name_of(0x30200073) == "mret");
    CHECK(name_of(0x34011173, &a) == "csrrw");  // csrrw sp, mscratch, sp
    CHECK(a.csr == 0x340);
    CHECK(name_of(0x100527af) == "lr_w");
    CHECK(name_of(0x02b57553, &a) == "fadd_d");  // fadd.d fa0, fa0, fa1, dyn
    CHECK(a.rm == 7);
    CHECK(name_of(0x00000000) == "<illegal>");
    CHECK(name_of(0xffffffff) == "<illegal>");
}

TEST_CASE("compressed instructions expand to base handlers") {
    Args a;
    CHECK(name_of(0x4501, &a) == "c.li");  // li a0, 0
    CHECK(a.rd == 10);
    CHECK(a.rs1 == 0);
    CHECK(name_of(0x1141, &a) == "c.addi");  // addi sp, sp, -16
    CHECK(a.rd == 2);
    CHECK(a.imm == -16);
    CHECK(name_of(0x7139, &a) == "c.addi16sp");  // addi sp, sp, -64
    CHECK(a.imm == -64);
    CHECK(name_of(0x8082, &a) == "c.jr");  // ret
    CHECK(a.rs1 == 1);
    CHECK(a.rd == 0);
    CHECK(name_of(0x852e, &a) == "c.mv");  // mv a0, a1
    CHECK(a.rs2 == 11);
    CHECK(name_of(0x9002) == "c.ebreak");
    CHECK(name_of(0xe406, &a) == "c.sdsp");  // sd ra, 8(sp)
    CHECK(a.imm == 8);
    CHECK(a.rs2 == 1);
    CHECK(name_of(0x0000) == "<illegal>");  // the all-zero halfword is reserved
    CHECK(name_of(0x6001) == "<illegal>");  // c.lui with zero immediate
    CHECK(name_of(0x6101) == "<illegal>");  // c.addi16sp with zero immediate
}
