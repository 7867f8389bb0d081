// The GDB remote serial protocol server (-s, -gdb tcp::PORT, -S). One debugger at a time,
// one thread (thread id 1) in all-stop mode, whatever CPU the DebugTarget offers: registers
// and the target description come from the CPU contract (core/cpu.h).
//
// Threads. The socket belongs to an I/O thread (debug/gdb_link.h). Everything that touches
// the CPU or the DebugTarget happens in stopped(), on the vCPU thread, while the guest is
// stopped; the I/O thread only ever calls DebugTarget::request_debug_stop().
//
// How the machine uses it:
//   GdbStub stub(target, "tcp::1234");          // listens now; ConfigError if it cannot
//   -S: before the first instruction, stub.stopped({StopReason::Interrupt}, true)
//   whenever the guest stops for the debugger (a point, a step done, request_debug_stop()
//   honoured, poweroff with StopReason::Exited), act on the Resume stopped() returns.
//   On the way out: stub.close() (wakes a vCPU blocked in stopped()), join the vCPU, destroy.
//
// The guest is asked to stop (request_debug_stop) when a debugger connects while it runs
// (GDB expects a stopped target), when Ctrl-C arrives, and when a connection drops while
// breakpoints may be set (so that they are removed on the vCPU thread). Any stop answers
// every request made before it: the target should forget a pending request when it calls
// stopped() for another reason (resuming re-requests a stop if one is still wanted), or
// GDB sees a second, spurious SIGINT after its next 'c'.
#pragma once
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "debug/debug_target.h"
#include "debug/gdb_link.h"

namespace tessera {

class GdbStub : private gdb::LinkEvents {
public:
    // spec: see gdb::parse_listen_spec ("tcp::1234", "tcp:HOST:PORT"). Throws ConfigError.
    // start_stopped (-S): the machine calls stopped(..., true) before the first instruction,
    // so a debugger connecting before that must not request a stop.
    GdbStub(DebugTarget& target, const std::string& spec, bool start_stopped = false);
    ~GdbStub() override;

    uint16_t port() const { return link_.port(); }  // the bound port (useful with port 0)
    bool debugger_connected() const { return link_.connection() != 0; }

    // On the vCPU thread, with the guest stopped. Without a debugger: returns Continue at
    // once, or with wait_for_debugger (-S) waits for one first. With one: sends the stop
    // reply if GDB is waiting for one (after c/s/vCont, not after a stop it did not ask
    // for), then serves GDB's requests until it says continue (Continue), step (Step),
    // detach (Detach, points removed) or kill (Kill); a dropped connection removes every
    // point and returns Continue. Exited sends W to a waiting GDB and returns Kill.
    // After close(), returns Kill.
    Resume stopped(const StopEvent& ev, bool wait_for_debugger);

    // Any thread: stop serving (stopped() returns Kill), flush, stop accepting connections.
    void close() { link_.close(); }

private:
    // LinkEvents, on the I/O thread.
    void on_connect() override;
    void on_interrupt() override;
    void on_disconnect() override;

    // Resumes the guest: from here on, Ctrl-C and connections request a stop.
    Resume resume(Resume how);
    // One packet; sets *done to what the guest does next.
    void handle(std::string_view pkt, std::optional<Resume>* done);
    std::string stop_reply(const StopEvent& ev) const;
    std::string read_registers();
    std::string write_registers(std::string_view hex);
    std::string read_register(std::string_view args);
    std::string write_register(std::string_view args);
    std::string read_memory(std::string_view args);
    std::string write_memory(std::string_view args, bool binary);
    std::string point(std::string_view args, bool insert);
    bool set_pc(std::string_view hex_addr);
    std::optional<Resume> vcont(std::string_view actions, std::string* reply);
    void reply(std::string_view body, bool no_ack_after = false) { link_.send(gen_, body, no_ack_after); }

    DebugTarget& target_;
    std::string xml_;  // built at the first qXfer: the CPU may not exist when we start

    // Shared with the I/O thread.
    std::mutex mu_;
    bool running_ = true;            // false while stopped() serves
    bool interrupt_pending_ = false; // Ctrl-C while stopped: stop again right after resuming
    bool points_maybe_set_ = false;  // a Z was accepted and no remove_all_points() since
    bool cleanup_pending_ = false;   // a connection dropped: remove points on the vCPU thread

    // vCPU thread only.
    uint64_t gen_ = 0;               // the connection being served
    bool gdb_waiting_ = false;       // GDB sent c/s and waits for a stop reply
    StopEvent last_{};

    // Last: its I/O thread calls the LinkEvents above, so it starts after them and is
    // joined before they go.
    gdb::GdbLink link_;
};

}  // namespace tessera
