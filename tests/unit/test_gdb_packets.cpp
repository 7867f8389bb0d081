// The gdbstub's byte level: framing, the stream parser, escapes, run-length, hex, -gdb specs.
#include <doctest/doctest.h>

#include "debug/gdb_link.h"
#include "debug/gdb_packets.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::gdb;
using Ev = PacketReader::Event;

namespace {
std::vector<Ev> feed_all(PacketReader& r, std::string_view bytes) {
    std::vector<Ev> out;
    r.feed(bytes.data(), bytes.size(), out);
    return out;
}
}  // namespace

TEST_CASE("gdb framing: checksum is the byte sum modulo 256") {
    CHECK(checksum("") == 0);
    CHECK(checksum("OK") == 0x9a);
    CHECK(frame("OK") == "$OK#9a");
    CHECK(frame("") == "$#00");
    CHECK(frame("qSupported") == "$qSupported#37");
    std::string all(300, '\xff');
    CHECK(checksum(all) == uint8_t(300 * 0xff));
}

TEST_CASE("gdb reader: packets, acks, interrupts, split across reads") {
    PacketReader r;
    auto ev = feed_all(r, "+$g#67-\x03");
    REQUIRE(ev.size() == 4);
    CHECK(ev[0].kind == Ev::Ack);
    CHECK(ev[1].kind == Ev::Packet);
    CHECK(ev[1].body == "g");
    CHECK(ev[2].kind == Ev::Nack);
    CHECK(ev[3].kind == Ev::Interrupt);

    std::string pkt = frame("m80000000,4");
    std::vector<Ev> got;
    for (char c : pkt) r.feed(&c, 1, got);  // one byte per read
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == Ev::Packet);
    CHECK(got[0].body == "m80000000,4");

    // Upper-case checksum digits are fine too.
    ev = feed_all(r, "$OK#9A");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Ev::Packet);
}

TEST_CASE("gdb reader: bad checksums, bad digits, garbage and restarts") {
    PacketReader r;
    auto ev = feed_all(r, "$g#68");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Ev::Bad);
    ev = feed_all(r, "$g#zz");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Ev::Bad);
    // Noise between packets is skipped; a '$' inside a packet starts a new one.
    ev = feed_all(r, "hello\n$garb$g#67");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Ev::Packet);
    CHECK(ev[0].body == "g");
    // The 0x03 byte inside a packet is data (binary X payloads), not an interrupt.
    std::string body = "X0,1:\x03";
    ev = feed_all(r, frame(body));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].body == body);
}

TEST_CASE("gdb reader: an oversized packet is consumed and refused, memory stays bounded") {
    PacketReader r(16);
    std::string big(1000, 'a');
    auto ev = feed_all(r, frame(big) + frame("g"));
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].kind == Ev::Bad);
    CHECK(ev[1].kind == Ev::Packet);
    CHECK(ev[1].body == "g");
    // Exactly the limit is accepted.
    ev = feed_all(r, frame(std::string(16, 'b')));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == Ev::Packet);
}

TEST_CASE("gdb binary escapes round-trip every byte") {
    std::string all;
    for (int i = 0; i < 256; i++) all += char(i);
    std::string esc = escape_binary(all);
    CHECK(esc.find('$') == std::string::npos);
    CHECK(esc.find('#') == std::string::npos);
    CHECK(esc.find('*') == std::string::npos);
    CHECK(esc.size() == 256 + 4);
    CHECK(unescape_binary(esc) == all);
    CHECK(escape_binary("a}b") == "a}]b");
    CHECK(unescape_binary("}") == std::nullopt);
    CHECK(unescape_binary("ab}") == std::nullopt);
}

TEST_CASE("gdb run-length decoding") {
    CHECK(expand_run_length("0* ") == std::string(4, '0'));  // ' ' is 32: 3 more
    CHECK(expand_run_length("ab*\"c") == "abbbbbbc");        // '"' is 34: 5 more
    CHECK(expand_run_length("plain") == "plain");
    CHECK(expand_run_length("*a") == std::nullopt);  // nothing to repeat
    CHECK(expand_run_length("a*") == std::nullopt);  // no count
    CHECK(expand_run_length("a*\x05") == std::nullopt);  // count below range
    CHECK(expand_run_length("a*~", 50) == std::nullopt);  // 97 more: over the limit
    CHECK(expand_run_length("a*~", 98) == std::string(98, 'a'));
    CHECK(expand_run_length(std::string(20, 'x'), 10) == std::nullopt);
}

TEST_CASE("gdb hex is strict") {
    uint8_t b[] = {0x00, 0x7f, 0xab, 0xff};
    CHECK(hex_encode(b, 4) == "007fabff");
    CHECK(hex_decode("007fABff") == std::vector<uint8_t>{0x00, 0x7f, 0xab, 0xff});
    CHECK(hex_decode("") == std::vector<uint8_t>{});
    CHECK(hex_decode("abc") == std::nullopt);
    CHECK(hex_decode("0g") == std::nullopt);
    CHECK(hex_decode(" 0") == std::nullopt);

    CHECK(parse_hex_u64("80000000") == 0x80000000ull);
    CHECK(parse_hex_u64("ffffffffffffffff") == ~0ull);
    CHECK(parse_hex_u64("0000000000000000001") == 1u);  // leading zeros are fine
    CHECK(parse_hex_u64("10000000000000000") == std::nullopt);  // 2^64
    CHECK(parse_hex_u64("") == std::nullopt);
    CHECK(parse_hex_u64("-1") == std::nullopt);
    CHECK(parse_hex_u64("0x10") == std::nullopt);
    CHECK(parse_hex_u64("12 ") == std::nullopt);
}

TEST_CASE("-gdb specs: QEMU's spellings, loopback by default, one clear error otherwise") {
    auto s = parse_listen_spec("tcp::1234");
    CHECK(s.host == "127.0.0.1");
    CHECK(s.port == 1234);
    s = parse_listen_spec("tcp:0.0.0.0:4321");
    CHECK(s.host == "0.0.0.0");
    CHECK(s.port == 4321);
    s = parse_listen_spec("tcp:localhost:0,server,nowait");
    CHECK(s.host == "localhost");
    CHECK(s.port == 0);
    s = parse_listen_spec("tcp:[::1]:99,server=on,wait=off");
    CHECK(s.host == "::1");
    CHECK(s.port == 99);

    for (const char* bad : {"1234", "tcp:", "tcp::", "tcp::65536", "tcp::12a", "tcp::-1", "udp::1234",
                            "tcp::1234,telnet", "tcp:::1:1234", "tcp:[::1]1234", "unix:/tmp/x", "tcp::123456"}) {
        CAPTURE(bad);
        try {
            parse_listen_spec(bad);
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK(e.message.find(std::string("-gdb ") + bad + ":") == 0);
        }
    }
}
