#include "machines/virtio/virtio_mmio.h"

#include <cstdio>
#include <stdexcept>

#include "machines/virtio/virtio_spec.h"
#include "util/log.h"

namespace tessera {

using namespace virtio;

namespace {
// The transport's own features, offered with every device's.
constexpr uint64_t kTransportFeatures = bit(F_VERSION_1) | bit(F_INDIRECT_DESC) | bit(F_EVENT_IDX);
}  // namespace

VirtioMmio::VirtioMmio(uint64_t base, GuestMemory& mem, DeviceWork& work, IrqLine irq)
    : mem_(mem), work_(work), irq_(irq) {
    char b[40];
    snprintf(b, sizeof b, "virtio-mmio@0x%llx", (unsigned long long)base);
    name_ = b;
}

VirtioMmio::~VirtioMmio() = default;

void VirtioMmio::plug(std::unique_ptr<VirtioDevice> dev) {
    if (dev_) throw std::logic_error(name_ + " already carries a device");
    if (dev->num_queues() > kMaxQueues) throw std::logic_error(std::string(dev->name()) + ": too many queues");
    dev_ = std::move(dev);
    dev_->attach(this);
    queues_.assign(dev_->num_queues(), Virtqueue{});
    for (unsigned q = 0; q < queues_.size(); q++) {
        queues_[q].set_max(dev_->queue_max_size(q));
        queues_[q].on_error = [this, q](const std::string& why) { device_error("queue " + std::to_string(q) + ": " + why); };
    }
}

uint64_t VirtioMmio::offered_features() const {
    return dev_ ? dev_->features() | kTransportFeatures : 0;
}

bool VirtioMmio::live() const {
    return (status_ & STATUS_DRIVER_OK) && !(status_ & STATUS_NEEDS_RESET);
}

bool VirtioMmio::queue_usable(unsigned q) const {
    return q < queues_.size() && live() && queues_[q].ready() && !queues_[q].broken();
}

// The line is high while any interrupt status bit is set; only changes reach the controller.
void VirtioMmio::update_irq() {
    if ((isr_ != 0) == line_) return;
    line_ = isr_ != 0;
    irq_.set(line_);
}

void VirtioMmio::notify_used(unsigned q) {
    if (q >= queues_.size() || !queues_[q].should_notify()) return;
    isr_ |= INT_USED_BUFFER;
    update_irq();
}

void VirtioMmio::config_changed() {
    config_generation_++;
    isr_ |= INT_CONFIG_CHANGE;
    update_irq();
}

void VirtioMmio::device_error(const std::string& why) {
    if (status_ & STATUS_NEEDS_RESET) return;  // one line per broken episode
    GUEST_ERROR("%s (%s): %s; device needs reset\n", name_.c_str(), dev_ ? dev_->name() : "empty", why.c_str());
    status_ |= STATUS_NEEDS_RESET;
    isr_ |= INT_CONFIG_CHANGE;  // 2.1.2: NEEDS_RESET comes with a configuration change notification
    update_irq();
}

void VirtioMmio::post_completion(std::function<void()> fn) {
    uint64_t epoch = epoch_.load();
    work_.post([this, epoch, fn = std::move(fn)] {
        if (epoch == epoch_.load()) fn();
    });
}

void VirtioMmio::reset() {
    if (dev_) dev_->reset();  // first: a device thread drains before the epoch moves on
    epoch_++;
    for (Virtqueue& q : queues_) q.reset();
    status_ = isr_ = 0;
    device_features_sel_ = driver_features_sel_ = queue_sel_ = shm_sel_ = 0;
    driver_features_ = 0;
    pending_notify_ = 0;
    update_irq();
}

std::string VirtioMmio::describe() const {
    if (!dev_) return {};
    char head[200];
    snprintf(head, sizeof head, "%s (%s): status 0x%x, isr %u, line %d, notes waiting 0x%llx%s", name_.c_str(), dev_->name(),
             status_, isr_, int(line_), (unsigned long long)pending_notify_, notify_posted_ ? " (posted)" : "");
    std::string out = head;
    for (size_t q = 0; q < queues_.size(); q++)
        if (queues_[q].ready()) out += "\n  queue " + std::to_string(q) + ": " + queues_[q].describe();
    return out;
}

// ---- notifications: served between blocks ----

void VirtioMmio::schedule_notified() {
    if (notify_posted_) return;
    notify_posted_ = true;
    work_.post([this] { run_notified(); });
}

void VirtioMmio::run_notified() {
    notify_posted_ = false;
    if (status_ & STATUS_NEEDS_RESET) pending_notify_ = 0;
    if (!live()) return;  // before DRIVER_OK the notes wait (2.1: no buffers used before it)
    while (pending_notify_) {
        unsigned q = __builtin_ctzll(pending_notify_);
        pending_notify_ &= pending_notify_ - 1;
        if (queue_usable(q)) dev_->queue_notified(q);
    }
}

// ---- registers ----

Virtqueue* VirtioMmio::selected_queue() {
    return queue_sel_ < queues_.size() ? &queues_[queue_sel_] : nullptr;
}

uint64_t VirtioMmio::read(uint64_t offset, unsigned size) {
    if (offset >= mmio::CONFIG) {
        uint64_t off = offset - mmio::CONFIG;
        uint32_t cs = dev_ ? dev_->config_size() : 0;
        if ((size != 1 && size != 2 && size != 4 && size != 8) || off >= cs || size > cs - off) {
            GUEST_ERROR("%s: config read of %u bytes at 0x%llx outside its %u bytes\n", name_.c_str(), size,
                        (unsigned long long)off, cs);
            return 0;
        }
        return dev_->config_read(uint32_t(off), size);
    }
    if (size != 4 || offset % 4) {
        GUEST_ERROR("%s: %u-byte read at 0x%llx (registers are 32-bit)\n", name_.c_str(), size, (unsigned long long)offset);
        return 0;
    }
    return read_reg(uint32_t(offset));
}

uint64_t VirtioMmio::read_reg(uint32_t reg) {
    switch (reg) {
    case mmio::MAGIC: return mmio::kMagic;
    case mmio::VERSION: return mmio::kVersion;
    case mmio::DEVICE_ID: return dev_ ? dev_->device_id() : ID_NONE;
    case mmio::VENDOR_ID: return mmio::kVendorQemu;
    default: break;
    }
    if (!dev_) return 0;
    switch (reg) {
    case mmio::DEVICE_FEATURES: return device_features_sel_ < 2 ? uint32_t(offered_features() >> (32 * device_features_sel_)) : 0;
    case mmio::QUEUE_NUM_MAX: return selected_queue() ? selected_queue()->max() : 0;
    case mmio::QUEUE_READY: return selected_queue() && selected_queue()->ready();
    case mmio::INTERRUPT_STATUS: return isr_;
    case mmio::STATUS: return status_;
    case mmio::CONFIG_GENERATION: return config_generation_;
    case mmio::SHM_LEN_LOW: case mmio::SHM_LEN_HIGH: case mmio::SHM_BASE_LOW: case mmio::SHM_BASE_HIGH:
        return 0xffffffff;  // no shared memory regions: "length -1"
    case mmio::QUEUE_RESET: return 0;
    default:
        GUEST_ERROR("%s: read of write-only or unknown register 0x%x\n", name_.c_str(), reg);
        return 0;
    }
}

void VirtioMmio::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset >= mmio::CONFIG) {
        uint64_t off = offset - mmio::CONFIG;
        uint32_t cs = dev_ ? dev_->config_size() : 0;
        if ((size != 1 && size != 2 && size != 4 && size != 8) || off >= cs || size > cs - off) {
            GUEST_ERROR("%s: config write of %u bytes at 0x%llx outside its %u bytes\n", name_.c_str(), size,
                        (unsigned long long)off, cs);
            return;
        }
        dev_->config_write(uint32_t(off), size, value);
        return;
    }
    if (size != 4 || offset % 4) {
        GUEST_ERROR("%s: %u-byte write at 0x%llx (registers are 32-bit)\n", name_.c_str(), size, (unsigned long long)offset);
        return;
    }
    if (!dev_) {
        GUEST_ERROR("%s: write to 0x%llx of a transport with no device\n", name_.c_str(), (unsigned long long)offset);
        return;
    }
    write_reg(uint32_t(offset), uint32_t(value));
}

