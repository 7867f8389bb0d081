#include "machines/chardev/chardev_stream.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "machines/chardev/chardev_options.h"
#include "machines/host_events.h"
#include "util/error.h"

namespace tessera {

namespace {

constexpr int kFinishMs = 1000;  // at exit, how long buffered output may take to go out

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string errno_text() { return strerror(errno); }

// A listening or connected stream socket for host:port; throws ConfigError with `what`.
int tcp_socket(const std::string& what, const std::string& host, const std::string& port, bool server, bool nodelay,
               int* bound_port) {
    addrinfo hints = {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = server ? AI_PASSIVE : 0;
    addrinfo* res = nullptr;
    std::string where = (host.empty() ? std::string(server ? "*" : "localhost") : host) + ":" + port;
    int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res);
    if (rc != 0) throw ConfigError{what + ": cannot resolve '" + where + "': " + gai_strerror(rc)};
    std::string err = "no address";
    int fd = -1;
    for (addrinfo* a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int one = 1;
        if (server) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (server ? bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0
                   : connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            if (nodelay) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            break;
        }
        err = errno_text();
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) throw ConfigError{what + ": cannot " + (server ? "listen on " : "connect to ") + where + ": " + err};
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    *bound_port = -1;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        if (ss.ss_family == AF_INET) *bound_port = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
        if (ss.ss_family == AF_INET6) *bound_port = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    }
    return fd;
}

int unix_socket(const std::string& what, const std::string& path, bool server) {
    sockaddr_un sa = {};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof sa.sun_path) throw ConfigError{what + ": the path '" + path + "' is too long for a Unix socket"};
    memcpy(sa.sun_path, path.c_str(), path.size());
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw ConfigError{what + ": socket: " + errno_text()};
    if (server) {
        struct stat st;
        // A stale socket from an earlier run goes; any other file stays and is an error.
        if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path.c_str());
        if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(fd, 1) != 0) {
            std::string err = errno_text();
            close(fd);
            throw ConfigError{what + ": cannot listen on '" + path + "': " + err};
        }
    } else if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        std::string err = errno_text();
        close(fd);
        throw ConfigError{what + ": cannot connect to '" + path + "': " + err};
    }
    return fd;
}

}  // namespace

