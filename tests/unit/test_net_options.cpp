// -netdev user, -nic and virtio-net's netdev= and mac=: QEMU's spellings, the defaults, and one
// error line for everything else.
#include <doctest/doctest.h>

#include "app/options.h"
#include "machines/net/net_options.h"
#include "util/error.h"

using namespace tessera;

namespace {

std::string msg(const std::vector<std::string>& args) {
    try {
        parse_options(args);
    } catch (const ConfigError& e) {
        return e.message;
    }
    return "";
}

}  // namespace

TEST_CASE("-netdev user: QEMU's defaults, hostfwd tcp and udp, several of them") {
    Options o = parse_options({"-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp::5353-10.0.2.15:53,hostfwd=::8080-:80",
                               "-device", "virtio-net-device,netdev=n0"});
    REQUIRE(o.machine_cfg.netdevs.size() == 1);
    const NetdevConfig& n = o.machine_cfg.netdevs[0];
    CHECK(n.id == "n0");
    CHECK(n.net == "10.0.2.0");
    CHECK(n.prefix_len == 24);
    CHECK(n.host == "10.0.2.2");
    CHECK(n.dns == "10.0.2.3");
    CHECK(n.dhcpstart == "10.0.2.15");
    CHECK_FALSE(n.restrict_);
    REQUIRE(n.hostfwd.size() == 3);
    CHECK_FALSE(n.hostfwd[0].udp);
    CHECK(n.hostfwd[0].host_addr == "127.0.0.1");
    CHECK(n.hostfwd[0].host_port == 2222);
    CHECK(n.hostfwd[0].guest_addr.empty());
    CHECK(n.hostfwd[0].guest_port == 22);
    CHECK(n.hostfwd[1].udp);
    CHECK(n.hostfwd[1].host_addr.empty());
    CHECK(n.hostfwd[1].host_port == 5353);
    CHECK(n.hostfwd[1].guest_addr == "10.0.2.15");
    CHECK(n.hostfwd[1].guest_port == 53);
    CHECK_FALSE(n.hostfwd[2].udp);  // an empty protocol is tcp
    CHECK(n.hostfwd[2].host_port == 8080);
    REQUIRE(o.machine_cfg.devices.size() == 1);
    CHECK(o.machine_cfg.devices[0].driver == "virtio-net-device");
}

TEST_CASE("-netdev user: net= moves the defaults; host, dns, dhcpstart, restrict") {
    Options o = parse_options({"-netdev", "user,id=a,net=192.168.76.0/24,restrict=on", "-device", "virtio-net,netdev=a"});
    const NetdevConfig& n = o.machine_cfg.netdevs[0];
    CHECK(n.net == "192.168.76.0");
    CHECK(n.host == "192.168.76.2");
    CHECK(n.dns == "192.168.76.3");
    CHECK(n.dhcpstart == "192.168.76.15");
    CHECK(n.restrict_);
    o = parse_options({"-netdev", "user,id=a,net=10.9.8.7/255.255.0.0,host=10.9.0.1,dns=10.9.0.53,dhcpstart=10.9.1.100",
                       "-device", "virtio-net,netdev=a"});
    const NetdevConfig& m = o.machine_cfg.netdevs[0];
    CHECK(m.net == "10.9.0.0");
    CHECK(m.prefix_len == 16);
    CHECK(m.host == "10.9.0.1");
    CHECK(m.dns == "10.9.0.53");
    CHECK(m.dhcpstart == "10.9.1.100");
    // No mask: the address's class, as QEMU.
    CHECK(parse_options({"-netdev", "user,id=a,net=10.0.0.0", "-device", "virtio-net,netdev=a"}).machine_cfg.netdevs[0].prefix_len == 8);
    CHECK(parse_options({"-netdev", "user,id=a,net=192.168.0.0", "-device", "virtio-net,netdev=a"}).machine_cfg.netdevs[0].prefix_len == 16);
}

