// The virtio devices -device can name, under QEMU's names: what each is called, which
// properties it takes, and how to make one. A board plugs them into its transports
// (virtio_mmio_bank.h); a new device is one entry in virtio_registry.cpp.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "machines/machine_config.h"
#include "machines/virtio/virtio_device.h"

namespace tessera {

class Display;

struct DeviceProp {
    const char* name;
    const char* help;
};

// What a device may use of the board it is plugged into, beyond its configuration.
struct DeviceContext {
    Display* display = nullptr;  // the board's screen and input path (display/display.h)
};

struct VirtioDeviceInfo {
    const char* name;   // QEMU's: "virtio-rng-device"
    const char* alias;  // a shorter name also accepted, or nullptr
    const char* description;
    std::vector<DeviceProp> props;  // besides `id`, which every device takes
    // Throws ConfigError (one line) for a property value it cannot use.
    std::function<std::unique_ptr<VirtioDevice>(const DeviceConfig&, const MachineConfig&, const DeviceContext&)> create;
    // A device that sits on another device's bus rather than in a transport (a virtconsole
    // on a virtio-serial-device: "virtio-serial-bus"); create is then unused.
    const char* bus = nullptr;
};

const std::vector<VirtioDeviceInfo>& virtio_device_infos();
// By name or alias; null if there is none.
const VirtioDeviceInfo* find_virtio_device(const std::string& name);

}  // namespace tessera
