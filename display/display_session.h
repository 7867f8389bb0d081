// What the command line asked of the display for one run: the window (or none), -keys and
// -screendump, started and ended around the board's run loop (machines/machine.cpp).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "display/display.h"

namespace tessera {

class SdlWindow;
class KeyPlayer;

struct DisplaySessionOptions {
    std::string mode;           // "sdl", "none"; empty: the window if the board has a display
                                // device and a display server is there, else none
    bool full_screen = false, window_close = true;
    std::string screendump;     // -screendump FILE.png
    std::string keys;           // -keys FILE
    std::string board;          // for the window's title
};

class DisplaySession {
public:
    // Before the guest runs: checks -screendump and -keys and opens the window. ConfigError
    // (one line) for what cannot work. on_close: the user closed the window (any thread).
    DisplaySession(Display& display, DisplaySessionOptions opts, std::function<void()> on_close);
    ~DisplaySession();
    // The guest starts: -keys begins typing.
    void start();
    // The run ended: the keys stop, the window closes, -screendump is written (ConfigError
    // if it cannot be). Once.
    void finish();
    bool has_window() const { return window_ != nullptr; }

private:
    Display& display_;
    DisplaySessionOptions opts_;
    std::unique_ptr<KeyPlayer> keys_;
    std::unique_ptr<SdlWindow> window_;
    bool finished_ = false;
};

// A display server to open a window on ($DISPLAY or $WAYLAND_DISPLAY set).
bool display_server_present();

}  // namespace tessera
