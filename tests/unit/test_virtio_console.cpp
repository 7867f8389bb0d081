// virtio-console (virtio-serial-device) through the fake driver: port discovery over the
// control queues, data both ways, backpressure from a full chardev, a driver without
// MULTIPORT, reset, emergency write, and a hostile driver's control messages and buffers.
#include <doctest/doctest.h>

#include <map>

#include "machines/chardev/chardev.h"
#include "machines/virtio/virtio_console.h"
#include "tests/unit/virtio_test_driver.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::test;
using namespace tessera::virtio_console;

namespace {

// A chardev the test plays the host end of: it injects input and takes output by hand.
struct FakeChardev : Chardev {
    explicit FakeChardev(const char* id, size_t out_bytes = kOutputBytes) : Chardev(id, kInputBytes, out_bytes) {}
    const char* backend() const override { return "fake"; }
    void inject(const std::string& s) { push_input(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
    // Takes what the device wrote; wakes it if it was held back, as a backend thread does.
    std::string take() {
        std::string s;
        bool refused;
        {
            std::lock_guard<std::mutex> g(mu_);
            s.resize(out_.size());
            out_.pop(reinterpret_cast<uint8_t*>(s.data()), s.size());
            refused = out_refused_;
            out_refused_ = false;
        }
        if (refused) wake();
        return s;
    }
    void connect(bool c) { set_connected(c); }
};

struct Msg {
    uint32_t id;
    uint16_t event, value;
    std::string extra;
    bool operator==(const Msg& o) const { return id == o.id && event == o.event && value == o.value && extra == o.extra; }
};

// The fake driver for a virtio-serial device: every queue at its own place in RAM, buffers
// from a bump allocator, used entries read back with their buffers.
struct ConsoleBench : VirtioBench {
    static constexpr uint32_t kNum = 16;
    FakeChardev c0{"c0"}, c1{"c1"};
    VirtioSerial* dev = nullptr;
    uint32_t nq;
    std::vector<uint16_t> next_desc, last_used;
    std::vector<std::map<uint16_t, uint64_t>> addr_of;  // per queue: head -> its buffer
    uint64_t next_buf = kBuf;

    explicit ConsoleBench(uint32_t max_ports = 2, size_t c0_out = Chardev::kOutputBytes, size_t c1_out = Chardev::kOutputBytes)
        : c0("c0", c0_out), c1("c1", c1_out) {
        auto d = std::make_unique<VirtioSerial>(max_ports);
        CHECK(d->add_port(true, -1, "", &c0, "test") == 0);
        CHECK(d->add_port(false, -1, "org.x", &c1, "test") == 1);
        dev = d.get();
        t.plug(std::move(d));
        nq = 2 + 2 * max_ports;
        next_desc.assign(nq, 0);
        last_used.assign(nq, 0);
        addr_of.resize(nq);
    }
    static uint64_t qbase(unsigned q) { return kRam + 0x20000 + 0x2000 * q; }
    static uint64_t qdesc(unsigned q) { return qbase(q); }
    static uint64_t qavail(unsigned q) { return qbase(q) + 0x1000; }
    static uint64_t qused(unsigned q) { return qbase(q) + 0x1800; }

    void start_console(uint64_t features = bit(F_MULTIPORT)) {
        REQUIRE((negotiate(features) & STATUS_FEATURES_OK));
        for (unsigned q = 0; q < nq; q++) setup_queue(q, kNum, qdesc(q), qavail(q), qused(q));
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
        work.run_pending();
    }
    uint64_t alloc(uint32_t len) {
        if (next_buf + len > kBuf + 0x10000) next_buf = kBuf;
        uint64_t a = next_buf;
        next_buf += (len + 15) & ~15u;
        return a;
    }
    // One descriptor: a device-readable buffer holding data, or a writable one of len bytes.
    uint16_t add(unsigned q, const std::string& data, uint32_t writable_len = 0, bool notify_now = true) {
        uint32_t len = writable_len ? writable_len : uint32_t(data.size());
        uint64_t a = alloc(len ? len : 1);
        if (!data.empty()) REQUIRE(as.write_phys(a, data.data(), data.size()));
        uint16_t head = next_desc[q]++ % kNum;
        desc(qdesc(q), head, a, len, writable_len ? DESC_F_WRITE : 0);
        addr_of[q][head] = a;
        make_available(head, kNum, qavail(q));
        if (notify_now) notify(q);
        return head;
    }
    // Used entries since the last look: (buffer contents up to the used length, length).
    std::vector<std::pair<std::string, uint32_t>> used(unsigned q) {
        std::vector<std::pair<std::string, uint32_t>> out;
        for (; last_used[q] != used_idx(qused(q)); last_used[q]++) {
            unsigned slot = last_used[q] % kNum;
            uint16_t id = uint16_t(used_id(slot, qused(q)));
            uint32_t len = used_len(slot, qused(q));
            std::string s(std::min<uint32_t>(len, 4096), '\0');
            REQUIRE(as.read_phys(addr_of[q][id], s.data(), s.size()));
            out.emplace_back(s, len);
        }
        return out;
    }
    static std::string ctrl(uint32_t id, uint16_t event, uint16_t value) {
        std::string m(8, '\0');
        memcpy(m.data(), &id, 4);
        memcpy(m.data() + 4, &event, 2);
        memcpy(m.data() + 6, &value, 2);
        return m;
    }
    void send(uint32_t id, uint16_t event, uint16_t value) { add(kControlTx, ctrl(id, event, value)); }
    void give_control_buffers(int n) {
        for (int i = 0; i < n; i++) add(kControlRx, "", 64, false);
        notify(kControlRx);
    }
    std::vector<Msg> messages() {
        std::vector<Msg> out;
        for (auto& [s, len] : used(kControlRx)) {
            REQUIRE(len >= 8);
            Msg m;
            memcpy(&m.id, s.data(), 4);
            memcpy(&m.event, s.data() + 4, 2);
            memcpy(&m.value, s.data() + 6, 2);
            m.extra = s.substr(8, len - 8);
            out.push_back(m);
        }
        return out;
    }
    // The Linux driver's way up: DEVICE_READY, PORT_READY for each port, PORT_OPEN for port 0.
    void discover() {
        start_console();
        give_control_buffers(12);
        send(0xffffffff, DEVICE_READY, 1);
        send(0, PORT_READY, 1);
        send(1, PORT_READY, 1);
        send(0, PORT_OPEN, 1);
        messages();
    }
};

}  // namespace

TEST_CASE("virtio-console: identity, features and configuration space") {
    ConsoleBench b(3);
    CHECK(b.rd(mmio::DEVICE_ID) == 3);
    b.wr(mmio::DEVICE_FEATURES_SEL, 0);
    uint32_t f = b.rd(mmio::DEVICE_FEATURES);
    CHECK((f & bit(F_MULTIPORT)));
    CHECK((f & bit(F_EMERG_WRITE)));
    CHECK_FALSE((f & bit(F_SIZE)));
    CHECK(b.t.read(mmio::CONFIG + 0, 2) == 0);  // cols
    CHECK(b.t.read(mmio::CONFIG + 2, 2) == 0);  // rows
    CHECK(b.t.read(mmio::CONFIG + 4, 4) == 3);  // max_nr_ports
    CHECK(b.t.read(mmio::CONFIG + 8, 4) == 0);  // emerg_wr
    // Queue sizes: 128 for ports, 32 for control (QEMU's).
    b.wr(mmio::QUEUE_SEL, 0);
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 128);
    b.wr(mmio::QUEUE_SEL, kControlRx);
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 32);
    b.wr(mmio::QUEUE_SEL, 7);  // port 2's transmit queue: 2 + 2 * 3 queues in all
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 128);
    b.wr(mmio::QUEUE_SEL, 8);
    CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 0);
    // Emergency write: one character to port 0's chardev, before the driver is even up.
    b.t.write(mmio::CONFIG + 8, 4, 'E');
    CHECK(b.c0.take() == "E");
}

