// display/key_script.h, key_codes.h, key_player.h, sdl_keymap.h, letterbox.h and
// display_options.h: what -keys types, what the window's keys and pointer become, -display.
#include <SDL_scancode.h>
#include <doctest/doctest.h>
#include <linux/input-event-codes.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "app/options.h"
#include "display/display_options.h"
#include "display/key_codes.h"
#include "display/key_player.h"
#include "display/key_script.h"
#include "display/letterbox.h"
#include "display/sdl_keymap.h"
#include "util/error.h"

using namespace tessera;

namespace {
std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const ConfigError& e) {
        return e.message;
    }
    return "";
}

// The key events of a script, as (code, down) pairs, and its total wait.
std::vector<std::pair<uint16_t, bool>> keys_of(const std::vector<KeyAction>& s, uint32_t* wait = nullptr) {
    std::vector<std::pair<uint16_t, bool>> out;
    if (wait) *wait = 0;
    for (const KeyAction& a : s) {
        if (a.kind == KeyAction::Key) out.emplace_back(a.code, a.down);
        else if (wait) *wait += a.ms;
    }
    return out;
}
using K = std::vector<std::pair<uint16_t, bool>>;
}  // namespace

TEST_CASE("key names: letters, digits, function keys, QEMU's sendkey names") {
    CHECK(key_code_by_name("a") == KEY_A);
    CHECK(key_code_by_name("Z") == KEY_Z);
    CHECK(key_code_by_name("0") == KEY_0);
    CHECK(key_code_by_name("f1") == KEY_F1);
    CHECK(key_code_by_name("F12") == KEY_F12);
    CHECK(key_code_by_name("f24") == KEY_F24);
    CHECK(key_code_by_name("ret") == KEY_ENTER);
    CHECK(key_code_by_name("spc") == KEY_SPACE);
    CHECK(key_code_by_name("ctrl") == KEY_LEFTCTRL);
    CHECK(key_code_by_name("alt_r") == KEY_RIGHTALT);
    CHECK(key_code_by_name("esc") == KEY_ESC);
    CHECK(key_code_by_name("f0") == 0);
    CHECK(key_code_by_name("f25") == 0);
    CHECK(key_code_by_name("f1x") == 0);
    CHECK(key_code_by_name("nosuchkey") == 0);
    CHECK(key_code_by_name("") == 0);
}

TEST_CASE("typing: US layout, Shift for capitals and symbols") {
    uint16_t code;
    bool shift;
    CHECK((key_for_char('q', &code, &shift) && code == KEY_Q && !shift));
    CHECK((key_for_char('Q', &code, &shift) && code == KEY_Q && shift));
    CHECK((key_for_char('!', &code, &shift) && code == KEY_1 && shift));
    CHECK((key_for_char(')', &code, &shift) && code == KEY_0 && shift));
    CHECK((key_for_char('|', &code, &shift) && code == KEY_BACKSLASH && shift));
    CHECK((key_for_char('/', &code, &shift) && code == KEY_SLASH && !shift));
    CHECK((key_for_char('"', &code, &shift) && code == KEY_APOSTROPHE && shift));
    CHECK((key_for_char('\n', &code, &shift) && code == KEY_ENTER && !shift));
    CHECK_FALSE(key_for_char('\x01', &code, &shift));
    CHECK_FALSE(key_for_char(char(0xe9), &code, &shift));
}

