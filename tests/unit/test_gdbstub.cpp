// The gdbstub end to end: a scripted client on a real loopback socket, a fake CPU and target
// (test_gdb_fakes.h), and a "vCPU" thread calling GdbStub::stopped() as a machine would.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <future>
#include <random>
#include <thread>

#include "debug/gdb_packets.h"
#include "debug/gdbstub.h"
#include "test_gdb_fakes.h"
#include "util/error.h"

using namespace tessera;
using namespace std::chrono_literals;

namespace {

// GDB's side, written from the protocol: frames commands, checks replies' checksums, acks.
class Client {
public:
    explicit Client(uint16_t port) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        timeval tv{5, 0};  // a broken stub fails the test instead of hanging it
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int one = 1;  // as GDB does: the '+' and the next command go out without waiting
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Client() { close(); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    void raw(std::string_view bytes) {
        REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size()));
    }
    int getc() {
        char c;
        return recv(fd_, &c, 1, 0) == 1 ? uint8_t(c) : -1;
    }
    // The next packet; what came before its '$' (acks) lands in skipped.
    std::string read_packet() {
        skipped.clear();
        int c;
        while ((c = getc()) != '$') {
            REQUIRE(c >= 0);
            skipped += char(c);
        }
        std::string body;
        while ((c = getc()) != '#') {
            REQUIRE(c >= 0);
            body += char(c);
        }
        int hi = gdb::hex_digit(char(getc())), lo = gdb::hex_digit(char(getc()));
        CHECK(gdb::checksum(body) == uint8_t(hi << 4 | lo));
        if (acks) raw("+");
        return body;
    }
    // A command and its reply; in ack mode the stub acks the command first.
    std::string cmd(std::string_view body) {
        raw(gdb::frame(body));
        std::string r = read_packet();
        CAPTURE(body);
        CHECK(skipped == (acks ? "+" : ""));
        return r;
    }
    // A command that gets no reply now (c, s, k): only its ack.
    void send_cmd(std::string_view body) {
        raw(gdb::frame(body));
        if (acks && !body.empty() && (body[0] == 'c' || body[0] == 's' || body[0] == 'k' || body.starts_with("vCont;")))
            CHECK(getc() == '+');
    }
    bool acks = true;
    std::string skipped;

private:
    int fd_ = -1;
};

// The vCPU thread: calls stopped() as a machine does and hands back its answer.
struct Vcpu {
    explicit Vcpu(GdbStub& s) : stub(s) {}
    ~Vcpu() {
        if (f.valid()) {
            stub.close();  // a failed test must not leave the thread blocked in stopped()
            f.wait();
        }
    }
    void stop(StopEvent ev, bool wait = false) {
        f = std::async(std::launch::async, [this, ev, wait] { return stub.stopped(ev, wait); });
    }
    std::optional<Resume> result(std::chrono::milliseconds within = 5000ms) {
        if (f.wait_for(within) != std::future_status::ready) return std::nullopt;
        return f.get();
    }
    GdbStub& stub;
    std::future<Resume> f;
};

