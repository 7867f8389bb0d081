// A frame as a PNG file: 8-bit RGB, one IDAT compressed by zlib, no filtering.
#pragma once
#include <cstdint>
#include <vector>

#include "display/frame.h"

namespace tessera {

// The PNG file's bytes. An empty frame (0 x 0) has no PNG: callers pick a size first.
std::vector<uint8_t> encode_png(const Frame& frame);

}  // namespace tessera
