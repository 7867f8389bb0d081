#include "debug/gdb_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "util/error.h"

namespace tessera::gdb {

namespace {

// A debugger that sends commands without reading the replies is cut off here rather than
// growing our buffer without end.
constexpr size_t kMaxOutput = 1 << 20;
// Packets that arrive while nobody serves them (the guest runs) are kept up to this many.
constexpr size_t kMaxQueued = 64;

[[noreturn]] void bad_spec(const std::string& spec, const std::string& why) {
    throw ConfigError{"-gdb " + spec + ": " + why};
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

ListenSpec parse_listen_spec(const std::string& spec) {
    const std::string usage = "expected tcp::PORT or tcp:HOST:PORT";
    std::string_view s = spec;
    if (s.substr(0, 4) != "tcp:") bad_spec(spec, usage);
    s.remove_prefix(4);
    std::string_view addr = s.substr(0, s.find(','));
    // QEMU's chardev options that describe what a gdbstub always does.
    for (std::string_view opts = s.substr(addr.size()); !opts.empty();) {
        opts.remove_prefix(1);  // the ','
        std::string_view opt = opts.substr(0, opts.find(','));
        opts.remove_prefix(opt.size());
        if (opt != "server" && opt != "nowait" && opt != "server=on" && opt != "wait=off")
            bad_spec(spec, "unsupported option '" + std::string(opt) + "'");
    }
    ListenSpec out;
    std::string_view port;
    if (!addr.empty() && addr[0] == '[') {
        size_t close = addr.find(']');
        if (close == std::string_view::npos || close + 1 >= addr.size() || addr[close + 1] != ':')
            bad_spec(spec, usage);
        out.host = std::string(addr.substr(1, close - 1));
        port = addr.substr(close + 2);
    } else {
        size_t colon = addr.rfind(':');
        if (colon == std::string_view::npos) bad_spec(spec, usage);
        out.host = std::string(addr.substr(0, colon));
        port = addr.substr(colon + 1);
        if (out.host.find(':') != std::string::npos) bad_spec(spec, "an IPv6 host goes in brackets: tcp:[::1]:PORT");
    }
    if (out.host.empty()) out.host = "127.0.0.1";
    if (port.empty() || port.size() > 5) bad_spec(spec, "the port must be a number from 0 to 65535");
    unsigned value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') bad_spec(spec, "the port must be a number from 0 to 65535");
        value = value * 10 + unsigned(c - '0');
    }
    if (value > 65535) bad_spec(spec, "the port must be a number from 0 to 65535");
    out.port = uint16_t(value);
    return out;
}

GdbLink::GdbLink(const std::string& spec, LinkEvents& events) : events_(events) {
    ListenSpec where = parse_listen_spec(spec);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string port_text = std::to_string(where.port);
    if (int rc = getaddrinfo(where.host.c_str(), port_text.c_str(), &hints, &found); rc != 0)
        bad_spec(spec, "cannot resolve '" + where.host + "': " + gai_strerror(rc));
    std::string error = "no address";
    for (addrinfo* ai = found; ai && listen_fd_ < 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            error = strerror(errno);
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0) {
            error = strerror(errno);
            ::close(fd);
            continue;
        }
        listen_fd_ = fd;
    }
    freeaddrinfo(found);
    if (listen_fd_ < 0) bad_spec(spec, "cannot listen: " + error);
    sockaddr_storage bound{};
    socklen_t blen = sizeof bound;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &blen);
    port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    set_nonblocking(listen_fd_);
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        ::close(listen_fd_);
        bad_spec(spec, std::string("cannot create a pipe: ") + strerror(errno));
    }
    wake_rd_ = pipe_fds[0];
    wake_wr_ = pipe_fds[1];
    thread_ = std::thread([this] { run(); });
}

GdbLink::~GdbLink() {
    close();
    thread_.join();
    if (conn_fd_ >= 0) ::close(conn_fd_);
    ::close(listen_fd_);
    ::close(wake_rd_);
    ::close(wake_wr_);
}

uint64_t GdbLink::connection() const {
    std::lock_guard lock(mu_);
    return gen_;
}

uint64_t GdbLink::wait_connection() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return gen_ != 0 || closing_; });
    return closing_ ? 0 : gen_;
}

GdbLink::Incoming GdbLink::next_packet(uint64_t gen) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closing_ || gen_ != gen || !packets_.empty(); });
    if (closing_) return {Incoming::Closed, {}};
    if (gen_ != gen) return {Incoming::Dropped, {}};
    Incoming in{Incoming::Packet, std::move(packets_.front())};
    packets_.pop_front();
    return in;
}

