#include "machines/virtio/virtio_registry.h"

#include <cstdlib>

#include "machines/virtio/virtio_console.h"
#include "machines/virtio/virtio_rng.h"
#include "util/error.h"

namespace tessera {

const std::vector<VirtioDeviceInfo>& virtio_device_infos() {
    static const std::vector<VirtioDeviceInfo> infos = {
        {"virtio-rng-device", "virtio-rng", "virtio entropy source, fed by the host's getrandom", {},
         [](const DeviceConfig&, const MachineConfig&) -> std::unique_ptr<VirtioDevice> {
             return std::make_unique<VirtioRng>();
         }},
        // virtio-console: the bus device, and the ports that sit on it (-chardev gives their host end).
        {"virtio-serial-device", "virtio-serial", "virtio-console bus for virtconsole and virtserialport ports",
         {{"max_ports", "=N  ports on the bus, 1 to 31 (default 31)"},
          {"emergency-write", "=on|off  offer VIRTIO_CONSOLE_F_EMERG_WRITE (default on)"}},
         [](const DeviceConfig& d, const MachineConfig&) -> std::unique_ptr<VirtioDevice> {
             uint32_t max_ports = VirtioSerial::kMaxPorts;
             if (const std::string* v = d.prop("max_ports")) {
                 char* end = nullptr;
                 long n = strtol(v->c_str(), &end, 10);
                 if (v->empty() || *end || n < 1 || n > long(VirtioSerial::kMaxPorts))
                     throw ConfigError{"-device virtio-serial-device: max_ports='" + *v + "' is not 1 to " +
                                       std::to_string(VirtioSerial::kMaxPorts)};
                 max_ports = uint32_t(n);
             }
             bool emerg = true;
             if (const std::string* v = d.prop("emergency-write")) {
                 if (*v == "on" || *v == "true") emerg = true;
                 else if (*v == "off" || *v == "false") emerg = false;
                 else throw ConfigError{"-device virtio-serial-device: emergency-write='" + *v + "' is not on or off"};
             }
             return std::make_unique<VirtioSerial>(max_ports, emerg);
         }},
        {"virtconsole", nullptr, "a console port (Linux: /dev/hvcN) on a virtio-serial-device",
         {{"chardev", "=ID  the -chardev it talks to (none: output dropped)"},
          {"name", "=NAME  a name the guest sees"},
          {"nr", "=N  port number (default: 0 if free, else the lowest free)"},
          {"bus", "=ID.0  the virtio-serial-device (default: the first)"}},
         nullptr, "virtio-serial-bus"},
        {"virtserialport", nullptr, "a named port (Linux: /dev/vportNpM) on a virtio-serial-device",
         {{"chardev", "=ID  the -chardev it talks to (none: output dropped)"},
          {"name", "=NAME  the name the guest sees (e.g. org.qemu.guest_agent.0)"},
          {"nr", "=N  port number, 1 or more (default: the lowest free)"},
          {"bus", "=ID.0  the virtio-serial-device (default: the first)"}},
         nullptr, "virtio-serial-bus"},
    };
    return infos;
}

const VirtioDeviceInfo* find_virtio_device(const std::string& name) {
    for (const VirtioDeviceInfo& i : virtio_device_infos())
        if (name == i.name || (i.alias && name == i.alias)) return &i;
    return nullptr;
}

}  // namespace tessera
