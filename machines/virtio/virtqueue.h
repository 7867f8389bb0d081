// A split virtqueue (virtio 1.x, 2.7) as the device sees it: the driver's descriptor table
// and available ring, the device's used ring, all in guest RAM.
//
// Nothing the guest wrote is trusted. Enabling the queue checks the size (a power of two up
// to the device's maximum) and that each ring is aligned and lies inside RAM; every chain
// walk checks each descriptor index against the table, bounds the chain by the table's size
// (so a loop ends as an error), checks each buffer [addr, addr + len) lies inside RAM, and
// the device-writable buffers come after the readable ones. The first violation calls
// on_error (the transport then sets DEVICE_NEEDS_RESET) and the queue stops: it pops nothing
// until it is reset. Host memory outside guest RAM is never touched.
//
// vCPU thread only (it writes the used ring, which may hold translated code). A device's I/O
// thread gets the host pointers of a chain's buffers (GuestBuffer::host) and leaves the used
// ring to the vCPU thread.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "softmmu/guest_memory.h"

namespace tessera {

// One buffer of a descriptor chain: checked to lie in guest RAM at pop time.
struct GuestBuffer {
    uint64_t addr;
    uint32_t len;
    uint8_t* host;
};

// One request: the chain that starts at `head`, split into what the device reads and what
// it writes. Reuse one object across pops to keep its vectors' storage.
class DescChain {
public:
    uint16_t head = 0;
    std::vector<GuestBuffer> readable, writable;
    uint64_t readable_bytes = 0, writable_bytes = 0;

    // Copies up to len bytes of the readable part, from `offset` on; returns the bytes copied.
    size_t read(uint64_t offset, void* dst, size_t len) const;
    // Copies into the writable part from `offset` on (translated code there is dropped);
    // returns the bytes copied.
    size_t write(uint64_t offset, const void* src, size_t len);
    // The first `bytes` of the writable part were filled through the host pointers (by an I/O
    // thread): drops translated code there. vCPU thread.
    void note_written(uint64_t bytes);
    void clear();

private:
    friend class Virtqueue;
    GuestMemory* mem_ = nullptr;
};

class Virtqueue {
public:
    // What the transport's registers set, while the queue is not ready.
    uint32_t num = 0;  // entries (QueueNum); 0 until the driver sets it
    uint64_t desc_addr = 0, driver_addr = 0, device_addr = 0;

    // Called once per violation, with what was wrong; the queue is broken from then on.
    std::function<void(const std::string&)> on_error;

    void set_max(uint32_t max) { max_ = max; }
    uint32_t max() const { return max_; }
    bool ready() const { return ready_; }
    bool broken() const { return broken_; }

    // QueueReady = 1: checks the layout (on_error and false if it is bad). `features` are the
    // negotiated ones (event index, indirect descriptors).
    bool enable(GuestMemory& mem, uint64_t features);
    // QueueReady = 0: the queue stops, keeping its addresses for a later enable.
    void disable() { ready_ = false; }
    // A device reset: the queue forgets its rings and indices.
    void reset();

    // Takes the next available chain into out. False when there is none, when the queue is
    // not ready, or on a violation (reported through on_error).
    bool pop(DescChain& out);
    // Whether the driver has made buffers available that pop() has not taken.
    bool has_available();
    // Returns a chain to the driver: id `head`, `written` bytes written into its buffers.
    void push(uint16_t head, uint32_t written);
    // After pushes: whether the driver wants a used-buffer interrupt now (2.7.7: the
    // available ring's NO_INTERRUPT flag, or used_event when EVENT_IDX was negotiated).
    bool should_notify();

    uint16_t last_avail() const { return last_avail_; }
    // For a state report: size, the driver's available index and flags, what the device
    // took and gave back.
    std::string describe() const;
    uint16_t used_idx() const { return used_idx_; }

private:
    bool fail(const std::string& why);
    bool walk(const uint8_t* table, uint32_t entries, uint16_t first, bool indirect, DescChain& out);
    uint16_t avail_idx() const;
    void write_used(uint64_t offset, const void* src, size_t len);

    GuestMemory* mem_ = nullptr;
    uint32_t max_ = 0;
    bool ready_ = false, broken_ = false;
    bool event_idx_ = false, indirect_ = false;
    // Host views of the three parts, checked by enable(); RAM never moves while the board lives.
    const uint8_t* desc_ = nullptr;
    const uint8_t* avail_ = nullptr;
    uint8_t* used_ = nullptr;
    uint16_t last_avail_ = 0, used_idx_ = 0;
    uint16_t signalled_used_ = 0;
    bool signalled_valid_ = false;  // no interrupt decided yet since the queue was enabled
};

}  // namespace tessera