TEST_CASE("virtio-console: ports are discovered over the control queues") {
    ConsoleBench b;
    b.start_console();
    b.give_control_buffers(12);
    b.send(0xffffffff, DEVICE_READY, 1);  // Linux sends it with VIRTIO_CONSOLE_BAD_ID
    CHECK(b.messages() == std::vector<Msg>{{0, PORT_ADD, 1, ""}, {1, PORT_ADD, 1, ""}});
    b.send(0, PORT_READY, 1);
    CHECK(b.messages() == std::vector<Msg>{{0, CONSOLE_PORT, 1, ""}, {0, PORT_OPEN, 1, ""}});
    b.send(1, PORT_READY, 1);
    CHECK(b.messages() == std::vector<Msg>{{1, PORT_NAME, 1, "org.x"}, {1, PORT_OPEN, 1, ""}});
    // The host end goes away and comes back: PORT_OPEN 0, then 1, from the chardev's wake.
    b.c1.connect(false);
    b.work.run_pending();
    CHECK(b.messages() == std::vector<Msg>{{1, PORT_OPEN, 0, ""}});
    b.c1.connect(true);
    b.work.run_pending();
    CHECK(b.messages() == std::vector<Msg>{{1, PORT_OPEN, 1, ""}});
    // The driver's messages were all returned.
    CHECK(b.used(kControlTx).size() == 3);
    CHECK_FALSE(b.needs_reset());
}

