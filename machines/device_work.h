// Work handed to the vCPU thread, where devices live (machines/host_events.h: device models
// take no locks). Two kinds of callers post here:
//  - a device on the vCPU thread that wants to act between blocks rather than inside the
//    guest's MMIO store (a virtio queue notify: its DMA then never lands inside a running
//    block, which lockstep and the code cache prefer);
//  - a device's own I/O thread whose slow request is done: the completion (used ring,
//    interrupt) runs on the vCPU thread, so the vCPU never waits for the host's disk.
// The Machine drains the queue in its service step; post() kicks the vCPU out of its blocks
// or out of WFI so that happens promptly.
#pragma once
#include <functional>
#include <mutex>
#include <vector>

namespace tessera {

class DeviceWork {
public:
    explicit DeviceWork(std::function<void()> kick = {}) : kick_(std::move(kick)) {}
    DeviceWork(const DeviceWork&) = delete;
    DeviceWork& operator=(const DeviceWork&) = delete;

    // Any thread. fn runs later on the vCPU thread, in posting order.
    void post(std::function<void()> fn);
    // vCPU thread: runs what was posted before the call. Work posted meanwhile waits for the
    // next call (it kicked the vCPU again, so that call comes).
    void run_pending();
    bool empty();

private:
    std::function<void()> kick_;
    std::mutex mu_;
    std::vector<std::function<void()>> queue_, running_;
};

}  // namespace tessera
