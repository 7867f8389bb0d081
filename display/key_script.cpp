#include "display/key_script.h"

#include <linux/input-event-codes.h>

#include <cerrno>
#include <cstring>
#include <cstdio>

#include "display/key_codes.h"
#include "util/error.h"

namespace tessera {

namespace {

constexpr uint32_t kMaxMs = 3'600'000;  // an hour: anything longer is a typo

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

struct Parser {
    const std::string& name;
    size_t line = 0;
    uint32_t delay_ms = 20;
    std::vector<KeyAction> out;

    [[noreturn]] void fail(const std::string& why) const {
        throw ConfigError{"-keys " + name + ":" + std::to_string(line) + ": " + why};
    }

    uint32_t millis(std::string_view word, std::string_view arg) const {
        if (arg.empty() || arg.size() > 7 || arg.find_first_not_of("0123456789") != std::string_view::npos)
            fail(std::string(word) + " needs a number of milliseconds, not '" + std::string(arg) + "'");
        uint32_t ms = uint32_t(std::stoul(std::string(arg)));
        if (ms > kMaxMs) fail(std::string(word) + " " + std::string(arg) + ": at most " + std::to_string(kMaxMs) + " ms");
        return ms;
    }

    void press(uint16_t code, bool down) {
        out.push_back({KeyAction::Key, 0, code, down});
        if (delay_ms) out.push_back({KeyAction::Wait, delay_ms, 0, false});
    }

    void type(std::string_view text) {
        for (size_t i = 0; i < text.size(); i++) {
            char c = text[i];
            if (c == '\\') {
                char e = i + 1 < text.size() ? text[++i] : 0;
                c = e == 'n' ? '\n' : e == 't' ? '\t' : e == '\\' ? '\\' : 0;
                if (!c) fail(std::string("unknown escape '\\") + (e ? std::string(1, e) : "") + "' (\\n, \\t and \\\\ are known)");
            }
            uint16_t code;
            bool shift;
            if (!key_for_char(c, &code, &shift))
            {
                char hexbyte[8];
                snprintf(hexbyte, sizeof hexbyte, "0x%02x", unsigned(uint8_t(c)));
                fail(std::string("cannot type byte ") + hexbyte + " (printable ASCII only, US layout)");
            }
            if (shift) press(KEY_LEFTSHIFT, true);
            press(code, true);
            press(code, false);
            if (shift) press(KEY_LEFTSHIFT, false);
        }
    }

    void combo(std::string_view spec) {
        std::vector<uint16_t> keys;
        size_t start = 0;
        for (;;) {
            size_t sep = spec.find_first_of("-+", start);
            std::string_view k = spec.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start);
            uint16_t code = key_code_by_name(k);
            if (!code) fail("unknown key name '" + std::string(k) + "' in '" + std::string(spec) + "'");
            keys.push_back(code);
            if (sep == std::string_view::npos) break;
            start = sep + 1;
        }
        for (uint16_t k : keys) press(k, true);
        for (auto it = keys.rbegin(); it != keys.rend(); ++it) press(*it, false);
    }

    void parse_line(std::string_view raw) {
        std::string_view s = trim(raw);
        if (s.empty() || s.front() == '#') return;
        size_t sp = s.find_first_of(" \t");
        std::string_view word = s.substr(0, sp);
        std::string_view arg = sp == std::string_view::npos ? std::string_view{} : trim(s.substr(sp + 1));
        if (word == "wait") {
            out.push_back({KeyAction::Wait, millis(word, arg), 0, false});
        } else if (word == "delay") {
            delay_ms = millis(word, arg);
        } else if (word == "type") {
            // The text is everything after "type " (its own leading spaces kept, the line's
            // end trimmed).
            if (sp == std::string_view::npos) fail("type needs text");
            std::string_view text = raw.substr(raw.find("type") + 5);
            while (!text.empty() && (text.back() == '\r')) text.remove_suffix(1);
            type(text);
        } else if (word == "key") {
            if (arg.empty()) fail("key needs a key name or combination, e.g. ctrl-alt-f2");
            while (!arg.empty()) {
                size_t e = arg.find_first_of(" \t");
                combo(arg.substr(0, e));
                arg = e == std::string_view::npos ? std::string_view{} : trim(arg.substr(e));
            }
        } else {
            fail("unknown command '" + std::string(word) + "' (wait, delay, type, key)");
        }
    }
};

}  // namespace

std::vector<KeyAction> parse_key_script(std::string_view text, const std::string& name) {
    Parser p{name, 0, 20, {}};
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        p.line++;
        p.parse_line(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return std::move(p.out);
}

std::vector<KeyAction> load_key_script(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) throw ConfigError{"-keys: cannot read '" + path + "': " + strerror(errno)};
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    bool bad = ferror(f);
    int err = errno;
    fclose(f);
    if (bad) throw ConfigError{"-keys: cannot read '" + path + "': " + strerror(err)};
    return parse_key_script(text, path);
}

}  // namespace tessera
