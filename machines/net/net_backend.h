// A host-side network backend: Ethernet frames in from the guest's NIC, frames out to it.
// User-mode networking (slirp_backend.h) is one; a tap device would be another.
//
// Threads: send() is called on the vCPU thread and must not wait for the host (it hands the
// frame over and returns). A backend delivers frames for the guest from its own thread
// through the receiver it was opened with; the NIC then moves them to the vCPU thread itself
// (VirtioTransport::post_completion), where guest RAM is written.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "machines/net/netdev_config.h"

namespace tessera {

class NetBackend {
public:
    // A frame for the guest (an Ethernet frame, no virtio header). Backend thread.
    using Receiver = std::function<void(const uint8_t* frame, size_t len)>;

    // Stops the backend's thread: no receiver call once it returns.
    virtual ~NetBackend() = default;
    // A frame from the guest (Ethernet, no virtio header). vCPU thread; never blocks.
    virtual void send(std::vector<uint8_t> frame) = 0;
};

// The backend a -netdev asks for, delivering to `rx`; throws ConfigError (one line) when it
// cannot be set up (a hostfwd port that is taken, say).
std::unique_ptr<NetBackend> open_netdev(const NetdevConfig& cfg, NetBackend::Receiver rx);

}  // namespace tessera
