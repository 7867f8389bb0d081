// Pixels as the display keeps them, and the formats a device may hand it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace tessera {

// A guest framebuffer's 32-bit pixel layout, named by its bytes in memory, first byte first
// (virtio-gpu's B8G8R8X8_UNORM is Bgrx: what Linux calls XRGB8888).
enum class PixelFormat : uint8_t { Bgrx, Bgra, Xrgb, Argb, Rgbx, Rgba, Xbgr, Abgr };

struct Rect {
    uint32_t x = 0, y = 0, w = 0, h = 0;
    bool empty() const { return w == 0 || h == 0; }
    // The smallest rectangle holding both (an empty one holds nothing).
    Rect united(const Rect& o) const {
        if (empty()) return o;
        if (o.empty()) return *this;
        uint64_t x0 = std::min(x, o.x), y0 = std::min(y, o.y);
        uint64_t x1 = std::max(uint64_t(x) + w, uint64_t(o.x) + o.w), y1 = std::max(uint64_t(y) + h, uint64_t(o.y) + o.h);
        return {uint32_t(x0), uint32_t(y0), uint32_t(x1 - x0), uint32_t(y1 - y0)};
    }
    // This rectangle cut to width x height (64-bit sums: guest values may be near 2^32).
    Rect clipped(uint32_t width, uint32_t height) const {
        if (x >= width || y >= height) return {};
        uint32_t cw = uint32_t(std::min<uint64_t>(w, width - x)), ch = uint32_t(std::min<uint64_t>(h, height - y));
        return {x, y, cw, ch};
    }
};

// A frame: width x height pixels, each 0x00RRGGBB in a host uint32_t (on a little-endian host
// that is SDL's XRGB8888 and virtio-gpu's B8G8R8X8). Rows are width pixels apart.
struct Frame {
    uint32_t width = 0, height = 0;
    std::vector<uint32_t> pixels;
    uint32_t at(uint32_t x, uint32_t y) const { return pixels[size_t(y) * width + x]; }
};

// The cursor as a device defines it: width x height ARGB pixels (0xAARRGGBB), the hot spot,
// and where its hot spot is on the frame.
struct Cursor {
    uint32_t width = 0, height = 0, hot_x = 0, hot_y = 0;
    std::vector<uint32_t> pixels;
    int32_t x = 0, y = 0;
    bool visible = false;
};

}  // namespace tessera