TEST_CASE("virtio-console: control messages wait for the driver's buffers") {
    ConsoleBench b;
    b.start_console();
    b.give_control_buffers(1);
    b.send(0xffffffff, DEVICE_READY, 1);
    CHECK(b.messages() == std::vector<Msg>{{0, PORT_ADD, 1, ""}});
    b.give_control_buffers(4);
    CHECK(b.messages() == std::vector<Msg>{{1, PORT_ADD, 1, ""}});
    // A buffer too small for a message comes back unused; the message takes the next one.
    GuestErrorLog log;
    b.add(kControlRx, "", 4, false);
    b.send(1, PORT_READY, 1);  // PORT_NAME and PORT_OPEN: 3 buffers of 64 bytes are left
    auto u = b.used(kControlRx);
    REQUIRE(u.size() == 2);
    CHECK(u[0].first.substr(8, 5) == "org.x");  // the 64-byte buffers posted before it go first
    CHECK(u[1].second == 8);
    b.send(0, PORT_READY, 1);  // CONSOLE_PORT in the last 64-byte one; PORT_OPEN does not fit the small one
    u = b.used(kControlRx);
    REQUIRE(u.size() == 2);
    CHECK(u[0].second == 8);
    CHECK(u[1].second == 0);  // the small one, returned empty
    b.give_control_buffers(1);
    CHECK(b.messages() == std::vector<Msg>{{0, PORT_OPEN, 1, ""}});
    CHECK(log.count("control receive buffer of 4 bytes") == 1);
}

