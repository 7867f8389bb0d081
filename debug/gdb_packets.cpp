#include "debug/gdb_packets.h"

namespace tessera::gdb {

namespace {
constexpr char kHex[] = "0123456789abcdef";

bool needs_escape(char c) { return c == '#' || c == '$' || c == '}' || c == '*'; }
}  // namespace

uint8_t checksum(std::string_view body) {
    uint8_t sum = 0;
    for (char c : body) sum = uint8_t(sum + uint8_t(c));
    return sum;
}

std::string frame(std::string_view body) {
    std::string out;
    out.reserve(body.size() + 4);
    out += '$';
    out += body;
    out += '#';
    uint8_t sum = checksum(body);
    out += kHex[sum >> 4];
    out += kHex[sum & 15];
    return out;
}

std::string escape_binary(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (char c : raw) {
        if (needs_escape(c)) {
            out += '}';
            out += char(c ^ 0x20);
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::string> unescape_binary(std::string_view escaped) {
    std::string out;
    out.reserve(escaped.size());
    for (size_t i = 0; i < escaped.size(); i++) {
        if (escaped[i] != '}') {
            out += escaped[i];
            continue;
        }
        if (++i == escaped.size()) return std::nullopt;
        out += char(escaped[i] ^ 0x20);
    }
    return out;
}

std::optional<std::string> expand_run_length(std::string_view body, size_t max_len) {
    if (body.find('*') == std::string_view::npos) {
        if (body.size() > max_len) return std::nullopt;
        return std::string(body);
    }
    std::string out;
    for (size_t i = 0; i < body.size(); i++) {
        char c = body[i];
        if (c != '*') {
            out += c;
        } else {
            // The count is a printable character: repeats = count - 29, always 3..97 when
            // the sender follows the protocol; anything else is refused.
            if (out.empty() || i + 1 == body.size()) return std::nullopt;
            int n = uint8_t(body[++i]) - 29;
            if (n < 1 || n > 97) return std::nullopt;
            if (out.size() + size_t(n) > max_len) return std::nullopt;
            out.append(size_t(n), out.back());
        }
        if (out.size() > max_len) return std::nullopt;
    }
    return out;
}

std::string hex_encode(const void* data, size_t len) {
    const auto* p = static_cast<const uint8_t*>(data);
    std::string out;
    out.reserve(len * 2);
    for (size_t i = 0; i < len; i++) {
        out += kHex[p[i] >> 4];
        out += kHex[p[i] & 15];
    }
    return out;
}

std::string hex_encode(std::string_view s) { return hex_encode(s.data(), s.size()); }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::vector<uint8_t>> hex_decode(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    std::vector<uint8_t> out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = uint8_t(hi << 4 | lo);
    }
    return out;
}

std::optional<uint64_t> parse_hex_u64(std::string_view hex) {
    if (hex.empty()) return std::nullopt;
    uint64_t v = 0;
    for (char c : hex) {
        int d = hex_digit(c);
        if (d < 0 || (v >> 60) != 0) return std::nullopt;
        v = v << 4 | uint64_t(d);
    }
    return v;
}

std::optional<std::pair<std::string_view, std::string_view>> split_once(std::string_view s, char sep) {
    size_t at = s.find(sep);
    if (at == std::string_view::npos) return std::nullopt;
    return std::make_pair(s.substr(0, at), s.substr(at + 1));
}

void PacketReader::reset() {
    state_ = State::Idle;
    body_.clear();
    overflow_ = false;
}

void PacketReader::feed(const char* data, size_t len, std::vector<Event>& out) {
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        switch (state_) {
        case State::Idle:
            if (c == '$') {
                state_ = State::Body;
                body_.clear();
                overflow_ = false;
            } else if (c == '+') {
                out.push_back({Event::Ack, {}});
            } else if (c == '-') {
                out.push_back({Event::Nack, {}});
            } else if (c == kInterruptByte) {
                out.push_back({Event::Interrupt, {}});
            }
            break;  // anything else between packets is noise
        case State::Body:
            if (c == '#') {
                state_ = State::Sum1;
            } else if (c == '$') {
                body_.clear();  // a resend started before this packet ended
                overflow_ = false;
            } else if (body_.size() < max_body_) {
                body_ += c;
            } else {
                overflow_ = true;  // keep consuming to '#', keep memory bounded
            }
            break;
        case State::Sum1:
            sum_hi_ = hex_digit(c);
            state_ = State::Sum2;
            break;
        case State::Sum2: {
            int lo = hex_digit(c);
            bool ok = !overflow_ && sum_hi_ >= 0 && lo >= 0 && checksum(body_) == uint8_t(sum_hi_ << 4 | lo);
            if (ok)
                out.push_back({Event::Packet, std::move(body_)});
            else
                out.push_back({Event::Bad, {}});
            reset();
            break;
        }
        }
    }
}

}  // namespace tessera::gdb
