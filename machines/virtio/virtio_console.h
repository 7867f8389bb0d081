// virtio-console (virtio 1.x, 5.3) as QEMU's virtio-serial-device: a bus of up to max_ports
// ports, each a byte stream between the guest and a host chardev (machines/chardev/). A
// virtconsole port is a console (Linux makes it /dev/hvcN; the first is port 0 and hvc0); a
// virtserialport is a named stream (/dev/vportNpM, its name in sysfs).
//
// Queues: 0/1 are port 0's receive/transmit, 2/3 the control receive/transmit, then two per
// port from port 1. With VIRTIO_CONSOLE_F_MULTIPORT the ports are announced over the control
// queues: the driver says DEVICE_READY, the device answers PORT_ADD for each port, the
// driver says PORT_READY for each, the device tells which is a console (CONSOLE_PORT), its
// name (PORT_NAME) and whether the host end is connected (PORT_OPEN); the driver says
// PORT_OPEN when a program opens the port. Without MULTIPORT only port 0 exists.
//
// Host I/O: output goes to the chardev's buffer; when it is full the chain of a
// virtserialport stays unfinished in the device and the transmit queue is not consumed
// further until the chardev's thread frees room (backpressure on the guest, never a wait on
// the vCPU). A console port drops what does not fit instead, as QEMU does: Linux's hvc
// driver spins, lock held, until its chain comes back, so holding it would hang the guest. Input is copied into
// receive buffers when the driver has opened the port; the chardev's thread wakes the device
// through the transport's post_completion, so all of it runs on the vCPU thread.
//
// A hostile driver: a short control message, an unknown event, a port id that does not
// exist, a receive buffer with nothing writable, data on an absent port's queue: one
// guest-error line each, the buffer returned, nothing else happens.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "machines/chardev/chardev.h"
#include "machines/virtio/virtio_device.h"

namespace tessera {

class ChardevSet;
struct DeviceConfig;

namespace virtio_console {
// Feature bits (5.3.3).
constexpr unsigned F_SIZE = 0, F_MULTIPORT = 1, F_EMERG_WRITE = 2;
// Control events (5.3.6.2).
enum Event : uint16_t {
    DEVICE_READY = 0, PORT_ADD = 1, PORT_REMOVE = 2, PORT_READY = 3, CONSOLE_PORT = 4, RESIZE = 5, PORT_OPEN = 6,
    PORT_NAME = 7,
};
constexpr uint32_t kControlBytes = 8;  // le32 id, le16 event, le16 value
constexpr uint32_t kConfigBytes = 12;  // le16 cols, le16 rows, le32 max_nr_ports, le32 emerg_wr
// Queue indices.
constexpr unsigned kControlRx = 2, kControlTx = 3;
constexpr unsigned rx_queue(uint32_t port) { return port == 0 ? 0 : 2 + 2 * port; }
constexpr unsigned tx_queue(uint32_t port) { return rx_queue(port) + 1; }
}  // namespace virtio_console

class VirtioSerial : public VirtioDevice {
public:
    static constexpr uint32_t kMaxPorts = 31;  // QEMU's default; 64 queues, the transport's limit
    static constexpr uint32_t kPortQueueSize = 128, kControlQueueSize = 32;  // QEMU's
    static constexpr size_t kMaxPendingControl = 256;
    static constexpr size_t kMaxNameBytes = 255;

    explicit VirtioSerial(uint32_t max_ports = kMaxPorts, bool emergency_write = true);
    ~VirtioSerial() override;  // the chardevs stop waking it

    // Before the guest runs. nr < 0: QEMU's choice (a console takes port 0 if it is free,
    // other ports the lowest free number from 1). chr may be null (no backend: output is
    // dropped, no input). Throws ConfigError (one line, naming `user`).
    uint32_t add_port(bool console, int64_t nr, const std::string& name, Chardev* chr, const std::string& user);
    // -device virtconsole / virtserialport: its properties, its chardev claimed from chardevs.
    void add_port(const DeviceConfig& d, ChardevSet* chardevs);
    uint32_t max_ports() const { return max_ports_; }

    const char* name() const override { return "virtio-serial-device"; }
    uint32_t device_id() const override;
    uint64_t features() const override;
    unsigned num_queues() const override { return 2 + 2 * max_ports_; }
    uint32_t queue_max_size(unsigned q) const override;
    uint32_t config_size() const override { return virtio_console::kConfigBytes; }
    uint64_t config_read(uint32_t offset, unsigned size) override;
    void config_write(uint32_t offset, unsigned size, uint64_t value) override;
    void driver_ok() override;
    void queue_notified(unsigned q) override;
    void reset() override;

private:
    struct Port {
        uint32_t id = 0;
        bool console = false;
        std::string name;
        Chardev* chr = nullptr;
        bool guest_ready = false;  // PORT_READY came
        bool guest_open = false;   // the driver opened it (PORT_OPEN 1)
        bool host_open_told = false;  // the PORT_OPEN value last sent
        // A transmit chain the chardev took only part of: finished when room frees up.
        DescChain tx;
        bool tx_held = false;
        uint64_t tx_done = 0;
        DescChain rx;
    };

    Port* find_port(uint32_t id);
    bool multiport();
    void handle_control(const DescChain& chain);
    void send_control(uint32_t id, uint16_t event, uint16_t value, const std::string& extra = {});
    void flush_control();
    void pump_tx(Port& p);
    void pump_rx(Port& p);
    void discard_tx(unsigned q);
    void service_port(uint32_t id);
    void tell_host_state(Port& p);

    uint32_t max_ports_;
    bool emergency_write_;
    std::vector<std::unique_ptr<Port>> ports_;
    std::deque<std::vector<uint8_t>> control_out_;  // to the driver, waiting for buffers
    DescChain chain_;
    std::vector<uint8_t> buf_;
};

}  // namespace tessera