TEST_CASE("virtio-console: data both ways on the console and a named port") {
    ConsoleBench b;
    b.discover();
    // Guest to host.
    b.add(1, "hello, host\n");
    CHECK(b.c0.take() == "hello, host\n");
    auto u = b.used(1);
    REQUIRE(u.size() == 1);
    CHECK(u[0].second == 0);
    // Host to guest: the input waits in the chardev until the driver gives a buffer.
    b.c0.inject("abc");
    b.work.run_pending();
    CHECK(b.used(0).empty());
    b.add(0, "", 64);
    u = b.used(0);
    REQUIRE(u.size() == 1);
    CHECK(u[0] == std::pair<std::string, uint32_t>{"abc", 3});
    // With buffers posted, input goes straight in; a buffer smaller than the input takes its fill.
    b.add(0, "", 4);
    b.add(0, "", 64);
    b.c0.inject("0123456789");
    b.work.run_pending();
    u = b.used(0);
    REQUIRE(u.size() == 2);
    CHECK(u[0] == std::pair<std::string, uint32_t>{"0123", 4});
    CHECK(u[1] == std::pair<std::string, uint32_t>{"456789", 6});
    // Port 1 (queues 4 and 5): nothing comes in until the guest opens it.
    b.add(4, "", 64);
    b.c1.inject("for port 1");
    b.work.run_pending();
    CHECK(b.used(4).empty());
    b.send(1, PORT_OPEN, 1);
    u = b.used(4);
    REQUIRE(u.size() == 1);
    CHECK(u[0].first == "for port 1");
    b.add(5, "from port 1");
    CHECK(b.c1.take() == "from port 1");
    CHECK(b.c0.take().empty());
    CHECK_FALSE(b.needs_reset());
}

TEST_CASE("virtio-console: a full chardev holds a port's transmit queue back; a console drops instead") {
    ConsoleBench b(2, 16, 16);  // both chardevs take 16 bytes at a time
    b.discover();
    b.send(1, PORT_OPEN, 1);
    b.add(5, std::string(40, 'a'));
    b.add(5, "next");
    CHECK(b.used(5).empty());  // the first chain is only partly out
    CHECK(b.c1.take() == std::string(16, 'a'));
    b.work.run_pending();  // take() woke the device, as a backend thread does on room
    CHECK(b.used(5).empty());
    CHECK(b.c1.take() == std::string(16, 'a'));
    b.work.run_pending();
    // The rest of the first chain and all of the second fit.
    CHECK(b.used(5).size() == 2);
    CHECK(b.c1.take() == std::string(8, 'a') + "next");
    // A chardev nobody listens to drops output rather than holding the guest.
    b.c1.connect(false);
    b.work.run_pending();
    b.add(5, std::string(100, 'z'));
    CHECK(b.used(5).size() == 1);
    CHECK(b.c1.take().empty());
    // The console (port 0): what does not fit is dropped and the chain returned at once.
    b.add(1, std::string(20, 'c'));
    b.add(1, "after");
    CHECK(b.used(1).size() == 2);
    CHECK(b.c0.take() == std::string(16, 'c'));
    b.add(1, "after");
    CHECK(b.c0.take() == "after");
}

TEST_CASE("virtio-console: a driver without MULTIPORT has port 0 only") {
    ConsoleBench b;
    b.start_console(0);
    b.add(1, "plain");
    CHECK(b.c0.take() == "plain");
    b.add(0, "", 32);
    b.c0.inject("in");
    b.work.run_pending();
    auto u = b.used(0);
    REQUIRE(u.size() == 1);
    CHECK(u[0].first == "in");
    CHECK(b.used(kControlRx).empty());
}

TEST_CASE("virtio-console: reset forgets the driver's ports") {
    ConsoleBench b;
    b.discover();
    b.add(0, "", 64);
    b.wr(mmio::STATUS, 0);
    b.c0.inject("after reset");
    b.work.run_pending();
    CHECK(b.used(0).empty());
    // Up again: the input waited in the chardev and arrives once port 0 is open.
    std::fill(b.next_desc.begin(), b.next_desc.end(), 0);
    std::fill(b.last_used.begin(), b.last_used.end(), 0);
    for (unsigned q = 0; q < b.nq; q++) {
        b.poke<uint16_t>(ConsoleBench::qavail(q) + 2, 0);
        b.poke<uint16_t>(ConsoleBench::qused(q) + 2, 0);
    }
    b.discover();
    b.add(0, "", 64);
    auto u = b.used(0);
    REQUIRE(u.size() == 1);
    CHECK(u[0].first == "after reset");
}

