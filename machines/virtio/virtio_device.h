// A virtio device (rng, blk, net, console, gpu, input) and what it may ask of the transport
// that carries it. The device knows its id, its features, its configuration space and what
// to do with buffers; the transport (virtio_mmio.h; PCI later) owns the registers, the
// feature negotiation, the queues' set-up, the interrupt and the device status.
//
// Threads: every call in both directions is made on the vCPU thread, except
// VirtioTransport::post_completion, which any thread may call. A device with slow work (disk
// I/O) takes chains in queue_notified, hands them to its own thread, and that thread posts a
// completion, which runs on the vCPU thread and pushes the chain to the used ring and calls
// notify_used. The vCPU never waits for the host.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "machines/virtio/virtqueue.h"
#include "softmmu/guest_memory.h"

namespace tessera {

class VirtioTransport {
public:
    virtual ~VirtioTransport() = default;
    // Queue q of the device (q < num_queues()). Pop chains only while queue_usable(q).
    virtual Virtqueue& queue(unsigned q) = 0;
    virtual bool queue_usable(unsigned q) const = 0;
    // Chains were pushed on queue q: interrupt the driver if it asked for it.
    virtual void notify_used(unsigned q) = 0;
    // The configuration space changed: a new generation and a config-change interrupt.
    virtual void config_changed() = 0;
    // The driver broke a rule the device cannot recover from: DEVICE_NEEDS_RESET, a
    // config-change interrupt, one guest-error line; queues stay quiet until the driver resets.
    virtual void device_error(const std::string& why) = 0;
    // The features the driver accepted (valid once it set FEATURES_OK).
    virtual uint64_t driver_features() const = 0;
    virtual GuestMemory& memory() = 0;
    // Any thread: fn runs on the vCPU thread soon, unless the device is reset first (then it
    // is dropped: its chains belong to queues that no longer exist).
    virtual void post_completion(std::function<void()> fn) = 0;
};

class VirtioDevice {
public:
    virtual ~VirtioDevice() = default;

    // QEMU's name for it ("virtio-rng-device"), for messages.
    virtual const char* name() const = 0;
    virtual uint32_t device_id() const = 0;
    // Device-specific feature bits. The transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX.
    virtual uint64_t features() const { return 0; }
    virtual unsigned num_queues() const = 0;
    // The largest size queue q may have (a power of two, at most 32768).
    virtual uint32_t queue_max_size(unsigned q) const = 0;

    // The configuration space: offset + size <= config_size() (the transport checks).
    virtual uint32_t config_size() const { return 0; }
    virtual uint64_t config_read(uint32_t offset, unsigned size) { (void)offset, (void)size; return 0; }
    virtual void config_write(uint32_t offset, unsigned size, uint64_t value) { (void)offset, (void)size, (void)value; }

    // The driver set FEATURES_OK with these (a subset of what was offered, VERSION_1 in it).
    // False refuses them: FEATURES_OK then stays clear.
    virtual bool accept_features(uint64_t features) { (void)features; return true; }
    // The driver set DRIVER_OK: the device is live.
    virtual void driver_ok() {}
    // The driver made buffers available on queue q (it is usable). Pop, serve, push,
    // notify_used; or pop and hand the chains to the device's own thread.
    virtual void queue_notified(unsigned q) = 0;
    // The driver reset the device (or the board was reset). Back to power-on state. A device
    // with its own thread returns only once that thread holds no chain and will touch guest
    // RAM no more (completions it already posted are dropped by the transport).
    virtual void reset() = 0;

    void attach(VirtioTransport* t) { transport_ = t; }

protected:
    VirtioTransport& transport() { return *transport_; }

private:
    VirtioTransport* transport_ = nullptr;
};

}  // namespace tessera