template <typename F>
bool eventually(F cond) {
    for (int i = 0; i < 500; i++) {
        if (cond()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

std::string le64(uint64_t v) { return gdb::hex_encode(&v, 8); }

StopEvent event(StopReason r) {
    StopEvent ev;
    ev.reason = r;
    return ev;
}

}  // namespace

TEST_CASE("gdbstub: a debugger connects, inspects and changes the machine, resumes it") {
    test::GdbFakeTarget target;
    auto& cpu = target.cpu;
    GdbStub stub(target, "tcp::0");
    REQUIRE(stub.port() != 0);
    Vcpu vcpu(stub);

    Client gdb(stub.port());
    // Connecting to a running guest asks it to stop; the machine then calls stopped().
    REQUIRE(eventually([&] { return target.stop_requests == 1; }));
    CHECK(stub.debugger_connected());
    vcpu.stop(event(StopReason::Interrupt));

    std::string sup = gdb.cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    CHECK(sup.find("PacketSize=4000") != std::string::npos);
    CHECK(sup.find("qXfer:features:read+") != std::string::npos);
    CHECK(sup.find("QStartNoAckMode+") != std::string::npos);
    CHECK(gdb.cmd("vMustReplyEmpty") == "");
    CHECK(gdb.cmd("?") == "T02thread:1;");
    // The description in GDB's chunks ('m' then 'l'), as GDB reads it.
    std::string xml;
    for (int chunks = 0; chunks < 10; chunks++) {
        char args[64];
        snprintf(args, sizeof args, "qXfer:features:read:target.xml:%zx,ffb", xml.size());
        std::string r = gdb.cmd(args);
        REQUIRE(!r.empty());
        REQUIRE((r[0] == 'm' || r[0] == 'l'));
        xml += r.substr(1);  // the XML has nothing to escape
        if (r[0] == 'l') break;
    }
    CHECK(xml.starts_with("<?xml"));
    CHECK(xml.find("<architecture>riscv:rv64</architecture>") != std::string::npos);
    CHECK(xml.ends_with("</target>\n"));
    CHECK(xml.size() > 0xffb);  // it took more than one chunk
    CHECK(gdb.cmd("qAttached") == "1");
    CHECK(gdb.cmd("qC") == "QC1");
    CHECK(gdb.cmd("qfThreadInfo") == "m1");
    CHECK(gdb.cmd("qsThreadInfo") == "l");
    CHECK(gdb.cmd("Hg0") == "OK");
    CHECK(gdb.cmd("Hc-1") == "OK");
    CHECK(gdb.cmd("Hgp1.1") == "OK");
    CHECK(gdb.cmd("Hg2") == "E01");
    CHECK(gdb.cmd("T1") == "OK");
    CHECK(gdb.cmd("T5") == "E01");

    SUBCASE("registers") {
        std::string g = gdb.cmd("g");
        REQUIRE(g.size() == 33 * 16);  // x0..x31 and pc: the in_g_packet run
        CHECK(g.substr(0, 16) == le64(0));
        CHECK(g.substr(16, 16) == le64(0x1001));
        CHECK(g.substr(32 * 16) == le64(0x80000000));
        CHECK(gdb.cmd("p20") == le64(0x80000000));
        CHECK(gdb.cmd("p21") == "000000000000f03f");  // ft0 = 1.0
        CHECK(gdb.cmd("p43") == "00000000");          // fcsr, 32 bits
        CHECK(gdb.cmd("p46") == "E01");               // past the table
        CHECK(gdb.cmd("pzz") == "E01");
        CHECK(gdb.cmd("p") == "E01");

        CHECK(gdb.cmd("P1=efbeadde00000000") == "OK");
        CHECK(cpu.values[1] == 0xdeadbeef);
        CHECK(gdb.cmd("P0=0100000000000000") == "E01");  // zero stays zero
        CHECK(cpu.values[0] == 0);
        CHECK(gdb.cmd("P1=1234") == "E01");  // wrong size
        CHECK(cpu.values[1] == 0xdeadbeef);
        CHECK(gdb.cmd("P44=0800000000000000") == "OK");  // mstatus, outside 'g'
        CHECK(cpu.values[68] == 8);
        CHECK(gdb.cmd("P1=zz00000000000000") == "E01");
        CHECK(gdb.cmd("P1") == "E01");

        // G writes the whole run back; a read-only register (zero) is skipped silently.
        g = gdb.cmd("g");
        std::string g2 = le64(0x77) + g.substr(16, 16) + le64(0x5555) + g.substr(48);
        CHECK(gdb.cmd("G" + g2) == "OK");
        CHECK(cpu.values[0] == 0);
        CHECK(cpu.values[2] == 0x5555);
        CHECK(cpu.values[1] == 0xdeadbeef);
        CHECK(gdb.cmd("G" + g2.substr(2)) == "E01");  // not the 'g' layout
        CHECK(gdb.cmd("G" + g2 + "00") == "E01");
        CHECK(cpu.values[2] == 0x5555);
    }
    SUBCASE("memory through the CPU's debug access") {
        CHECK(gdb.cmd("M80000010,4:01020304") == "OK");
        CHECK(cpu.ram[0x10] == 1);
        CHECK(cpu.ram[0x13] == 4);
        CHECK(gdb.cmd("m80000010,4") == "01020304");
        CHECK(gdb.cmd("m80000010,0") == "");
        CHECK(gdb.cmd("m7ffffff0,4") == "E14");         // not backed
        CHECK(gdb.cmd("m8000fffe,4") == "0000");         // short: the last two bytes
        CHECK(gdb.cmd("M80000010,4:0102") == "E01");    // length mismatch
        CHECK(gdb.cmd("M80000010,2:01zz") == "E01");
        CHECK(gdb.cmd("M7ffffff0,1:aa") == "E14");
        CHECK(gdb.cmd("m80000010") == "E01");
        CHECK(gdb.cmd("mffffffffffffffff,10") == "E14");  // no wrap past 2^64
        // A request larger than a packet is answered short, within PacketSize.
        std::string big = gdb.cmd("m80000000,ffffffffffffffff");
        CHECK(big.size() == gdb::kMaxPacket);

        // X: binary, with escapes for '#', '$', '}' and '*'.
        std::string data = std::string("#}\0*$", 5);
        CHECK(gdb.cmd("X80000020,5:" + gdb::escape_binary(data)) == "OK");
        CHECK(std::memcmp(&cpu.ram[0x20], data.data(), 5) == 0);
        CHECK(gdb.cmd("X80000000,0:") == "OK");  // GDB's probe
        CHECK(gdb.cmd("X80000020,6:" + gdb::escape_binary(data)) == "E01");
        CHECK(gdb.cmd("X80000020,1:}") == "E01");
        CHECK(cpu.ram[0x20] == '#');
    }
    SUBCASE("breakpoints and watchpoints reach the target") {
        CHECK(gdb.cmd("Z0,80000100,4") == "OK");
        CHECK(gdb.cmd("Z1,80000104,2") == "OK");
        CHECK(gdb.cmd("Z2,80000200,8") == "OK");
        CHECK(gdb.cmd("Z3,80000208,4;X1,0f") == "OK");  // conditions are GDB's business
        REQUIRE(target.point_count() == 4);
        CHECK(target.points[0] == test::GdbFakeTarget::Point{PointKind::SwBreak, 0x80000100, 4});
        CHECK(target.points[1] == test::GdbFakeTarget::Point{PointKind::HwBreak, 0x80000104, 2});
        CHECK(target.points[2] == test::GdbFakeTarget::Point{PointKind::WriteWatch, 0x80000200, 8});
        CHECK(target.points[3] == test::GdbFakeTarget::Point{PointKind::ReadWatch, 0x80000208, 4});
        CHECK(gdb.cmd("Z4,80000300,4") == "E01");  // the target refuses it
        CHECK(gdb.cmd("Z5,80000300,4") == "");     // a kind nobody knows: unsupported
        CHECK(gdb.cmd("Z0,zz,4") == "E01");
        CHECK(gdb.cmd("Z0,80000100") == "E01");
        CHECK(gdb.cmd("z0,80000100,4") == "OK");
        CHECK(gdb.cmd("z0,80000100,4") == "E01");  // already gone
        CHECK(target.point_count() == 3);
    }
    SUBCASE("unknown and malformed packets change nothing") {
        auto before = cpu.values;
        CHECK(gdb.cmd("qFooBar") == "");
        CHECK(gdb.cmd("jUnknown") == "");
        CHECK(gdb.cmd("vFile:open:6a,0,0") == "");
        CHECK(gdb.cmd("") == "");
        gdb.raw("$g#00");  // bad checksum: refused, not executed
        CHECK(gdb.getc() == '-');
        gdb.raw("$P1=0000000000000000#zz");
        CHECK(gdb.getc() == '-');
        gdb.raw("noise between packets");
        gdb.raw("$" + std::string(3 * gdb::kMaxPacket, '1') + "#00");  // too long
        CHECK(gdb.getc() == '-');
        gdb.raw("$a*");  // run-length count missing: the stub nacks once the packet ends
        gdb.raw("#" + [] {
            char b[3];
            snprintf(b, sizeof b, "%02x", gdb::checksum("a*"));
            return std::string(b);
        }());
        CHECK(gdb.getc() == '-');
        // Resumes with bad arguments are refused and resume nothing.
        CHECK(gdb.cmd("czz") == "E01");
        CHECK(gdb.cmd("s8000000000000000000") == "E01");
        CHECK(gdb.cmd("Czz") == "E01");
        CHECK(gdb.cmd("S05;zz") == "E01");
        CHECK(gdb.cmd("vCont;") == "E01");
        CHECK(gdb.cmd("vCont;c:2") == "E01");  // nothing for our thread
        CHECK(vcpu.result(10ms) == std::nullopt);
        CHECK(gdb.cmd("?") == "T02thread:1;");
        // '-' asks for the last reply again.
        gdb.raw("-");
        CHECK(gdb.read_packet() == "T02thread:1;");
        CHECK(gdb.skipped == "");
        CHECK(cpu.values == before);
        CHECK(target.point_count() == 0);
        // Random, well-framed commands that do not resume: each gets a reply, nothing crashes.
        std::mt19937 rng(7);
        const std::string starts = "?gGpPmMXZzHTqQ!bBj";
        for (int i = 0; i < 300; i++) {
            std::string body(1, starts[rng() % starts.size()]);
            for (int n = rng() % 24; n > 0; n--) {
                char c = char(0x20 + rng() % 95);
                if (c != '$' && c != '#' && c != '*' && c != '}') body += c;
            }
            if (body == "QStartNoAckMode") continue;
            gdb.cmd(body);
        }
        CHECK(gdb.cmd("?") == "T02thread:1;");
    }

    // Resume and stop again, in every way GDB resumes.
    gdb.send_cmd("c");
    CHECK(vcpu.result() == Resume::Continue);
    vcpu.stop(event(StopReason::Breakpoint));
    CHECK(gdb.read_packet() == "T05thread:1;");

    gdb.send_cmd("s");
    CHECK(vcpu.result() == Resume::Step);
    vcpu.stop(event(StopReason::Step));
    CHECK(gdb.read_packet() == "T05thread:1;");

    CHECK(gdb.cmd("vCont?") == "vCont;c;C;s;S");
    gdb.send_cmd("vCont;s:1;c");
    CHECK(vcpu.result() == Resume::Step);
    StopEvent w = event(StopReason::Watchpoint);
    w.watch_addr = 0x80000040;
    vcpu.stop(w);
    CHECK(gdb.read_packet() == "T05watch:80000040;thread:1;");

    gdb.send_cmd("vCont;s:2;c:-1");  // the step is for a thread we do not have
    CHECK(vcpu.result() == Resume::Continue);
    w.watch_kind = 'r';
    vcpu.stop(w);
    CHECK(gdb.read_packet() == "T05rwatch:80000040;thread:1;");
    CHECK(gdb.cmd("vCont;t") == "E01");
    CHECK(gdb.cmd("vCont;x") == "E01");

    gdb.send_cmd("c80000100");  // continue at an address
    CHECK(vcpu.result() == Resume::Continue);
    CHECK(cpu.values[32] == 0x80000100);
    w.watch_kind = 'a';
    vcpu.stop(w);
    CHECK(gdb.read_packet() == "T05awatch:80000040;thread:1;");

    gdb.raw(gdb::frame("C05;80000200"));  // continue with a signal, at an address
    CHECK(gdb.getc() == '+');
    CHECK(vcpu.result() == Resume::Continue);
    CHECK(cpu.values[32] == 0x80000200);

    // Ctrl-C while the guest runs asks the target to stop; the stop is reported as SIGINT.
    int before = target.stop_requests;
    gdb.raw("\x03");
    REQUIRE(eventually([&] { return target.stop_requests == before + 1; }));
    vcpu.stop(event(StopReason::Interrupt));
    CHECK(gdb.read_packet() == "T02thread:1;");

    // Detach: OK, every point removed, the guest runs on.
    CHECK(gdb.cmd("Z0,80000100,4") == "OK");
    int removals = target.remove_all_calls;
    CHECK(gdb.cmd("D") == "OK");
    CHECK(vcpu.result() == Resume::Detach);
    CHECK(target.remove_all_calls == removals + 1);
    CHECK(target.point_count() == 0);
}

TEST_CASE("gdbstub: QStartNoAckMode stops the acks both ways") {
    test::GdbFakeTarget target;
    GdbStub stub(target, "tcp:127.0.0.1:0");
    Vcpu vcpu(stub);
    Client gdb(stub.port());
    REQUIRE(eventually([&] { return target.stop_requests == 1; }));
    vcpu.stop(event(StopReason::Interrupt));
    CHECK(gdb.cmd("QStartNoAckMode") == "OK");
    gdb.acks = false;
    CHECK(gdb.cmd("?") == "T02thread:1;");  // cmd() checks nothing came before the reply
    gdb.raw("$g#00");                       // bad checksum: dropped without a word
    gdb.raw("-");                           // and '-' no longer asks for a resend
    CHECK(gdb.cmd("qC") == "QC1");
    gdb.send_cmd("k");
    CHECK(vcpu.result() == Resume::Kill);
}

TEST_CASE("gdbstub: a connection dropped while the guest runs removes the points, the guest runs on") {
    test::GdbFakeTarget target;
    GdbStub stub(target, "tcp::0");
    Vcpu vcpu(stub);
    {
        Client gdb(stub.port());
        REQUIRE(eventually([&] { return target.stop_requests == 1; }));
        vcpu.stop(event(StopReason::Interrupt));
        CHECK(gdb.cmd("Z0,80000100,4") == "OK");
        gdb.send_cmd("c");
        CHECK(vcpu.result() == Resume::Continue);
    }  // the client vanishes
    // Points may be set: the stub asks for a stop to remove them on the vCPU thread.
    REQUIRE(eventually([&] { return target.stop_requests == 2; }));
    CHECK(!stub.debugger_connected());
    vcpu.stop(event(StopReason::Interrupt));
    CHECK(vcpu.result() == Resume::Continue);
    CHECK(target.remove_all_calls == 1);
    CHECK(target.point_count() == 0);
    // Without points, a stop is not requested again; and a later debugger is served.
    Client again(stub.port());
    REQUIRE(eventually([&] { return target.stop_requests == 3; }));
    vcpu.stop(event(StopReason::Interrupt));
    CHECK(again.cmd("?") == "T02thread:1;");
    again.send_cmd("c");
    CHECK(vcpu.result() == Resume::Continue);
    again.close();
    std::this_thread::sleep_for(100ms);
    CHECK(target.stop_requests == 3);
}

TEST_CASE("gdbstub: a connection dropped while stopped: points removed, Continue") {
    test::GdbFakeTarget target;
    GdbStub stub(target, "tcp::0");
    Vcpu vcpu(stub);
    Client gdb(stub.port());
    REQUIRE(eventually([&] { return target.stop_requests == 1; }));
    vcpu.stop(event(StopReason::Interrupt));
    CHECK(gdb.cmd("Z2,80000200,8") == "OK");
    gdb.raw("$m8000");  // half a packet, then the line goes dead
    gdb.close();
    CHECK(vcpu.result() == Resume::Continue);
    CHECK(target.remove_all_calls >= 1);
    CHECK(target.point_count() == 0);
}

TEST_CASE("gdbstub: -S waits for a debugger before the first instruction") {
    test::GdbFakeTarget target;
    GdbStub stub(target, "tcp::0", /*start_stopped=*/true);
    Vcpu vcpu(stub);
    vcpu.stop(event(StopReason::Interrupt), /*wait=*/true);
    CHECK(vcpu.result(200ms) == std::nullopt);  // still waiting
    Client gdb(stub.port());
    CHECK(gdb.cmd("?") == "T02thread:1;");
    gdb.send_cmd("c");
    CHECK(vcpu.result() == Resume::Continue);
    CHECK(target.stop_requests == 0);  // connecting to a stopped guest asks for nothing
    // Poweroff while GDB waits: W with the status, and the machine ends.
    StopEvent ex = event(StopReason::Exited);
    ex.exit_status = 3;
    vcpu.stop(ex);
    CHECK(vcpu.result() == Resume::Kill);
    CHECK(gdb.read_packet() == "W03");
}

TEST_CASE("gdbstub: without a debugger the guest is not held; close() frees a waiting vCPU") {
    test::GdbFakeTarget target;
    GdbStub stub(target, "tcp::0");
    Vcpu vcpu(stub);
    vcpu.stop(event(StopReason::Breakpoint));
    CHECK(vcpu.result() == Resume::Continue);
    vcpu.stop(event(StopReason::Interrupt), true);
    CHECK(vcpu.result(100ms) == std::nullopt);
    stub.close();
    CHECK(vcpu.result() == Resume::Kill);
}

TEST_CASE("gdbstub: a Ctrl-C that arrives while the stub serves stops the guest right after 'c'") {
    test::GdbFakeTarget target;
    GdbStub stub(target, "tcp::0");
    Vcpu vcpu(stub);
    Client gdb(stub.port());
    REQUIRE(eventually([&] { return target.stop_requests == 1; }));
    vcpu.stop(event(StopReason::Interrupt));
    CHECK(gdb.cmd("?") == "T02thread:1;");
    gdb.raw(gdb::frame("c") + "\x03");  // both before the vCPU gets to 'c'
    CHECK(gdb.getc() == '+');
    CHECK(vcpu.result() == Resume::Continue);
    REQUIRE(eventually([&] { return target.stop_requests == 2; }));
    vcpu.stop(event(StopReason::Interrupt));
    CHECK(gdb.read_packet() == "T02thread:1;");
    gdb.send_cmd("k");
    CHECK(vcpu.result() == Resume::Kill);
}

TEST_CASE("gdbstub: bad specs and busy ports are configuration errors") {
    test::GdbFakeTarget target;
    CHECK_THROWS_AS(GdbStub(target, "tcp::notaport"), ConfigError);
    GdbStub first(target, "tcp::0");
    try {
        GdbStub second(target, "tcp::" + std::to_string(first.port()));
        FAIL("bound a busy port");
    } catch (const ConfigError& e) {
        CHECK(e.message.find("cannot listen") != std::string::npos);
    }
}
