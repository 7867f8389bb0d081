// What a debugger (debug/gdbstub.h) asks of a running machine, and what it gets back when
// the guest stops. The machine's vCPU thread calls GdbStub::stopped() with a StopEvent and
// runs the guest again as the debugger says; all register and memory accesses happen on
// that thread while the guest is stopped.
#pragma once
#include <cstdint>

namespace tessera {

class Cpu;

enum class StopReason : uint8_t {
    Interrupt,   // Ctrl-C from the debugger, or -S before the first instruction (SIGINT)
    Breakpoint,  // a software or hardware breakpoint at the current pc (SIGTRAP)
    Watchpoint,  // a watched access, reported before the access takes effect (SIGTRAP)
    Step,        // one instruction done (SIGTRAP)
    Exited,      // the guest powered off: exit_status is set
};

struct StopEvent {
    StopReason reason = StopReason::Interrupt;
    uint64_t watch_addr = 0;      // Watchpoint: the address the access touched
    char watch_kind = 'w';        // 'w' write, 'r' read, 'a' access
    int exit_status = 0;          // Exited
};

enum class PointKind : uint8_t { SwBreak = 0, HwBreak = 1, WriteWatch = 2, ReadWatch = 3, AccessWatch = 4 };

// What the debugger wants next.
enum class Resume : uint8_t { Continue, Step, Detach, Kill };

class DebugTarget {
public:
    virtual ~DebugTarget() = default;
    virtual Cpu& debug_cpu() = 0;
    // Breakpoints and watchpoints (GDB's Z/z packets). Insert returns false when the kind or
    // length is not supported; remove returns false when there was no such point.
    virtual bool insert_point(PointKind kind, uint64_t addr, uint64_t len) = 0;
    virtual bool remove_point(PointKind kind, uint64_t addr, uint64_t len) = 0;
    virtual void remove_all_points() = 0;
    // Another thread (the debugger's socket) asks the running guest to stop: the vCPU soon
    // calls GdbStub::stopped() with StopReason::Interrupt.
    virtual void request_debug_stop() = 0;
};

}  // namespace tessera
