// -screendump FILE.png: the last frame, written when Tessera exits (however it exits).
#pragma once
#include <string>

#include "display/display.h"

namespace tessera {

// At start: ConfigError if FILE could not be written at exit (its directory is missing or
// not writable, or FILE is a directory). Nothing is created.
void check_screendump_path(const std::string& path);
// The display's frame as FILE, written atomically (a temporary file renamed over it: never a
// half-written FILE). A display that never had a mode gives a black 640x480 image and one
// line saying so. ConfigError if it cannot be written.
void write_screendump(const Display& display, const std::string& path);

}  // namespace tessera
