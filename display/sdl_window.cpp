#include "display/sdl_window.h"

#include <SDL.h>
#include <linux/input-event-codes.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "display/letterbox.h"
#include "display/sdl_keymap.h"

namespace tessera {

// What only the window's thread touches.
struct SdlWindow::State {
    SDL_Window* win = nullptr;
    SDL_Renderer* ren = nullptr;
    SDL_Texture* tex = nullptr;     // the frame, frame_w x frame_h
    SDL_Texture* cursor_tex = nullptr;
    uint32_t frame_w = 0, frame_h = 0;
    Cursor cursor;                  // as last drawn
    std::string status, title;
    bool grabbed = false, fullscreen = false;
    std::set<uint16_t> held;        // keys the guest saw pressed
    std::set<SDL_Scancode> swallowed;  // hotkeys pressed: their release is ours too
    bool swallow_click = false;     // the click that grabbed: its release is ours
    std::vector<uint32_t> staging;  // the damaged rectangle, copied out under the display's lock

    ~State() {
        if (cursor_tex) SDL_DestroyTexture(cursor_tex);
        if (tex) SDL_DestroyTexture(tex);
        if (ren) SDL_DestroyRenderer(ren);
        if (win) SDL_DestroyWindow(win);
    }
};

namespace {

constexpr int kDefaultW = 640, kDefaultH = 480;  // before the guest sets a mode

uint16_t linux_button(uint8_t sdl_button) {
    switch (sdl_button) {
    case SDL_BUTTON_LEFT: return BTN_LEFT;
    case SDL_BUTTON_RIGHT: return BTN_RIGHT;
    case SDL_BUTTON_MIDDLE: return BTN_MIDDLE;
    case SDL_BUTTON_X1: return BTN_SIDE;
    case SDL_BUTTON_X2: return BTN_EXTRA;
    }
    return 0;
}

}  // namespace

SdlWindow::SdlWindow(Display& display, WindowOptions opts, std::function<void()> on_close)
    : display_(display), opts_(std::move(opts)), on_close_(std::move(on_close)) {}

SdlWindow::~SdlWindow() { close(); }

bool SdlWindow::open(std::string* error) {
    display_.set_waker([this] { wake(); });
    thread_ = std::thread([this] { run(); });
    std::unique_lock lock(open_mu_);
    open_cv_.wait(lock, [this] { return open_done_; });
    if (opened_) return true;
    lock.unlock();
    thread_.join();
    display_.set_waker(nullptr);
    if (error) *error = open_error_;
    return false;
}

void SdlWindow::close() {
    if (!thread_.joinable()) return;
    stopping_.store(true);
    {
        std::lock_guard lock(wake_mu_);
        if (sdl_ready_) {
            SDL_Event e{};
            e.type = wake_event_;
            SDL_PushEvent(&e);
        }
    }
    thread_.join();
    display_.set_waker(nullptr);
}

void SdlWindow::wake() {
    // One event in flight is enough: the thread clears the flag before it looks.
    if (wake_pending_.exchange(true)) return;
    std::lock_guard lock(wake_mu_);
    if (!sdl_ready_) return;  // not up yet: the thread draws everything when it is
    SDL_Event e{};
    e.type = wake_event_;
    SDL_PushEvent(&e);
}

void SdlWindow::run() {
    tid_.store(pid_t(syscall(SYS_gettid)));
    pthread_setname_np(pthread_self(), "tessera-window");
    auto fail = [this](const std::string& why) {
        std::lock_guard lock(open_mu_);
        open_error_ = why;
        open_done_ = true;
        open_cv_.notify_all();
    };
    // Tessera's own thread handles SIGINT and SIGTERM (machines/host_events.h).
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");            // a grab takes the keyboard too, as QEMU
    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");  // the click that focuses also grabs
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) return fail(SDL_GetError());
    // SDL's last resort draws nowhere: no window unless it was asked for by name.
    const char* driver = SDL_GetCurrentVideoDriver();
    const char* asked = getenv("SDL_VIDEODRIVER");
    if (driver && (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy")) && !(asked && *asked)) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return fail(std::string("SDL found no display (only its '") + driver + "' driver)");
    }
    auto state = std::make_unique<State>();
    State& st = *state;
    Frame first = display_.snapshot();
    int w = first.width ? int(first.width) : kDefaultW, h = first.height ? int(first.height) : kDefaultH;
    st.win = SDL_CreateWindow("Tessera", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h,
                              SDL_WINDOW_RESIZABLE | (opts_.full_screen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
    if (!st.win) {
        std::string why = SDL_GetError();
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return fail(why);
    }
    st.fullscreen = opts_.full_screen;
    fullscreen_.store(st.fullscreen);
    st.ren = SDL_CreateRenderer(st.win, -1, 0);
    if (!st.ren) st.ren = SDL_CreateRenderer(st.win, -1, SDL_RENDERER_SOFTWARE);
    uint32_t wake_event = SDL_RegisterEvents(1);
    if (!st.ren || wake_event == uint32_t(-1)) {
        std::string why = SDL_GetError();
        state.reset();
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return fail(why);
    }
    {
        std::lock_guard lock(wake_mu_);
        wake_event_ = wake_event;
        sdl_ready_ = true;
    }
    {
        std::lock_guard lock(open_mu_);
        opened_ = open_done_ = true;
        open_cv_.notify_all();
    }

    InputHub& hub = display_.input();

    auto placement = [&] {
        int ow = 0, oh = 0;
        SDL_GetRendererOutputSize(st.ren, &ow, &oh);
        return letterbox(ow, oh, st.frame_w, st.frame_h);
    };
    // Window coordinates -> renderer output (they differ on HiDPI screens).
    auto to_output = [&](int x, int y, int* ox, int* oy) {
        int ww = 1, wh = 1, ow = 1, oh = 1;
        SDL_GetWindowSize(st.win, &ww, &wh);
        SDL_GetRendererOutputSize(st.ren, &ow, &oh);
        *ox = ww > 0 ? int(int64_t(x) * ow / ww) : x;
        *oy = wh > 0 ? int(int64_t(y) * oh / wh) : y;
    };
    auto abs_events = [&](int x, int y, std::vector<InputEvent>& ev) {
        int ox, oy;
        to_output(x, y, &ox, &oy);
        Placement p = placement();
        ev.push_back({InputKind::Abs, ABS_X, abs_axis(ox, p.x, p.w)});
        ev.push_back({InputKind::Abs, ABS_Y, abs_axis(oy, p.y, p.h)});
    };

    auto update_title = [&] {
        std::string t = "Tessera";
        if (!opts_.board.empty()) t += " - " + opts_.board;
        t += " - " + st.status;
        if (st.frame_w == 0) t += " - no output";
        if (st.grabbed) t += " - Press Ctrl+Alt+G to release grab";
        if (t != st.title) {
            st.title = t;
            SDL_SetWindowTitle(st.win, t.c_str());
        }
    };
    auto update_host_cursor = [&] {
        // The guest draws its own pointer (the overlay): hide the host's over the window.
        bool hide = st.grabbed || (st.cursor.visible && st.cursor.width && hub.has_absolute_pointer());
        SDL_ShowCursor(hide ? SDL_DISABLE : SDL_ENABLE);
    };
    auto set_grab = [&](bool on) {
        st.grabbed = on;
        grabbed_.store(on);
        SDL_SetWindowGrab(st.win, on ? SDL_TRUE : SDL_FALSE);
        SDL_SetWindowKeyboardGrab(st.win, on ? SDL_TRUE : SDL_FALSE);
        // A tablet needs no relative mode: the pointer stays where the user sees it.
        SDL_SetRelativeMouseMode(on && !hub.has_absolute_pointer() ? SDL_TRUE : SDL_FALSE);
        update_title();
        update_host_cursor();
    };
    auto release_keys = [&] {
        for (uint16_t k : st.held) hub.key(k, false);
        st.held.clear();
    };

    // Takes what changed from the display; true if the window must be presented again.
    auto refresh = [&](bool force) {
        bool mode = false;
        Rect dmg;
        uint32_t fw = 0, fh = 0;
        display_.take([&](const Frame& f, Rect damage, bool mode_changed) {
            fw = f.width, fh = f.height;
            mode = mode_changed || fw != st.frame_w || fh != st.frame_h || !st.tex;
            dmg = mode ? Rect{0, 0, fw, fh} : damage.clipped(fw, fh);
            if (dmg.empty()) return;
            // Copy out only the damaged rectangle; the upload happens outside the lock.
            st.staging.resize(size_t(dmg.w) * dmg.h);
            for (uint32_t y = 0; y < dmg.h; y++)
                memcpy(&st.staging[size_t(y) * dmg.w], &f.pixels[size_t(dmg.y + y) * fw + dmg.x], size_t(dmg.w) * 4);
        });
        bool present = force;
        if (mode) {
            if (st.tex) SDL_DestroyTexture(st.tex);
            st.tex = nullptr;
            st.frame_w = fw, st.frame_h = fh;
            if (fw && fh) {
                st.tex = SDL_CreateTexture(st.ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, int(fw), int(fh));
                if (!st.fullscreen) SDL_SetWindowSize(st.win, int(fw), int(fh));
            }
            present = true;
        }
        if (st.tex && !dmg.empty()) {
            SDL_Rect r{int(dmg.x), int(dmg.y), int(dmg.w), int(dmg.h)};
            SDL_UpdateTexture(st.tex, &r, st.staging.data(), int(dmg.w) * 4);
            present = true;
        }
        std::string status = display_.status();
        if (status != st.status || mode) {
            st.status = status;
            update_title();
        }
        Cursor c = display_.cursor();
        bool shape = c.width != st.cursor.width || c.height != st.cursor.height || c.pixels != st.cursor.pixels;
        if (shape) {
            if (st.cursor_tex) SDL_DestroyTexture(st.cursor_tex);
            st.cursor_tex = nullptr;
            if (c.width && c.height && c.pixels.size() == size_t(c.width) * c.height) {
                st.cursor_tex = SDL_CreateTexture(st.ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, int(c.width), int(c.height));
                if (st.cursor_tex) {
                    SDL_UpdateTexture(st.cursor_tex, nullptr, c.pixels.data(), int(c.width) * 4);
                    SDL_SetTextureBlendMode(st.cursor_tex, SDL_BLENDMODE_BLEND);
                }
            }
        }
        if (shape || c.x != st.cursor.x || c.y != st.cursor.y || c.visible != st.cursor.visible || c.hot_x != st.cursor.hot_x ||
            c.hot_y != st.cursor.hot_y) {
            bool vis_changed = c.visible != st.cursor.visible || shape;
            st.cursor = std::move(c);
            if (vis_changed) update_host_cursor();
            present = true;
        }
        return present;
    };

    auto draw = [&] {
        SDL_SetRenderDrawColor(st.ren, 0, 0, 0, 255);
        SDL_RenderClear(st.ren);
        if (st.tex) {
            Placement p = placement();
            SDL_Rect dst{p.x, p.y, p.w, p.h};
            SDL_RenderCopy(st.ren, st.tex, nullptr, &dst);
            if (st.cursor_tex && st.cursor.visible) {
                // The guest's pointer, scaled as the frame is.
                double sx = double(p.w) / st.frame_w, sy = double(p.h) / st.frame_h;
                SDL_Rect cr{p.x + int((st.cursor.x - int32_t(st.cursor.hot_x)) * sx), p.y + int((st.cursor.y - int32_t(st.cursor.hot_y)) * sy),
                            std::max(1, int(st.cursor.width * sx)), std::max(1, int(st.cursor.height * sy))};
                SDL_RenderSetClipRect(st.ren, &dst);
                SDL_RenderCopy(st.ren, st.cursor_tex, nullptr, &cr);
                SDL_RenderSetClipRect(st.ren, nullptr);
            }
        }
        SDL_RenderPresent(st.ren);
    };

    auto key_event = [&](const SDL_KeyboardEvent& k) {
        bool down = k.type == SDL_KEYDOWN;
        SDL_Scancode sc = k.keysym.scancode;
        bool ctrl_alt = (k.keysym.mod & KMOD_CTRL) && (k.keysym.mod & KMOD_ALT);
        if (down && ctrl_alt && (sc == SDL_SCANCODE_F || sc == SDL_SCANCODE_G)) {
            st.swallowed.insert(sc);
            if (k.repeat) return;
            if (sc == SDL_SCANCODE_F) {
                st.fullscreen = !st.fullscreen;
                fullscreen_.store(st.fullscreen);
                SDL_SetWindowFullscreen(st.win, st.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
                if (!st.fullscreen && st.frame_w) SDL_SetWindowSize(st.win, int(st.frame_w), int(st.frame_h));
            } else {
                set_grab(!st.grabbed);
            }
            return;
        }
        if (!down && st.swallowed.erase(sc)) return;
        if (k.repeat) return;  // the guest repeats keys itself
        uint16_t code = linux_key_from_sdl(sc);
        if (!code) return;
        if (down) st.held.insert(code);
        else if (!st.held.erase(code)) return;  // pressed before we had focus
        hub.key(code, down);
    };

    auto mouse_event = [&](const SDL_Event& e) {
        bool absolute = hub.has_absolute_pointer();
        std::vector<InputEvent> ev;
        switch (e.type) {
        case SDL_MOUSEMOTION:
            if (absolute) abs_events(e.motion.x, e.motion.y, ev);
            else if (st.grabbed) {
                if (e.motion.xrel) ev.push_back({InputKind::Rel, REL_X, e.motion.xrel});
                if (e.motion.yrel) ev.push_back({InputKind::Rel, REL_Y, e.motion.yrel});
            }
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP: {
            bool down = e.type == SDL_MOUSEBUTTONDOWN;
            if (!absolute && !st.grabbed) {
                if (down && e.button.button == SDL_BUTTON_LEFT && hub.has_listeners()) {
                    set_grab(true);  // click to grab, as QEMU; the click itself is ours
                    st.swallow_click = true;
                }
                break;
            }
            if (!down && e.button.button == SDL_BUTTON_LEFT && st.swallow_click) {
                st.swallow_click = false;
                break;
            }
            uint16_t b = linux_button(e.button.button);
            if (!b) break;
            if (absolute) abs_events(e.button.x, e.button.y, ev);
            ev.push_back({InputKind::Button, b, down ? 1 : 0});
            break;
        }
        case SDL_MOUSEWHEEL:
            if (absolute || st.grabbed) {
                int y = e.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e.wheel.y : e.wheel.y;
                if (y) ev.push_back({InputKind::Rel, REL_WHEEL, y});
            }
            break;
        }
        if (!ev.empty()) hub.send_report(ev);
    };

    wake_pending_.store(false);
    refresh(true);
    update_title();
    draw();
    while (!stopping_.load()) {
        SDL_Event e;
        if (!SDL_WaitEvent(&e)) continue;
        bool redraw = false, look = false;
        do {
            if (e.type == wake_event) {
                look = true;
            } else if (e.type == SDL_QUIT) {
                if (opts_.window_close && on_close_) on_close_();
            } else if (e.type == SDL_WINDOWEVENT) {
                switch (e.window.event) {
                case SDL_WINDOWEVENT_CLOSE:
                    if (opts_.window_close && on_close_) on_close_();
                    break;
                case SDL_WINDOWEVENT_FOCUS_LOST:
                    release_keys();  // no key stays down in the guest while we cannot see it lift
                    break;
                case SDL_WINDOWEVENT_SIZE_CHANGED:
                case SDL_WINDOWEVENT_EXPOSED:
                case SDL_WINDOWEVENT_SHOWN:
                case SDL_WINDOWEVENT_RESTORED: redraw = true; break;
                }
            } else if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
                key_event(e.key);
            } else if (e.type == SDL_MOUSEMOTION || e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP ||
                       e.type == SDL_MOUSEWHEEL) {
                mouse_event(e);
            }
        } while (SDL_PollEvent(&e));
        if (look) {
            wake_pending_.store(false);  // before taking: a change after this wakes us again
            redraw |= refresh(false);
        }
        if (redraw) draw();
    }

    release_keys();
    {
        std::lock_guard lock(wake_mu_);
        sdl_ready_ = false;
    }
    state.reset();
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

}  // namespace tessera
