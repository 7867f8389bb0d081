#include "machines/virtio/virtio_input_config.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>

namespace tessera::virtio_input {

namespace {

std::vector<uint8_t> bitmap(std::initializer_list<uint16_t> codes) {
    std::vector<uint8_t> b;
    for (uint16_t c : codes) {
        if (b.size() <= c / 8u) b.resize(c / 8u + 1);
        b[c / 8] |= uint8_t(1u << (c % 8));
    }
    return b;
}

// QEMU's pointer buttons: left, right, middle, side, extra, and the wheel as gear buttons.
// (Later QEMUs, with their multitouch device, add BTN_TOUCH; 7.2, Debian 12's and the reference the
// tests compare with, has not.)
std::vector<uint8_t> buttons() {
    return bitmap({BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA, BTN_GEAR_DOWN, BTN_GEAR_UP});
}

// The keys QEMU's keyboard advertises (the codes its key map can send), as Linux shows them in
// /proc/bus/input/devices under QEMU 7.2: 64-bit words, codes 0-63 first. KEY_ESC..KEY_F24
// and the media keys up to KEY_MEDIA (226); not KEY_RESERVED.
std::vector<uint8_t> keyboard_keys() {
    static const uint64_t kWords[] = {0xfffffffffffffffeull, 0xfebeffff7bcfffffull, 0x00003078f800dfffull,
                                      0x0000000400000000ull};
    std::vector<uint8_t> b;
    for (uint64_t w : kWords)
        for (int i = 0; i < 8; i++) b.push_back(uint8_t(w >> (8 * i)));
    while (!b.empty() && b.back() == 0) b.pop_back();  // the size is up to the highest code's byte
    return b;
}

Description keyboard() {
    Description d{Kind::Keyboard, "virtio-keyboard-device", "QEMU Virtio Keyboard", BUS_VIRTUAL, kVendorQemu, 0x0001,
                  0x0001, {}, {}, {}, false};
    d.ev_bits[EV_KEY] = keyboard_keys();
    d.ev_bits[EV_REP] = {0};  // the guest repeats keys itself
    d.ev_bits[EV_LED] = bitmap({LED_NUML, LED_CAPSL, LED_SCROLLL});
    return d;
}

// QEMU's "wheel-axis" versions (its default): REL_WHEEL advertised, version 2.
Description mouse() {
    Description d{Kind::Mouse, "virtio-mouse-device", "QEMU Virtio Mouse", BUS_VIRTUAL, kVendorQemu, 0x0002,
                  0x0002, {}, {}, {}, false};
    d.ev_bits[EV_KEY] = buttons();
    d.ev_bits[EV_REL] = bitmap({REL_X, REL_Y, REL_WHEEL});
    return d;
}

Description tablet() {
    Description d{Kind::Tablet, "virtio-tablet-device", "QEMU Virtio Tablet", BUS_VIRTUAL, kVendorQemu, 0x0003,
                  0x0002, {}, {}, {}, true};
    d.ev_bits[EV_KEY] = buttons();
    d.ev_bits[EV_REL] = bitmap({REL_WHEEL});
    d.ev_bits[EV_ABS] = bitmap({ABS_X, ABS_Y});
    d.abs[ABS_X] = AbsInfo{0, 0x7fff, 0, 0, 0};
    d.abs[ABS_Y] = AbsInfo{0, 0x7fff, 0, 0, 0};
    return d;
}

void put16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
}
void put32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (8 * i));
}

}  // namespace

bool Description::advertises(uint16_t type, uint16_t code) const {
    if (type == EV_SYN) return true;
    if (type > 0xff) return false;
    auto it = ev_bits.find(uint8_t(type));
    if (it == ev_bits.end()) return false;
    const std::vector<uint8_t>& b = it->second;
    return code / 8u < b.size() && (b[code / 8] >> (code % 8) & 1);
}

const Description& describe(Kind kind) {
    static const Description k = keyboard(), m = mouse(), t = tablet();
    switch (kind) {
    case Kind::Keyboard: return k;
    case Kind::Mouse: return m;
    case Kind::Tablet: break;
    }
    return t;
}

void fill_config(const Description& d, const std::string& serial, uint8_t select, uint8_t subsel,
                 uint8_t (&out)[kConfigBytes]) {
    memset(out, 0, sizeof out);
    out[0] = select;
    out[1] = subsel;
    uint8_t* u = out + kPayloadOffset;
    size_t size = 0;
    auto string = [&](const char* s, size_t n) {
        size = std::min<size_t>(n, kMaxSerialBytes);
        memcpy(u, s, size);
    };
    auto bits = [&](const std::vector<uint8_t>& b) {
        size = std::min<size_t>(b.size(), kPayloadBytes);
        if (size) memcpy(u, b.data(), size);  // an empty vector's data() may be null
    };
    // Strings, ids and properties have no subsel: anything but 0 is unknown (size 0).
    switch (select) {
    case CFG_ID_NAME:
        if (subsel == 0) string(d.name, strlen(d.name));
        break;
    case CFG_ID_SERIAL:
        if (subsel == 0) string(serial.data(), serial.size());
        break;
    case CFG_ID_DEVIDS:
        if (subsel != 0) break;
        put16(u + 0, d.bustype);
        put16(u + 2, d.vendor);
        put16(u + 4, d.product);
        put16(u + 6, d.version);
        size = 8;
        break;
    case CFG_PROP_BITS:
        if (subsel == 0) bits(d.prop_bits);
        break;
    case CFG_EV_BITS:
        if (auto it = d.ev_bits.find(subsel); it != d.ev_bits.end()) bits(it->second);
        break;
    case CFG_ABS_INFO:
        if (auto it = d.abs.find(subsel); it != d.abs.end()) {
            const AbsInfo& a = it->second;
            put32(u + 0, uint32_t(a.min));
            put32(u + 4, uint32_t(a.max));
            put32(u + 8, uint32_t(a.fuzz));
            put32(u + 12, uint32_t(a.flat));
            put32(u + 16, uint32_t(a.res));
            size = 20;
        }
        break;
    default: break;  // CFG_UNSET and anything unknown: size 0
    }
    out[2] = uint8_t(size);
}

}  // namespace tessera::virtio_input
