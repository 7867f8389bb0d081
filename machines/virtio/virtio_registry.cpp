#include "machines/virtio/virtio_registry.h"

#include "machines/virtio/virtio_blk_options.h"
#include "machines/virtio/virtio_rng.h"
// virtio-net
#include "machines/net/net_options.h"
#include "machines/virtio/virtio_net.h"
// virtio-console
#include <cstdlib>

#include "machines/virtio/virtio_console.h"
#include "machines/virtio/virtio_rng.h"
// virtio-input
#include "display/display.h"
#include "machines/virtio/virtio_input.h"
#include "util/error.h"
// virtio-gpu
#include "display/display.h"
#include "machines/virtio/virtio_gpu.h"

namespace tessera {

namespace {
// virtio-input
std::unique_ptr<VirtioDevice> create_virtio_input(virtio_input::Kind kind, const DeviceConfig& d, const DeviceContext& ctx) {
    std::string serial;
    if (const std::string* s = d.prop("serial")) {
        if (s->size() > virtio_input::kMaxSerialBytes)
            throw ConfigError{"-device " + d.driver + ": serial is " + std::to_string(s->size()) + " bytes, at most " +
                              std::to_string(virtio_input::kMaxSerialBytes)};
        serial = *s;
    }
    return std::make_unique<VirtioInput>(kind, ctx.display ? &ctx.display->input() : nullptr, serial);
}
}  // namespace

const std::vector<VirtioDeviceInfo>& virtio_device_infos() {
    static const std::vector<VirtioDeviceInfo> infos = {
        {"virtio-rng-device", "virtio-rng", "virtio entropy source, fed by the host's getrandom", {},
         [](const DeviceConfig&, const MachineConfig&, const DeviceContext&) -> std::unique_ptr<VirtioDevice> {
             return std::make_unique<VirtioRng>();
         }},
        // virtio-net: -device virtio-net-device,netdev=ID[,mac=MAC], or -nic user,...
        {"virtio-net-device", "virtio-net", "virtio network card, connected to a -netdev",
         {{"netdev", "ID of the -netdev it connects to"}, {"mac", "its address (default 52:54:00:12:34:56, the next NIC :57...)"}},
         [](const DeviceConfig& d, const MachineConfig& cfg, const DeviceContext&) -> std::unique_ptr<VirtioDevice> {
             unsigned index = 0;  // QEMU numbers default MACs by the NIC's place on the command line
             for (const DeviceConfig& o : cfg.devices) {
                 if (&o == &d) break;
                 index += o.driver == kNicModel;
             }
             const std::string* mac = d.prop("mac");
             std::array<uint8_t, 6> addr = mac ? parse_mac(*mac, "-device virtio-net-device") : default_mac(index);
             const std::string* id = d.prop("netdev");
             const NetdevConfig* nd = nullptr;
             for (const NetdevConfig& n : cfg.netdevs)
                 if (id && n.id == *id) nd = &n;
             if (!nd) throw ConfigError{"-device virtio-net-device: netdev=ID must name a -netdev"};
             return std::make_unique<VirtioNet>(addr, [nd](NetBackend::Receiver rx) { return open_netdev(*nd, std::move(rx)); });
         }},
        // virtio-blk
        {"virtio-blk-device", "virtio-blk", "virtio block device on a -drive (raw or qcow2)",
         {{"drive", "the id of the -drive it serves (required)"},
          {"serial", "the disk's serial number, at most 20 bytes (GET_ID)"}},
         [](const DeviceConfig& d, const MachineConfig& cfg, const DeviceContext&) { return create_virtio_blk(d, cfg); }},
        // virtio-console: the bus device, and the ports that sit on it (-chardev gives their host end).
        {"virtio-serial-device", "virtio-serial", "virtio-console bus for virtconsole and virtserialport ports",
         {{"max_ports", "=N  ports on the bus, 1 to 31 (default 31)"},
          {"emergency-write", "=on|off  offer VIRTIO_CONSOLE_F_EMERG_WRITE (default on)"}},
         [](const DeviceConfig& d, const MachineConfig&, const DeviceContext&) -> std::unique_ptr<VirtioDevice> {
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
        // virtio-input: the board's input path (display/input.h) to the guest, as QEMU's three.
        {"virtio-keyboard-device", "virtio-keyboard", "virtio keyboard (evdev keys; the guest's LEDs come back)",
         {{"serial", "=S  the serial the guest reads (ID_SERIAL), at most 127 bytes"}},
         [](const DeviceConfig& d, const MachineConfig&, const DeviceContext& ctx) {
             return create_virtio_input(virtio_input::Kind::Keyboard, d, ctx);
         }},
        {"virtio-mouse-device", "virtio-mouse", "virtio mouse (relative motion, wheel, buttons)",
         {{"serial", "=S  the serial the guest reads (ID_SERIAL), at most 127 bytes"}},
         [](const DeviceConfig& d, const MachineConfig&, const DeviceContext& ctx) {
             return create_virtio_input(virtio_input::Kind::Mouse, d, ctx);
         }},
        {"virtio-tablet-device", "virtio-tablet", "virtio tablet (absolute pointer 0..0x7fff, wheel, buttons)",
         {{"serial", "=S  the serial the guest reads (ID_SERIAL), at most 127 bytes"}},
         [](const DeviceConfig& d, const MachineConfig&, const DeviceContext& ctx) {
             return create_virtio_input(virtio_input::Kind::Tablet, d, ctx);
         }},
        // virtio-gpu: the 2D device, on the board's display (one display device per board).
        {"virtio-gpu-device", "virtio-gpu", "virtio 2D graphics card with one output, shown on the board's display",
         {{"xres", "=N  the output's width the guest is offered (default 1280)"},
          {"yres", "=N  its height (default 800)"},
          {"max_outputs", "=1  outputs (only 1)"},
          {"edid", "=on|off  offer VIRTIO_GPU_F_EDID (default on)"}},
         [](const DeviceConfig& d, const MachineConfig&, const DeviceContext& ctx) -> std::unique_ptr<VirtioDevice> {
             VirtioGpu::Options o;
             auto number = [&](const char* prop, uint32_t lo, uint32_t hi, uint32_t dflt) {
                 const std::string* v = d.prop(prop);
                 if (!v) return dflt;
                 char* end = nullptr;
                 unsigned long n = strtoul(v->c_str(), &end, 10);
                 if (v->empty() || *end || (*v)[0] == '-' || n < lo || n > hi)
                     throw ConfigError{"-device virtio-gpu-device: " + std::string(prop) + "='" + *v + "' is not " +
                                       std::to_string(lo) + " to " + std::to_string(hi)};
                 return uint32_t(n);
             };
             o.xres = number("xres", 16, Display::kMaxWidth, o.xres);
             o.yres = number("yres", 16, Display::kMaxHeight, o.yres);
             number("max_outputs", 1, 1, 1);
             if (const std::string* v = d.prop("edid")) {
                 if (*v == "on" || *v == "true") o.edid = true;
                 else if (*v == "off" || *v == "false") o.edid = false;
                 else throw ConfigError{"-device virtio-gpu-device: edid='" + *v + "' is not on or off"};
             }
             if (!ctx.display) throw ConfigError{"-device virtio-gpu-device: this board has no display"};
             if (!ctx.display->attach_source("virtio-gpu-device"))
                 throw ConfigError{"-device virtio-gpu-device: the display is already driven by " +
                                   ctx.display->source_name() + " (one display device per board)"};
             return std::make_unique<VirtioGpu>(*ctx.display, o);
         }},
    };
    return infos;
}

const VirtioDeviceInfo* find_virtio_device(const std::string& name) {
    for (const VirtioDeviceInfo& i : virtio_device_infos())
        if (name == i.name || (i.alias && name == i.alias)) return &i;
    return nullptr;
}

}  // namespace tessera
