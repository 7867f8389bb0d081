// User-mode networking through libslirp (Debian's libslirp0), QEMU's `-netdev user`: the
// guest gets a private network with a gateway that is the host (DHCP, DNS, TCP and UDP
// through the host's own sockets; the gateway's address reaches the host's loopback), and
// hostfwd listens on the host for connections to pass into the guest.
//
// libslirp is single-threaded: every slirp_* call after the constructor is made on the
// backend's thread. That thread polls slirp's sockets, a wake-up eventfd and slirp's timers;
// frames from the guest wait in a bounded queue until it takes them (send() only queues and
// wakes it).
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <poll.h>

#include "machines/net/net_backend.h"

struct Slirp;

namespace tessera {

class SlirpBackend : public NetBackend {
public:
    // Frames from the guest waiting for the backend's thread beyond this are dropped (TCP
    // retransmits; it does not happen unless the host stalls).
    static constexpr size_t kMaxQueuedFrames = 4096;

    // Starts slirp and its thread; throws ConfigError for a configuration slirp refuses or a
    // hostfwd that cannot listen.
    SlirpBackend(const NetdevConfig& cfg, Receiver rx);
    ~SlirpBackend() override;

    void send(std::vector<uint8_t> frame) override;

    uint64_t dropped_tx() const { return dropped_tx_.load(); }

    struct Timer;  // slirp's timers, run by the thread

private:
    void loop();
    void wake();

    friend struct SlirpCallbacks;  // slirp_backend.cpp: slirp's callbacks, opaque = this

    Receiver rx_;
    Slirp* slirp_ = nullptr;
    int wake_fd_ = -1;
    std::vector<pollfd> fds_;  // the thread's poll set: the eventfd, then slirp's
    std::vector<std::unique_ptr<Timer>> timers_;

    std::mutex mu_;
    std::vector<std::vector<uint8_t>> tx_queue_;  // guarded by mu_
    std::atomic<uint64_t> dropped_tx_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace tessera
