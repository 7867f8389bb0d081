#include "machines/virtio/virtio_registry.h"

#include "machines/virtio/virtio_blk_options.h"
#include "machines/virtio/virtio_rng.h"
// virtio-net
#include "machines/net/net_options.h"
#include "machines/virtio/virtio_net.h"

namespace tessera {

const std::vector<VirtioDeviceInfo>& virtio_device_infos() {
    static const std::vector<VirtioDeviceInfo> infos = {
        {"virtio-rng-device", "virtio-rng", "virtio entropy source, fed by the host's getrandom", {},
         [](const DeviceConfig&, const MachineConfig&) -> std::unique_ptr<VirtioDevice> {
             return std::make_unique<VirtioRng>();
         }},
        // virtio-net: -device virtio-net-device,netdev=ID[,mac=MAC], or -nic user,...
        {"virtio-net-device", "virtio-net", "virtio network card, connected to a -netdev",
         {{"netdev", "ID of the -netdev it connects to"}, {"mac", "its address (default 52:54:00:12:34:56, the next NIC :57...)"}},
         [](const DeviceConfig& d, const MachineConfig& cfg) -> std::unique_ptr<VirtioDevice> {
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
         create_virtio_blk},
    };
    return infos;
}

const VirtioDeviceInfo* find_virtio_device(const std::string& name) {
    for (const VirtioDeviceInfo& i : virtio_device_infos())
        if (name == i.name || (i.alias && name == i.alias)) return &i;
    return nullptr;
}

}  // namespace tessera
