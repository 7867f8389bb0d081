// The virtio-mmio transport, version 2 (virtio 1.x, 4.2.2): one register block carrying one
// virtio device, or none (device id 0, as QEMU's empty transports read).
//
// A queue notify is not served inside the guest's store: the transport notes it and posts a
// job to DeviceWork, and the device sees queue_notified() in the board's service step,
// between blocks, once the driver has set DRIVER_OK. So a device's DMA never lands in the
// middle of a translated block.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/irq.h"
#include "machines/device_work.h"
#include "machines/virtio/virtio_device.h"
#include "softmmu/device.h"

namespace tessera {

class VirtioMmio : public Device, public VirtioTransport {
public:
    static constexpr unsigned kMaxQueues = 64;

    // base names the transport in messages ("virtio-mmio@0xa003e00"); irq is its line.
    VirtioMmio(uint64_t base, GuestMemory& mem, DeviceWork& work, IrqLine irq);
    ~VirtioMmio() override;

    // Before the guest runs. Throws std::logic_error if a device is already plugged or the
    // device wants more queues than the transport has.
    void plug(std::unique_ptr<VirtioDevice> dev);
    VirtioDevice* device() { return dev_.get(); }

    // Device (the MMIO region)
    const char* name() const override { return name_.c_str(); }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;  // what a driver's write of 0 to Status does

    // VirtioTransport
    Virtqueue& queue(unsigned q) override { return queues_.at(q); }
    bool queue_usable(unsigned q) const override;
    void notify_used(unsigned q) override;
    void config_changed() override;
    void device_error(const std::string& why) override;
    uint64_t driver_features() const override { return driver_features_; }
    GuestMemory& memory() override { return mem_; }
    void post_completion(std::function<void()> fn) override;

    uint32_t status() const { return status_; }
    uint32_t interrupt_status() const { return isr_; }
    // For a state report: the device, status, interrupt and each queue; empty when no device.
    std::string describe() const;
    uint64_t offered_features() const;

private:
    uint64_t read_reg(uint32_t reg);
    void write_reg(uint32_t reg, uint32_t value);
    void write_status(uint32_t value);
    Virtqueue* selected_queue();
    void queue_ready(uint32_t value);
    void schedule_notified();
    void run_notified();
    void update_irq();
    bool live() const;

    std::string name_;
    GuestMemory& mem_;
    DeviceWork& work_;
    IrqLine irq_;
    std::unique_ptr<VirtioDevice> dev_;
    std::vector<Virtqueue> queues_;

    uint32_t status_ = 0, isr_ = 0, config_generation_ = 0;
    uint32_t device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0, shm_sel_ = 0;
    uint64_t driver_features_ = 0;
    uint64_t pending_notify_ = 0;  // bit per queue: notified, not yet served
    bool notify_posted_ = false;
    bool line_ = false;  // the interrupt line's level
    // Bumped at every reset; a posted completion carries the epoch it was posted in.
    std::atomic<uint64_t> epoch_{0};
};

}  // namespace tessera
