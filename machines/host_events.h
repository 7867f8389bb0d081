// The only cross-thread part of a board: host input and the host timer. Other threads
// queue input or reach a deadline, then kick the vCPU; devices are served on the vCPU
// thread in service(), so device models never need locks.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace tessera {

uint64_t host_now_ns();

class HostEvents {
public:
    // Takes over SIGINT, SIGTERM and SIGHUP (a thread of its own waits for them: each asks
    // the vCPU to stop, so the run ends as Ctrl-A x does; a second one kills), SIGUSR1 (a
    // state report, below) and ignores
    // SIGPIPE (a closed stdout is an error on write, not a death).
    explicit HostEvents(std::atomic<uint32_t>& kick);
    // Blocks those signals in the calling thread. main() calls it first, so threads that
    // devices start before the Machine runs (virtio-blk's I/O, a display) inherit the mask
    // too: an unblocked thread would take SIGTERM's default action and end the process
    // without the orderly stop (and -d stats) the signal thread gives.
    static void block_signals();
    ~HostEvents();

    // Reads stdin in a background thread (raw terminal mode when it is a tty).
    // Ctrl-A x asks to quit; Ctrl-A Ctrl-A sends a literal Ctrl-A.
    void start_stdin();
    // Wake the vCPU at this host time (replaces the previous deadline; UINT64_MAX = none).
    void arm(uint64_t deadline_ns);
    // Sleep the vCPU thread until kicked or until the armed deadline.
    void wait();
    // Take queued input bytes (vCPU thread).
    bool pop_input(uint8_t* byte);
    bool input_pending();
    bool quit_requested() const { return quit_.load(); }
    // The signal that asked to quit, or 0 (Ctrl-A x, a closed output).
    int quit_signal() const { return quit_signal_.load(); }
    // Wakes the vCPU out of its blocks or its WFI sleep (any thread).
    void kick() {
        std::lock_guard<std::mutex> g(mu_);
        kick_now();
    }
    // Ends the run as Ctrl-A x does (any thread).
    void request_quit(int signal = 0);
    // SIGUSR1 asks for a state report (a hung guest in a test, a user wondering): the vCPU
    // thread takes the request between blocks or out of WFI, prints, and calls report_done().
    // A vCPU that does not answer within 2 s gets a line saying so from the signal thread.
    bool take_report_request() { return report_asked_.exchange(false); }
    void report_done();
    // The host side of a state report: the armed deadline, the kick, queued input.
    std::string describe();

private:
    void timer_loop();
    void stdin_loop();
    void signal_loop();
    void ask_report();
    void push_input(uint8_t b);
    void kick_now();

    std::atomic<uint32_t>& kick_;
    std::mutex mu_;
    std::condition_variable cv_;        // wakes the timer thread
    std::condition_variable vcpu_cv_;   // wakes a waiting vCPU
    std::deque<uint8_t> input_;
    uint64_t deadline_ = UINT64_MAX;
    bool stopping_ = false;
    std::atomic<bool> quit_{false};
    std::atomic<int> quit_signal_{0};
    std::atomic<bool> report_asked_{false};
    uint64_t reports_done_ = 0;          // under mu_
    std::condition_variable report_cv_;  // wakes the signal thread when a report is done
    std::thread timer_, stdin_, signals_;
};

}  // namespace tessera
