// What every board repeats: the address space, the CPUs handed to an accelerator, the run
// loop, host events (console input, timer deadlines, signals), the console, and poweroff and
// reset requests that devices and CPUs raise (sifive_test today; PSCI and the x86 reset port
// next). A board derives from Machine, lays out its memory map and devices, and fills in the
// hooks below; machines/board.h registers it by name.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/accel.h"
#include "core/cpu.h"
#include "debug/debug_target.h"
#include "machines/device_work.h"
#include "machines/host_events.h"
#include "machines/host_io.h"
#include "machines/machine_config.h"
#include "softmmu/address_space.h"
#include "softmmu/vcpu.h"

namespace tessera {

class GdbStub;
class ChardevSet;
class Display;
class DisplaySession;

class Machine : public DebugTarget {
public:
    Machine(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel);
    virtual ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Runs the guest until it powers off or the user quits; returns the exit status.
    int run();
    // Asked by a device or a CPU; the vCPU leaves its block and the loop acts on it. The
    // first poweroff wins: the rest of the block cannot change the status.
    void request_poweroff(int status);
    void request_reset();

    AddressSpace& address_space() { return as_; }
    // The device tree the guest gets (empty if the board has none).
    virtual const std::vector<uint8_t>& device_tree() const;
    void print_stats(FILE* out) { accel_->print_stats(out); }

    // DebugTarget (the gdbstub, -s/-gdb): the first CPU, its breakpoints and watchpoints.
    Cpu& debug_cpu() override;
    bool insert_point(PointKind kind, uint64_t addr, uint64_t len) override;
    bool remove_point(PointKind kind, uint64_t addr, uint64_t len) override;
    void remove_all_points() override;
    void request_debug_stop() override;

protected:
    // Board hooks. reset_board: CPUs and devices to their power-on state, images loaded again.
    virtual void reset_board() = 0;
    // For a state report (SIGUSR1, machines/host_events.h): the interrupt controller and the
    // devices with requests in flight, as lines.
    virtual std::string describe_board() const { return {}; }

    // Wiring, from the board's constructor. The Machine owns the CPUs (they outlive the
    // accelerator's vCPUs); start_cpus() hands them and the memory map, now complete, to the
    // accelerator.
    template <typename T>
    T& own_cpu(std::unique_ptr<T> cpu) {
        T& c = *cpu;
        if constexpr (std::is_base_of_v<Cpu, T>) contracts_.push_back(&c);
        cpus_.push_back(std::move(cpu));
        return c;
    }
    void start_cpus();
    void set_serial(SerialInput* port) { serial_ = port; }
    void add_clock(Clocked* device) { clocks_.push_back(device); }
    CharBackend& console() { return *console_; }
    // Arms the host timer (devices whose deadline changed between services call this); no
    // later than kInputRetryNs from now while console input waits for room in the UART.
    void arm_timer(uint64_t deadline_ns);
    static constexpr uint64_t kInputRetryNs = 1'000'000;
    // Work devices defer to the vCPU thread (machines/device_work.h), run in the service step.
    DeviceWork& device_work() { return work_; }
    // The -chardev backends, for the devices that claim them (opened in the constructor).
    ChardevSet& chardevs() { return *chardevs_; }
    // The screen and input path (display/display.h), for the board's display and input devices.
    Display& display() { return *display_; }

    MachineConfig cfg_;
    AddressSpace as_;

private:
    int loop();
    void service();
    void report_state();
    void reset();
    // The guest stopped for the debugger: serve it until it resumes the guest. False when
    // the run must end (the debugger killed it, or the guest powered off while stepping).
    bool serve_debugger(StopEvent ev, bool wait_for_debugger);
    // display/: opens the window (or none) and checks -keys/-screendump (ConfigError).
    void open_display();
    StopEvent take_stop_event(Vcpu& cpu);

    // Destroyed in reverse: the accelerator's vCPUs, then host events, then the CPUs.
    std::vector<std::unique_ptr<Vcpu>> cpus_;
    std::unique_ptr<CharBackend> console_;
    std::unique_ptr<ChardevSet> chardevs_;  // its threads wake devices through work_
    std::unique_ptr<Display> display_;     // outlives the board's devices (they listen to its input)
    std::unique_ptr<HostEvents> events_;  // kicks the first CPU
    DeviceWork work_;                     // kicks through events_
    std::unique_ptr<Accelerator> accel_;
    std::vector<Cpu*> contracts_;  // the CPUs' contract (core/cpu.h), in cpus_ order
    std::unique_ptr<GdbStub> gdb_;  // after the CPUs: destroyed (its threads joined) first
    // display/: the window (or none), -keys and -screendump for this run; destroyed before
    // the display and host events its threads use.
    std::unique_ptr<DisplaySession> display_session_;
    std::atomic<bool> debug_stop_requested_{false};
    SerialInput* serial_ = nullptr;
    std::vector<Clocked*> clocks_;
    int exit_status_ = 0;
    bool exit_requested_ = false, reset_requested_ = false;
};

}  // namespace tessera
