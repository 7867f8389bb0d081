// virtio-net (virtio 1.x, 5.1): one receive and one transmit queue, no control queue. Frames
// go to and come from a host network backend (machines/net/net_backend.h).
//
// Offered: MAC (the configured address), STATUS (link up), MRG_RXBUF (a frame may span
// several receive buffers: Linux's fast receive path), CSUM (the driver may leave a TCP/UDP
// checksum for the device to finish) and GUEST_CSUM (received frames whose TCP/UDP checksum
// the device checked are marked DATA_VALID, and the driver skips its own pass). No
// segmentation offloads: frames are at most MTU-sized both ways.
//
// Transmit: each chain is the 12-byte virtio_net_hdr and the frame; it is copied out, the
// chain returned at once, and the copy handed to the backend (which only queues it).
// Receive: frames arrive on the backend's thread and wait, at most kMaxPendingFrames of
// them, until the vCPU thread places them (a posted completion, or the driver adding
// buffers); beyond that they are dropped, as a full NIC drops.
//
// Nothing from the driver is trusted: a transmit chain shorter than the header or longer
// than header + kMaxFrame, a receive chain with device-readable buffers or smaller than the
// header, are device errors; a header asking for what was not negotiated drops that frame.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "machines/net/net_backend.h"
#include "machines/virtio/virtio_device.h"

namespace tessera {

namespace virtio_net {
// Feature bits (5.1.3).
constexpr unsigned F_CSUM = 0, F_GUEST_CSUM = 1, F_MTU = 3, F_MAC = 5, F_MRG_RXBUF = 15, F_STATUS = 16;
// virtio_net_hdr (5.1.6): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers.
constexpr size_t kHdrSize = 12;
constexpr uint8_t HDR_F_NEEDS_CSUM = 1, HDR_F_DATA_VALID = 2;
constexpr uint8_t HDR_GSO_NONE = 0;
constexpr uint16_t S_LINK_UP = 1;
constexpr unsigned kRxQueue = 0, kTxQueue = 1;
}  // namespace virtio_net

class VirtioNet : public VirtioDevice {
public:
    static constexpr uint32_t kQueueSize = 256;  // QEMU's
    // The largest frame either way (without the header): a 64 KiB IP packet, Ethernet and a
    // VLAN tag, as QEMU bounds it.
    static constexpr size_t kMaxFrame = 65550;
    static constexpr size_t kMaxPendingFrames = 1024;
    static constexpr uint32_t kConfigSize = 12;  // mac, status, max_virtqueue_pairs, mtu

    // Opens the backend with the device's receiver (a test passes a fake).
    using BackendOpener = std::function<std::unique_ptr<NetBackend>(NetBackend::Receiver)>;
    VirtioNet(const std::array<uint8_t, 6>& mac, const BackendOpener& open);
    ~VirtioNet() override;

    const char* name() const override { return "virtio-net-device"; }
    uint32_t device_id() const override;
    uint64_t features() const override;
    unsigned num_queues() const override { return 2; }
    uint32_t queue_max_size(unsigned) const override { return kQueueSize; }
    uint32_t config_size() const override { return kConfigSize; }
    uint64_t config_read(uint32_t offset, unsigned size) override;
    void config_write(uint32_t offset, unsigned size, uint64_t value) override;
    void driver_ok() override;
    void queue_notified(unsigned q) override;
    void reset() override;

    // Counters (vCPU thread; rx_dropped also counts drops on the backend's thread).
    uint64_t rx_frames() const { return rx_frames_; }
    uint64_t rx_dropped() const { return rx_dropped_.load(); }
    uint64_t tx_frames() const { return tx_frames_; }
    uint64_t tx_dropped() const { return tx_dropped_; }

private:
    void receive(const uint8_t* frame, size_t len);  // backend thread
    void deliver();
    // False when the receive queue has too few buffers for the frame (it waits).
    bool place(const std::vector<uint8_t>& frame, bool* pushed);
    void transmit();
    bool prepare_tx(const uint8_t* hdr, std::vector<uint8_t>& frame);

    std::array<uint8_t, 6> mac_;
    bool mrg_ = false, guest_csum_ = false, csum_ = false;  // negotiated, from DRIVER_OK

    // Backend thread -> vCPU thread.
    std::mutex rx_mu_;
    std::deque<std::vector<uint8_t>> incoming_;  // guarded by rx_mu_
    bool rx_posted_ = false;                     // guarded by rx_mu_: a completion is on its way
    std::atomic<bool> accepting_{false};         // DRIVER_OK and no reset since
    std::atomic<size_t> pending_count_{0};       // pending_.size(), for the backend's bound
    std::atomic<uint64_t> rx_dropped_{0};

    // vCPU thread.
    std::deque<std::vector<uint8_t>> pending_;  // taken from incoming_, waiting for buffers
    std::vector<DescChain> held_;              // receive chains popped, not yet filled
    uint64_t held_bytes_ = 0;
    std::vector<uint32_t> lens_;  // place(): bytes written into each buffer
    DescChain tx_chain_;
    uint64_t rx_frames_ = 0, tx_frames_ = 0, tx_dropped_ = 0;

    std::unique_ptr<NetBackend> backend_;  // last: its thread stops first
};

}  // namespace tessera
