// -keys FILE: a key sequence replayed into the input path, as a virtual keyboard would type it.
//
// The file, one command a line (blank lines and lines starting with # are skipped; words are
// separated by spaces):
//   wait MS          pause MS milliseconds
//   delay MS         the pause after each key press or release from here on (default 20)
//   type TEXT        type TEXT (everything after "type "), US layout: Shift for capitals and
//                    symbols; \n is Enter, \t Tab, \\ a backslash
//   key COMBO...     press and release each COMBO: key names joined by '-' or '+', pressed in
//                    order and released in reverse (ctrl-alt-f2, shift-tab, ret, esc, f1, a);
//                    names as QEMU's sendkey and display/key_codes.h
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera {

struct KeyAction {
    enum Kind : uint8_t { Wait, Key } kind;
    uint32_t ms = 0;    // Wait: how long
    uint16_t code = 0;  // Key: KEY_*
    bool down = false;  // Key: pressed (true) or released
};

// Throws ConfigError "-keys NAME:LINE: ..." for the first bad line.
std::vector<KeyAction> parse_key_script(std::string_view text, const std::string& name);
// Reads and parses the file; ConfigError if it cannot be read.
std::vector<KeyAction> load_key_script(const std::string& path);

}  // namespace tessera
