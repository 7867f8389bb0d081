#include "display/display_session.h"

#include <cstdlib>

#include "display/key_player.h"
#include "display/screendump.h"
#include "display/sdl_window.h"
#include "util/error.h"

namespace tessera {

bool display_server_present() {
    for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY"}) {
        const char* s = getenv(v);
        if (s && *s) return true;
    }
    return false;
}

DisplaySession::DisplaySession(Display& display, DisplaySessionOptions opts, std::function<void()> on_close)
    : display_(display), opts_(std::move(opts)) {
    if (!opts_.screendump.empty()) {
        check_screendump_path(opts_.screendump);
        if (!display_.has_source())
            throw ConfigError{"-screendump needs a display device, e.g. -device virtio-gpu-device"};
    }
    if (!opts_.keys.empty()) {
        // (Not refused without a listener: an input device may subscribe only once its guest
        // driver is up. Keys nobody listens to are dropped, as a real keyboard's would be.)
        std::vector<KeyAction> script = load_key_script(opts_.keys);
        keys_ = std::make_unique<KeyPlayer>(display_.input(), std::move(script));
    }
    bool want = opts_.mode == "sdl" || (opts_.mode.empty() && display_.has_source() && display_server_present());
    if (!want) return;
    // SDL would fall back to an invisible off-screen "window"; say why there is none instead
    // (unless SDL_VIDEODRIVER asks for a driver by name, e.g. kmsdrm on a console).
    const char* driver = getenv("SDL_VIDEODRIVER");
    if (!display_server_present() && !(driver && *driver))
        throw ConfigError{"-display sdl: cannot open a window: no display server ($DISPLAY and $WAYLAND_DISPLAY are not set)"};
    auto w = std::make_unique<SdlWindow>(display_, WindowOptions{opts_.board, opts_.full_screen, opts_.window_close},
                                         std::move(on_close));
    std::string why;
    if (w->open(&why)) {
        window_ = std::move(w);
    } else if (opts_.mode == "sdl") {
        throw ConfigError{"-display sdl: cannot open a window: " + why};
    }
    // By default, no window is no error: the run goes on headless.
}

DisplaySession::~DisplaySession() {
    if (keys_) keys_->stop();
    if (window_) window_->close();
}

void DisplaySession::start() {
    if (keys_) keys_->start();
}

void DisplaySession::finish() {
    if (finished_) return;
    finished_ = true;
    if (keys_) keys_->stop();
    if (window_) window_->close();
    if (!opts_.screendump.empty()) write_screendump(display_, opts_.screendump);
}

}  // namespace tessera
