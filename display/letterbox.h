// Where the guest's frame goes in a window of another size (the aspect ratio kept, black
// bars on the sides or top and bottom), and pointer positions back to tablet coordinates.
#pragma once
#include <algorithm>
#include <cstdint>

#include "display/input.h"

namespace tessera {

struct Placement {
    int x = 0, y = 0, w = 0, h = 0;
};

// The largest rectangle of frame_w:frame_h in out_w x out_h, centred.
inline Placement letterbox(int out_w, int out_h, uint32_t frame_w, uint32_t frame_h) {
    if (out_w <= 0 || out_h <= 0 || frame_w == 0 || frame_h == 0) return {0, 0, std::max(out_w, 0), std::max(out_h, 0)};
    Placement p;
    if (int64_t(out_w) * frame_h <= int64_t(out_h) * frame_w) {  // as wide as the window
        p.w = out_w;
        p.h = int(std::max<int64_t>(1, int64_t(out_w) * frame_h / frame_w));
    } else {
        p.h = out_h;
        p.w = int(std::max<int64_t>(1, int64_t(out_h) * frame_w / frame_h));
    }
    p.x = (out_w - p.w) / 2;
    p.y = (out_h - p.h) / 2;
    return p;
}

// A window coordinate on one axis as 0..kInputAbsMax across the frame's span there (start,
// len); outside the frame (on a bar) it is clamped to the nearer edge.
inline int32_t abs_axis(int pos, int start, int len) {
    if (len <= 1) return 0;
    int64_t v = int64_t(pos - start) * kInputAbsMax / (len - 1);
    return int32_t(std::clamp<int64_t>(v, 0, kInputAbsMax));
}

}  // namespace tessera
