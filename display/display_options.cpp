#include "display/display_options.h"

#include "util/error.h"

namespace tessera {

namespace {
bool on_off(const std::string& prop, const std::string& v) {
    if (v == "on" || v == "yes" || v == "true") return true;
    if (v == "off" || v == "no" || v == "false") return false;
    throw ConfigError{"-display: " + prop + " must be on or off, not '" + v + "'"};
}
}  // namespace

DisplayChoice parse_display_option(const std::string& value) {
    DisplayChoice c;
    size_t comma = value.find(',');
    c.mode = value.substr(0, comma);
    if (c.mode == "none") {
        if (comma != std::string::npos) throw ConfigError{"-display none takes no options"};
        return c;
    }
    if (c.mode != "sdl") throw ConfigError{"-display: unsupported display '" + c.mode + "' (available: sdl, none)"};
    while (comma != std::string::npos) {
        size_t next = value.find(',', comma + 1);
        std::string prop = value.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
        comma = next;
        size_t eq = prop.find('=');
        std::string key = prop.substr(0, eq), v = eq == std::string::npos ? "" : prop.substr(eq + 1);
        if (eq == std::string::npos)
            throw ConfigError{"-display sdl: '" + prop + "' needs a value (full-screen=on|off, window-close=on|off, gl=off)"};
        if (key == "full-screen") c.full_screen = on_off(key, v);
        else if (key == "window-close") c.window_close = on_off(key, v);
        else if (key == "gl") {
            if (on_off(key, v)) throw ConfigError{"-display sdl: gl=on is not supported (the window draws in 2D)"};
        } else {
            throw ConfigError{"-display sdl: unknown option '" + key + "' (available: full-screen, window-close, gl=off)"};
        }
    }
    return c;
}

}  // namespace tessera