TEST_CASE("key script: a good file") {
    uint32_t wait;
    auto s = parse_key_script("# log in\n"
                              "\n"
                              "  wait 500  \n"
                              "delay 0\n"
                              "type Hi!\\n\n"
                              "key ctrl-alt-f2 esc\n"
                              "delay 5\n"
                              "key shift+tab\n",
                              "t.keys");
    K want = {{KEY_LEFTSHIFT, true}, {KEY_H, true}, {KEY_H, false}, {KEY_LEFTSHIFT, false},
              {KEY_I, true}, {KEY_I, false},
              {KEY_LEFTSHIFT, true}, {KEY_1, true}, {KEY_1, false}, {KEY_LEFTSHIFT, false},
              {KEY_ENTER, true}, {KEY_ENTER, false},
              {KEY_LEFTCTRL, true}, {KEY_LEFTALT, true}, {KEY_F2, true}, {KEY_F2, false}, {KEY_LEFTALT, false}, {KEY_LEFTCTRL, false},
              {KEY_ESC, true}, {KEY_ESC, false},
              {KEY_LEFTSHIFT, true}, {KEY_TAB, true}, {KEY_TAB, false}, {KEY_LEFTSHIFT, false}};
    CHECK(keys_of(s, &wait) == want);
    CHECK(wait == 500 + 4 * 5);  // the wait, then 5 ms after each of shift-tab's four events
    CHECK(s.front().kind == KeyAction::Wait);
    CHECK(s.front().ms == 500);
    // The default pause after each key event is 20 ms; "type" keeps the text's own spaces.
    auto t = parse_key_script("type  a\\\\", "t");
    CHECK(keys_of(t, &wait) == K{{KEY_SPACE, true}, {KEY_SPACE, false}, {KEY_A, true}, {KEY_A, false},
                                 {KEY_BACKSLASH, true}, {KEY_BACKSLASH, false}});
    CHECK(wait == 6 * 20);
    CHECK(parse_key_script("", "empty").empty());
}

TEST_CASE("key script: bad lines name the file and line") {
    auto err = [](const char* text) { return error_of([&] { parse_key_script(text, "f.keys"); }); };
    CHECK(err("wait 1\nfoo bar\n") == "-keys f.keys:2: unknown command 'foo' (wait, delay, type, key)");
    CHECK(err("# c\n\nkey ctrl-nosuch\n") == "-keys f.keys:3: unknown key name 'nosuch' in 'ctrl-nosuch'");
    CHECK(err("key ctrl-\n").find("f.keys:1: unknown key name ''") != std::string::npos);
    CHECK(err("key\n") == "-keys f.keys:1: key needs a key name or combination, e.g. ctrl-alt-f2");
    CHECK(err("wait\n").find("f.keys:1: wait needs a number of milliseconds") != std::string::npos);
    CHECK(err("wait -5\n").find("f.keys:1:") != std::string::npos);
    CHECK(err("wait 5s\n").find("f.keys:1:") != std::string::npos);
    CHECK(err("delay 9999999\n").find("at most") != std::string::npos);
    CHECK(err("type a\\q\n").find("f.keys:1: unknown escape") != std::string::npos);
    CHECK(err("type caf\xc3\xa9\n").find("f.keys:1: cannot type byte 0xc3") != std::string::npos);
    CHECK(err("type\n") == "-keys f.keys:1: type needs text");
    CHECK(error_of([] { load_key_script("/nonexistent/x.keys"); }).find("-keys: cannot read '/nonexistent/x.keys'") == 0);
}

TEST_CASE("key player: replays into the input hub, and releases what it holds when stopped") {
    InputHub hub;
    std::mutex mu;
    std::vector<InputEvent> got;
    hub.subscribe([&](const InputEvent& e) {
        std::lock_guard lock(mu);
        got.push_back(e);
    });
    {
        KeyPlayer p(hub, parse_key_script("delay 0\ntype aB\n", "t"));
        p.start();
        for (int i = 0; i < 500 && !p.done(); i++) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        REQUIRE(p.done());
    }
    {
        std::lock_guard lock(mu);
        std::vector<std::pair<uint16_t, int>> keys;
        for (const InputEvent& e : got)
            if (e.kind == InputKind::Key) keys.emplace_back(e.code, e.value);
        CHECK(keys == std::vector<std::pair<uint16_t, int>>{{KEY_A, 1}, {KEY_A, 0}, {KEY_LEFTSHIFT, 1}, {KEY_B, 1},
                                                           {KEY_B, 0}, {KEY_LEFTSHIFT, 0}});
        CHECK(got.size() == 12);  // each key its own report, ended by a sync
        CHECK(got[1].kind == InputKind::Sync);
        got.clear();
    }
    // Stopped during an hour's wait with Ctrl held: it returns at once and lets Ctrl go.
    std::vector<KeyAction> held = {{KeyAction::Key, 0, KEY_LEFTCTRL, true}, {KeyAction::Wait, 3'600'000, 0, false}};
    KeyPlayer q(hub, held);
    q.start();
    for (int i = 0; i < 500; i++) {
        std::lock_guard lock(mu);
        if (!got.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto t0 = std::chrono::steady_clock::now();
    q.stop();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    std::lock_guard lock(mu);
    REQUIRE(got.size() == 4);
    CHECK(got[0].code == KEY_LEFTCTRL);
    CHECK(got[0].value == 1);
    CHECK(got[2].code == KEY_LEFTCTRL);
    CHECK(got[2].value == 0);
}

TEST_CASE("sdl keymap: SDL scancodes to Linux KEY_* codes") {
    CHECK(linux_key_from_sdl(SDL_SCANCODE_A) == KEY_A);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_Z) == KEY_Z);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_1) == KEY_1);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_0) == KEY_0);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_RETURN) == KEY_ENTER);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_ESCAPE) == KEY_ESC);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_LCTRL) == KEY_LEFTCTRL);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_RALT) == KEY_RIGHTALT);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_F1) == KEY_F1);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_F12) == KEY_F12);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_KP_ENTER) == KEY_KPENTER);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_GRAVE) == KEY_GRAVE);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_PERIOD) == KEY_DOT);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_NONUSBACKSLASH) == KEY_102ND);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_UP) == KEY_UP);
    CHECK(linux_key_from_sdl(SDL_SCANCODE_UNKNOWN) == 0);
    CHECK(linux_key_from_sdl(-1) == 0);
    CHECK(linux_key_from_sdl(SDL_NUM_SCANCODES) == 0);
}

