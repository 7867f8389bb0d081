// -drive and -device virtio-blk-device together, as QEMU ties them: each drive has an id
// (given, or "virtio0", "none0", ... as QEMU names anonymous ones), an if=virtio drive gets a
// virtio-blk-device of its own, and a drive= names exactly one drive that no other device uses.
// The if=virtio devices take the transports below the -device ones, the first drive lowest,
// so Linux calls the first if=virtio drive vda, the next vdb, as QEMU's virtio-blk-pci would.
#pragma once
#include <memory>

#include "machines/machine_config.h"
#include "machines/virtio/virtio_device.h"

namespace tessera {

// After the command line is read: names the drives, adds the implicit devices, checks every
// drive= (ConfigError, one line, for an unknown, missing or shared drive). A drive no device
// uses gets a warning on stderr (QEMU keeps it silently; here it is most likely a mistake).
void attach_drives(MachineConfig& cfg);

// -device virtio-blk-device,drive=ID[,serial=S]: opens the drive (ConfigError when the image
// cannot be used; nothing is written to it then).
std::unique_ptr<VirtioDevice> create_virtio_blk(const DeviceConfig& d, const MachineConfig& cfg);

}  // namespace tessera
