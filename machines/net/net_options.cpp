#include "machines/net/net_options.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <set>

#include "util/error.h"

namespace tessera {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out(1);
    for (char c : s) {
        if (c == sep) out.emplace_back();
        else out.back() += c;
    }
    return out;
}

bool parse_ipv4(const std::string& s, uint32_t* out) {
    in_addr a{};
    if (s.empty() || inet_pton(AF_INET, s.c_str(), &a) != 1) return false;
    *out = ntohl(a.s_addr);
    return true;
}

std::string ipv4_str(uint32_t v) {
    in_addr a{htonl(v)};
    char b[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, b, sizeof b);
    return b;
}

bool parse_uint(const std::string& s, unsigned long max, unsigned long* out) {
    if (s.empty() || s.size() > 10) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    *out = strtoul(s.c_str(), nullptr, 10);
    return *out <= max;
}

bool parse_bool(const std::string& v, bool* out) {
    if (v == "on" || v == "yes" || v == "true") *out = true;
    else if (v == "off" || v == "no" || v == "false") *out = false;
    else return false;
    return true;
}

// [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT
HostFwd parse_hostfwd(const std::string& spec, const std::string& what) {
    auto bad = [&](const std::string& why) {
        return ConfigError{what + ": bad hostfwd '" + spec + "': " + why +
                           " (expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)"};
    };
    HostFwd f;
    f.spec = spec;
    size_t colon = spec.find(':');
    if (colon == std::string::npos) throw bad("no protocol field");
    std::string proto = spec.substr(0, colon);
    if (proto == "udp") f.udp = true;
    else if (proto != "tcp" && !proto.empty()) throw bad("protocol '" + proto + "' is neither tcp nor udp");
    std::string rest = spec.substr(colon + 1);
    size_t dash = rest.find('-');
    if (dash == std::string::npos) throw bad("no '-' between the host and the guest side");
    auto side = [&](const std::string& s, const char* name, std::string* addr, uint16_t* port) {
        size_t c = s.rfind(':');
        if (c == std::string::npos) throw bad(std::string("the ") + name + " side has no ':PORT'");
        *addr = s.substr(0, c);
        uint32_t ip;
        if (!addr->empty() && !parse_ipv4(*addr, &ip)) throw bad(std::string(name) + " address '" + *addr + "' is not an IPv4 address");
        unsigned long p;
        if (!parse_uint(s.substr(c + 1), 65535, &p) || p == 0)
            throw bad(std::string(name) + " port '" + s.substr(c + 1) + "' is not a number from 1 to 65535");
        *port = uint16_t(p);
    };
    side(rest.substr(0, dash), "host", &f.host_addr, &f.host_port);
    side(rest.substr(dash + 1), "guest", &f.guest_addr, &f.guest_port);
    return f;
}

// QEMU's mask for net=ADDR without one: the address's class.
unsigned classful_prefix(uint32_t a) {
    if (!(a & 0x80000000u)) return 8;
    if ((a & 0xfff00000u) == 0xac100000u) return 12;  // 172.16/12
    if ((a & 0xffff0000u) == 0xc0a80000u) return 16;  // 192.168/16
    return 24;
}

