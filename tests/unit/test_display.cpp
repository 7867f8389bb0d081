// display/display.h and display/input.h: pixels converted and clipped, damage gathered,
// input reports delivered whole.
#include <doctest/doctest.h>

#include <cstring>

#include "display/display.h"

using namespace tessera;

TEST_CASE("display: a mode starts black, all of it damaged") {
    Display d;
    CHECK_FALSE(d.has_source());
    CHECK(d.attach_source("virtio-gpu-device"));
    CHECK_FALSE(d.attach_source("another"));
    CHECK(d.source_name() == "virtio-gpu-device");
    int wakes = 0;
    d.set_waker([&] { wakes++; });
    CHECK(d.set_mode(4, 3));
    CHECK_FALSE(d.set_mode(Display::kMaxWidth + 1, 1));
    CHECK(wakes == 1);
    d.take([](const Frame& f, Rect dmg, bool mode) {
        CHECK(mode);
        CHECK(f.width == 4);
        CHECK(f.height == 3);
        CHECK(dmg.w == 4);
        CHECK(dmg.h == 3);
        CHECK(f.at(3, 2) == 0);
    });
    d.take([](const Frame&, Rect dmg, bool mode) {
        CHECK(dmg.empty());
        CHECK_FALSE(mode);
    });
}

TEST_CASE("display: update converts each format, clips, and unites damage") {
    Display d;
    d.set_mode(4, 4);
    d.take([](const Frame&, Rect, bool) {});
    // A 4x4 source in memory order R,G,B,X: pixel (x,y) = (x*16, y*16, 0x80).
    uint8_t src[4 * 4 * 4];
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) {
            uint8_t* p = src + (y * 4 + x) * 4;
            p[0] = uint8_t(x * 16), p[1] = uint8_t(y * 16), p[2] = 0x80, p[3] = 0xff;
        }
    d.update({1, 1, 1, 1}, src, 16, PixelFormat::Rgbx);
    d.update({3, 2, 100, 100}, src, 16, PixelFormat::Rgbx);  // clipped to (3,2)-(3,3)
    d.take([](const Frame& f, Rect dmg, bool) {
        CHECK(f.at(1, 1) == 0x101080u);
        CHECK(f.at(3, 3) == 0x303080u);
        CHECK(f.at(0, 0) == 0);
        CHECK(dmg.x == 1);
        CHECK(dmg.y == 1);
        CHECK(dmg.w == 3);
        CHECK(dmg.h == 3);
    });
    d.update({0, 0, 1, 1}, src, 16, PixelFormat::Bgra);  // bytes B=0 G=0 R=0x80; alpha dropped
    CHECK(d.snapshot().at(0, 0) == 0x800000u);
    d.update({0, 0, 1, 1}, src, 16, PixelFormat::Xbgr);  // X=0 B=0 G=0x80 R=0xff
    CHECK(d.snapshot().at(0, 0) == 0xff8000u);
    d.update({5, 0, 1, 1}, src, 16, PixelFormat::Bgrx);  // outside: nothing
    d.take([](const Frame&, Rect dmg, bool) { CHECK(dmg.x == 0); });
}

TEST_CASE("input: listeners get whole reports, and none after unsubscribing") {
    InputHub hub;
    std::vector<InputEvent> got;
    uint64_t id = hub.subscribe([&](const InputEvent& e) { got.push_back(e); });
    CHECK_FALSE(hub.has_absolute_pointer());
    uint64_t tablet = hub.subscribe([](const InputEvent&) {}, true);
    CHECK(hub.has_absolute_pointer());
    hub.key(30, true);  // KEY_A
    REQUIRE(got.size() == 2);
    CHECK(got[0].kind == InputKind::Key);
    CHECK(got[0].code == 30);
    CHECK(got[0].value == 1);
    CHECK(got[1].kind == InputKind::Sync);
    hub.unsubscribe(id);
    hub.unsubscribe(tablet);
    hub.key(30, false);
    CHECK(got.size() == 2);
    CHECK_FALSE(hub.has_listeners());
}
