#include "display/display.h"

#include <cstring>

namespace tessera {

namespace {
// One pixel of fmt (bytes p[0..3] in memory order) as 0x00RRGGBB.
inline uint32_t to_xrgb(const uint8_t* p, PixelFormat fmt) {
    auto rgb = [](uint32_t r, uint32_t g, uint32_t b) { return r << 16 | g << 8 | b; };
    switch (fmt) {
    case PixelFormat::Bgrx:
    case PixelFormat::Bgra: return rgb(p[2], p[1], p[0]);
    case PixelFormat::Xrgb:
    case PixelFormat::Argb: return rgb(p[1], p[2], p[3]);
    case PixelFormat::Rgbx:
    case PixelFormat::Rgba: return rgb(p[0], p[1], p[2]);
    case PixelFormat::Xbgr:
    case PixelFormat::Abgr: return rgb(p[3], p[2], p[1]);
    }
    return 0;
}
}  // namespace

bool Display::attach_source(const std::string& device_name) {
    std::lock_guard lock(mu_);
    if (!source_.empty()) return false;
    source_ = device_name;
    return true;
}

bool Display::has_source() const {
    std::lock_guard lock(mu_);
    return !source_.empty();
}

std::string Display::source_name() const {
    std::lock_guard lock(mu_);
    return source_;
}

bool Display::set_mode(uint32_t width, uint32_t height) {
    if (width > kMaxWidth || height > kMaxHeight) return false;
    {
        std::lock_guard lock(mu_);
        if (width == 0 || height == 0) width = height = 0;
        frame_.width = width;
        frame_.height = height;
        frame_.pixels.assign(size_t(width) * height, 0);
        damage_ = {0, 0, width, height};
        mode_changed_ = true;
    }
    changed();
    return true;
}

void Display::update(Rect r, const uint8_t* src, size_t stride, PixelFormat fmt) {
    {
        std::lock_guard lock(mu_);
        r = r.clipped(frame_.width, frame_.height);
        if (r.empty()) return;
        for (uint32_t y = r.y; y < r.y + r.h; y++) {
            const uint8_t* s = src + size_t(y) * stride + size_t(r.x) * 4;
            uint32_t* d = &frame_.pixels[size_t(y) * frame_.width + r.x];
            if (fmt == PixelFormat::Bgrx || fmt == PixelFormat::Bgra) {
                // The host's own order (little-endian x86-64 and arm64): copy, clear alpha.
                memcpy(d, s, size_t(r.w) * 4);
                for (uint32_t i = 0; i < r.w; i++) d[i] &= 0x00ffffff;
            } else {
                for (uint32_t i = 0; i < r.w; i++) d[i] = to_xrgb(s + size_t(i) * 4, fmt);
            }
        }
        damage_ = damage_.united(r);
    }
    changed();
}

void Display::set_cursor(const Cursor& c) {
    {
        std::lock_guard lock(mu_);
        int32_t x = cursor_.x, y = cursor_.y;
        cursor_ = c;
        cursor_.x = x, cursor_.y = y;
    }
    changed();
}

void Display::move_cursor(int32_t x, int32_t y, bool visible) {
    {
        std::lock_guard lock(mu_);
        cursor_.x = x, cursor_.y = y, cursor_.visible = visible;
    }
    changed();
}

void Display::take(const std::function<void(const Frame&, Rect, bool)>& fn) {
    std::lock_guard lock(mu_);
    fn(frame_, damage_, mode_changed_);
    damage_ = {};
    mode_changed_ = false;
}

Frame Display::snapshot() const {
    std::lock_guard lock(mu_);
    return frame_;
}

Cursor Display::cursor() const {
    std::lock_guard lock(mu_);
    return cursor_;
}

void Display::set_status(const std::string& s) {
    {
        std::lock_guard lock(mu_);
        status_ = s;
    }
    changed();
}

std::string Display::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

void Display::changed() {
    if (wake_) wake_();
}

}  // namespace tessera
