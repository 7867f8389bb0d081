// The GDB remote serial protocol's byte level: framing ($data#xx), acks, escapes, run-length
// encoding and hex. Pure functions and one stream parser, no sockets: everything here takes
// untrusted bytes and reports a failure instead of trusting a length or a digit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::gdb {

// The largest packet body we accept or send (advertised as PacketSize in qSupported).
// GDB sizes its m/X/g requests by it; longer input is dropped and nacked.
constexpr size_t kMaxPacket = 0x4000;

constexpr char kInterruptByte = 0x03;

// Modulo-256 sum of the bytes, as in "#xx".
uint8_t checksum(std::string_view body);

// "$" body "#" two lower-case hex digits. The body is sent as is: callers escape binary data.
std::string frame(std::string_view body);

// Binary data in X packets and qXfer replies: '#', '$', '}' and '*' become '}' (c ^ 0x20).
std::string escape_binary(std::string_view raw);
// The reverse; nullopt on a '}' with nothing after it.
std::optional<std::string> unescape_binary(std::string_view escaped);

// "c*N" repeats c (N - 29) more times. Only expanded when the body has a '*' (GDB itself
// never sends one to a stub); nullopt when malformed or the result would exceed max_len.
std::optional<std::string> expand_run_length(std::string_view body, size_t max_len = kMaxPacket);

// Hex. Encoding is lower case; decoding accepts either case and nothing else.
std::string hex_encode(const void* data, size_t len);
std::string hex_encode(std::string_view s);
int hex_digit(char c);  // -1 when not a hex digit
// Whole string as bytes: even length, every character a digit.
std::optional<std::vector<uint8_t>> hex_decode(std::string_view hex);
// A big-endian number as GDB writes addresses and lengths: 1..16 digits (leading zeros
// beyond that are allowed), no sign, no prefix, no overflow.
std::optional<uint64_t> parse_hex_u64(std::string_view hex);

// Splits s at the first sep: {before, after}; nullopt without sep.
std::optional<std::pair<std::string_view, std::string_view>> split_once(std::string_view s, char sep);

// The byte stream from the debugger, cut into events. Feed it whatever recv() returned;
// it keeps partial packets between calls. Garbage outside packets is skipped, a '$' inside a
// packet starts over (the debugger resent), an oversized body is consumed to its '#' and
// reported as Bad so the sender gets a '-'.
class PacketReader {
public:
    struct Event {
        enum Kind { Packet, Bad, Ack, Nack, Interrupt } kind;
        std::string body;  // Packet: the raw body between '$' and '#' (checksum verified)
    };
    explicit PacketReader(size_t max_body = kMaxPacket) : max_body_(max_body) {}
    void feed(const char* data, size_t len, std::vector<Event>& out);
    void reset();

private:
    enum class State { Idle, Body, Sum1, Sum2 } state_ = State::Idle;
    size_t max_body_;
    std::string body_;
    bool overflow_ = false;
    int sum_hi_ = 0;
};

}  // namespace tessera::gdb