TEST_CASE("virtio-console: a hostile driver's control messages and buffers are ignored, with a guest error") {
    ConsoleBench b(3);  // port 2 exists in the queues, not on the bus
    b.discover();
    GuestErrorLog log;
    b.add(kControlTx, std::string(4, '\x03'));  // short
    b.add(kControlTx, "", 16);                 // nothing readable at all
    b.send(7, PORT_READY, 1);                  // no such port
    b.send(0xffffffff, PORT_OPEN, 1);
    b.send(2, PORT_OPEN, 1);
    b.send(0, 99, 1);            // unknown event
    b.send(0, RESIZE, 1);        // the device's to send
    b.send(0, PORT_ADD, 1);      // the device's to send
    b.send(0xffffffff, DEVICE_READY, 0);
    b.send(1, PORT_READY, 0);
    CHECK(b.used(kControlTx).size() == 4 + 10);  // discover()'s four, then these ten
    CHECK(log.count("control message of") == 2);
    CHECK(log.count("which does not exist") == 3);
    CHECK(log.count("from the driver, ignored") == 3);
    CHECK(log.count("failed to set up") == 1);
    CHECK(log.count("failed to add port 1") == 1);
    CHECK(b.messages().empty());  // none of it made the device say anything
    // Data on the absent port's transmit queue is dropped; a receive buffer with nothing
    // writable comes back empty.
    b.add(7, "nobody");
    CHECK(b.used(7).size() == 1);
    CHECK(log.count("which has no port") == 1);
    b.c0.inject("x");
    b.add(0, "readable only");
    auto u = b.used(0);
    REQUIRE(u.size() == 1);
    CHECK(u[0].second == 0);
    CHECK(log.count("nothing writable") == 1);
    // Config writes other than emerg_wr are ignored.
    b.t.write(mmio::CONFIG + 4, 4, 1000);
    CHECK(b.t.read(mmio::CONFIG + 4, 4) == 3);
    // Through all of it the device kept working and never asked for a reset.
    CHECK_FALSE(b.needs_reset());
    b.add(1, "still fine");
    CHECK(b.c0.take() == "still fine");
    // A descriptor outside RAM is the transport's business: NEEDS_RESET, nothing touched.
    b.desc(ConsoleBench::qdesc(1), 9, VirtioBench::kHole, 64, 0);
    b.make_available(9, ConsoleBench::kNum, ConsoleBench::qavail(1));
    b.notify(1);
    CHECK(b.needs_reset());
    CHECK(b.c0.take().empty());
}

TEST_CASE("virtio-console: port numbers as QEMU gives them, and the errors") {
    auto err = [](auto fn) {
        try {
            fn();
        } catch (const ConfigError& e) {
            return e.message;
        }
        return std::string();
    };
    VirtioSerial s(4);
    CHECK(s.add_port(false, -1, "a", nullptr, "p") == 1);  // port 0 stays for a console
    CHECK(s.add_port(true, -1, "", nullptr, "p") == 0);
    CHECK(s.add_port(true, -1, "", nullptr, "p") == 2);
    CHECK(err([&] { s.add_port(false, 0, "", nullptr, "-device virtserialport"); }).find("port 0 is for a virtconsole") !=
          std::string::npos);
    CHECK(err([&] { s.add_port(false, 4, "", nullptr, "p"); }) == "p: port number 4 is out of range (max_ports=4)");
    CHECK(err([&] { s.add_port(false, 2, "", nullptr, "p"); }) == "p: port 2 is already taken");
    CHECK(err([&] { s.add_port(false, -1, "a", nullptr, "p"); }) == "p: a port named 'a' exists already");
    CHECK(err([&] { s.add_port(false, -1, std::string(256, 'n'), nullptr, "p"); }) == "p: name is 256 bytes, at most 255");
    CHECK(s.add_port(false, -1, "", nullptr, "p") == 3);
    CHECK(err([&] { s.add_port(false, -1, "", nullptr, "p"); }) == "p: the virtio-serial bus is full (max_ports=4)");
}
