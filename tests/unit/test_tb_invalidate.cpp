// Stores into translated code invalidate the blocks whose bytes they touch, and only those:
// kernels patch their own text a few bytes at a time (static keys, alternatives) beside code
// that stays valid. Pages whose writes keep missing their blocks stop being tracked.
#include <doctest/doctest.h>

#include "backends/exec/tb_cache.h"
#include "backends/interp/interp.h"

using namespace tessera;

namespace {

constexpr uint64_t kPage = 0x80002000;

TB* add(TbCache& c, uint64_t phys, uint32_t bytes, uint64_t page2 = ~0ull) {
    auto tb = std::make_unique<TB>();
    tb->key = TbKey{phys, phys, TbMode{}};
    tb->pc = phys;
    tb->ir.guest_bytes = bytes;
    tb->page2 = page2;
    return c.insert(std::move(tb));
}

}  // namespace

TEST_CASE("tb invalidation: a write invalidates the blocks whose bytes it touches, no other") {
    TbCache c;
    int notified = 0;
    c.on_invalidate = [&] { notified++; };
    TB* a = add(c, kPage + 0x000, 0x20);
    TB* b = add(c, kPage + 0x100, 0x10);
    TB* d = add(c, kPage + 0x200, 0x8);
    CHECK(c.invalidate_range(kPage + 0x20, 4));  // just past a: nothing
    CHECK((a->valid && b->valid && d->valid));
    CHECK(notified == 0);
    CHECK(c.invalidate_range(kPage + 0x10c, 8));  // the last 4 bytes of b and 4 past it
    CHECK((a->valid && !b->valid && d->valid));
    CHECK(notified == 1);
    CHECK(c.find(b->key) == nullptr);
    CHECK(c.find(a->key) == a);
    CHECK(c.invalidate_range(kPage + 0x1c, 8));  // the tail of a
    CHECK(!a->valid);
    CHECK(!c.invalidate_range(kPage + 0x204, 1));  // the last block goes: the page is plain RAM
    CHECK(!d->valid);
    CHECK(!c.invalidate_range(kPage + 0x204, 1));  // nothing tracked there any more
}

TEST_CASE("tb invalidation: a block straddling two pages is hit through either page") {
    TbCache c;
    TB* s = add(c, kPage + 0xff8, 0x10, kPage + 0x1000);  // 8 bytes on each page
    TB* t = add(c, kPage + 0x1000 + 0x40, 4);
    CHECK(c.invalidate_range(kPage + 0x1008, 4));  // past s's bytes on the second page
    CHECK(s->valid);
    CHECK(c.invalidate_range(kPage + 0x1004, 4));  // s's last bytes
    CHECK(!s->valid);
    CHECK(t->valid);
}

TEST_CASE("tb invalidation: a page whose writes keep missing its blocks is invalidated whole") {
    TbCache c;
    TB* a = add(c, kPage, 0x10);
    for (uint32_t k = 1; k < TbCache::kMaxMisses; k++) REQUIRE(c.invalidate_range(kPage + 0x800, 8));
    CHECK(a->valid);
    CHECK(!c.invalidate_range(kPage + 0x800, 8));
    CHECK(!a->valid);
}
