// -netdev user,..., -nic user,... and the netdev= and mac= properties of a NIC, as QEMU spells
// them. Every error is one ConfigError line naming the option and what was wrong.
//
//   -netdev user,id=ID[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...
//           [,net=ADDR[/PREFIX|/MASK]][,host=ADDR][,dns=ADDR][,dhcpstart=ADDR]
//           [,restrict=on|off][,ipv6=on|off][,hostname=NAME]
//   -nic none | user[,id=ID][,model=virtio-net-device][,mac=MAC][,any -netdev user option]
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "machines/machine_config.h"
#include "machines/net/netdev_config.h"

namespace tessera {

// The NIC model -nic makes (the only one there is).
inline constexpr const char* kNicModel = "virtio-net-device";

NetdevConfig parse_netdev_option(const std::string& spec);
// -nic: adds a netdev and a -device for it to cfg (nothing for `none`).
void parse_nic_option(const std::string& spec, MachineConfig& cfg);
// After every option: each NIC names a netdev that exists, each netdev has exactly one NIC,
// ids are unique, MACs parse.
void check_net_config(const MachineConfig& cfg);

// "52:54:00:12:34:56" (or with '-'); throws ConfigError (prefixed with `what`) for anything
// else, or a multicast address.
std::array<uint8_t, 6> parse_mac(const std::string& s, const std::string& what);
// QEMU's default MAC of the n-th NIC: 52:54:00:12:34:56, then :57, ...
std::array<uint8_t, 6> default_mac(unsigned n);

}  // namespace tessera
