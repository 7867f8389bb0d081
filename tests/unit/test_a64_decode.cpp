// The A64 decode tables: one table across the groups without overlaps, the bucket decoder
// returning what a linear scan does, and known encodings landing on their entries.
#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "frontends/aarch64/decode.h"
#include "machines/board.h"

using namespace tessera;
using namespace tessera::aarch64;

TEST_CASE("A64 decode: the groups' tables together are unambiguous, buckets agree with a linear scan") {
    std::span<const Pattern> all = patterns();
    CHECK(all.size() > 30);
    CHECK(tessera::decode::table_is_unambiguous(all));
    std::mt19937 rng(7);
    for (int i = 0; i < 400000; i++) {
        uint32_t w = rng();
        CHECK(aarch64::decode(w) == tessera::decode::linear_find(all, w));
    }
}

TEST_CASE("A64 decode: known encodings") {
    struct Known {
        uint32_t insn;
        const char* name;
    };
    const Known known[] = {
        {0x8b020020, "add_shifted"},   // add x0, x1, x2
        {0xf100001f, "add_imm"},       // cmp x0, #0
        {0x8b22c020, "add_extended"},  // add x0, x1, w2, sxtw
        {0x92400c20, "logic_imm"},     // and x0, x1, #0xf
        {0xd2824680, "movw"},          // mov x0, #0x1234
        {0xd3441c20, "bitfield"},      // ubfx x0, x1, #4, #4
        {0x93c24020, "extr"},          // extr x0, x1, x2, #16
        {0x9a821020, "csel"},          // csel x0, x1, x2, ne
        {0x9ac20820, "dp2"},           // udiv x0, x1, x2
        {0xdac01020, "dp1"},           // clz x0, x1
        {0x9b020c20, "dp3"},           // madd x0, x1, x2, x3
        {0x94000001, "bl"},            {0x54000040, "b.cond"}, {0xb4000040, "cbz"},
        {0x37080040, "tbnz"},          {0xd65f03c0, "ret"},    {0xd61f0020, "br"},
        {0xf9400420, "ldst_uimm"},     // ldr x0, [x1, #8]
        {0xf8408c20, "ldst_imm9"},     // ldr x0, [x1, #8]!
        {0xf8627820, "ldst_reg"},      // ldr x0, [x1, x2, lsl #3]
        {0xa9410820, "ldst_pair"},     // ldp x0, x2, [x1, #16]
        {0xc85f7c20, "excl"},          // ldxr x0, [x1]
        {0x58000040, "ldr_lit"},       {0xd503201f, "hint"}, {0xd5033bbf, "barrier"},
        {0xd5384100, "mrs"},           // mrs x0, sp_el0
        {0xd5181000, "msr"},           // msr sctlr_el1, x0
        {0xd4000841, "svc"},           {0xd4000002, "hvc"},  {0xd4200020, "brk"},
        {0xd69f03e0, "eret"},
    };
    for (const Known& k : known) {
        CAPTURE(k.name);
        const Pattern* p = aarch64::decode(k.insn);
        REQUIRE(p != nullptr);
        CHECK(std::strcmp(p->name, k.name) == 0);
    }
    CHECK(aarch64::decode(0x00000000) == nullptr);  // UDF: unallocated
}

TEST_CASE("-M virt picks the board by CPU model") {
    CHECK(std::strcmp(find_board("virt", "cortex-a57").name, "aarch64-virt") == 0);
    CHECK(std::strcmp(find_board("virt", "").name, "riscv64-virt") == 0);
    CHECK(std::strcmp(find_board("aarch64-virt", "").name, "aarch64-virt") == 0);
}
