// SDL scancodes (the physical key) to Linux KEY_* codes, for the window's keyboard.
#pragma once
#include <cstdint>

namespace tessera {

// 0 for a key the guest has no code for.
uint16_t linux_key_from_sdl(int scancode);

}  // namespace tessera
