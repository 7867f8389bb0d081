#include <doctest/doctest.h>

#include <random>
#include <set>

#include "backends/exec/page_set.h"

using tessera::PageSet;

TEST_CASE("page set: insert, erase and clear agree with std::set through growth and collisions") {
    PageSet s;
    std::set<uint64_t> ref;
    std::mt19937_64 rng(7);
    for (int step = 0; step < 200000; step++) {
        // Few distinct pages, so erases hit often and runs of colliding slots form.
        uint64_t page = (rng() % 5000) << 12;
        switch (rng() % 8) {
        case 0:
        case 1:
        case 2: s.insert(page); ref.insert(page); break;
        case 3:
        case 4: CHECK(s.erase(page) == (ref.erase(page) == 1)); break;
        default: break;
        }
        if (step % 50000 == 49999) {
            s.clear();
            ref.clear();
        }
        REQUIRE(s.size() == ref.size());
    }
    for (uint64_t p : ref) CHECK(s.erase(p));
    CHECK(s.size() == 0);
    CHECK_FALSE(s.erase(0x1000));
}
