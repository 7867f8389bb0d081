#include "machines/virtio/virtio_input.h"

#include <cstring>

#include "machines/virtio/virtio_spec.h"
#include "util/log.h"

namespace tessera {

using namespace virtio_input;

VirtioInput::VirtioInput(Kind kind, InputHub* hub, std::string serial)
    : desc_(describe(kind)), serial_(std::move(serial)), hub_(hub) {
    fill_config(desc_, serial_, select_, subsel_, config_);
    // The listener looks at nothing of the transport until DRIVER_OK, so it may come first.
    if (hub_) sub_ = hub_->subscribe([this](const InputEvent& e) { on_input(e); }, desc_.absolute_pointer);
}

VirtioInput::~VirtioInput() {
    if (hub_) hub_->unsubscribe(sub_);  // waits out a listener call under way
}

uint32_t VirtioInput::device_id() const { return virtio::ID_INPUT; }

// ---- configuration space: the driver writes select and subsel, reads size and the union ----

uint64_t VirtioInput::config_read(uint32_t offset, unsigned size) {
    uint64_t v = 0;
    memcpy(&v, config_ + offset, size);  // the transport checked offset + size; little-endian host
    return v;
}

void VirtioInput::config_write(uint32_t offset, unsigned size, uint64_t value) {
    bool other = false;
    for (unsigned i = 0; i < size; i++) {
        uint8_t b = uint8_t(value >> (8 * i));
        if (offset + i == 0) select_ = b;
        else if (offset + i == 1) subsel_ = b;
        else other = true;
    }
    if (other)
        GUEST_ERROR("%s: config write of %u bytes at %u (only select and subsel are writable)\n", name(), size,
                    offset);
    fill_config(desc_, serial_, select_, subsel_, config_);
}

// ---- events from the hub (the sender's thread) ----

void VirtioInput::on_input(const InputEvent& e) {
    // What each kind takes, as QEMU's handlers' masks; then only codes its EV_BITS advertise.
    uint16_t type;
    switch (e.kind) {
    case InputKind::Key:
        if (desc_.kind != Kind::Keyboard) return;
        type = EV_KEY;
        break;
    case InputKind::Button:
        if (desc_.kind == Kind::Keyboard) return;
        type = EV_KEY;
        break;
    case InputKind::Rel:
        if (desc_.kind == Kind::Keyboard) return;
        type = EV_REL;
        break;
    case InputKind::Abs:
        if (desc_.kind != Kind::Tablet) return;
        type = EV_ABS;
        break;
    case InputKind::Sync: type = EV_SYN; break;
    default: return;
    }
    if (type != EV_SYN && !desc_.advertises(type, e.code)) return;
    {
        std::lock_guard<std::mutex> g(mu_);
        if (!active_) return;
        if (type != EV_SYN) {
            if (building_.size() < kMaxReportEvents) building_.push_back({type, e.code, e.value});
            else building_too_long_ = true;
            return;
        }
        if (building_too_long_) {
            GUEST_ERROR("%s: a report of more than %zu events, dropped\n", name(), kMaxReportEvents);
            building_.clear();
            building_too_long_ = false;
            dropped_++;
            return;
        }
        if (building_.empty()) return;  // a report of events this device does not take
        building_.push_back({EV_SYN, SYN_REPORT, 0});
        pending_events_ += building_.size();
        reports_.push_back(std::move(building_));
        building_.clear();
        while (pending_events_ > kMaxPendingEvents) {
            // The oldest whole report, but never one the guest has partly seen.
            size_t i = front_sent_ ? 1 : 0;
            if (reports_.size() <= i) break;
            pending_events_ -= reports_[i].size();
            reports_.erase(reports_.begin() + ptrdiff_t(i));
            dropped_++;
            if (!drop_logged_)
                GUEST_ERROR("%s: the driver takes no events; dropping the oldest reports\n", name());
            drop_logged_ = true;
        }
        if (delivery_posted_) return;
        delivery_posted_ = true;
    }
    // Outside the lock. Posted before a reset it is dropped; the reset cleared delivery_posted_.
    transport().post_completion([this] { deliver(); });
}

uint64_t VirtioInput::dropped_reports() {
    std::lock_guard<std::mutex> g(mu_);
    return dropped_;
}

size_t VirtioInput::pending_events() {
    std::lock_guard<std::mutex> g(mu_);
    return pending_events_;
}

// ---- the vCPU thread ----

void VirtioInput::deliver() {
    std::lock_guard<std::mutex> g(mu_);
    delivery_posted_ = false;
    if (!transport().queue_usable(kEventq)) return;
    Virtqueue& vq = transport().queue(kEventq);
    bool pushed = false;
    while (!reports_.empty() && transport().queue_usable(kEventq) && vq.pop(chain_)) {
        pushed = true;
        if (chain_.writable_bytes < kEventBytes) {
            GUEST_ERROR("%s: event buffer of %llu writable bytes (%u needed), returned empty\n", name(),
                        (unsigned long long)chain_.writable_bytes, kEventBytes);
            vq.push(chain_.head, 0);
            continue;
        }
        const std::vector<Event>& r = reports_.front();
        const Event& ev = r[front_sent_];
        uint8_t b[kEventBytes] = {uint8_t(ev.type), uint8_t(ev.type >> 8), uint8_t(ev.code), uint8_t(ev.code >> 8)};
        for (int i = 0; i < 4; i++) b[4 + i] = uint8_t(uint32_t(ev.value) >> (8 * i));
        vq.push(chain_.head, uint32_t(chain_.write(0, b, kEventBytes)));
        drop_logged_ = false;
        if (++front_sent_ == r.size()) {
            pending_events_ -= r.size();
            reports_.pop_front();
            front_sent_ = 0;
        }
    }
    if (pushed) transport().notify_used(kEventq);
}

void VirtioInput::take_status() {
    Virtqueue& vq = transport().queue(kStatusq);
    bool pushed = false;
    while (transport().queue_usable(kStatusq) && vq.pop(chain_)) {
        pushed = true;
        uint64_t n = chain_.readable_bytes / kEventBytes;
        if (n == 0)
            GUEST_ERROR("%s: status buffer of %llu readable bytes (%u needed), ignored\n", name(),
                        (unsigned long long)chain_.readable_bytes, kEventBytes);
        if (n > kMaxStatusEvents) {
            GUEST_ERROR("%s: status buffer of %llu events, the first %zu taken\n", name(), (unsigned long long)n,
                        kMaxStatusEvents);
            n = kMaxStatusEvents;
        }
        for (uint64_t i = 0; i < n; i++) {
            uint8_t b[kEventBytes];
            if (chain_.read(i * kEventBytes, b, kEventBytes) != kEventBytes) break;
            uint16_t type = uint16_t(b[0] | b[1] << 8), code = uint16_t(b[2] | b[3] << 8);
            uint32_t value = uint32_t(b[4]) | uint32_t(b[5]) << 8 | uint32_t(b[6]) << 16 | uint32_t(b[7]) << 24;
            // 5.8.6.2: events the device does not know are ignored (Linux may send EV_REP).
            if (type != EV_LED || !desc_.advertises(EV_LED, code)) continue;
            if (value) leds_ |= uint8_t(1u << code);
            else leds_ &= uint8_t(~(1u << code));
        }
        vq.push(chain_.head, 0);  // nothing written into it
    }
    if (pushed) transport().notify_used(kStatusq);
}

void VirtioInput::queue_notified(unsigned q) {
    if (q == kEventq) deliver();
    else if (q == kStatusq) take_status();
}

void VirtioInput::driver_ok() {
    std::lock_guard<std::mutex> g(mu_);
    active_ = true;
}

void VirtioInput::reset() {
    {
        std::lock_guard<std::mutex> g(mu_);
        active_ = false;
        delivery_posted_ = false;
        building_.clear();
        building_too_long_ = false;
        reports_.clear();
        front_sent_ = pending_events_ = 0;
        drop_logged_ = false;
    }
    select_ = subsel_ = 0;
    fill_config(desc_, serial_, select_, subsel_, config_);
    leds_ = 0;
    chain_.clear();
}

}  // namespace tessera