StreamChardev::StreamChardev(const ChardevConfig& cfg) : Chardev(cfg.id) {
    std::string what = "-chardev " + cfg.backend + ",id=" + cfg.id;
    auto on = [&](const char* key, bool dflt) { return cfg.prop(key) ? *cfg.prop(key) == "on" : dflt; };
    if (cfg.backend == "stdio") {
        kind_ = Kind::Stdio;
        out_fd_ = STDOUT_FILENO;
    } else if (cfg.backend == "file") {
        kind_ = Kind::File;
        file_path_ = *cfg.prop("path");
        append_ = on("append", false);
        // Opened now so a bad path is an error before the guest runs; truncated only at start().
        out_fd_ = open(file_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (out_fd_ >= 0) created_file_ = true;
        else if (errno == EEXIST) out_fd_ = open(file_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK);
        if (out_fd_ < 0) throw ConfigError{what + ": cannot open '" + file_path_ + "': " + errno_text()};
        struct stat st;
        if (fstat(out_fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(out_fd_);
            throw ConfigError{what + ": '" + file_path_ + "' is a directory"};
        }
    } else if (cfg.backend == "socket") {
        bool server = on("server", false);
        kind_ = server ? Kind::Server : Kind::Client;
        wait_ = server && on("wait", true);  // QEMU's default: a server waits for its client
        int fd;
        if (const std::string* path = cfg.prop("path")) {
            fd = unix_socket(what, *path, server);
            address_ = "unix:" + *path;
            if (server) unix_path_ = *path;
        } else {
            std::string host = cfg.prop("host") ? *cfg.prop("host") : "";
            fd = tcp_socket(what, host, *cfg.prop("port"), server, on("nodelay", false), &listen_port_);
            address_ = "tcp:" + (host.empty() ? std::string(server ? "0.0.0.0" : "localhost") : host) + ":" +
                       std::to_string(listen_port_);
        }
        set_nonblocking(fd);
        if (server) {
            listen_fd_ = fd;
            connected_.store(false);
        } else {
            conn_fd_ = fd;
        }
    } else {
        throw ConfigError{what + ": not a stream backend"};
    }
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw ConfigError{what + ": eventfd: " + errno_text()};
}

void StreamChardev::stop() {
    if (!thread_.joinable()) return;
    stopping_.store(true);
    kick_thread();
    thread_.join();
}

StreamChardev::~StreamChardev() {
    stop();
    if (conn_fd_ >= 0) close(conn_fd_);
    if (listen_fd_ >= 0) close(listen_fd_);
    if (!unix_path_.empty()) unlink(unix_path_.c_str());
    if (kind_ == Kind::File) {
        close(out_fd_);
        if (created_file_ && !started_) unlink(file_path_.c_str());  // the machine never ran
    }
    if (wake_fd_ >= 0) close(wake_fd_);
}

const char* StreamChardev::backend() const {
    switch (kind_) {
    case Kind::File: return "file";
    case Kind::Stdio: return "stdio";
    default: return "socket";
    }
}

void StreamChardev::kick_thread() {
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd_, &one, sizeof one);
    (void)n;  // a full counter already wakes the thread
}

void StreamChardev::start(const std::function<bool()>& stop) {
    if (started_) return;
    started_ = true;
    if (kind_ == Kind::File && !append_ && ftruncate(out_fd_, 0) != 0 && errno != EINVAL)
        fprintf(stderr, "tessera: -chardev file,id=%s: cannot truncate '%s': %s\n", id().c_str(), file_path_.c_str(),
                strerror(errno));
    if (kind_ == Kind::Server && wait_) {
        fprintf(stderr, "tessera: -chardev socket,id=%s: waiting for a connection on %s\n", id().c_str(), address_.c_str());
        while (!stop()) {
            pollfd p = {listen_fd_, POLLIN, 0};
            if (poll(&p, 1, 100) > 0 && accept_client()) break;
        }
    }
    thread_ = std::thread([this] { loop(); });
}

bool StreamChardev::accept_client() {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return false;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on Unix sockets
    conn_fd_ = fd;
    set_connected(true);
    return true;
}

void StreamChardev::drop_client() {
    close(conn_fd_);
    conn_fd_ = -1;
    {
        std::lock_guard<std::mutex> g(mu_);
        out_.clear();  // nobody to send it to (QEMU drops it too)
        out_refused_ = false;
    }
    set_connected(false);
    wake();  // a write the device holds back now goes through (dropped)
}

bool StreamChardev::write_some(int fd) {
    // Small pieces to a terminal or pipe: after POLLOUT these fit without blocking.
    uint8_t buf[4096];
    size_t chunk = kind_ == Kind::Stdio ? 512 : sizeof buf;
    size_t n;
    {
        std::lock_guard<std::mutex> g(mu_);
        n = out_.peek(buf, chunk);
    }
    if (n == 0) return true;
    ssize_t w = kind_ == Kind::File || kind_ == Kind::Stdio ? ::write(fd, buf, n) : send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    bool refused;
    {
        std::lock_guard<std::mutex> g(mu_);
        if (w < 0) out_.clear();  // a broken file or stdout: this output is lost
        else out_.drop(size_t(w));
        refused = out_refused_ && out_.room() >= out_.size();
        if (refused) out_refused_ = false;
    }
    if (refused) wake();  // half the buffer is free again: the device writes on
    return w >= 0;
}

void StreamChardev::loop() {
    uint8_t buf[4096];
    for (;;) {
        if (stopping_.load()) return finish_output();
        bool want_out, want_in;
        {
            std::lock_guard<std::mutex> g(mu_);
            want_out = out_.size() > 0;
            want_in = in_.room() > 0;
        }
        pollfd fds[3];
        int n = 0, wake_i = n++, listen_i = -1, conn_i = -1, out_i = -1;
        fds[wake_i] = {wake_fd_, POLLIN, 0};
        if (listen_fd_ >= 0 && conn_fd_ < 0) fds[listen_i = n++] = {listen_fd_, POLLIN, 0};
        if (conn_fd_ >= 0 && (want_in || want_out)) fds[conn_i = n++] = {conn_fd_, short((want_in ? POLLIN : 0) | (want_out ? POLLOUT : 0)), 0};
        if ((kind_ == Kind::File || kind_ == Kind::Stdio) && want_out && !output_broken_)
            fds[out_i = n++] = {out_fd_, POLLOUT, 0};
        if (poll(fds, nfds_t(n), -1) < 0) continue;
        if (fds[wake_i].revents) {
            uint64_t v;
            ssize_t r = ::read(wake_fd_, &v, sizeof v);
            (void)r;
        }
        if (listen_i >= 0 && (fds[listen_i].revents & POLLIN)) accept_client();
        if (conn_i >= 0 && fds[conn_i].revents) {
            short ev = fds[conn_i].revents;
            bool gone = false;
            if (ev & (POLLIN | POLLHUP | POLLERR)) {
                size_t room = input_room();
                ssize_t r = room ? recv(conn_fd_, buf, std::min(room, sizeof buf), 0) : 0;
                if (r > 0) push_input(buf, size_t(r));
                else if (room && (r == 0 || (errno != EAGAIN && errno != EINTR))) gone = true;
            }
            if (!gone && (ev & POLLOUT) && !write_some(conn_fd_)) gone = true;
            if (gone) drop_client();
        }
        if (out_i >= 0 && fds[out_i].revents) {
            if (!write_some(out_fd_) || (fds[out_i].revents & (POLLERR | POLLHUP))) {
                // Nobody reads stdout any more, or the file cannot grow: output from now on is lost.
                output_broken_ = true;
                connected_.store(false);
                std::lock_guard<std::mutex> g(mu_);
                out_.clear();
            }
        }
    }
}

void StreamChardev::finish_output() {
    int fd = kind_ == Kind::File || kind_ == Kind::Stdio ? out_fd_ : conn_fd_;
    if (fd < 0 || output_broken_) return;
    uint64_t deadline = host_now_ns() + uint64_t(kFinishMs) * 1000000;
    for (;;) {
        {
            std::lock_guard<std::mutex> g(mu_);
            if (out_.size() == 0) return;
        }
        uint64_t now = host_now_ns();
        if (now >= deadline) return;
        pollfd p = {fd, POLLOUT, 0};
        if (poll(&p, 1, int((deadline - now) / 1000000) + 1) <= 0) return;
        if (!write_some(fd)) return;
    }
}

}  // namespace tessera
