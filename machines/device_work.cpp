#include "machines/device_work.h"

namespace tessera {

void DeviceWork::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> g(mu_);
        queue_.push_back(std::move(fn));
    }
    if (kick_) kick_();
}

void DeviceWork::run_pending() {
    {
        std::lock_guard<std::mutex> g(mu_);
        if (queue_.empty()) return;
        running_.swap(queue_);
    }
    // Outside the lock: a job may post more (it then runs at the next call).
    for (auto& fn : running_) fn();
    running_.clear();
}

bool DeviceWork::empty() {
    std::lock_guard<std::mutex> g(mu_);
    return queue_.empty();
}

}  // namespace tessera
