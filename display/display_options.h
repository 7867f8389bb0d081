// -display sdl|none, spelled as QEMU's.
#pragma once
#include <string>

namespace tessera {

struct DisplayChoice {
    std::string mode;           // "sdl" or "none"
    bool full_screen = false;   // sdl,full-screen=on
    bool window_close = true;   // sdl,window-close=off: closing the window does not quit
};

// "none", or "sdl" with any of full-screen=on|off, window-close=on|off, gl=off. ConfigError
// (one line) for anything else.
DisplayChoice parse_display_option(const std::string& value);

}  // namespace tessera