// Applies one user-netdev option; false if `key` is not one.
bool user_option(NetdevConfig& n, const std::string& key, const std::string& value, const std::string& what) {
    auto need = [&](const std::string& ok) { return ConfigError{what + ": " + key + "='" + value + "': expected " + ok}; };
    if (key == "id") n.id = value;
    else if (key == "hostfwd") n.hostfwd.push_back(parse_hostfwd(value, what));
    else if (key == "net") {
        std::vector<std::string> p = split(value, '/');
        uint32_t addr;
        if (p.size() > 2 || !parse_ipv4(p[0], &addr)) throw need("ADDR[/PREFIX]");
        unsigned prefix = classful_prefix(addr);
        if (p.size() == 2) {
            unsigned long len;
            uint32_t mask;
            if (parse_uint(p[1], 32, &len)) {
                prefix = unsigned(len);
            } else if (parse_ipv4(p[1], &mask) && ((~mask + 1) & ~mask) == 0) {
                prefix = unsigned(__builtin_popcount(mask));
            } else {
                throw need("ADDR[/PREFIX], the prefix a length or a contiguous mask");
            }
        }
        if (prefix < 1 || prefix > 30) throw need("a network prefix from /1 to /30");
        uint32_t mask = ~0u << (32 - prefix);
        n.net = ipv4_str(addr & mask);
        n.prefix_len = prefix;
    } else if (key == "host" || key == "dns" || key == "dhcpstart") {
        uint32_t a;
        if (!parse_ipv4(value, &a)) throw need("an IPv4 address");
        (key == "host" ? n.host : key == "dns" ? n.dns : n.dhcpstart) = value;
    } else if (key == "restrict") {
        if (!parse_bool(value, &n.restrict_)) throw need("on or off");
    } else if (key == "ipv6") {
        if (!parse_bool(value, &n.ipv6)) throw need("on or off");
    } else if (key == "ipv4") {
        bool on;
        if (!parse_bool(value, &on) || !on) throw need("on (IPv4 cannot be turned off)");
    } else if (key == "hostname") n.hostname = value;
    else return false;
    return true;
}

constexpr const char* kUserOptions = "id, hostfwd, net, host, dns, dhcpstart, restrict, ipv6, hostname";

// Fills host, dns and dhcpstart from the network and checks that they lie in it.
void finish_user(NetdevConfig& n, const std::string& what) {
    uint32_t net = 0;
    parse_ipv4(n.net, &net);
    uint32_t mask = ~0u << (32 - n.prefix_len);
    auto in_net = [&](std::string& s, uint32_t host_part, const char* key) {
        if (s.empty()) s = ipv4_str(net | host_part);
        uint32_t a = 0;
        parse_ipv4(s, &a);
        if ((a & mask) != net || (a & ~mask) == 0 || (a & ~mask) == ~mask)
            throw ConfigError{what + ": " + key + "=" + s + " is not a host address in the network " + n.net + "/" +
                              std::to_string(n.prefix_len)};
    };
    // QEMU's: .2, .3 and .15 of the network.
    in_net(n.host, 2, "host");
    in_net(n.dns, 3, "dns");
    in_net(n.dhcpstart, 15, "dhcpstart");
    for (const HostFwd& f : n.hostfwd) {
        if (f.guest_addr.empty()) continue;
        uint32_t g = 0;
        parse_ipv4(f.guest_addr, &g);
        if ((g & mask) != net)
            throw ConfigError{what + ": hostfwd '" + f.spec + "': guest address " + f.guest_addr + " is not in the network " +
                              n.net + "/" + std::to_string(n.prefix_len)};
    }
}

std::string nic_count_id(const MachineConfig& cfg) {
    for (unsigned i = 0;; i++) {
        std::string id = "__nic" + std::to_string(i);
        bool taken = false;
        for (const NetdevConfig& n : cfg.netdevs) taken |= n.id == id;
        if (!taken) return id;
    }
}

}  // namespace

NetdevConfig parse_netdev_option(const std::string& spec) {
    std::vector<std::string> items = split(spec, ',');
    if (items[0] != "user")
        throw ConfigError{"-netdev: unsupported type '" + items[0] + "' (available: user)"};
    NetdevConfig n;
    for (size_t i = 1; i < items.size(); i++) {
        size_t eq = items[i].find('=');
        std::string key = items[i].substr(0, eq), value = eq == std::string::npos ? "" : items[i].substr(eq + 1);
        if (!user_option(n, key, value, "-netdev user"))
            throw ConfigError{"-netdev user: unknown option '" + key + "' (available: " + kUserOptions + ")"};
    }
    if (n.id.empty()) throw ConfigError{"-netdev user: id=ID is needed (a NIC names it with netdev=ID)"};
    n.option = "-netdev user,id=" + n.id;
    finish_user(n, n.option);
    return n;
}