void VirtioMmio::write_reg(uint32_t reg, uint32_t value) {
    Virtqueue* q = selected_queue();
    // Queue set-up registers take effect only on a selected, existing queue that is not live.
    auto setup = [&](const char* what) -> Virtqueue* {
        if (q && !q->ready()) return q;
        GUEST_ERROR("%s: %s of queue %u ignored (%s)\n", name_.c_str(), what, queue_sel_, q ? "queue is ready" : "no such queue");
        return nullptr;
    };
    auto set_lo = [](uint64_t& a, uint32_t v) { a = (a & ~0xffffffffull) | v; };
    auto set_hi = [](uint64_t& a, uint32_t v) { a = (a & 0xffffffffull) | uint64_t(v) << 32; };
    switch (reg) {
    case mmio::DEVICE_FEATURES_SEL: device_features_sel_ = value; break;
    case mmio::DRIVER_FEATURES_SEL: driver_features_sel_ = value; break;
    case mmio::DRIVER_FEATURES:
        if (status_ & STATUS_FEATURES_OK) {
            GUEST_ERROR("%s: driver features written after FEATURES_OK\n", name_.c_str());
        } else if (driver_features_sel_ == 0) {
            set_lo(driver_features_, value);
        } else if (driver_features_sel_ == 1) {
            set_hi(driver_features_, value);
        } else if (value) {
            GUEST_ERROR("%s: driver features word %u: 0x%x not offered\n", name_.c_str(), driver_features_sel_, value);
        }
        break;
    case mmio::QUEUE_SEL: queue_sel_ = value; break;
    case mmio::QUEUE_NUM: if (auto* s = setup("size")) s->num = value; break;
    case mmio::QUEUE_DESC_LOW: if (auto* s = setup("descriptor table")) set_lo(s->desc_addr, value); break;
    case mmio::QUEUE_DESC_HIGH: if (auto* s = setup("descriptor table")) set_hi(s->desc_addr, value); break;
    case mmio::QUEUE_DRIVER_LOW: if (auto* s = setup("available ring")) set_lo(s->driver_addr, value); break;
    case mmio::QUEUE_DRIVER_HIGH: if (auto* s = setup("available ring")) set_hi(s->driver_addr, value); break;
    case mmio::QUEUE_DEVICE_LOW: if (auto* s = setup("used ring")) set_lo(s->device_addr, value); break;
    case mmio::QUEUE_DEVICE_HIGH: if (auto* s = setup("used ring")) set_hi(s->device_addr, value); break;
    case mmio::QUEUE_READY: queue_ready(value); break;
    case mmio::QUEUE_NOTIFY:
        // Without VIRTIO_F_NOTIFICATION_DATA the value is the queue's index.
        if (value >= queues_.size()) {
            GUEST_ERROR("%s: notify of queue %u, the device has %zu\n", name_.c_str(), value, queues_.size());
            break;
        }
        pending_notify_ |= 1ull << value;
        schedule_notified();
        break;
    case mmio::INTERRUPT_ACK:
        isr_ &= ~value;
        update_irq();
        break;
    case mmio::STATUS: write_status(value); break;
    case mmio::SHM_SEL: shm_sel_ = value; break;
    default: GUEST_ERROR("%s: write of read-only or unknown register 0x%x\n", name_.c_str(), reg); break;
    }
}

