#include "machines/net/slirp_backend.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "util/error.h"
#include "util/log.h"

namespace tessera {

struct SlirpBackend::Timer {
    SlirpTimerId id;
    void* cb_opaque;
    int64_t expire_ms = -1;  // -1: not armed
};

namespace {

int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

in_addr ipv4(const std::string& s) {
    in_addr a{};
    inet_pton(AF_INET, s.c_str(), &a);  // checked by the option parser
    return a;
}

in6_addr ipv6(const char* s) {
    in6_addr a{};
    inet_pton(AF_INET6, s, &a);
    return a;
}

}  // namespace

struct SlirpCallbacks {
    static SlirpBackend& self(void* opaque) { return *static_cast<SlirpBackend*>(opaque); }

    static ssize_t send_packet(const void* buf, size_t len, void* opaque) {
        self(opaque).rx_(static_cast<const uint8_t*>(buf), len);
        return ssize_t(len);
    }
    static void guest_error(const char* msg, void*) { GUEST_ERROR("slirp: %s\n", msg); }
    static int64_t clock_get_ns(void*) { return now_ns(); }
    static void* timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque) {
        auto t = std::make_unique<SlirpBackend::Timer>(SlirpBackend::Timer{id, cb_opaque});
        SlirpBackend::Timer* raw = t.get();
        self(opaque).timers_.push_back(std::move(t));
        return raw;
    }
    static void timer_free(void* timer, void* opaque) {
        auto& ts = self(opaque).timers_;
        ts.erase(std::remove_if(ts.begin(), ts.end(), [&](const auto& t) { return t.get() == timer; }), ts.end());
    }
    static void timer_mod(void* timer, int64_t expire_ms, void*) { static_cast<SlirpBackend::Timer*>(timer)->expire_ms = expire_ms; }
    static void no_fd(int, void*) {}
    static void notify(void* opaque) { self(opaque).wake(); }

    static int add_poll(int fd, int events, void* opaque) {
        short ev = 0;
        if (events & SLIRP_POLL_IN) ev |= POLLIN;
        if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
        if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
        auto& fds = self(opaque).fds_;
        fds.push_back(pollfd{fd, ev, 0});
        return int(fds.size() - 1);
    }
    static int get_revents(int idx, void* opaque) {
        auto& fds = self(opaque).fds_;
        if (idx < 0 || size_t(idx) >= fds.size()) return 0;
        short r = fds[size_t(idx)].revents;
        int out = 0;
        if (r & POLLIN) out |= SLIRP_POLL_IN;
        if (r & POLLOUT) out |= SLIRP_POLL_OUT;
        if (r & POLLPRI) out |= SLIRP_POLL_PRI;
        if (r & POLLERR) out |= SLIRP_POLL_ERR;
        if (r & POLLHUP) out |= SLIRP_POLL_HUP;
        return out;
    }

    static const SlirpCb* table() {
        static const SlirpCb cb = [] {
            SlirpCb c{};
            c.send_packet = send_packet;
            c.guest_error = guest_error;
            c.clock_get_ns = clock_get_ns;
            c.timer_free = timer_free;
            c.timer_mod = timer_mod;
            c.register_poll_fd = no_fd;
            c.unregister_poll_fd = no_fd;
            c.notify = notify;
            c.timer_new_opaque = timer_new_opaque;
            return c;
        }();
        return &cb;
    }
};