void parse_nic_option(const std::string& spec, MachineConfig& cfg) {
    std::vector<std::string> items = split(spec, ',');
    if (items[0] == "none" && items.size() == 1) return;
    if (items[0] != "user") throw ConfigError{"-nic: unsupported type '" + items[0] + "' (available: user, none)"};
    NetdevConfig n;
    DeviceConfig dev;
    dev.driver = kNicModel;
    for (size_t i = 1; i < items.size(); i++) {
        size_t eq = items[i].find('=');
        std::string key = items[i].substr(0, eq), value = eq == std::string::npos ? "" : items[i].substr(eq + 1);
        if (key == "model") {
            if (value != kNicModel && value != "virtio-net" && value != "virtio")
                throw ConfigError{"-nic: unsupported model '" + value + "' (available: " + kNicModel + ")"};
        } else if (key == "mac") {
            parse_mac(value, "-nic");
            dev.props.emplace_back("mac", value);
        } else if (!user_option(n, key, value, "-nic user")) {
            throw ConfigError{"-nic user: unknown option '" + key + "' (available: model, mac, " + kUserOptions + ")"};
        }
    }
    n.option = n.id.empty() ? "-nic user" : "-nic user,id=" + n.id;
    if (n.id.empty()) n.id = nic_count_id(cfg);
    finish_user(n, n.option);
    for (const NetdevConfig& o : cfg.netdevs)
        if (o.id == n.id) throw ConfigError{"-nic: netdev id '" + n.id + "' is already defined"};
    dev.props.emplace_back("netdev", n.id);
    cfg.netdevs.push_back(std::move(n));
    cfg.devices.push_back(std::move(dev));
}

void check_net_config(const MachineConfig& cfg) {
    std::set<std::string> ids, used;
    for (const NetdevConfig& n : cfg.netdevs)
        if (!ids.insert(n.id).second) throw ConfigError{"-netdev: duplicate id '" + n.id + "'"};
    for (const DeviceConfig& d : cfg.devices) {
        if (d.driver != kNicModel) continue;
        const std::string* id = d.prop("netdev");
        if (!id) throw ConfigError{std::string("-device ") + kNicModel + ": netdev=ID is needed (with -netdev user,id=ID)"};
        if (!ids.count(*id))
            throw ConfigError{std::string("-device ") + kNicModel + ": netdev '" + *id +
                              "' is not defined (-netdev user,id=" + *id + " defines it)"};
        if (!used.insert(*id).second)
            throw ConfigError{std::string("-device ") + kNicModel + ": netdev '" + *id + "' is already used by another NIC"};
        if (const std::string* mac = d.prop("mac")) parse_mac(*mac, std::string("-device ") + kNicModel);
    }
    for (const NetdevConfig& n : cfg.netdevs)
        if (!used.count(n.id))
            throw ConfigError{"-netdev " + n.type + ",id=" + n.id + ": no NIC uses it (add -device " + kNicModel +
                              ",netdev=" + n.id + ")"};
}

std::array<uint8_t, 6> parse_mac(const std::string& s, const std::string& what) {
    std::array<uint8_t, 6> mac{};
    bool ok = s.size() == 17;
    for (size_t i = 0; ok && i < 6; i++) {
        if (i && s[3 * i - 1] != ':' && s[3 * i - 1] != '-') ok = false;
        for (size_t j = 0; ok && j < 2; j++) {
            char c = s[3 * i + j];
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (v < 0) ok = false;
            else mac[i] = uint8_t(mac[i] << 4 | v);
        }
    }
    if (!ok) throw ConfigError{what + ": mac='" + s + "' is not a MAC address like 52:54:00:12:34:56"};
    if (mac[0] & 1) throw ConfigError{what + ": mac='" + s + "' is a multicast address"};
    return mac;
}

std::array<uint8_t, 6> default_mac(unsigned n) {
    return {0x52, 0x54, 0x00, 0x12, 0x34, uint8_t(0x56 + n)};
}

}  // namespace tessera
