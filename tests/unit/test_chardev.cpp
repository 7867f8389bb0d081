// -chardev: option parsing and its errors, the byte ring, the file and socket backends with
// their threads, and how -device virtconsole / virtserialport find their bus and chardev.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "machines/chardev/chardev_options.h"
#include "machines/chardev/chardev_set.h"
#include "machines/chardev/chardev_stream.h"
#include "machines/device_options.h"
#include "machines/virtio/virtio_mmio_bank.h"
#include "softmmu/address_space.h"
#include "util/error.h"

using namespace tessera;

namespace {

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const ConfigError& e) {
        return e.message;
    }
    return "";
}

std::string temp_path(const char* name) {
    return "/tmp/tessera-chardev-test-" + std::to_string(getpid()) + "-" + name;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool wait_until(const std::function<bool()>& ok, int ms = 5000) {
    for (int i = 0; i < ms / 5; i++) {
        if (ok()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return ok();
}

}  // namespace

TEST_CASE("chardev: the byte ring wraps around") {
    ByteRing r(8);
    const uint8_t a[] = {1, 2, 3, 4, 5, 6};
    CHECK(r.push(a, 6) == 6);
    uint8_t out[8];
    CHECK(r.pop(out, 4) == 4);
    CHECK(out[3] == 4);
    CHECK(r.push(a, 6) == 6);  // wraps
    CHECK(r.push(a, 6) == 0);  // full
    CHECK(r.size() == 8);
    CHECK(r.pop(out, 8) == 8);
    CHECK(out[0] == 5);
    CHECK(out[1] == 6);
    CHECK(out[2] == 1);
    CHECK(out[7] == 6);
    CHECK(r.size() == 0);
}

TEST_CASE("chardev: -chardev options as QEMU spells them, and one error line for the rest") {
    ChardevConfig c = parse_chardev_option("socket,id=c0,host=127.0.0.1,port=4444,server=on,wait=off");
    CHECK(c.backend == "socket");
    CHECK(c.id == "c0");
    CHECK(*c.prop("port") == "4444");
    CHECK(*c.prop("server") == "on");
    CHECK(*c.prop("wait") == "off");
    // The old flag spellings: "server,nowait".
    c = parse_chardev_option("socket,id=s,port=5,server,nowait");
    CHECK(*c.prop("server") == "on");
    CHECK(*c.prop("wait") == "off");
    c = parse_chardev_option("file,id=f,path=/tmp/a,,b");
    CHECK(*c.prop("path") == "/tmp/a,b");
    CHECK(parse_chardev_option("null,id=n").backend == "null");
    CHECK(parse_chardev_option("stdio,id=s,mux=off").backend == "stdio");

    CHECK(error_of([] { parse_chardev_option("pty,id=p"); }) ==
          "-chardev: unknown backend 'pty' (available: null, stdio, file, socket)");
    CHECK(error_of([] { parse_chardev_option("null"); }) == "-chardev null: an id is needed (id=NAME)");
    CHECK(error_of([] { parse_chardev_option("socket,id=c,port=70000,server=on"); }) ==
          "-chardev socket: bad port '70000' (0 to 65535)");
    CHECK(error_of([] { parse_chardev_option("socket,id=c,port=http"); }).find("bad port 'http'") != std::string::npos);
    CHECK(error_of([] { parse_chardev_option("socket,id=c,server=on"); }).find("either host=H,port=P") != std::string::npos);
    CHECK(error_of([] { parse_chardev_option("socket,id=c,port=1,server=maybe"); }) ==
          "-chardev socket,server: 'maybe' is not on or off");
    CHECK(error_of([] { parse_chardev_option("file,id=f"); }) == "-chardev file,id=f: a path is needed (path=FILE)");
    CHECK(error_of([] { parse_chardev_option("null,id=n,path=x"); }) ==
          "-chardev null: unknown property 'path' (available: id)");
    CHECK(error_of([] { parse_chardev_option("stdio,id=s,mux=on"); }).find("mux=on is not supported") != std::string::npos);

    // stdio has one user, ids are unique.
    MachineConfig m;
    m.chardevs = {parse_chardev_option("stdio,id=s")};
    CHECK(error_of([&] { check_chardevs(m); }) ==
          "-chardev stdio,id=s: cannot use stdio by multiple character devices (the serial port has it; add -serial none)");
    m.serial_stdio = false;
    CHECK(error_of([&] { check_chardevs(m); }) == "");
    m.chardevs.push_back(parse_chardev_option("stdio,id=t"));
    CHECK(error_of([&] { check_chardevs(m); }).find("(-chardev s has it)") != std::string::npos);
    m.chardevs = {parse_chardev_option("null,id=a"), parse_chardev_option("null,id=a")};
    CHECK(error_of([&] { check_chardevs(m); }) == "-chardev: duplicate id 'a'");
}

TEST_CASE("chardev: a file is truncated when the machine starts, and removed if it never does") {
    std::string path = temp_path("file");
    unlink(path.c_str());
    {
        StreamChardev f(parse_chardev_option("file,id=f,path=" + path));
        struct stat st;
        CHECK(stat(path.c_str(), &st) == 0);  // opened (created) at once: a bad path is an early error
    }
    struct stat st;
    CHECK(stat(path.c_str(), &st) != 0);  // never started: gone again
    // An existing file is left alone until the machine starts, then truncated.
    { std::ofstream(path) << "old contents"; }
    {
        StreamChardev f(parse_chardev_option("file,id=f,path=" + path));
        CHECK(slurp(path) == "old contents");
    }
    CHECK(slurp(path) == "old contents");
    {
        StreamChardev f(parse_chardev_option("file,id=f,path=" + path));
        f.start([] { return false; });
        const char msg[] = "guest output\n";
        CHECK(f.write(reinterpret_cast<const uint8_t*>(msg), sizeof msg - 1) == sizeof msg - 1);
        f.stop();  // writes out what is buffered
        CHECK(slurp(path) == "guest output\n");
    }
    {
        StreamChardev f(parse_chardev_option("file,id=f,append=on,path=" + path));
        f.start([] { return false; });
        f.write(reinterpret_cast<const uint8_t*>("more\n"), 5);
    }
    CHECK(slurp(path) == "guest output\nmore\n");
    unlink(path.c_str());
    CHECK(error_of([] { StreamChardev f(parse_chardev_option("file,id=f,path=/nonexistent/dir/x")); })
              .find("cannot open '/nonexistent/dir/x'") != std::string::npos);
    CHECK(error_of([] { StreamChardev f(parse_chardev_option("file,id=f,path=/tmp")); }).find("'/tmp': Is a directory") !=
          std::string::npos);
}

TEST_CASE("chardev: a TCP server socket, both ways, with wakes and a client going away") {
    StreamChardev s(parse_chardev_option("socket,id=c,host=127.0.0.1,port=0,server=on,wait=off"));
    std::atomic<int> wakes{0};
    s.set_wake([&] { wakes++; });
    CHECK_FALSE(s.connected());
    // Output with nobody connected is dropped, not held.
    CHECK(s.write(reinterpret_cast<const uint8_t*>("lost"), 4) == 4);
    s.start([] { return false; });
    REQUIRE(s.listen_port() > 0);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa = {};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(uint16_t(s.listen_port()));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
    CHECK(wait_until([&] { return s.connected(); }));
    CHECK(wakes.load() >= 1);
    s.rearm_wake();

    // Host to device.
    REQUIRE(send(fd, "typed", 5, 0) == 5);
    CHECK(wait_until([&] { return s.input_available() == 5; }));
    CHECK(wakes.load() >= 2);
    uint8_t buf[64];
    CHECK(s.read(buf, sizeof buf) == 5);
    CHECK(std::string(reinterpret_cast<char*>(buf), 5) == "typed");
    // Device to host.
    CHECK(s.write(reinterpret_cast<const uint8_t*>("shown"), 5) == 5);
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    REQUIRE(n == 5);
    CHECK(std::string(reinterpret_cast<char*>(buf), 5) == "shown");

    // A host that sends faster than the device reads: the input buffer fills, then the
    // thread stops reading (TCP flow control holds the sender), nothing is lost.
    std::string big(Chardev::kInputBytes + 10000, 'x');
    for (size_t i = 0; i < big.size(); i++) big[i] = char('a' + i % 26);
    std::thread sender([&] {
        size_t off = 0;
        while (off < big.size()) {
            ssize_t w = send(fd, big.data() + off, big.size() - off, 0);
            if (w <= 0) break;
            off += size_t(w);
        }
    });
    CHECK(wait_until([&] { return s.input_available() == Chardev::kInputBytes; }));
    std::string got;
    while (got.size() < big.size()) {
        size_t k = s.read(buf, sizeof buf);
        if (k == 0 && !wait_until([&] { return s.input_available() > 0; })) break;
        got.append(reinterpret_cast<char*>(buf), k);
    }
    sender.join();
    CHECK(got == big);

    // The client goes: disconnected, and output is dropped again.
    s.rearm_wake();
    int before = wakes.load();
    close(fd);
    CHECK(wait_until([&] { return !s.connected(); }));
    CHECK(wakes.load() > before);
    CHECK(s.write(reinterpret_cast<const uint8_t*>("gone"), 4) == 4);
    s.stop();
}

TEST_CASE("chardev: a port in use and a client with nobody to connect to are one-line errors") {
    StreamChardev a(parse_chardev_option("socket,id=a,host=127.0.0.1,port=0,server=on,wait=off"));
    std::string port = std::to_string(a.listen_port());
    std::string e = error_of([&] {
        StreamChardev b(parse_chardev_option("socket,id=b,host=127.0.0.1,port=" + port + ",server=on,wait=off"));
    });
    CHECK(e == "-chardev socket,id=b: cannot listen on 127.0.0.1:" + port + ": Address already in use");
    a.stop();
    // A client of a server: connects at once, and talks.
    StreamChardev client(parse_chardev_option("socket,id=cl,host=127.0.0.1,port=" + port));
    CHECK(client.connected());
    std::string path = temp_path("nosock");
    CHECK(error_of([&] { StreamChardev c(parse_chardev_option("socket,id=u,path=" + path)); })
              .find("cannot connect to '" + path + "'") != std::string::npos);
}

TEST_CASE("chardev: a Unix socket server removes its socket file at the end") {
    std::string path = temp_path("sock");
    {
        StreamChardev s(parse_chardev_option("socket,id=u,server=on,wait=off,path=" + path));
        struct stat st;
        CHECK(stat(path.c_str(), &st) == 0);
        StreamChardev c(parse_chardev_option("socket,id=v,path=" + path));
        s.start([] { return false; });
        CHECK(wait_until([&] { return s.connected(); }));
    }
    struct stat st;
    CHECK(stat(path.c_str(), &st) != 0);
}

TEST_CASE("chardev: a server with wait=on holds the start until a client comes, or until told to stop") {
    StreamChardev s(parse_chardev_option("socket,id=w,host=127.0.0.1,port=0,server=on"));
    std::atomic<bool> stop{false};
    std::thread t([&] { s.start([&] { return stop.load(); }); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(s.connected());
    stop = true;  // the user pressed Ctrl-C while it waited
    t.join();
    CHECK_FALSE(s.connected());
}

TEST_CASE("chardev: -device virtconsole finds its bus and its chardev") {
    DeviceWork work;
    struct NoIrq : IrqSink {
        void set_irq(unsigned, bool) override {}
    } irq;
    auto bank = [&](const std::vector<std::string>& devices, const std::vector<std::string>& chardevs) {
        MachineConfig cfg;
        std::string help;
        for (const std::string& d : devices) cfg.devices.push_back(parse_device_option(d, &help));
        for (const std::string& c : chardevs) cfg.chardevs.push_back(parse_chardev_option(c));
        ChardevSet set(cfg);
        AddressSpace as;
        VirtioMmioBank b(as, work, 0x0a000000, 0x200, 4, [&](unsigned i) { return IrqLine{&irq, i}; });
        b.plug_devices(cfg, "test-board", &set);
        std::vector<uint32_t> ids;
        for (unsigned i = 0; i < b.count(); i++) ids.push_back(b.transport(i).device() ? b.transport(i).device()->device_id() : 0);
        return ids;
    };
    // Ports take no transport: four of them and three devices fit in four transports.
    CHECK(bank({"virtio-serial-device", "virtconsole,chardev=a", "virtserialport,chardev=b,name=x", "virtconsole",
                "virtio-rng", "virtserialport", "virtio-serial"},
               {"null,id=a", "null,id=b"}) == std::vector<uint32_t>{0, 3, 4, 3});
    CHECK(bank({"virtio-serial-device,id=s1", "virtio-serial-device,id=s2,max_ports=2", "virtserialport,bus=s2.0,nr=1",
                "virtserialport,bus=s1.0,nr=1"},
               {}) == std::vector<uint32_t>{0, 0, 3, 3});
    CHECK(error_of([&] { bank({"virtconsole"}, {}); }) ==
          "-device virtconsole: no virtio-serial bus (give -device virtio-serial-device before it)");
    CHECK(error_of([&] { bank({"virtconsole", "virtio-serial-device"}, {}); }).find("no virtio-serial bus") !=
          std::string::npos);
    CHECK(error_of([&] { bank({"virtio-serial-device", "virtconsole,chardev=nope"}, {}); }) ==
          "-device virtconsole: no -chardev with id 'nope'");
    CHECK(error_of([&] { bank({"virtio-serial-device", "virtconsole,chardev=a", "virtconsole,chardev=a"}, {"null,id=a"}); }) ==
          "-device virtconsole: chardev 'a' is already in use by -device virtconsole");
    CHECK(error_of([&] { bank({"virtio-serial-device,id=s", "virtconsole,bus=t.0"}, {}); }).find("no virtio-serial bus 't.0'") !=
          std::string::npos);
    CHECK(error_of([&] { bank({"virtio-serial-device,max_ports=2", "virtserialport,nr=2"}, {}); }) ==
          "-device virtserialport: port number 2 is out of range (max_ports=2)");
    CHECK(error_of([&] { bank({"virtio-serial-device", "virtserialport,nr=0"}, {}); }).find("port 0 is for a virtconsole") !=
          std::string::npos);
    CHECK(error_of([&] { bank({"virtio-serial-device", "virtserialport,nr=x"}, {}); }) ==
          "-device virtserialport: bad port number nr='x'");
    CHECK(error_of([&] { bank({"virtio-serial-device,max_ports=32"}, {}); }) ==
          "-device virtio-serial-device: max_ports='32' is not 1 to 31");
    CHECK(error_of([&] { bank({"virtio-serial-device,max_ports=1", "virtconsole", "virtconsole"}, {}); }) ==
          "-device virtconsole: the virtio-serial bus is full (max_ports=1)");
}