SlirpBackend::SlirpBackend(const NetdevConfig& cfg, Receiver rx) : rx_(std::move(rx)) {
    const std::string what = cfg.option.empty() ? "-netdev user,id=" + cfg.id : cfg.option;
    SlirpConfig sc{};
    sc.version = 4;
    sc.restricted = cfg.restrict_;
    sc.in_enabled = true;
    sc.vnetwork = ipv4(cfg.net);
    sc.vnetmask.s_addr = htonl(~0u << (32 - cfg.prefix_len));
    sc.vhost = ipv4(cfg.host);
    sc.vdhcp_start = ipv4(cfg.dhcpstart);
    sc.vnameserver = ipv4(cfg.dns);
    // QEMU's IPv6 defaults: fec0::/64, the host at ::2, DNS at ::3.
    sc.in6_enabled = cfg.ipv6;
    sc.vprefix_addr6 = ipv6("fec0::");
    sc.vprefix_len = 64;
    sc.vhost6 = ipv6("fec0::2");
    sc.vnameserver6 = ipv6("fec0::3");
    sc.vhostname = cfg.hostname.empty() ? nullptr : cfg.hostname.c_str();
    sc.if_mtu = 1500;
    sc.if_mru = 1500;
    sc.disable_host_loopback = false;  // 10.0.2.2 reaches the host's 127.0.0.1
    slirp_ = slirp_new(&sc, SlirpCallbacks::table(), this);
    if (!slirp_) throw ConfigError{what + ": libslirp refused the network configuration"};
    for (const HostFwd& f : cfg.hostfwd) {
        in_addr host = f.host_addr.empty() ? in_addr{htonl(INADDR_ANY)} : ipv4(f.host_addr);
        in_addr guest = ipv4(f.guest_addr.empty() ? cfg.dhcpstart : f.guest_addr);
        errno = 0;
        if (slirp_add_hostfwd(slirp_, f.udp, host, f.host_port, guest, f.guest_port) < 0) {
            int err = errno;
            slirp_cleanup(slirp_);
            throw ConfigError{what + ": hostfwd '" + f.spec + "': cannot listen on " + (f.udp ? "udp " : "tcp ") +
                              (f.host_addr.empty() ? "*" : f.host_addr) + ":" + std::to_string(f.host_port) +
                              (err ? std::string(": ") + strerror(err) : std::string())};
        }
    }
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) {
        slirp_cleanup(slirp_);
        throw ConfigError{what + ": eventfd: " + strerror(errno)};
    }
    // The thread takes no signals (they go to the Machine's signal thread), whatever this
    // thread's mask is now.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    thread_ = std::thread([this] { loop(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

SlirpBackend::~SlirpBackend() {
    stop_.store(true);
    wake();
    if (thread_.joinable()) thread_.join();
    slirp_cleanup(slirp_);
    close(wake_fd_);
}

void SlirpBackend::wake() {
    uint64_t one = 1;
    ssize_t r = write(wake_fd_, &one, sizeof one);
    (void)r;  // EAGAIN: the counter is already non-zero, the thread wakes anyway
}

void SlirpBackend::send(std::vector<uint8_t> frame) {
    bool was_empty;
    {
        std::lock_guard<std::mutex> g(mu_);
        if (tx_queue_.size() >= kMaxQueuedFrames) {
            dropped_tx_++;
            return;
        }
        was_empty = tx_queue_.empty();
        tx_queue_.push_back(std::move(frame));
    }
    // The thread takes the whole queue at once: one wake-up per batch is enough.
    if (was_empty) wake();
}

void SlirpBackend::loop() {
    std::vector<std::vector<uint8_t>> batch;
    while (!stop_.load()) {
        fds_.clear();
        fds_.push_back(pollfd{wake_fd_, POLLIN, 0});
        int64_t now_ms = now_ns() / 1000000;
        uint32_t timeout = 1000;
        for (const auto& t : timers_)
            if (t->expire_ms >= 0) timeout = uint32_t(std::min<int64_t>(timeout, std::max<int64_t>(0, t->expire_ms - now_ms)));
        slirp_pollfds_fill(slirp_, &timeout, SlirpCallbacks::add_poll, this);
        int n = poll(fds_.data(), fds_.size(), int(std::min<uint32_t>(timeout, 1000)));
        int poll_errno = errno;
        if (fds_[0].revents & POLLIN) {
            uint64_t v;
            ssize_t r = read(wake_fd_, &v, sizeof v);
            (void)r;
        }
        slirp_pollfds_poll(slirp_, n < 0 && poll_errno != EINTR, SlirpCallbacks::get_revents, this);
        // Frames from the guest, in order, after slirp's own sockets (as QEMU's main loop).
        {
            std::lock_guard<std::mutex> g(mu_);
            batch.swap(tx_queue_);
        }
        for (auto& f : batch) slirp_input(slirp_, f.data(), int(f.size()));
        batch.clear();
        now_ms = now_ns() / 1000000;
        for (size_t i = 0; i < timers_.size(); i++) {
            Timer* t = timers_[i].get();
            if (t->expire_ms < 0 || t->expire_ms > now_ms) continue;
            t->expire_ms = -1;
            slirp_handle_timer(slirp_, t->id, t->cb_opaque);  // may free or add timers
        }
    }
}

std::unique_ptr<NetBackend> open_netdev(const NetdevConfig& cfg, NetBackend::Receiver rx) {
    return std::make_unique<SlirpBackend>(cfg, std::move(rx));
}

}  // namespace tessera
