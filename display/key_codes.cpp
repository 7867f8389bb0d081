#include "display/key_codes.h"

#include <linux/input-event-codes.h>

#include <cctype>
#include <string>

namespace tessera {

namespace {

struct Named {
    const char* name;
    uint16_t code;
};

// Everything but letters, digits and function keys (found by pattern below).
constexpr Named kNames[] = {
    {"ret", KEY_ENTER}, {"enter", KEY_ENTER}, {"return", KEY_ENTER}, {"kp_enter", KEY_KPENTER},
    {"esc", KEY_ESC}, {"escape", KEY_ESC}, {"tab", KEY_TAB}, {"spc", KEY_SPACE}, {"space", KEY_SPACE},
    {"backspace", KEY_BACKSPACE}, {"bksp", KEY_BACKSPACE}, {"delete", KEY_DELETE}, {"del", KEY_DELETE},
    {"insert", KEY_INSERT}, {"ins", KEY_INSERT}, {"home", KEY_HOME}, {"end", KEY_END},
    {"pgup", KEY_PAGEUP}, {"pageup", KEY_PAGEUP}, {"pgdn", KEY_PAGEDOWN}, {"pagedown", KEY_PAGEDOWN},
    {"up", KEY_UP}, {"down", KEY_DOWN}, {"left", KEY_LEFT}, {"right", KEY_RIGHT},
    {"ctrl", KEY_LEFTCTRL}, {"ctrl_l", KEY_LEFTCTRL}, {"ctrl_r", KEY_RIGHTCTRL}, {"rctrl", KEY_RIGHTCTRL},
    {"alt", KEY_LEFTALT}, {"alt_l", KEY_LEFTALT}, {"alt_r", KEY_RIGHTALT}, {"ralt", KEY_RIGHTALT}, {"altgr", KEY_RIGHTALT},
    {"shift", KEY_LEFTSHIFT}, {"shift_l", KEY_LEFTSHIFT}, {"shift_r", KEY_RIGHTSHIFT}, {"rshift", KEY_RIGHTSHIFT},
    {"meta", KEY_LEFTMETA}, {"meta_l", KEY_LEFTMETA}, {"meta_r", KEY_RIGHTMETA}, {"super", KEY_LEFTMETA},
    {"win", KEY_LEFTMETA}, {"menu", KEY_COMPOSE}, {"caps_lock", KEY_CAPSLOCK}, {"capslock", KEY_CAPSLOCK},
    {"num_lock", KEY_NUMLOCK}, {"scroll_lock", KEY_SCROLLLOCK}, {"print", KEY_SYSRQ}, {"sysrq", KEY_SYSRQ},
    {"pause", KEY_PAUSE}, {"minus", KEY_MINUS}, {"equal", KEY_EQUAL}, {"bracket_left", KEY_LEFTBRACE},
    {"bracket_right", KEY_RIGHTBRACE}, {"semicolon", KEY_SEMICOLON}, {"apostrophe", KEY_APOSTROPHE},
    {"grave_accent", KEY_GRAVE}, {"grave", KEY_GRAVE}, {"backslash", KEY_BACKSLASH}, {"comma", KEY_COMMA},
    {"dot", KEY_DOT}, {"slash", KEY_SLASH}, {"less", KEY_102ND},
};

constexpr uint16_t kDigits[10] = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
constexpr uint16_t kLetters[26] = {KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
                                   KEY_J, KEY_K, KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R,
                                   KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
constexpr uint16_t kFunction[24] = {KEY_F1,  KEY_F2,  KEY_F3,  KEY_F4,  KEY_F5,  KEY_F6,  KEY_F7,  KEY_F8,
                                    KEY_F9,  KEY_F10, KEY_F11, KEY_F12, KEY_F13, KEY_F14, KEY_F15, KEY_F16,
                                    KEY_F17, KEY_F18, KEY_F19, KEY_F20, KEY_F21, KEY_F22, KEY_F23, KEY_F24};

// US layout punctuation: the character without Shift, then with it, on the same key.
struct Punct {
    char plain, shifted;
    uint16_t code;
};
constexpr Punct kPunct[] = {
    {'-', '_', KEY_MINUS},     {'=', '+', KEY_EQUAL},      {'[', '{', KEY_LEFTBRACE}, {']', '}', KEY_RIGHTBRACE},
    {';', ':', KEY_SEMICOLON}, {'\'', '"', KEY_APOSTROPHE}, {'`', '~', KEY_GRAVE},    {'\\', '|', KEY_BACKSLASH},
    {',', '<', KEY_COMMA},     {'.', '>', KEY_DOT},        {'/', '?', KEY_SLASH},
};
constexpr char kShiftedDigits[] = ")!@#$%^&*(";  // Shift + 0..9

}  // namespace

uint16_t key_code_by_name(std::string_view name) {
    std::string n;
    for (char c : name) n += char(std::tolower(uint8_t(c)));
    if (n.size() == 1 && n[0] >= 'a' && n[0] <= 'z') return kLetters[n[0] - 'a'];
    if (n.size() == 1 && n[0] >= '0' && n[0] <= '9') return kDigits[n[0] - '0'];
    if (n.size() >= 2 && n.size() <= 3 && n[0] == 'f' && std::isdigit(uint8_t(n[1])) && n[1] != '0' &&
        (n.size() == 2 || std::isdigit(uint8_t(n[2])))) {
        int f = std::stoi(n.substr(1));
        return f >= 1 && f <= 24 ? kFunction[f - 1] : 0;
    }
    for (const Named& k : kNames)
        if (n == k.name) return k.code;
    return 0;
}

bool key_for_char(char c, uint16_t* code, bool* shift) {
    *shift = false;
    if (c >= 'a' && c <= 'z') return *code = kLetters[c - 'a'], true;
    if (c >= 'A' && c <= 'Z') return *code = kLetters[c - 'A'], *shift = true, true;
    if (c >= '0' && c <= '9') return *code = kDigits[c - '0'], true;
    if (c == ' ') return *code = KEY_SPACE, true;
    if (c == '\n') return *code = KEY_ENTER, true;
    if (c == '\t') return *code = KEY_TAB, true;
    for (int d = 0; d < 10; d++)
        if (c == kShiftedDigits[d]) return *code = kDigits[d], *shift = true, true;
    for (const Punct& p : kPunct) {
        if (c == p.plain) return *code = p.code, true;
        if (c == p.shifted) return *code = p.code, *shift = true, true;
    }
    return false;
}

}  // namespace tessera
