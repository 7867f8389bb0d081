// A stand-in for a board with a display device, for window_test.py under Xvfb: a Display
// with a known pattern shown in the real SDL window (display/sdl_window.h), and every event
// the window sends into the InputHub printed on stdout. Commands on stdin:
//   mode W H        a new mode, drawn as four quadrants: red, green / blue, white
//   fill X Y W H RGB  an update of that rectangle only, in colour RGB (hex)
//   tablet on|off   an absolute pointer listens (or no longer does)
//   status TEXT     the title's state
//   cursor X Y      a 16x16 magenta guest cursor, visible at X Y
//   tid             prints "TID <window thread id>"
//   state           prints "STATE fullscreen=0|1 grabbed=0|1"
//   close           closes the window and exits
// Prints "READY" once the window is open, "CLOSED" when the user closes it (then exits 0, as
// Tessera does), and "EV kind code value" for each input event.
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <thread>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <unistd.h>

#include "display/display.h"
#include "display/sdl_window.h"

using namespace tessera;

namespace {
std::mutex g_out;
void say(const std::string& s) {
    std::lock_guard lock(g_out);
    fputs((s + "\n").c_str(), stdout);
    fflush(stdout);
}

void draw_pattern(Display& d, uint32_t w, uint32_t h) {
    d.set_mode(w, h);
    std::vector<uint8_t> px(size_t(w) * h * 4);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint32_t c = y < h / 2 ? (x < w / 2 ? 0xff0000 : 0x00ff00) : (x < w / 2 ? 0x0000ff : 0xffffff);
            uint8_t* p = &px[(size_t(y) * w + x) * 4];  // B8G8R8X8, as virtio-gpu's usual format
            p[0] = uint8_t(c), p[1] = uint8_t(c >> 8), p[2] = uint8_t(c >> 16), p[3] = 0;
        }
    d.update({0, 0, w, h}, px.data(), size_t(w) * 4, PixelFormat::Bgrx);
}
}  // namespace

int main() {
    Display d;
    d.attach_source("window-check");
    const char* kinds[] = {"KEY", "BTN", "REL", "ABS", "SYN"};
    d.input().subscribe([&](const InputEvent& e) {
        say("EV " + std::string(kinds[int(e.kind)]) + " " + std::to_string(e.code) + " " + std::to_string(e.value));
    });
    uint64_t tablet = 0;
    draw_pattern(d, 320, 240);
    // Commands come from a reader thread, so that closing the window (which ends the run, as
    // in Tessera) wakes the main thread too.
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::string> lines;
    bool closed = false, eof = false;
    SdlWindow win(d, WindowOptions{"testboard", false, true}, [&] {
        std::lock_guard lock(mu);
        if (!closed) say("CLOSED");
        closed = true;
        cv.notify_all();
    });
    std::string err;
    if (!win.open(&err)) {
        fprintf(stderr, "window_check: %s\n", err.c_str());
        return 2;
    }
    say("READY");
    std::thread([&] {
        std::string l;
        while (std::getline(std::cin, l)) {
            std::lock_guard lock(mu);
            lines.push_back(l);
            cv.notify_all();
        }
        std::lock_guard lock(mu);
        eof = true;
        cv.notify_all();
    }).detach();
    for (;;) {
        std::string line;
        {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return closed || eof || !lines.empty(); });
            if (closed || lines.empty()) break;
            line = lines.front();
            lines.pop_front();
        }
        char word[32] = {};
        sscanf(line.c_str(), "%31s", word);
        std::string w = word;
        if (w == "mode") {
            unsigned mw = 0, mh = 0;
            sscanf(line.c_str(), "mode %u %u", &mw, &mh);
            draw_pattern(d, mw, mh);
        } else if (w == "fill") {
            unsigned x = 0, y = 0, fw = 0, fh = 0, rgb = 0;
            sscanf(line.c_str(), "fill %u %u %u %u %x", &x, &y, &fw, &fh, &rgb);
            // A source as large as the frame, only rectangle (x, y, fw, fh) of it sent.
            Frame f = d.snapshot();
            std::vector<uint32_t> src(size_t(f.width) * f.height, rgb);
            d.update({x, y, fw, fh}, reinterpret_cast<const uint8_t*>(src.data()), size_t(f.width) * 4, PixelFormat::Bgrx);
        } else if (w == "tablet") {
            if (line.find("on") != std::string::npos && !tablet) tablet = d.input().subscribe([](const InputEvent&) {}, true);
            else if (line.find("off") != std::string::npos && tablet) d.input().unsubscribe(tablet), tablet = 0;
        } else if (w == "status") {
            d.set_status(line.size() > 7 ? line.substr(7) : "");
        } else if (w == "cursor") {
            int x = 0, y = 0;
            sscanf(line.c_str(), "cursor %d %d", &x, &y);
            Cursor c;
            c.width = c.height = 16;
            c.pixels.assign(256, 0xffff00ffu);
            d.set_cursor(c);
            d.move_cursor(x, y, true);
        } else if (w == "state") {
            say("STATE fullscreen=" + std::to_string(win.fullscreen()) + " grabbed=" + std::to_string(win.grabbed()));
        } else if (w == "tid") {
            say("TID " + std::to_string(win.thread_id()));
        } else if (w == "close") {
            break;
        }
        say("OK " + w);
    }
    win.close();
    say("EXIT");
    fflush(stdout);
    _exit(0);  // the reader thread may still sit in read()
}
