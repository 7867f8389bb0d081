#include "machines/host_events.h"

#include <poll.h>
#include <pthread.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace tessera {

uint64_t host_now_ns() {
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count());
}

namespace {
termios g_saved_tty;
std::atomic<bool> g_tty_raw{false};
void restore_tty() {
    if (g_tty_raw.exchange(false)) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_tty);
}
// A host crash still gives the terminal back (async-signal-safe: tcsetattr is), then goes to
// whatever handled the signal before (the default action, or a sanitizer's report).
constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction g_previous[32];
void restore_tty_and_die(int sig) {
    if (g_tty_raw.load()) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_tty);
    sigaction(sig, &g_previous[sig], nullptr);
    raise(sig);
}
void restore_tty_on_crash() {
    static bool installed = false;
    if (installed) return;
    installed = true;
    struct sigaction sa = {};
    sa.sa_handler = restore_tty_and_die;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (int s : kCrashSignals) sigaction(s, &sa, &g_previous[s]);
}
sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&set, s);
    return set;
}
}  // namespace

void HostEvents::block_signals() {
    sigset_t set = handled_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

HostEvents::HostEvents(std::atomic<uint32_t>& kick) : kick_(kick) {
    signal(SIGPIPE, SIG_IGN);
    block_signals();
    signals_ = std::thread([this] { signal_loop(); });
    timer_ = std::thread([this] { timer_loop(); });
}

HostEvents::~HostEvents() {
    {
        std::lock_guard<std::mutex> g(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    report_cv_.notify_all();
    timer_.join();
    pthread_kill(signals_.native_handle(), SIGTERM);  // it sees stopping_ and returns
    signals_.join();
    if (stdin_.joinable()) stdin_.detach();  // blocked in read(); the process is exiting
    restore_tty();
}

void HostEvents::signal_loop() {
    sigset_t set = handled_signals();
    for (bool asked = false;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        {
            std::lock_guard<std::mutex> g(mu_);
            if (stopping_) return;
        }
        if (sig == SIGUSR1) {
            ask_report();
            continue;
        }
        restore_tty();
        if (!asked) {
            asked = true;
            request_quit(sig);
            continue;
        }
        // A second signal: the run has not ended, so die as asked.
        signal(sig, SIG_DFL);
        pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
        raise(sig);
    }
}

void HostEvents::ask_report() {
    std::unique_lock<std::mutex> lk(mu_);
    uint64_t before = reports_done_;
    report_asked_.store(true);
    kick_now();
    if (report_cv_.wait_for(lk, std::chrono::seconds(2), [&] { return reports_done_ != before || stopping_; })) return;
    lk.unlock();
    fprintf(stderr, "tessera: state report: the vCPU thread did not answer within 2 s (busy in a block, or blocked); %s\n",
            describe().c_str());
}

void HostEvents::report_done() {
    {
        std::lock_guard<std::mutex> g(mu_);
        reports_done_++;
    }
    report_cv_.notify_all();
}

std::string HostEvents::describe() {
    std::lock_guard<std::mutex> g(mu_);
    char out[160];
    uint64_t now = host_now_ns();
    if (deadline_ == UINT64_MAX)
        snprintf(out, sizeof out, "host timer not armed, kick %u, %zu input bytes queued", kick_.load(), input_.size());
    else
        snprintf(out, sizeof out, "host timer armed %+.3f ms from now, kick %u, %zu input bytes queued",
                 (double(deadline_) - double(now)) / 1e6, kick_.load(), input_.size());
    return out;
}

void HostEvents::request_quit(int sig) {
    std::lock_guard<std::mutex> g(mu_);
    if (!quit_.load()) quit_signal_.store(sig);
    quit_.store(true);
    kick_now();
}

void HostEvents::kick_now() {
    kick_.store(1, std::memory_order_relaxed);
    vcpu_cv_.notify_all();
}

void HostEvents::arm(uint64_t deadline_ns) {
    {
        std::lock_guard<std::mutex> g(mu_);
        deadline_ = deadline_ns;
    }
    cv_.notify_all();
}

void HostEvents::timer_loop() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!stopping_) {
        if (deadline_ == UINT64_MAX) {
            cv_.wait(lk);
            continue;
        }
        uint64_t now = host_now_ns();
        if (now >= deadline_) {
            deadline_ = UINT64_MAX;
            kick_now();
            continue;
        }
        cv_.wait_for(lk, std::chrono::nanoseconds(deadline_ - now));
    }
}

void HostEvents::wait() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!kick_.load(std::memory_order_relaxed) && !stopping_) vcpu_cv_.wait(lk);
}

void HostEvents::push_input(uint8_t b) {
    std::lock_guard<std::mutex> g(mu_);
    input_.push_back(b);
    kick_now();  // under the lock, so wait() cannot miss it
}

bool HostEvents::pop_input(uint8_t* byte) {
    std::lock_guard<std::mutex> g(mu_);
    if (input_.empty()) return false;
    *byte = input_.front();
    input_.pop_front();
    return true;
}

bool HostEvents::input_pending() {
    std::lock_guard<std::mutex> g(mu_);
    return !input_.empty();
}

void HostEvents::start_stdin() {
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &g_saved_tty) == 0) {
        termios raw = g_saved_tty;
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN);
        raw.c_iflag &= ~tcflag_t(ICRNL | IXON);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
            g_tty_raw = true;
            atexit(restore_tty);
            restore_tty_on_crash();
        }
    }
    stdin_ = std::thread([this] { stdin_loop(); });
}

void HostEvents::stdin_loop() {
    bool escape = false;
    for (;;) {
        uint8_t buf[256];
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0) return;  // EOF: the guest simply gets no more input
        for (ssize_t i = 0; i < n; i++) {
            uint8_t b = buf[i];
            if (escape) {
                escape = false;
                if (b == 'x') {
                    request_quit();
                    return;
                }
                if (b == 1) push_input(1);
                continue;
            }
            if (b == 1 && g_tty_raw) {  // Ctrl-A prefix, only on an interactive terminal
                escape = true;
                continue;
            }
            push_input(b);
        }
    }
}

}  // namespace tessera
