// backends/exec/tb_table.h against std::map: random inserts, replacements and erases, with
// keys crowded onto few pages so probe runs wrap and erases have to shift entries back.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <random>
#include <tuple>

#include "backends/exec/tb_table.h"
#include "backends/interp/interp.h"

using namespace tessera;

TEST_CASE("tb table: agrees with a reference map through inserts and erases") {
    std::mt19937_64 rng(12345);
    TbTable table;
    std::map<std::tuple<uint64_t, uint64_t, uint64_t>, TB*> ref;
    std::vector<std::unique_ptr<TB>> blocks;
    for (int step = 0; step < 200000; step++) {
        uint64_t pc = 0x40000000 + (rng() % 3000) * 4;
        uint64_t flags = rng() % 3;
        TbKey k{pc + 0x1000, pc, TbMode{flags, 0}};
        auto rk = std::make_tuple(k.phys_pc, k.pc, flags);
        if (rng() % 3) {
            auto tb = std::make_unique<TB>();
            tb->key = k;
            table.insert(tb.get());
            ref[rk] = tb.get();
            blocks.push_back(std::move(tb));
        } else if (auto it = ref.find(rk); it != ref.end()) {
            table.erase(it->second);
            ref.erase(it);
        }
        if (step % 997 == 0) {
            for (auto& [key, tb] : ref) REQUIRE(table.find(tb->key) == tb);
            REQUIRE(table.size() == ref.size());
        }
    }
    for (auto& [key, tb] : ref) CHECK(table.find(tb->key) == tb);
    // A replaced block is not erased by erasing the block it replaced.
    auto a = std::make_unique<TB>(), b = std::make_unique<TB>();
    a->key = b->key = TbKey{7, 7, TbMode{9, 0}};
    table.insert(a.get());
    table.insert(b.get());
    table.erase(a.get());
    CHECK(table.find(a->key) == b.get());
    table.clear();
    CHECK(table.find(a->key) == nullptr);
    CHECK(table.size() == 0);
}
