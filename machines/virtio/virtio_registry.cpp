#include "machines/virtio/virtio_registry.h"

#include "machines/virtio/virtio_blk_options.h"
#include "machines/virtio/virtio_rng.h"

namespace tessera {

const std::vector<VirtioDeviceInfo>& virtio_device_infos() {
    static const std::vector<VirtioDeviceInfo> infos = {
        {"virtio-rng-device", "virtio-rng", "virtio entropy source, fed by the host's getrandom", {},
         [](const DeviceConfig&, const MachineConfig&) -> std::unique_ptr<VirtioDevice> {
             return std::make_unique<VirtioRng>();
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
