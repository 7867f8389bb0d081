// What a virtio-input device (virtio 1.2, 5.8) tells its driver about itself, for the three
// kinds QEMU has on its virt boards: virtio-keyboard-device, virtio-mouse-device and
// virtio-tablet-device. The driver reads it through the configuration space: it writes
// `select` and `subsel`, then reads `size` and the 128-byte union (a string, a bitmap, an
// axis's range or the device ids). The names, ids and bits are QEMU's, so a guest's udev
// rules and X/Wayland configs match as they do on QEMU.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::virtio_input {

// Configuration selects (5.8.2).
enum Select : uint8_t {
    CFG_UNSET = 0x00, CFG_ID_NAME = 0x01, CFG_ID_SERIAL = 0x02, CFG_ID_DEVIDS = 0x03,
    CFG_PROP_BITS = 0x10, CFG_EV_BITS = 0x11, CFG_ABS_INFO = 0x12,
};
// struct virtio_input_config: u8 select, subsel, size, reserved[5]; then the union.
constexpr uint32_t kConfigBytes = 136, kPayloadOffset = 8, kPayloadBytes = 128;
// struct virtio_input_event: le16 type, le16 code, le32 value.
constexpr uint32_t kEventBytes = 8;
// The longest serial= (the string, its NUL and the union's 128 bytes).
constexpr size_t kMaxSerialBytes = kPayloadBytes - 1;

// Linux's evdev numbers (include/uapi/linux/input-event-codes.h) the devices use.
constexpr uint16_t EV_SYN = 0x00, EV_KEY = 0x01, EV_REL = 0x02, EV_ABS = 0x03, EV_LED = 0x11, EV_REP = 0x14;
constexpr uint16_t SYN_REPORT = 0;
constexpr uint16_t REL_X = 0x00, REL_Y = 0x01, REL_WHEEL = 0x08;
constexpr uint16_t ABS_X = 0x00, ABS_Y = 0x01;
constexpr uint16_t LED_NUML = 0x00, LED_CAPSL = 0x01, LED_SCROLLL = 0x02;
constexpr uint16_t BTN_LEFT = 0x110, BTN_RIGHT = 0x111, BTN_MIDDLE = 0x112, BTN_SIDE = 0x113, BTN_EXTRA = 0x114,
                   BTN_GEAR_DOWN = 0x150, BTN_GEAR_UP = 0x151;
constexpr uint16_t KEY_ESC = 1, KEY_A = 30, KEY_CAPSLOCK = 58, KEY_MEDIA = 226;
constexpr uint16_t BUS_VIRTUAL = 0x06;
constexpr uint16_t kVendorQemu = 0x0627;  // QEMU's, the one its USB HID devices use too

enum class Kind : uint8_t { Keyboard, Mouse, Tablet };

struct AbsInfo {
    int32_t min = 0, max = 0, fuzz = 0, flat = 0, res = 0;
};

struct Description {
    Kind kind;
    const char* device;  // QEMU's -device name: "virtio-keyboard-device"
    const char* name;    // ID_NAME: "QEMU Virtio Keyboard"
    uint16_t bustype, vendor, product, version;  // ID_DEVIDS
    std::vector<uint8_t> prop_bits;  // PROP_BITS (empty: size 0, as QEMU's three)
    // EV_BITS by event type: the bitmap of codes, its length the answer's size (EV_REP: one
    // zero byte, "supported, no codes", as QEMU's keyboard).
    std::map<uint8_t, std::vector<uint8_t>> ev_bits;
    std::map<uint8_t, AbsInfo> abs;  // ABS_INFO by axis
    bool absolute_pointer;           // the hub sends it Abs events (a tablet)

    // Whether EV_BITS advertise `code` of event `type` (EV_SYN always: every evdev device has it).
    bool advertises(uint16_t type, uint16_t code) const;
};

const Description& describe(Kind kind);

// The whole configuration space as the driver sees it after writing select and subsel: the
// header (size: 0 for a select/subsel the device does not know) and the union.
void fill_config(const Description& d, const std::string& serial, uint8_t select, uint8_t subsel,
                 uint8_t (&out)[kConfigBytes]);

}  // namespace tessera::virtio_input
