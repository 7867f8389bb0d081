#include "machines/virtio/virtio_mmio_bank.h"

#include "machines/virtio/virtio_console.h"
#include "machines/virtio/virtio_registry.h"
#include "util/error.h"

namespace tessera {

VirtioMmioBank::VirtioMmioBank(AddressSpace& as, DeviceWork& work, uint64_t base, uint64_t stride, unsigned count,
                               const std::function<IrqLine(unsigned)>& irq)
    : mem_(as), base_(base), stride_(stride) {
    for (unsigned i = 0; i < count; i++) {
        transports_.push_back(std::make_unique<VirtioMmio>(base + stride * i, mem_, work, irq(i)));
        as.add_mmio("virtio_mmio", base + stride * i, stride, transports_.back().get());
    }
}

VirtioMmioBank::~VirtioMmioBank() = default;

void VirtioMmioBank::plug_devices(const MachineConfig& cfg, const char* board, ChardevSet* chardevs, Display* display) {
    size_t wanted = 0;
    for (const DeviceConfig& d : cfg.devices) {
        const VirtioDeviceInfo* info = find_virtio_device(d.driver);
        wanted += info && !info->bus;
    }
    if (wanted > transports_.size())
        throw ConfigError{"-device: " + std::string(board) + " has " + std::to_string(transports_.size()) +
                          " virtio-mmio transports, and " + std::to_string(wanted) + " devices were given"};
    unsigned next = count();
    std::vector<std::pair<std::string, VirtioSerial*>> serial_buses;  // (bus name "ID.0", device)
    for (const DeviceConfig& d : cfg.devices) {
        const VirtioDeviceInfo* info = find_virtio_device(d.driver);
        if (!info) throw ConfigError{"-device: unknown device '" + d.driver + "'"};
        if (info->bus) {
            plug_serial_port(d, serial_buses, chardevs);
            continue;
        }
        std::unique_ptr<VirtioDevice> dev = info->create(d, cfg, DeviceContext{display});
        if (auto* s = dynamic_cast<VirtioSerial*>(dev.get()))
            serial_buses.emplace_back(d.prop("id") ? *d.prop("id") + ".0" : "", s);
        transports_[--next]->plug(std::move(dev));
    }
}

// QEMU's rules: a port goes on the bus named by bus=ID.0, else on the first virtio-serial
// bus given before it.
void VirtioMmioBank::plug_serial_port(const DeviceConfig& d, std::vector<std::pair<std::string, VirtioSerial*>>& buses,
                                      ChardevSet* chardevs) {
    const std::string* bus = d.prop("bus");
    for (auto& [name, dev] : buses) {
        if (bus && *bus != name) continue;
        dev->add_port(d, chardevs);
        return;
    }
    if (bus) throw ConfigError{"-device " + d.driver + ": no virtio-serial bus '" + *bus + "' (a virtio-serial-device,id=ID given before it has bus ID.0)"};
    throw ConfigError{"-device " + d.driver + ": no virtio-serial bus (give -device virtio-serial-device before it)"};
}

void VirtioMmioBank::reset() {
    for (auto& t : transports_) t->reset();
}

std::string VirtioMmioBank::describe() const {
    std::string out;
    for (const auto& t : transports_)
        if (std::string d = t->describe(); !d.empty()) out += d + "\n";
    return out;
}

}  // namespace tessera
