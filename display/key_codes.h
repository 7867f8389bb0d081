// Linux KEY_* codes by name and by character, for -keys and anything else that types.
#pragma once
#include <cstdint>
#include <string_view>

namespace tessera {

// A key's code by name, case-insensitive: letters and digits, f1..f24, QEMU's sendkey names
// (ret, spc, esc, ctrl, ctrl_r, alt, alt_r, shift, shift_r, meta_l, ...) and common
// spellings (enter, space, backspace, pgup, up, ...). 0 if there is no such key.
uint16_t key_code_by_name(std::string_view name);

// The key that types c on a US keyboard, and whether it needs Shift. False for anything but
// printable ASCII, '\n' (Enter) and '\t' (Tab).
bool key_for_char(char c, uint16_t* code, bool* shift);

}  // namespace tessera
