// virtio-input (virtio 1.2, 5.8; device id 18) as QEMU's virtio-keyboard-device,
// virtio-mouse-device and virtio-tablet-device: evdev events from the board's InputHub
// (display/input.h) to the guest, and the guest's LED events back.
//
// Queues: 0 is the eventq (the driver's writable 8-byte buffers, one virtio_input_event
// each), 1 the statusq (the driver's events for the device: keyboard LEDs). 64 entries each,
// as QEMU's.
//
// Threads: the hub calls the listener on the sender's thread (the SDL window's, -keys'). It
// keeps the events the device advertises (virtio_input_config.h) and, at each Sync, moves
// the report into a bounded queue under the device's lock and posts one delivery through
// the transport's post_completion; delivery runs on the vCPU thread and writes events into
// eventq buffers. Only whole reports are queued: a guest never sees half a report. When the
// driver gives no buffers and the queue is full, the oldest whole reports go (5.8.6.2: a
// device MAY drop events, SHOULD NOT split a report), never one partly delivered.
//
// As QEMU's, the device takes events only while the driver is up (DRIVER_OK until reset):
// what comes before is dropped, not replayed later. Reset drops everything queued.
//
// A hostile driver: an eventq buffer shorter than an event (5.8.6.1: the driver MUST give
// at least 8 writable bytes) is returned with used length 0 (nothing written, the event
// waits for the next buffer) and one guest-error line; a statusq buffer shorter than an
// event likewise (nothing applied). Those break no rule the device cannot live with, so no
// NEEDS_RESET; bad descriptors are the virtqueue's (NEEDS_RESET).
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "display/input.h"
#include "machines/virtio/virtio_device.h"
#include "machines/virtio/virtio_input_config.h"

namespace tessera {

class VirtioInput : public VirtioDevice {
public:
    static constexpr uint32_t kQueueSize = 64;  // QEMU's
    static constexpr unsigned kEventq = 0, kStatusq = 1;
    // Events waiting for the driver's buffers; past this the oldest whole reports go.
    static constexpr size_t kMaxPendingEvents = 256;
    // A report longer than this (a sender that never syncs) is dropped whole.
    static constexpr size_t kMaxReportEvents = 64;
    // Events read from one statusq chain (Linux sends one).
    static constexpr size_t kMaxStatusEvents = 16;

    // hub may be null (no input reaches the device). serial: ID_SERIAL, at most
    // virtio_input::kMaxSerialBytes (the registry checks).
    VirtioInput(virtio_input::Kind kind, InputHub* hub, std::string serial = {});
    ~VirtioInput() override;  // unsubscribes first: no listener call after it

    const char* name() const override { return desc_.device; }
    uint32_t device_id() const override;
    unsigned num_queues() const override { return 2; }
    uint32_t queue_max_size(unsigned) const override { return kQueueSize; }
    uint32_t config_size() const override { return virtio_input::kConfigBytes; }
    uint64_t config_read(uint32_t offset, unsigned size) override;
    void config_write(uint32_t offset, unsigned size, uint64_t value) override;
    void driver_ok() override;
    void queue_notified(unsigned q) override;
    void reset() override;

    const virtio_input::Description& description() const { return desc_; }
    // The LEDs the driver last set, bit LED_* (vCPU thread).
    uint8_t leds() const { return leds_; }
    // Whole reports dropped because the driver took none (any thread).
    uint64_t dropped_reports();
    // Events queued for the guest, at most kMaxPendingEvents (any thread).
    size_t pending_events();

private:
    struct Event {
        uint16_t type, code;
        int32_t value;
    };

    void on_input(const InputEvent& e);  // the sender's thread
    void deliver();                      // vCPU thread
    void take_status();                  // vCPU thread
    void drop_oldest_report();           // under mu_

    const virtio_input::Description& desc_;
    std::string serial_;
    InputHub* hub_;
    uint64_t sub_ = 0;

    // vCPU thread only.
    uint8_t select_ = 0, subsel_ = 0;
    uint8_t config_[virtio_input::kConfigBytes];
    uint8_t leds_ = 0;
    DescChain chain_;

    // Shared with the sender's thread.
    std::mutex mu_;
    bool active_ = false;          // DRIVER_OK, not reset since
    bool delivery_posted_ = false;  // a deliver() is on its way to the vCPU thread
    std::vector<Event> building_;  // the report being sent, up to its Sync
    bool building_too_long_ = false;
    std::deque<std::vector<Event>> reports_;  // whole reports, oldest first
    size_t front_sent_ = 0;       // events of reports_.front() already in the guest
    size_t pending_events_ = 0;   // in reports_, those sent included
    uint64_t dropped_ = 0;
    bool drop_logged_ = false;    // one line per episode of a driver that takes nothing
};

}  // namespace tessera
