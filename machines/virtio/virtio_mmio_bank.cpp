#include "machines/virtio/virtio_mmio_bank.h"

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

void VirtioMmioBank::plug_devices(const MachineConfig& cfg, const char* board) {
    if (cfg.devices.size() > transports_.size())
        throw ConfigError{"-device: " + std::string(board) + " has " + std::to_string(transports_.size()) +
                          " virtio-mmio transports, and " + std::to_string(cfg.devices.size()) + " devices were given"};
    unsigned next = count();
    for (const DeviceConfig& d : cfg.devices) {
        const VirtioDeviceInfo* info = find_virtio_device(d.driver);
        if (!info) throw ConfigError{"-device: unknown device '" + d.driver + "'"};
        transports_[--next]->plug(info->create(d, cfg));
    }
}

void VirtioMmioBank::reset() {
    for (auto& t : transports_) t->reset();
}

}  // namespace tessera