TEST_CASE("-nic: a user netdev and a virtio-net-device on it; none; MACs") {
    Options o = parse_options({"-nic", "user,hostfwd=tcp:127.0.0.1:5555-:22,model=virtio-net-device,mac=52:54:00:aa:bb:cc", "-nic", "user"});
    REQUIRE(o.machine_cfg.netdevs.size() == 2);
    REQUIRE(o.machine_cfg.devices.size() == 2);
    CHECK(o.machine_cfg.netdevs[0].hostfwd.size() == 1);
    CHECK(o.machine_cfg.devices[0].driver == "virtio-net-device");
    CHECK(*o.machine_cfg.devices[0].prop("netdev") == o.machine_cfg.netdevs[0].id);
    CHECK(*o.machine_cfg.devices[0].prop("mac") == "52:54:00:aa:bb:cc");
    CHECK(*o.machine_cfg.devices[1].prop("netdev") == o.machine_cfg.netdevs[1].id);
    CHECK(o.machine_cfg.netdevs[0].id != o.machine_cfg.netdevs[1].id);
    CHECK(parse_options({"-nic", "none"}).machine_cfg.devices.empty());
    CHECK(parse_options({"-nic", "user,id=x"}).machine_cfg.netdevs[0].id == "x");
    CHECK(parse_mac("52:54:00:AB:cd:0f", "t") == std::array<uint8_t, 6>{0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f});
    CHECK(parse_mac("52-54-00-12-34-56", "t") == default_mac(0));
    CHECK(default_mac(1)[5] == 0x57);
}

TEST_CASE("-netdev, -nic, netdev=: one error line each") {
    CHECK(msg({"-netdev", "user,id=n"}) == "-netdev user,id=n: no NIC uses it (add -device virtio-net-device,netdev=n)");
    CHECK(msg({"-netdev", "user"}) == "-netdev user: id=ID is needed (a NIC names it with netdev=ID)");
    CHECK(msg({"-netdev", "socket,id=n"}) == "-netdev: unsupported type 'socket' (available: user)");
    CHECK(msg({"-device", "virtio-net-device,netdev=x"}) ==
          "-device virtio-net-device: netdev 'x' is not defined (-netdev user,id=x defines it)");
    CHECK(msg({"-device", "virtio-net-device"}) == "-device virtio-net-device: netdev=ID is needed (with -netdev user,id=ID)");
    CHECK(msg({"-netdev", "user,id=n", "-device", "virtio-net,netdev=n", "-device", "virtio-net,netdev=n"}) ==
          "-device virtio-net-device: netdev 'n' is already used by another NIC");
    CHECK(msg({"-netdev", "user,id=n", "-netdev", "user,id=n", "-device", "virtio-net,netdev=n"}) == "-netdev: duplicate id 'n'");
    CHECK(msg({"-nic", "user,id=n", "-netdev", "user,id=n"}) == "-netdev: duplicate id 'n'");
    CHECK(msg({"-netdev", "user,id=n,frob=1"}).find("unknown option 'frob'") != std::string::npos);
    CHECK(msg({"-netdev", "user,id=n,restrict=maybe", "-device", "virtio-net,netdev=n"}) ==
          "-netdev user: restrict='maybe': expected on or off");
    CHECK(msg({"-netdev", "user,id=n,net=10.0.2.0/31", "-device", "virtio-net,netdev=n"}).find("/30") != std::string::npos);
    CHECK(msg({"-netdev", "user,id=n,net=10.0.2.0/255.0.255.0", "-device", "virtio-net,netdev=n"}).find("contiguous") != std::string::npos);
    CHECK(msg({"-netdev", "user,id=n,host=10.0.3.2", "-device", "virtio-net,netdev=n"}) ==
          "-netdev user,id=n: host=10.0.3.2 is not a host address in the network 10.0.2.0/24");
    CHECK(msg({"-netdev", "user,id=n,dhcpstart=10.0.2.255", "-device", "virtio-net,netdev=n"}).find("dhcpstart=10.0.2.255") != std::string::npos);
    CHECK(msg({"-nic", "user,hostfwd=tcp::1-10.0.9.1:2"}).find("guest address 10.0.9.1 is not in the network") != std::string::npos);
    for (const char* bad : {"tcp:2222-:22", "tcp::2222:22", "tcp::x-:22", "tcp::2222-:0", "tcp::65536-:22", "icmp::1-:2",
                            "tcp:localhost:1-:2", "tcp::1-:"}) {
        std::string m = msg({"-nic", std::string("user,hostfwd=") + bad});
        CHECK_MESSAGE(m.find(std::string("bad hostfwd '") + bad + "'") != std::string::npos, m);
    }
    CHECK(msg({"-nic", "user,model=e1000"}) == "-nic: unsupported model 'e1000' (available: virtio-net-device)");
    CHECK(msg({"-nic", "tap"}) == "-nic: unsupported type 'tap' (available: user, none)");
    CHECK(msg({"-nic", "user,mac=52:54:00:12:34"}).find("is not a MAC address") != std::string::npos);
    CHECK(msg({"-nic", "user,mac=03:54:00:12:34:56"}).find("multicast") != std::string::npos);
    CHECK(msg({"-netdev", "user,id=n", "-device", "virtio-net,netdev=n,mac=zz:54:00:12:34:56"}).find("mac='zz:54") != std::string::npos);
}