void GdbLink::send(uint64_t gen, std::string_view body, bool no_ack_after) {
    {
        std::lock_guard lock(mu_);
        if (gen != gen_ || gen == 0) return;
        last_sent_ = frame(body);
        out_ += last_sent_;
        if (no_ack_after) no_ack_ = true;
    }
    wake();
}

void GdbLink::close() {
    {
        std::lock_guard lock(mu_);
        closing_ = true;
    }
    cv_.notify_all();
    wake();
}

void GdbLink::wake() {
    char b = 1;
    [[maybe_unused]] ssize_t n = write(wake_wr_, &b, 1);  // a full pipe already wakes the thread
}

// Runs with mu_ held: forgets the connection and wakes the vCPU side.
void GdbLink::drop_locked() {
    if (conn_fd_ >= 0) ::close(conn_fd_);
    conn_fd_ = -1;
    gen_ = 0;
    packets_.clear();
    out_.clear();
    last_sent_.clear();
    cv_.notify_all();
}

void GdbLink::run() {
    using clock = std::chrono::steady_clock;
    std::optional<clock::time_point> flush_deadline;
    for (;;) {
        int fd;
        bool want_out;
        {
            std::lock_guard lock(mu_);
            if (closing_ && !flush_deadline) flush_deadline = clock::now() + std::chrono::seconds(1);
            if (closing_ && (conn_fd_ < 0 || out_.empty() || clock::now() > *flush_deadline)) return;
            fd = conn_fd_;
            want_out = !out_.empty();
        }
        pollfd pfd[2] = {{wake_rd_, POLLIN, 0}, {fd >= 0 ? fd : listen_fd_, short(POLLIN), 0}};
        if (fd >= 0 && want_out) pfd[1].events |= POLLOUT;
        if (poll(pfd, 2, flush_deadline ? 50 : -1) < 0 && errno != EINTR) {
            {
                std::lock_guard lock(mu_);  // cannot happen with valid fds; never strand a waiter
                closing_ = true;
                drop_locked();
            }
            return;
        }
        if (pfd[0].revents) {
            char buf[64];
            while (read(wake_rd_, buf, sizeof buf) > 0) {
            }
        }
        if (fd < 0) {
            if (pfd[1].revents & POLLIN) accept_one();
            continue;
        }
        if (pfd[1].revents & (POLLIN | POLLERR | POLLHUP)) read_some();
        if (pfd[1].revents & POLLOUT) write_some();
    }
}

void GdbLink::accept_one() {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;  // the client gave up before we got to it
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    {
        std::lock_guard lock(mu_);
        if (closing_) {
            ::close(fd);
            return;
        }
        conn_fd_ = fd;
        gen_ = next_gen_++;
        no_ack_ = false;
        packets_.clear();
        out_.clear();
        last_sent_.clear();
        reader_.reset();
    }
    cv_.notify_all();
    events_.on_connect();
}

void GdbLink::read_some() {
    char buf[4096];
    ssize_t n;
    {
        std::lock_guard lock(mu_);
        n = recv(conn_fd_, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (n <= 0) {
            drop_locked();
        }
    }
    if (n <= 0) {
        events_.on_disconnect();
        return;
    }
    std::vector<PacketReader::Event> events;
    reader_.feed(buf, size_t(n), events);
    int interrupts = 0;
    {
        std::lock_guard lock(mu_);
        for (auto& ev : events) {
            switch (ev.kind) {
            case PacketReader::Event::Packet: {
                // Expanded here so every command sees plain text; a bad count is a bad packet.
                auto body = expand_run_length(ev.body);
                if (!no_ack_) out_ += body ? '+' : '-';
                if (body && packets_.size() < kMaxQueued) packets_.push_back(std::move(*body));
                break;
            }
            case PacketReader::Event::Bad:
                if (!no_ack_) out_ += '-';
                break;
            case PacketReader::Event::Nack:
                if (!no_ack_) out_ += last_sent_;
                break;
            case PacketReader::Event::Ack:
                break;
            case PacketReader::Event::Interrupt:
                interrupts++;
                break;
            }
        }
        if (out_.size() > kMaxOutput) drop_locked();
    }
    cv_.notify_all();
    if (connection() == 0) {
        events_.on_disconnect();
        return;
    }
    if (interrupts) events_.on_interrupt();
}

void GdbLink::write_some() {
    bool dropped = false;
    {
        std::lock_guard lock(mu_);
        if (out_.empty() || conn_fd_ < 0) return;
        ssize_t n = ::send(conn_fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
        if (n > 0) {
            out_.erase(0, size_t(n));
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            drop_locked();
            dropped = true;
        }
    }
    if (dropped) events_.on_disconnect();
}

}  // namespace tessera::gdb
