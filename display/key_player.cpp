#include "display/key_player.h"

#include <pthread.h>

#include <chrono>
#include <set>

namespace tessera {

void KeyPlayer::start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "tessera-keys");
        run();
    });
}

void KeyPlayer::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool KeyPlayer::done() const {
    std::lock_guard lock(mu_);
    return done_;
}

void KeyPlayer::run() {
    std::set<uint16_t> held;
    for (const KeyAction& a : script_) {
        if (a.kind == KeyAction::Wait) {
            std::unique_lock lock(mu_);
            if (cv_.wait_for(lock, std::chrono::milliseconds(a.ms), [this] { return stopping_; })) break;
            continue;
        }
        {
            std::lock_guard lock(mu_);
            if (stopping_) break;
        }
        hub_.key(a.code, a.down);
        if (a.down) held.insert(a.code);
        else held.erase(a.code);
    }
    // Stopped halfway: no key stays pressed in the guest.
    for (uint16_t k : held) hub_.key(k, false);
    std::lock_guard lock(mu_);
    done_ = true;
}

}  // namespace tessera
