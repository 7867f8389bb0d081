#include "machines/virtio/virtio_blk_options.h"

#include <cstdio>
#include <map>

#include "machines/virtio/virtio_blk.h"
#include "util/error.h"

namespace tessera {

namespace {
constexpr const char* kBlkDevice = "virtio-blk-device";
}  // namespace

void attach_drives(MachineConfig& cfg) {
    std::map<std::string, unsigned> next_unit;  // per interface, for the anonymous drives
    std::map<std::string, int> users;           // drive id -> devices using it
    for (block::DriveOptions& d : cfg.drives) {
        if (d.id.empty()) d.id = d.interface + std::to_string(next_unit[d.interface]++);
        if (users.count(d.id)) throw ConfigError{"-drive: duplicate id '" + d.id + "'"};
        users[d.id] = 0;
    }
    // After the -device ones and in reverse: the bank fills transports downwards from the top
    // and Linux probes them upwards, so the first if=virtio drive becomes vda (on QEMU's virt
    // if=virtio means virtio-blk-pci, whose slots follow the command line).
    for (auto it = cfg.drives.rbegin(); it != cfg.drives.rend(); ++it)
        if (it->interface == "virtio") cfg.devices.push_back(DeviceConfig{kBlkDevice, {{"drive", it->id}}});
    for (const DeviceConfig& dev : cfg.devices) {
        if (dev.driver != kBlkDevice) continue;
        const std::string* id = dev.prop("drive");
        if (!id || id->empty()) throw ConfigError{"-device virtio-blk-device: drive= is missing (the id of a -drive)"};
        auto it = users.find(*id);
        if (it == users.end()) throw ConfigError{"-device virtio-blk-device: drive=" + *id + ": no -drive has id=" + *id};
        if (++it->second > 1) {
            bool implicit = false;
            for (const block::DriveOptions& d : cfg.drives) implicit |= d.id == *id && d.interface == "virtio";
            throw ConfigError{"-device virtio-blk-device: drive=" + *id + " is already in use" +
                              (implicit ? " (an if=virtio drive has a device of its own; give it if=none)" : "")};
        }
    }
    for (const block::DriveOptions& d : cfg.drives)
        if (users[d.id] == 0)
            fprintf(stderr, "tessera: warning: -drive id=%s is not used by any device (-device virtio-blk-device,drive=%s)\n",
                    d.id.c_str(), d.id.c_str());
}

std::unique_ptr<VirtioDevice> create_virtio_blk(const DeviceConfig& dev, const MachineConfig& cfg) {
    const std::string* id = dev.prop("drive");
    if (!id) throw ConfigError{"-device virtio-blk-device: drive= is missing (the id of a -drive)"};
    const block::DriveOptions* drive = nullptr;
    for (const block::DriveOptions& d : cfg.drives)
        if (d.id == *id) drive = &d;
    if (!drive) throw ConfigError{"-device virtio-blk-device: drive=" + *id + ": no -drive has id=" + *id};
    VirtioBlk::Options o;
    o.cache = parse_cache_mode(drive->cache);
    if (const std::string* s = dev.prop("serial")) {
        if (s->size() > virtio_blk::kIdBytes)
            throw ConfigError{"-device virtio-blk-device: serial='" + *s + "' is longer than 20 bytes"};
        o.serial = *s;
    }
    return std::make_unique<VirtioBlk>(block::open_drive(*drive), std::move(o));
}

}  // namespace tessera
