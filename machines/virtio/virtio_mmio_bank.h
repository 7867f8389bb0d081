// A board's row of virtio-mmio transports, as QEMU's virt boards lay them out: `count`
// register blocks `stride` bytes apart from `base`, each with its own interrupt line, all
// present whether or not a device sits in them (an empty one reads device id 0).
//
// Devices from -device go in as QEMU places them: QEMU creates the transports upwards and
// its bus list ends up in reverse, so the first -device lands in the highest-addressed
// transport and each next one in the transport below. A guest therefore finds the same
// device at the same address (and Linux gives it the same name) as on QEMU.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/irq.h"
#include "machines/device_work.h"
#include "machines/machine_config.h"
#include "machines/virtio/virtio_mmio.h"
#include "softmmu/address_space.h"
#include "softmmu/guest_memory.h"

namespace tessera {

class ChardevSet;
class Display;
class VirtioSerial;

class VirtioMmioBank {
public:
    // Adds the count MMIO regions to as; irq(i) is transport i's line.
    VirtioMmioBank(AddressSpace& as, DeviceWork& work, uint64_t base, uint64_t stride, unsigned count,
                   const std::function<IrqLine(unsigned)>& irq);
    ~VirtioMmioBank();

    // Makes cfg.devices and plugs them in QEMU's order. Throws ConfigError (one line) when
    // there are more devices than transports or a device refuses its properties. Devices on
    // a bus (virtconsole) go onto an earlier bus device and take no transport; chardevs are
    // where their chardev= ids are claimed.
    // display: the board's screen and input path, for display and input devices.
    void plug_devices(const MachineConfig& cfg, const char* board, ChardevSet* chardevs = nullptr,
                      Display* display = nullptr);
    void reset();

    unsigned count() const { return unsigned(transports_.size()); }
    uint64_t base(unsigned i) const { return base_ + stride_ * i; }
    uint64_t stride() const { return stride_; }
    VirtioMmio& transport(unsigned i) { return *transports_.at(i); }
    // Each transport with a device, for a state report.
    std::string describe() const;

private:
    void plug_serial_port(const DeviceConfig& d, std::vector<std::pair<std::string, VirtioSerial*>>& buses,
                          ChardevSet* chardevs);

    GuestMemory mem_;
    uint64_t base_, stride_;
    std::vector<std::unique_ptr<VirtioMmio>> transports_;
};

}  // namespace tessera
