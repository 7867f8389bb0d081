// virtio-rng (virtio 1.x, 5.4): one queue; each chain's device-writable buffers are filled
// with random bytes from the host (getrandom), at most kMaxPerChain per chain.
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include "machines/virtio/virtio_device.h"

namespace tessera {

class VirtioRng : public VirtioDevice {
public:
    static constexpr size_t kMaxPerChain = 64 * 1024;
    static constexpr uint32_t kQueueSize = 8;  // QEMU's

    // entropy(buf, len) fills buf and returns the bytes it filled; getrandom by default.
    explicit VirtioRng(std::function<size_t(void*, size_t)> entropy = {});

    const char* name() const override { return "virtio-rng-device"; }
    uint32_t device_id() const override;
    unsigned num_queues() const override { return 1; }
    uint32_t queue_max_size(unsigned) const override { return kQueueSize; }
    void queue_notified(unsigned q) override;
    void reset() override {}

private:
    std::function<size_t(void*, size_t)> entropy_;
    DescChain chain_;
    std::vector<uint8_t> buf_;
};

// The host's randomness: getrandom(2), retried until len bytes or an error (then fewer).
size_t host_random(void* buf, size_t len);

}  // namespace tessera
