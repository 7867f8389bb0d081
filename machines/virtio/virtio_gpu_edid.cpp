#include "machines/virtio/virtio_gpu_edid.h"

#include <algorithm>
#include <cstring>

namespace tessera::virtio_gpu {

namespace {

// Chromaticity coordinates are 10-bit binary fractions (VESA E-EDID 1.4, 3.7).
uint32_t frac10(double v) { return uint32_t(v * 1024 + 0.5); }

void put_chromaticity(uint8_t* e) {
    // sRGB primaries and D65 white: red, green, blue, white as (x, y).
    const double xy[8] = {0.640, 0.330, 0.300, 0.600, 0.150, 0.060, 0.3127, 0.3290};
    uint32_t v[8];
    for (int i = 0; i < 8; i++) v[i] = frac10(xy[i]);
    e[25] = uint8_t((v[0] & 3) << 6 | (v[1] & 3) << 4 | (v[2] & 3) << 2 | (v[3] & 3));
    e[26] = uint8_t((v[4] & 3) << 6 | (v[5] & 3) << 4 | (v[6] & 3) << 2 | (v[7] & 3));
    for (int i = 0; i < 8; i++) e[27 + i] = uint8_t(v[i] >> 2);
}

// An 18-byte detailed timing for w x h, CVT reduced blanking style, at 60 Hz or as fast as
// the 16-bit pixel clock allows.
void put_timing(uint8_t* d, uint32_t w, uint32_t h, uint32_t width_mm, uint32_t height_mm) {
    const uint32_t hblank = 160, hfront = 48, hsync = 32;
    const uint32_t vfront = 3, vsync = 6, vblank = std::max<uint32_t>(h * 29 / 1000 + 1, vfront + vsync + 6);
    uint64_t clock = uint64_t(w + hblank) * (h + vblank) * 60 / 10000;  // 10 kHz units
    clock = std::clamp<uint64_t>(clock, 1, 0xffff);
    d[0] = uint8_t(clock), d[1] = uint8_t(clock >> 8);
    d[2] = uint8_t(w), d[3] = uint8_t(hblank), d[4] = uint8_t((w >> 8) << 4 | (hblank >> 8));
    d[5] = uint8_t(h), d[6] = uint8_t(vblank), d[7] = uint8_t((h >> 8) << 4 | (vblank >> 8));
    d[8] = uint8_t(hfront), d[9] = uint8_t(hsync);
    d[10] = uint8_t((vfront & 15) << 4 | (vsync & 15));
    d[11] = uint8_t((hfront >> 8) << 6 | (hsync >> 8) << 4 | (vfront >> 4) << 2 | (vsync >> 4));
    d[12] = uint8_t(width_mm), d[13] = uint8_t(height_mm);
    d[14] = uint8_t((width_mm >> 8) << 4 | (height_mm >> 8));
    d[15] = d[16] = 0;  // no border
    d[17] = 0x18 | 0x02;  // digital separate sync, +hsync -vsync (reduced blanking)
}

void put_text(uint8_t* d, uint8_t tag, const char* text) {
    memset(d, 0, 18);
    d[3] = tag;
    size_t n = std::min<size_t>(strlen(text), 13);
    memcpy(d + 5, text, n);
    if (n < 13) {
        d[5 + n] = '\n';
        for (size_t i = n + 1; i < 13; i++) d[5 + i] = ' ';
    }
}

// A dummy descriptor: tag 0x10, all else zero.
void put_dummy(uint8_t* d) {
    memset(d, 0, 18);
    d[3] = 0x10;
}

}  // namespace

std::array<uint8_t, kEdidBlock> make_edid(uint32_t width, uint32_t height) {
    std::array<uint8_t, kEdidBlock> e{};
    static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    memcpy(e.data(), header, 8);
    // Manufacturer "TSR" (three 5-bit letters, big-endian), product 0x0001, no serial.
    uint16_t mfg = uint16_t(('T' - 'A' + 1) << 10 | ('S' - 'A' + 1) << 5 | ('R' - 'A' + 1));
    e[8] = uint8_t(mfg >> 8), e[9] = uint8_t(mfg);
    e[10] = 0x01, e[11] = 0x00;
    e[16] = 1, e[17] = 2024 - 1990;  // week, year of manufacture
    e[18] = 1, e[19] = 4;             // EDID 1.4
    e[20] = 0xa0;                     // digital input, 8 bits per colour
    // Size at 96 dots per inch, which is what a desktop assumes without one.
    uint32_t width_mm = uint32_t(uint64_t(width) * 254 / 960), height_mm = uint32_t(uint64_t(height) * 254 / 960);
    e[21] = uint8_t(std::clamp<uint32_t>(width_mm / 10, 1, 255));
    e[22] = uint8_t(std::clamp<uint32_t>(height_mm / 10, 1, 255));
    e[23] = 120;   // gamma 2.2
    e[24] = 0x06;  // RGB 4:4:4, sRGB, the first detailed timing is the preferred mode
    put_chromaticity(e.data());
    e[35] = 0x21, e[36] = 0x08, e[37] = 0x00;  // 640x480@60, 800x600@60, 1024x768@60
    for (int i = 38; i < 54; i++) e[i] = 0x01;  // no standard timings
    if (width >= 1 && height >= 1 && width <= kEdidMaxActive && height <= kEdidMaxActive)
        put_timing(&e[54], width, height, std::min<uint32_t>(width_mm, 4095), std::min<uint32_t>(height_mm, 4095));
    else
        put_dummy(&e[54]);
    put_text(&e[72], 0xfc, "Tessera");
    put_dummy(&e[90]);
    put_dummy(&e[108]);
    e[126] = 0;  // no extension blocks
    uint8_t sum = 0;
    for (uint32_t i = 0; i < kEdidBlock - 1; i++) sum = uint8_t(sum + e[i]);
    e[127] = uint8_t(-sum);
    return e;
}

}  // namespace tessera::virtio_gpu
