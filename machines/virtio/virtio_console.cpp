#include "machines/virtio/virtio_console.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "machines/chardev/chardev_set.h"
#include "machines/machine_config.h"
#include "machines/virtio/virtio_spec.h"
#include "util/error.h"
#include "util/log.h"

namespace tessera {

using namespace virtio_console;

namespace {
constexpr size_t kChunk = 4096;

const char* event_name(uint16_t e) {
    static const char* names[] = {"DEVICE_READY", "PORT_ADD", "PORT_REMOVE", "PORT_READY",
                                  "CONSOLE_PORT", "RESIZE",   "PORT_OPEN",   "PORT_NAME"};
    return e < 8 ? names[e] : "unknown";
}
}  // namespace

VirtioSerial::VirtioSerial(uint32_t max_ports, bool emergency_write)
    : max_ports_(std::clamp<uint32_t>(max_ports, 1, kMaxPorts)), emergency_write_(emergency_write), buf_(kChunk) {}

VirtioSerial::~VirtioSerial() {
    for (auto& p : ports_)
        if (p->chr) p->chr->set_wake({});
}

uint32_t VirtioSerial::device_id() const { return virtio::ID_CONSOLE; }

uint64_t VirtioSerial::features() const {
    return virtio::bit(F_MULTIPORT) | (emergency_write_ ? virtio::bit(F_EMERG_WRITE) : 0);
}

uint32_t VirtioSerial::queue_max_size(unsigned q) const {
    return q == kControlRx || q == kControlTx ? kControlQueueSize : kPortQueueSize;
}

uint32_t VirtioSerial::add_port(bool console, int64_t nr, const std::string& name, Chardev* chr, const std::string& user) {
    auto taken = [&](uint32_t id) { return find_port(id) != nullptr; };
    uint32_t id;
    if (nr >= 0) {
        if (nr >= int64_t(max_ports_))
            throw ConfigError{user + ": port number " + std::to_string(nr) + " is out of range (max_ports=" +
                              std::to_string(max_ports_) + ")"};
        if (nr == 0 && !console)
            throw ConfigError{user + ": port 0 is for a virtconsole (as on QEMU, for old guests)"};
        if (taken(uint32_t(nr))) throw ConfigError{user + ": port " + std::to_string(nr) + " is already taken"};
        id = uint32_t(nr);
    } else if (console && !taken(0)) {
        id = 0;
    } else {
        id = 1;
        while (id < max_ports_ && taken(id)) id++;
        if (id >= max_ports_)
            throw ConfigError{user + ": the virtio-serial bus is full (max_ports=" + std::to_string(max_ports_) + ")"};
    }
    // PORT_NAME must fit the driver's control buffers (Linux: a page each).
    if (name.size() > kMaxNameBytes)
        throw ConfigError{user + ": name is " + std::to_string(name.size()) + " bytes, at most " +
                          std::to_string(kMaxNameBytes)};
    if (!name.empty())
        for (auto& p : ports_)
            if (p->name == name) throw ConfigError{user + ": a port named '" + name + "' exists already"};
    auto p = std::make_unique<Port>();
    p->id = id;
    p->console = console;
    p->name = name;
    p->chr = chr;
    if (chr) {
        // A chardev thread: input, room for output, a client came or went. Served on the vCPU thread.
        chr->set_wake([this, id] { transport().post_completion([this, id] { service_port(id); }); });
    }
    ports_.push_back(std::move(p));
    return id;
}

void VirtioSerial::add_port(const DeviceConfig& d, ChardevSet* chardevs) {
    bool console = d.driver == "virtconsole";
    std::string user = "-device " + d.driver;
    int64_t nr = -1;
    if (const std::string* v = d.prop("nr")) {
        char* end = nullptr;
        nr = strtoll(v->c_str(), &end, 10);
        if (v->empty() || *end || nr < 0) throw ConfigError{user + ": bad port number nr='" + *v + "'"};
    }
    Chardev* chr = nullptr;
    if (const std::string* id = d.prop("chardev")) {
        if (!chardevs) throw ConfigError{user + ": no -chardev with id '" + *id + "'"};
        chr = &chardevs->claim(*id, user);
    }
    add_port(console, nr, d.prop("name") ? *d.prop("name") : "", chr, user);
}

VirtioSerial::Port* VirtioSerial::find_port(uint32_t id) {
    for (auto& p : ports_)
        if (p->id == id) return p.get();
    return nullptr;
}

bool VirtioSerial::multiport() { return transport().driver_features() & virtio::bit(F_MULTIPORT); }

// ---- configuration space: cols and rows 0 (no F_SIZE), max_nr_ports, emerg_wr ----

uint64_t VirtioSerial::config_read(uint32_t offset, unsigned size) {
    uint8_t cfg[kConfigBytes] = {};
    memcpy(cfg + 4, &max_ports_, 4);  // little-endian host
    uint64_t v = 0;
    memcpy(&v, cfg + offset, size);  // the transport checked offset + size
    return v;
}

void VirtioSerial::config_write(uint32_t offset, unsigned size, uint64_t value) {
    // emerg_wr (5.3.4): one character for port 0, written even before the driver is up.
    if (emergency_write_ && offset == 8 && size == 4) {
        Port* p = find_port(0);
        uint8_t c = uint8_t(value);
        if (p && p->chr) p->chr->write(&c, 1);
        return;
    }
    GUEST_ERROR("%s: config write of %u bytes at %u (only emerg_wr is writable)\n", name(), size, offset);
}

// ---- control queues ----

void VirtioSerial::send_control(uint32_t id, uint16_t event, uint16_t value, const std::string& extra) {
    if (control_out_.size() >= kMaxPendingControl) {
        GUEST_ERROR("%s: the driver takes no control messages; %s for port %u dropped\n", name(), event_name(event), id);
        return;
    }
    std::vector<uint8_t> m(kControlBytes + extra.size());
    memcpy(m.data(), &id, 4);
    memcpy(m.data() + 4, &event, 2);
    memcpy(m.data() + 6, &value, 2);
    memcpy(m.data() + kControlBytes, extra.data(), extra.size());
    control_out_.push_back(std::move(m));
    flush_control();
}

void VirtioSerial::flush_control() {
    if (control_out_.empty() || !transport().queue_usable(kControlRx)) return;
    Virtqueue& vq = transport().queue(kControlRx);
    bool pushed = false;
    while (!control_out_.empty() && transport().queue_usable(kControlRx) && vq.pop(chain_)) {
        const std::vector<uint8_t>& m = control_out_.front();
        if (chain_.writable_bytes < m.size()) {
            // Linux gives whole pages; a buffer too small for the message is the driver's bug.
            GUEST_ERROR("%s: control receive buffer of %llu bytes for a %zu-byte %s message\n", name(),
                        (unsigned long long)chain_.writable_bytes, m.size(), event_name(uint16_t(m[4] | m[5] << 8)));
            vq.push(chain_.head, 0);
            pushed = true;
            continue;
        }
        size_t n = chain_.write(0, m.data(), m.size());
        vq.push(chain_.head, uint32_t(n));
        control_out_.pop_front();
        pushed = true;
    }
    if (pushed) transport().notify_used(kControlRx);
}

void VirtioSerial::handle_control(const DescChain& chain) {
    uint8_t m[kControlBytes];
    if (chain.readable_bytes < kControlBytes || chain.read(0, m, kControlBytes) != kControlBytes) {
        GUEST_ERROR("%s: control message of %llu bytes (at least %u expected), ignored\n", name(),
                    (unsigned long long)chain.readable_bytes, kControlBytes);
        return;
    }
    uint32_t id;
    uint16_t event, value;
    memcpy(&id, m, 4);
    memcpy(&event, m + 4, 2);
    memcpy(&value, m + 6, 2);
    if (event == DEVICE_READY) {
        if (!value) {
            GUEST_ERROR("%s: the driver failed to set up the device (DEVICE_READY 0)\n", name());
            return;
        }
        for (auto& p : ports_) send_control(p->id, PORT_ADD, 1);
        return;
    }
    if (event != PORT_READY && event != PORT_OPEN) {
        // RESIZE, CONSOLE_PORT, PORT_ADD, PORT_NAME... are the device's to send.
        GUEST_ERROR("%s: control event %u (%s) from the driver, ignored\n", name(), event, event_name(event));
        return;
    }
    Port* p = find_port(id);
    if (!p) {
        GUEST_ERROR("%s: %s for port %u, which does not exist, ignored\n", name(), event_name(event), id);
        return;
    }
    if (event == PORT_READY) {
        if (!value) {
            GUEST_ERROR("%s: the driver failed to add port %u (PORT_READY 0)\n", name(), id);
            return;
        }
        p->guest_ready = true;
        if (p->console) send_control(id, CONSOLE_PORT, 1);
        if (!p->name.empty()) send_control(id, PORT_NAME, 1, p->name);
        p->host_open_told = !p->chr || p->chr->connected();
        if (p->host_open_told) send_control(id, PORT_OPEN, 1);
        return;
    }
    // PORT_OPEN: a program opened or closed the port in the guest.
    p->guest_open = value != 0;
    if (p->guest_open) service_port(id);
}

// ---- data ----

void VirtioSerial::discard_tx(unsigned q) {
    Virtqueue& vq = transport().queue(q);
    bool pushed = false;
    while (transport().queue_usable(q) && vq.pop(chain_)) {
        GUEST_ERROR("%s: %llu bytes sent on queue %u, which has no port, dropped\n", name(),
                    (unsigned long long)chain_.readable_bytes, q);
        vq.push(chain_.head, 0);
        pushed = true;
    }
    if (pushed) transport().notify_used(q);
}

void VirtioSerial::pump_tx(Port& p) {
    unsigned q = tx_queue(p.id);
    if (!transport().queue_usable(q)) {
        p.tx_held = false;  // the queue went away: so did its chains
        return;
    }
    Virtqueue& vq = transport().queue(q);
    bool pushed = false;
    for (;;) {
        if (!p.tx_held) {
            if (!vq.pop(p.tx)) break;
            p.tx_held = true;
            p.tx_done = 0;
        }
        bool full = false;
        while (p.tx_done < p.tx.readable_bytes) {
            size_t n = p.tx.read(p.tx_done, buf_.data(), size_t(std::min<uint64_t>(kChunk, p.tx.readable_bytes - p.tx_done)));
            size_t w = p.chr ? p.chr->write(buf_.data(), n) : n;
            if (w < n && p.console) {
                // Linux's hvc spins with a lock held until the chain comes back, so a console
                // that a stuck reader holds back would hang the guest: drop instead (QEMU too).
                p.tx_done = p.tx.readable_bytes;
                break;
            }
            p.tx_done += w;
            if (w < n) {
                full = true;
                break;
            }
        }
        if (full) break;  // the chardev wakes us when it has room
        vq.push(p.tx.head, 0);
        p.tx_held = false;
        pushed = true;
    }
    if (pushed) transport().notify_used(q);
}

void VirtioSerial::pump_rx(Port& p) {
    // Input waits in the chardev until the driver has the port open (no MULTIPORT: port 0
    // is open once the driver is up).
    if (!p.chr || !(multiport() ? p.guest_open : p.id == 0)) return;
    unsigned q = rx_queue(p.id);
    Virtqueue& vq = transport().queue(q);
    bool pushed = false;
    while (p.chr->input_available() && transport().queue_usable(q) && vq.pop(p.rx)) {
        uint64_t room = p.rx.writable_bytes, done = 0;
        if (room == 0) GUEST_ERROR("%s: receive buffer of port %u with nothing writable\n", name(), p.id);
        while (done < room) {
            size_t n = p.chr->read(buf_.data(), size_t(std::min<uint64_t>(kChunk, room - done)));
            if (n == 0) break;
            done += p.rx.write(done, buf_.data(), n);
        }
        vq.push(p.rx.head, uint32_t(done));
        pushed = true;
    }
    if (pushed) transport().notify_used(q);
}

void VirtioSerial::tell_host_state(Port& p) {
    if (!p.chr || !multiport() || !p.guest_ready) return;
    bool c = p.chr->connected();
    if (c == p.host_open_told) return;
    p.host_open_told = c;
    send_control(p.id, PORT_OPEN, c ? 1 : 0);
}

void VirtioSerial::service_port(uint32_t id) {
    Port* p = find_port(id);
    if (!p) return;
    if (p->chr) p->chr->rearm_wake();
    tell_host_state(*p);
    pump_tx(*p);
    pump_rx(*p);
}

void VirtioSerial::queue_notified(unsigned q) {
    Virtqueue& vq = transport().queue(q);
    if (q == kControlRx) return flush_control();
    if (q == kControlTx) {
        bool pushed = false;
        while (transport().queue_usable(q) && vq.pop(chain_)) {
            DescChain c = chain_;  // handle_control may send, which pops into chain_
            handle_control(c);
            vq.push(c.head, 0);
            pushed = true;
        }
        if (pushed) transport().notify_used(q);
        return;
    }
    uint32_t id = q < 2 ? 0 : (q - 2) / 2;
    Port* p = find_port(id);
    bool tx = q & 1;
    if (!p) {
        if (tx) discard_tx(q);  // receive buffers of an absent port simply stay with the device
        return;
    }
    if (tx) pump_tx(*p);
    else pump_rx(*p);
}

void VirtioSerial::driver_ok() {
    // Without MULTIPORT there is no control queue: port 0 is live now.
    if (!multiport())
        if (Port* p = find_port(0)) service_port(p->id);
}

void VirtioSerial::reset() {
    control_out_.clear();
    for (auto& p : ports_) {
        p->guest_ready = p->guest_open = p->host_open_told = false;
        p->tx_held = false;
        p->tx.clear();
        p->rx.clear();
        if (p->chr) p->chr->rearm_wake();
    }
}

}  // namespace tessera