void VirtioMmio::queue_ready(uint32_t value) {
    Virtqueue* q = selected_queue();
    if (!q) {
        GUEST_ERROR("%s: QueueReady of queue %u, the device has %zu\n", name_.c_str(), queue_sel_, queues_.size());
        return;
    }
    if (!(value & 1)) {
        q->disable();
        return;
    }
    if (q->ready()) return;
    // The rings' layout depends on the negotiated features (event index).
    if (!(status_ & STATUS_FEATURES_OK)) {
        device_error("queue " + std::to_string(queue_sel_) + " enabled before FEATURES_OK");
        return;
    }
    q->enable(mem_, driver_features_);  // a bad layout reports through on_error
}

void VirtioMmio::write_status(uint32_t value) {
    if (value == 0) {
        reset();
        return;
    }
    uint32_t old = status_;
    // NEEDS_RESET is the device's to set; the driver's other bits are taken as written.
    uint32_t next = (value & 0xff & ~STATUS_NEEDS_RESET) | (old & STATUS_NEEDS_RESET);
    if ((next & STATUS_FEATURES_OK) && !(old & STATUS_FEATURES_OK)) {
        uint64_t offered = offered_features();
        const char* refused = nullptr;
        if (driver_features_ & ~offered) refused = "features that were not offered";
        else if (!(driver_features_ & bit(F_VERSION_1))) refused = "no VIRTIO_F_VERSION_1 (legacy drivers are not supported)";
        else if (!dev_->accept_features(driver_features_)) refused = "a combination the device refuses";
        if (refused) {
            GUEST_ERROR("%s: FEATURES_OK refused for features 0x%llx: %s\n", name_.c_str(),
                        (unsigned long long)driver_features_, refused);
            next &= ~STATUS_FEATURES_OK;
        }
    }
    status_ = next;
    if ((next & STATUS_DRIVER_OK) && !(old & STATUS_DRIVER_OK)) {
        dev_->driver_ok();
        if (pending_notify_) schedule_notified();
    }
}

}  // namespace tessera
