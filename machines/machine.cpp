#include "machines/machine.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "debug/gdbstub.h"
#include "display/display.h"
#include "display/display_session.h"
#include "machines/chardev/chardev_set.h"
#include "machines/chardev/chardev_stream.h"
#include "machines/stdio_console.h"

namespace tessera {

namespace {
// -serial none: the UART's output goes nowhere (as on QEMU), leaving stdout to a -chardev stdio.
struct NoConsole : CharBackend {
    void write(uint8_t) override {}
};
}  // namespace

Machine::Machine(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel)
    : cfg_(cfg), work_([this] {
          if (events_) events_->kick();
      }),
      accel_(std::move(accel)) {
    if (!accel_) throw std::logic_error("a machine needs an accelerator");
    // Nobody reads our output any more (`tessera ... | head -1`): end the run.
    if (cfg_.serial_stdio) {
        console_ = std::make_unique<StdioConsole>(STDOUT_FILENO, [this] {
            if (events_) events_->request_quit();
        });
    } else {
        console_ = std::make_unique<NoConsole>();
    }
    chardevs_ = std::make_unique<ChardevSet>(cfg_);
    display_ = std::make_unique<Display>();
}

Machine::~Machine() = default;

const std::vector<uint8_t>& Machine::device_tree() const {
    static const std::vector<uint8_t> none;
    return none;
}

void Machine::start_cpus() {
    // Host events first: its constructor blocks the exit signals, and every thread the
    // accelerator starts from here on inherits that.
    events_ = std::make_unique<HostEvents>(cpus_.at(0)->kick);
    accel_->map_memory(as_);
    for (auto& c : cpus_) accel_->add_cpu(*c);
    // Listening starts now, so a debugger can attach before the first instruction (-S).
    if (!cfg_.gdb.empty()) gdb_ = std::make_unique<GdbStub>(*this, cfg_.gdb, cfg_.gdb_wait);
}

Cpu& Machine::debug_cpu() {
    if (contracts_.empty()) throw std::logic_error("this board's CPUs offer no debugger contract");
    return *contracts_.front();
}

namespace {
// A GDB point on the first vCPU; the vCPU drops translated code when its points change.
bool change_point(Vcpu& cpu, PointKind kind, uint64_t addr, uint64_t len, bool insert) {
    bool ok;
    if (kind == PointKind::SwBreak || kind == PointKind::HwBreak) {
        ok = insert ? cpu.debug.add_break(addr) : cpu.debug.remove_break(addr);
    } else {
        uint8_t access = kind == PointKind::WriteWatch ? WATCH_WRITE : kind == PointKind::ReadWatch ? WATCH_READ : WATCH_ACCESS;
        ok = insert ? cpu.debug.add_watch(addr, len, access) : cpu.debug.remove_watch(addr, len, access);
    }
    if (ok) cpu.debug_points_changed();
    return ok;
}
}  // namespace

bool Machine::insert_point(PointKind kind, uint64_t addr, uint64_t len) {
    return change_point(*cpus_.at(0), kind, addr, len, true);
}

bool Machine::remove_point(PointKind kind, uint64_t addr, uint64_t len) {
    return change_point(*cpus_.at(0), kind, addr, len, false);
}

void Machine::remove_all_points() {
    for (auto& c : cpus_) {
        if (c->debug.empty()) continue;
        c->debug.clear();
        c->debug_points_changed();
    }
}

void Machine::request_debug_stop() {
    // From the debugger's socket thread: the vCPU leaves its blocks (or its WFI sleep) and
    // the loop finds the request.
    debug_stop_requested_.store(true);
    if (events_) events_->kick();
}

StopEvent Machine::take_stop_event(Vcpu& cpu) {
    StopEvent ev;
    if (cpu.debug_exit == DebugExit::Breakpoint) ev.reason = StopReason::Breakpoint;
    if (cpu.debug_exit == DebugExit::Watchpoint) {
        ev.reason = StopReason::Watchpoint;
        ev.watch_addr = cpu.debug_watch_addr;
        ev.watch_kind = cpu.debug_watch_access == WATCH_WRITE ? 'w' : 'r';
        // A watchpoint set for both kinds reports as an access watchpoint, as GDB asked.
        if (cpu.debug.hit(cpu.debug_watch_addr, 1, Access::Load) && cpu.debug.hit(cpu.debug_watch_addr, 1, Access::Store))
            ev.watch_kind = 'a';
    }
    cpu.debug_exit = DebugExit::None;
    debug_stop_requested_.store(false);
    return ev;
}

bool Machine::serve_debugger(StopEvent ev, bool wait_for_debugger) {
    // The window's title says the guest is held (display/).
    struct PausedTitle {
        Display& d;
        explicit PausedTitle(Display& dd) : d(dd) { d.set_status("paused (debugger)"); }
        ~PausedTitle() { d.set_status("running"); }
    } paused_title(*display_);
    Vcpu& cpu = *cpus_.at(0);
    // One instruction for the debugger; false if it powered the guest off (GDB hears of it).
    auto step = [&] {
        accel_->step(0);
        console_->flush();
        if (cpu.kick.exchange(0)) service();
        if (!exit_requested_) {
            cpu.stop_requested = false;
            return true;
        }
        StopEvent exited;
        exited.reason = StopReason::Exited;
        exited.exit_status = exit_status_;
        gdb_->stopped(exited, false);
        return false;
    };
    for (;;) {
        debug_stop_requested_.store(false);  // this stop answers any request made before it
        Resume how = gdb_->stopped(ev, wait_for_debugger);
        wait_for_debugger = false;
        switch (how) {
        case Resume::Continue:
        case Resume::Detach:
            if (how == Resume::Detach) remove_all_points();
            // Resuming at a breakpoint or a watched access: that instruction runs first with
            // the debugger's points out of the way, or the guest would stop there again.
            if (ev.reason == StopReason::Breakpoint || ev.reason == StopReason::Watchpoint) return step();
            return true;
        case Resume::Kill:
            if (!exit_requested_) exit_status_ = 0;
            exit_requested_ = true;
            return false;
        case Resume::Step:
            if (!step()) return false;
            ev = take_stop_event(cpu);
            if (ev.reason == StopReason::Interrupt) ev.reason = StopReason::Step;
            break;
        }
    }
}

void Machine::arm_timer(uint64_t deadline_ns) {
    if (!events_) return;
    // The deadline replaces the armed one: keep service()'s retry of input left over.
    if (events_->input_pending()) deadline_ns = std::min(deadline_ns, host_now_ns() + kInputRetryNs);
    events_->arm(deadline_ns);
}

void Machine::request_poweroff(int status) {
    if (!exit_requested_) exit_status_ = status;
    exit_requested_ = true;
    for (auto& c : cpus_) c->stop_requested = true;
}

void Machine::request_reset() {
    reset_requested_ = true;
    for (auto& c : cpus_) c->stop_requested = true;
}

void Machine::reset() {
    accel_->reset();
    reset_board();
}

void Machine::service() {
    work_.run_pending();
    uint8_t b;
    if (cfg_.serial_stdio) {
        while (serial_ && serial_->can_receive() && events_->pop_input(&b)) serial_->receive(b);
    } else if (StreamChardev* in = chardevs_->stdio()) {  // -serial none -chardev stdio: stdin is its
        while (in->can_take_input() && events_->pop_input(&b)) in->deliver_input(&b, 1);
    }
    uint64_t next = UINT64_MAX;
    for (Clocked* c : clocks_) {
        c->update();
        next = std::min(next, c->next_deadline_ns());
    }
    // Input left over (the FIFO was full): arm_timer looks again soon.
    if (next != UINT64_MAX || events_->input_pending()) arm_timer(next);
}

// Printed on the vCPU thread, between blocks: nothing it reads is changing.
void Machine::report_state() {
    console_->flush();
    fprintf(stderr, "\ntessera: state report\n");
    for (size_t i = 0; i < cpus_.size(); i++) {
        Vcpu& c = *cpus_[i];
        fprintf(stderr, "cpu%zu: pc 0x%llx, %llu instructions; %s\n", i, (unsigned long long)c.pc,
                (unsigned long long)c.insn_count, c.describe_state().c_str());
    }
    rusage self{};
    getrusage(RUSAGE_THREAD, &self);  // this is the vCPU thread
    fprintf(stderr, "host: %s; device work %s; vCPU thread %.3f s of CPU\n", events_->describe().c_str(),
            work_.empty() ? "none" : "queued", double(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                                                   double(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6);
    if (std::string a = accel_->describe_state(); !a.empty()) fprintf(stderr, "%s\n", a.c_str());
    std::string board = describe_board();
    fputs(board.c_str(), stderr);
    if (!board.empty() && board.back() != '\n') fputc('\n', stderr);
    fprintf(stderr, "tessera: state report end\n");
    fflush(stderr);
    events_->report_done();
}

void Machine::open_display() {
    DisplaySessionOptions o;
    o.mode = cfg_.display.mode;
    o.full_screen = cfg_.display.full_screen;
    o.window_close = cfg_.display.window_close;
    o.screendump = cfg_.display.screendump;
    o.keys = cfg_.display.keys;
    o.board = cfg_.display.board;
    display_->set_status("running");
    // Closing the window ends the run as Ctrl-A x does (status 0, as QEMU).
    display_session_ = std::make_unique<DisplaySession>(*display_, o, [this] {
        if (events_) events_->request_quit();
    });
}

int Machine::run() {
    open_display();
    int status = loop();
    console_->flush();  // before anything else (stats, a reset message) reaches the terminal
    chardevs_->stop();
    // display/: the window closes; -screendump gets the last frame, however the run ended.
    display_->set_status("powered off");
    display_session_->finish();
    return status;
}

int Machine::loop() {
    Vcpu& cpu = *cpus_.at(0);
    if (cfg_.serial_stdio || chardevs_->stdio()) events_->start_stdin();
    // Chardev threads start; a socket server with wait=on holds the guest until a client comes.
    chardevs_->start([this] { return events_->quit_requested(); });
    if (events_->quit_requested()) return 0;
    if (gdb_ && cfg_.gdb_wait && !serve_debugger(StopEvent{}, true)) return exit_status_;
    display_session_->start();  // -keys: the virtual keyboard types from here on
    for (;;) {
        accel_->run(0);
        console_->flush();  // bounds output latency: every interrupt, WFI, or request lands here
        if (cpu.kick.exchange(0)) service();
        if (events_->take_report_request()) report_state();
        if (gdb_ && (cpu.debug_exit != DebugExit::None || debug_stop_requested_.load()) && !exit_requested_) {
            if (!serve_debugger(take_stop_event(cpu), false)) return exit_status_;
            continue;
        }
        if (events_->quit_requested()) {
            // As QEMU: a terminating signal ends the run with a line and status 0.
            if (int sig = events_->quit_signal()) fprintf(stderr, "tessera: terminating on signal %d\n", sig);
            return 0;
        }
        if (accel_->failed()) return 3;
        if (cpu.stop_requested) {
            cpu.stop_requested = false;
            if (exit_requested_) {
                if (gdb_) {  // the debugger hears of the exit (W packet)
                    StopEvent exited;
                    exited.reason = StopReason::Exited;
                    exited.exit_status = exit_status_;
                    gdb_->stopped(exited, false);
                }
                return exit_status_;
            }
            if (reset_requested_) {
                reset_requested_ = false;
                reset();
                continue;
            }
        }
        if (cpu.halted()) events_->wait();  // WFI: sleep until input or the timer deadline kicks us
    }
}

}  // namespace tessera
