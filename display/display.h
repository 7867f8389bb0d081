// The guest's screen, between the device that draws it and whoever shows it.
//
// Producers are a board's display devices (virtio-gpu's scanout today, VGA with the PC
// board), on the vCPU thread: they set the mode and copy in the rectangles they changed.
// Consumers are the SDL window (display/sdl_window.*), on its own thread, and -screendump at
// exit: they take the damage and read the frame under the display's lock. Nothing here knows
// the guest.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "display/frame.h"
#include "display/input.h"

namespace tessera {

class Display {
public:
    // Larger modes are refused by set_mode (devices check their guests' sizes against these).
    static constexpr uint32_t kMaxWidth = 16384, kMaxHeight = 16384;

    // --- producers (one device at a time; the vCPU thread) ---
    // A display device claims the screen when it is made (false: another one has it; the
    // device then refuses with a ConfigError). The window opens by default only if one did.
    bool attach_source(const std::string& device_name);
    bool has_source() const;
    std::string source_name() const;
    // A new mode: the frame becomes width x height, black. 0 x 0: no output (the window
    // shows a blank screen and says so). False (and nothing changes) past kMaxWidth/Height.
    bool set_mode(uint32_t width, uint32_t height);
    // Copies rectangle r of a source image into the frame at the same place: src points at
    // the source's pixel (0,0), stride bytes per row, in fmt. r is clipped to the frame;
    // the caller guarantees src holds every pixel of r (it checks its own sizes).
    void update(Rect r, const uint8_t* src, size_t stride, PixelFormat fmt);
    void set_cursor(const Cursor& c);
    void move_cursor(int32_t x, int32_t y, bool visible);

    // --- consumers ---
    // fn(frame, damage since the last take) under the lock; the damage is then cleared.
    // Cheap when nothing changed (damage empty; fn may then skip the copy).
    void take(const std::function<void(const Frame&, Rect damage, bool mode_changed)>& fn);
    Frame snapshot() const;
    Cursor cursor() const;
    // Called (on the producer's thread, outside the lock) after every change: the presenter
    // wakes. One waker; set before the guest starts.
    void set_waker(std::function<void()> wake) { wake_ = std::move(wake); }
    // A short text for the window title ("running", "paused", "powered off").
    void set_status(const std::string& s);
    std::string status() const;

    InputHub& input() { return input_; }

private:
    void changed();

    mutable std::mutex mu_;
    Frame frame_;
    Rect damage_;
    bool mode_changed_ = false;
    Cursor cursor_;
    std::string status_ = "running";
    std::string source_;
    std::function<void()> wake_;
    InputHub input_;
};

}  // namespace tessera