TEST_CASE("letterbox: the frame keeps its aspect; pointer positions map to tablet coordinates") {
    Placement p = letterbox(400, 400, 200, 100);
    CHECK((p.x == 0 && p.y == 100 && p.w == 400 && p.h == 200));
    p = letterbox(1000, 500, 640, 480);
    CHECK((p.x == 167 && p.y == 0 && p.w == 666 && p.h == 500));
    p = letterbox(640, 480, 640, 480);
    CHECK((p.x == 0 && p.y == 0 && p.w == 640 && p.h == 480));
    p = letterbox(300, 200, 0, 0);  // no mode: the whole window
    CHECK((p.w == 300 && p.h == 200));
    CHECK(abs_axis(0, 0, 400) == 0);
    CHECK(abs_axis(399, 0, 400) == kInputAbsMax);
    CHECK(abs_axis(250, 100, 200) == (150 * kInputAbsMax) / 199);
    CHECK(abs_axis(50, 100, 200) == 0);               // on the bar above
    CHECK(abs_axis(390, 100, 200) == kInputAbsMax);   // below
    CHECK(abs_axis(5, 0, 1) == 0);
}

TEST_CASE("-display, -nographic, -screendump, -keys on the command line") {
    DisplayChoice c = parse_display_option("sdl");
    CHECK(c.mode == "sdl");
    CHECK_FALSE(c.full_screen);
    CHECK(c.window_close);
    c = parse_display_option("sdl,full-screen=on,window-close=off,gl=off");
    CHECK(c.full_screen);
    CHECK_FALSE(c.window_close);
    CHECK(parse_display_option("none").mode == "none");
    CHECK(error_of([] { parse_display_option("gtk"); }) == "-display: unsupported display 'gtk' (available: sdl, none)");
    CHECK(error_of([] { parse_display_option("sdl,gl=on"); }).find("gl=on is not supported") != std::string::npos);
    CHECK(error_of([] { parse_display_option("sdl,zoom-to-fit=on"); }).find("unknown option 'zoom-to-fit'") != std::string::npos);
    CHECK(error_of([] { parse_display_option("sdl,full-screen=maybe"); }).find("on or off") != std::string::npos);
    CHECK(error_of([] { parse_display_option("none,x=1"); }) != "");

    Options o = parse_options({"-M", "virt", "-cpu", "cortex-a57", "-display", "sdl,full-screen=on", "-screendump", "s.png",
                               "-keys", "k.keys"});
    CHECK(o.machine_cfg.display.mode == "sdl");
    CHECK(o.machine_cfg.display.full_screen);
    CHECK(o.machine_cfg.display.screendump == "s.png");
    CHECK(o.machine_cfg.display.keys == "k.keys");
    CHECK(o.machine_cfg.display.board == o.machine);
    CHECK(parse_options({"-nographic"}).machine_cfg.display.mode == "none");
    CHECK(parse_options({}).machine_cfg.display.mode == "");  // the window if one can open
    CHECK(error_of([] { parse_options({"-nographic", "-display", "sdl"}); }) == "-nographic cannot be used with -display");
}
