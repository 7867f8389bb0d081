#include <doctest/doctest.h>

#include <vector>

#include "machines/devices/sifive_test.h"

using namespace tessera;

namespace {
struct Fixture {
    std::vector<int> exits;
    int resets = 0;
    SifiveTest dev{[this](int s) { exits.push_back(s); }, [this] { resets++; }};
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "sifive_test: pass, fail with code, reset") {
    dev.write(0, 4, 0x5555);
    CHECK(exits == std::vector<int>{0});
    dev.write(0, 4, (42u << 16) | 0x3333);
    CHECK(exits == std::vector<int>{0, 42});
    dev.write(0, 4, 0xffff3333);
    CHECK(exits.back() == 0xffff);
    dev.write(0, 4, 0x7777);
    CHECK(resets == 1);
    CHECK(exits.size() == 3);
}

TEST_CASE_FIXTURE(Fixture, "sifive_test: reads return 0") {
    CHECK(dev.read(0, 4) == 0);
    CHECK(dev.read(4, 4) == 0);
    CHECK(dev.read(0xfff, 1) == 0);
    CHECK(dev.read(~0ull, 8) == 0);
}

TEST_CASE_FIXTURE(Fixture, "sifive_test: unknown values, offsets and sizes are ignored") {
    dev.write(0, 4, 0);
    dev.write(0, 4, 0x1234);
    dev.write(0, 4, 0x5556);
    dev.write(4, 4, 0x5555);  // wrong offset
    dev.write(0, 1, 0x55);    // wrong size
    dev.write(0, 8, 0x5555);
    dev.write(~0ull, 4, 0x5555);
    CHECK(exits.empty());
    CHECK(resets == 0);
}

TEST_CASE("sifive_test: empty callbacks are tolerated") {
    SifiveTest dev{nullptr, nullptr};
    dev.write(0, 4, 0x5555);
    dev.write(0, 4, 0x7777);
    CHECK(dev.read(0, 4) == 0);
}
