#include "machines/virtio/virtio_net.h"

#include <algorithm>
#include <cstring>

#include "machines/virtio/virtio_net_csum.h"
#include "machines/virtio/virtio_spec.h"
#include "util/log.h"

namespace tessera {

using namespace virtio_net;
using virtio::bit;

VirtioNet::VirtioNet(const std::array<uint8_t, 6>& mac, const BackendOpener& open) : mac_(mac) {
    backend_ = open([this](const uint8_t* frame, size_t len) { receive(frame, len); });
}

VirtioNet::~VirtioNet() {
    backend_.reset();  // no receive() once this returns
}

uint32_t VirtioNet::device_id() const { return virtio::ID_NET; }

uint64_t VirtioNet::features() const {
    return bit(F_CSUM) | bit(F_GUEST_CSUM) | bit(F_MAC) | bit(F_MRG_RXBUF) | bit(F_STATUS);
}

uint64_t VirtioNet::config_read(uint32_t offset, unsigned size) {
    uint8_t cfg[kConfigSize];
    memcpy(cfg, mac_.data(), 6);
    uint16_t status = S_LINK_UP, pairs = 1, mtu = 1500;
    memcpy(cfg + 6, &status, 2);
    memcpy(cfg + 8, &pairs, 2);
    memcpy(cfg + 10, &mtu, 2);
    uint64_t v = 0;
    memcpy(&v, cfg + offset, size);  // the transport checked offset + size <= kConfigSize
    return v;
}

void VirtioNet::config_write(uint32_t offset, unsigned size, uint64_t) {
    // The MAC is the device's (5.1.4.2: a driver without VIRTIO_NET_F_CTRL_MAC_ADDR does not write it).
    GUEST_ERROR("%s: %u-byte write to the read-only configuration at %u ignored\n", name(), size, offset);
}

void VirtioNet::driver_ok() {
    uint64_t f = transport().driver_features();
    mrg_ = f & bit(F_MRG_RXBUF);
    guest_csum_ = f & bit(F_GUEST_CSUM);
    csum_ = f & bit(F_CSUM);
    accepting_.store(true);
}

void VirtioNet::reset() {
    accepting_.store(false);
    {
        std::lock_guard<std::mutex> g(rx_mu_);
        incoming_.clear();
        rx_posted_ = false;  // a completion already posted is dropped by the transport
    }
    pending_.clear();
    pending_count_.store(0);
    held_.clear();
    held_bytes_ = 0;
    mrg_ = guest_csum_ = csum_ = false;
}

void VirtioNet::queue_notified(unsigned q) {
    if (q == kRxQueue) deliver();
    else if (q == kTxQueue) transmit();
}

// ---- receive ----

void VirtioNet::receive(const uint8_t* frame, size_t len) {
    if (!accepting_.load() || len > kMaxFrame) {
        rx_dropped_++;
        return;
    }
    bool post = false;
    {
        std::lock_guard<std::mutex> g(rx_mu_);
        if (incoming_.size() + pending_count_.load() >= kMaxPendingFrames) {
            rx_dropped_++;
            return;
        }
        incoming_.emplace_back(frame, frame + len);
        post = !rx_posted_;
        rx_posted_ = true;
    }
    // One completion carries every frame that arrives before it runs.
    if (post) transport().post_completion([this] {
        {
            std::lock_guard<std::mutex> g(rx_mu_);
            rx_posted_ = false;
        }
        deliver();
    });
}

void VirtioNet::deliver() {
    if (!transport().queue_usable(kRxQueue)) return;  // the frames wait for the driver
    {
        std::lock_guard<std::mutex> g(rx_mu_);
        for (auto& f : incoming_) pending_.push_back(std::move(f));
        incoming_.clear();
        pending_count_.store(pending_.size());
    }
    bool pushed = false;
    while (!pending_.empty() && place(pending_.front(), &pushed)) pending_.pop_front();
    pending_count_.store(pending_.size());
    if (pushed) transport().notify_used(kRxQueue);
}

bool VirtioNet::place(const std::vector<uint8_t>& frame, bool* pushed) {
    Virtqueue& vq = transport().queue(kRxQueue);
    const uint64_t need = kHdrSize + frame.size();
    // Gather buffers: one chain holds a whole frame unless MRG_RXBUF lets it span several.
    while (mrg_ ? held_bytes_ < need : held_.empty()) {
        if (held_.size() >= vq.num) {
            // Every buffer of the queue is here and the frame still does not fit: it never will.
            rx_dropped_++;
            return true;
        }
        DescChain c;
        if (!transport().queue_usable(kRxQueue) || !vq.pop(c)) return false;
        if (!c.readable.empty() || c.writable_bytes < kHdrSize) {
            transport().device_error(!c.readable.empty() ? "receive buffer " + std::to_string(c.head) + " is device-readable"
                                                         : "receive buffer " + std::to_string(c.head) + " of " +
                                                               std::to_string(c.writable_bytes) + " bytes is smaller than the header");
            return false;
        }
        held_bytes_ += c.writable_bytes;
        held_.push_back(std::move(c));
    }
    if (!mrg_ && held_[0].writable_bytes < need) {
        rx_dropped_++;  // larger than the driver's buffers: it set them for a smaller MTU
        return true;
    }
    uint8_t hdr[kHdrSize] = {};
    if (guest_csum_ && netcsum::l4_checksum_valid(frame.data(), frame.size())) hdr[0] = HDR_F_DATA_VALID;
    hdr[1] = HDR_GSO_NONE;
    // Header and frame laid across the buffers in order; the header goes whole into the first
    // (each is at least kHdrSize), written last, once num_buffers is known.
    uint64_t left = need, frame_off = 0;
    size_t used = 0;
    lens_.clear();
    for (; left > 0; used++) {
        DescChain& c = held_[used];
        uint64_t n = std::min<uint64_t>(c.writable_bytes, left), at = used == 0 ? kHdrSize : 0;
        c.write(at, frame.data() + frame_off, size_t(n - at));
        frame_off += n - at;
        left -= n;
        lens_.push_back(uint32_t(n));
    }
    uint16_t num_buffers = uint16_t(used);
    memcpy(hdr + 10, &num_buffers, 2);
    held_[0].write(0, hdr, kHdrSize);
    for (size_t i = 0; i < used; i++) {
        vq.push(held_[i].head, lens_[i]);
        held_bytes_ -= held_[i].writable_bytes;
    }
    held_.erase(held_.begin(), held_.begin() + used);
    rx_frames_++;
    *pushed = true;
    return true;
}

// ---- transmit ----

bool VirtioNet::prepare_tx(const uint8_t* hdr, std::vector<uint8_t>& frame) {
    uint8_t flags = hdr[0], gso = hdr[1];
    uint16_t csum_start, csum_offset;
    memcpy(&csum_start, hdr + 6, 2);
    memcpy(&csum_offset, hdr + 8, 2);
    if (gso != HDR_GSO_NONE) {
        GUEST_ERROR("%s: transmit with gso_type %u, no segmentation offload was offered; frame dropped\n", name(), gso);
        return false;
    }
    if (flags & HDR_F_NEEDS_CSUM) {
        if (!csum_) {
            GUEST_ERROR("%s: NEEDS_CSUM without VIRTIO_NET_F_CSUM; frame dropped\n", name());
            return false;
        }
        if (!netcsum::complete_partial(frame.data(), frame.size(), csum_start, csum_offset)) {
            GUEST_ERROR("%s: checksum at %u+%u outside the %zu-byte frame; frame dropped\n", name(), csum_start,
                        csum_offset, frame.size());
            return false;
        }
    }
    return frame.size() >= 14;  // a runt carries no Ethernet header
}

void VirtioNet::transmit() {
    Virtqueue& vq = transport().queue(kTxQueue);
    bool pushed = false;
    while (transport().queue_usable(kTxQueue) && vq.pop(tx_chain_)) {
        uint64_t bytes = tx_chain_.readable_bytes;
        if (bytes < kHdrSize || bytes - kHdrSize > kMaxFrame) {
            transport().device_error("transmit chain " + std::to_string(tx_chain_.head) + " of " + std::to_string(bytes) +
                                     " bytes (the header is " + std::to_string(kHdrSize) + ", a frame at most " +
                                     std::to_string(kMaxFrame) + ")");
            break;
        }
        uint8_t hdr[kHdrSize];
        tx_chain_.read(0, hdr, kHdrSize);
        std::vector<uint8_t> frame(size_t(bytes - kHdrSize));
        tx_chain_.read(kHdrSize, frame.data(), frame.size());
        vq.push(tx_chain_.head, 0);  // copied: the buffers are the driver's again
        pushed = true;
        if (!prepare_tx(hdr, frame)) {
            tx_dropped_++;
            continue;
        }
        tx_frames_++;
        backend_->send(std::move(frame));
    }
    if (pushed) transport().notify_used(kTxQueue);
}

}  // namespace tessera
