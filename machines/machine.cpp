#include "machines/machine.h"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "machines/stdio_console.h"

namespace tessera {

Machine::Machine(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel)
    : cfg_(cfg), accel_(std::move(accel)) {
    if (!accel_) throw std::logic_error("a machine needs an accelerator");
    // Nobody reads our output any more (`tessera ... | head -1`): end the run.
    console_ = std::make_unique<StdioConsole>(STDOUT_FILENO, [this] {
        if (events_) events_->request_quit();
    });
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
}

void Machine::arm_timer(uint64_t deadline_ns) {
    if (events_) events_->arm(deadline_ns);
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
    uint8_t b;
    while (serial_ && serial_->can_receive() && events_->pop_input(&b)) serial_->receive(b);
    uint64_t next = UINT64_MAX;
    for (Clocked* c : clocks_) {
        c->update();
        next = std::min(next, c->next_deadline_ns());
    }
    // Input left over (the FIFO was full): look again soon.
    if (events_->input_pending()) next = std::min(next, host_now_ns() + 1'000'000);
    if (next != UINT64_MAX) events_->arm(next);
}

int Machine::run() {
    int status = loop();
    console_->flush();  // before anything else (stats, a reset message) reaches the terminal
    return status;
}

int Machine::loop() {
    Vcpu& cpu = *cpus_.at(0);
    if (cfg_.serial_stdio) events_->start_stdin();
    for (;;) {
        accel_->run(0);
        console_->flush();  // bounds output latency: every interrupt, WFI, or request lands here
        if (cpu.kick.exchange(0)) service();
        if (events_->quit_requested()) {
            // As QEMU: a terminating signal ends the run with a line and status 0.
            if (int sig = events_->quit_signal()) fprintf(stderr, "tessera: terminating on signal %d\n", sig);
            return 0;
        }
        if (accel_->failed()) return 3;
        if (cpu.stop_requested) {
            cpu.stop_requested = false;
            if (exit_requested_) return exit_status_;
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
