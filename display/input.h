// The one input path: the SDL window, -keys and (later) a monitor send events here; the
// board's input devices (virtio-keyboard/mouse/tablet today, PS/2 with the PC board) listen.
//
// Events are Linux evdev events, the currency every guest device speaks or maps from:
// virtio-input passes them through, a PS/2 keyboard translates KEY_* codes to its scancode
// set. A report is a run of events ended by Sync, as evdev's EV_SYN.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace tessera {

enum class InputKind : uint8_t {
    Key,     // code: KEY_* (a keyboard key), value 1 pressed, 0 released
    Button,  // code: BTN_LEFT 0x110, BTN_RIGHT 0x111, BTN_MIDDLE 0x112...; value 1/0
    Rel,     // code: REL_X 0, REL_Y 1, REL_WHEEL 8; value: the movement (signed)
    Abs,     // code: ABS_X 0, ABS_Y 1; value 0..kInputAbsMax across the guest's visible frame
    Sync,    // the end of one report
};

struct InputEvent {
    InputKind kind;
    uint16_t code = 0;
    int32_t value = 0;
};

// The range of absolute pointer coordinates (a tablet's axes), as QEMU's.
constexpr int32_t kInputAbsMax = 0x7fff;

class InputHub {
public:
    using Listener = std::function<void(const InputEvent&)>;

    // Listeners run on the sender's thread, one event at a time (under the hub's lock: a
    // listener must not subscribe, unsubscribe or send). A device hands the event on to its
    // own thread (virtio: VirtioTransport::post_completion).
    // absolute_pointer: the listener is a tablet (the window then sends Abs events and needs
    // no grab for the pointer, as QEMU does with a usb-tablet).
    uint64_t subscribe(Listener fn, bool absolute_pointer = false);
    // After it returns, the listener is never called again.
    void unsubscribe(uint64_t id);
    // Any thread.
    void send(const InputEvent& e);
    // A whole report: the events, then Sync.
    void send_report(const std::vector<InputEvent>& events);
    void key(uint16_t code, bool down) { send_report({{InputKind::Key, code, down ? 1 : 0}}); }
    bool has_listeners() const;
    bool has_absolute_pointer() const;

private:
    mutable std::mutex mu_;
    uint64_t next_id_ = 1;
    struct Sub {
        uint64_t id;
        Listener fn;
        bool absolute;
    };
    std::vector<Sub> listeners_;
};

}  // namespace tessera
