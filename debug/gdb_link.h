// The gdbstub's socket: a listening TCP socket and at most one debugger connection, served by
// an I/O thread of its own. The thread does all socket I/O (acks, resends, Ctrl-C), so the
// vCPU thread only ever waits on a queue: a stalled or vanished debugger cannot block a
// running guest, and a stopped guest waits only until the connection drops.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "debug/gdb_packets.h"

namespace tessera::gdb {

// Where to listen: QEMU's -gdb spellings "tcp::PORT" and "tcp:HOST:PORT" (HOST may be a
// name, an IPv4 address or a bracketed IPv6 address), optionally followed by QEMU's
// ",server", ",nowait", ",server=on", ",wait=off" (accepted, they are what we do anyway).
// An empty HOST means 127.0.0.1 (QEMU listens on every interface; a debugger owns the
// guest, so Tessera asks for tcp:0.0.0.0:PORT to be spelled out). Port 0 picks a free port.
struct ListenSpec {
    std::string host;
    uint16_t port = 0;
};
// Throws tessera::ConfigError naming the spec when it is malformed.
ListenSpec parse_listen_spec(const std::string& spec);

// What the I/O thread reports to its owner; called on the I/O thread, without the link's lock.
class LinkEvents {
public:
    virtual ~LinkEvents() = default;
    virtual void on_connect() = 0;
    virtual void on_interrupt() = 0;  // the Ctrl-C byte outside a packet
    virtual void on_disconnect() = 0;
};

class GdbLink {
public:
    // Binds and listens at once (throws tessera::ConfigError if it cannot), then starts the
    // I/O thread. events must outlive the link.
    GdbLink(const std::string& spec, LinkEvents& events);
    ~GdbLink();  // sends what is queued (up to a second), closes, joins
    GdbLink(const GdbLink&) = delete;
    GdbLink& operator=(const GdbLink&) = delete;

    uint16_t port() const { return port_; }

    // Each accepted connection gets a new generation number; 0 means none is open.
    uint64_t connection() const;
    // Blocks until a debugger is connected (its generation) or the link closes (0).
    uint64_t wait_connection();

    struct Incoming {
        enum Kind { Packet, Dropped, Closed } kind;
        std::string body;  // Packet: run-length expanded, escapes left for the command
    };
    // Blocks until connection gen has a packet, has dropped, or the link closes.
    Incoming next_packet(uint64_t gen);

    // Frames and sends a reply on connection gen (dropped silently if it is gone). With
    // no_ack_after, acknowledgements stop once this reply is queued (QStartNoAckMode).
    void send(uint64_t gen, std::string_view body, bool no_ack_after = false);

    // Wakes every waiter with Closed; the I/O thread flushes and ends. Any thread.
    void close();

private:
    void run();
    void accept_one();
    void read_some();
    void write_some();
    void drop_locked();
    void wake();

    LinkEvents& events_;
    uint16_t port_ = 0;
    int listen_fd_ = -1;
    int wake_rd_ = -1, wake_wr_ = -1;
    std::thread thread_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    int conn_fd_ = -1;
    uint64_t gen_ = 0, next_gen_ = 1;
    bool closing_ = false;
    bool no_ack_ = false;
    PacketReader reader_;
    std::deque<std::string> packets_;
    std::string out_;        // bytes still to write
    std::string last_sent_;  // the last framed reply, for a '-'
};

}  // namespace tessera::gdb
