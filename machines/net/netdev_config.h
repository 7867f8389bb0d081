// What -netdev and -nic ask for (machines/net/net_options.h parses them): a host-side network
// backend with an id that a NIC names with netdev=ID. Only QEMU's `user` (libslirp) exists.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

// hostfwd=tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, addresses as dotted quads
// (empty: any host address; the guest's DHCP address).
struct HostFwd {
    bool udp = false;
    std::string host_addr, guest_addr;
    uint16_t host_port = 0, guest_port = 0;
    std::string spec;  // as the user wrote it, for messages
};

struct NetdevConfig {
    std::string type = "user";
    std::string id;
    std::vector<HostFwd> hostfwd;
    // The guest's network, as QEMU's defaults: 10.0.2.0/24, the host (gateway) at .2, DNS
    // at .3, DHCP from .15. Filled in (derived from net=) by the parser: never empty after it.
    std::string net = "10.0.2.0";
    unsigned prefix_len = 24;
    std::string host, dns, dhcpstart;
    bool restrict_ = false;  // restrict=on: the guest reaches nothing outside (hostfwd still works)
    bool ipv6 = true;
    std::string hostname;     // DHCP's host name option, empty: none
    std::string option;       // how the command line gave it ("-nic user"), for messages
};

}  // namespace tessera
