// The EDID virtio-gpu hands the guest for its one output (GET_EDID, VIRTIO_GPU_F_EDID): an
// EDID 1.4 base block whose preferred timing is the configured xres x yres at up to 60 Hz
// (reduced blanking), with 640x480, 800x600 and 1024x768 as extra established modes and the
// monitor name "Tessera". Linux then offers the guest those modes.
#pragma once
#include <array>
#include <cstdint>

namespace tessera::virtio_gpu {

constexpr uint32_t kEdidBlock = 128;
// A mode wider or taller than this has no detailed timing (12-bit fields); the block then
// lists only the established modes.
constexpr uint32_t kEdidMaxActive = 4095;

std::array<uint8_t, kEdidBlock> make_edid(uint32_t width, uint32_t height);

}  // namespace tessera::virtio_gpu
