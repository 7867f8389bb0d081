// The SDL2 window: shows a Display and feeds its InputHub, on a thread of its own.
//
// Every SDL call happens on the window's thread. Producers never wait for it: the display's
// waker pushes one SDL user event (coalesced by an atomic flag) and the thread, otherwise
// asleep in SDL_WaitEvent, copies out the damaged rectangle under the display's lock, uploads
// just that part of the texture and presents. Nothing moving costs nothing.
//
// Keys: Ctrl+Alt+F full screen, Ctrl+Alt+G grab/release (keyboard, mouse, relative mode);
// these never reach the guest. Pointer: absolute (Abs through the letterbox) when a tablet
// listens, without a grab; otherwise relative while grabbed (a click grabs, as QEMU).
#pragma once
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "display/display.h"

namespace tessera {

struct WindowOptions {
    std::string board;          // for the title
    bool full_screen = false;   // start full screen
    bool window_close = true;   // closing the window quits (false: the close is ignored)
};

class SdlWindow {
public:
    // on_close: the user closed the window (called on the window's thread).
    SdlWindow(Display& display, WindowOptions opts, std::function<void()> on_close);
    ~SdlWindow();
    SdlWindow(const SdlWindow&) = delete;
    SdlWindow& operator=(const SdlWindow&) = delete;

    // Sets the display's waker, starts the thread and waits until the window is open. False
    // (and *error says why) if SDL cannot open one; the thread is then gone.
    bool open(std::string* error);
    // Closes the window and joins the thread (the display's waker then does nothing).
    void close();

    // For tests and the title: the window thread's Linux thread id.
    pid_t thread_id() const { return tid_.load(); }
    // What the hotkeys last asked SDL for (tests: Xvfb has no window manager to show it).
    bool fullscreen() const { return fullscreen_.load(); }
    bool grabbed() const { return grabbed_.load(); }

private:
    struct State;  // the thread's SDL objects (sdl_window.cpp)
    void run();
    void wake();

    Display& display_;
    WindowOptions opts_;
    std::function<void()> on_close_;
    std::thread thread_;
    std::atomic<pid_t> tid_{0};
    std::atomic<bool> wake_pending_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<bool> fullscreen_{false}, grabbed_{false};
    // Guards "SDL is up" against SDL_Quit while another thread pushes a wake event.
    std::mutex wake_mu_;
    bool sdl_ready_ = false;
    uint32_t wake_event_ = 0;
    // open() waits for the thread's verdict.
    std::mutex open_mu_;
    std::condition_variable open_cv_;
    bool opened_ = false, open_done_ = false;
    std::string open_error_;
};

}  // namespace tessera
