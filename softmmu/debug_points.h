// Breakpoints and watchpoints on a vCPU: the debugger's (gdbstub) and the guest's own (an
// ISA's debug triggers). Breakpoints are checked when code is translated: a block never runs
// past one, and the block that starts at one calls h_debug_break first. Watchpoints are
// checked in the softmmu slow path: pages holding one are filled with TLB_DEBUG, so every
// access to them leaves the fast path. Changing either flushes translated code.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/ir.h"

namespace tessera {

enum class Access : uint8_t;

enum WatchAccess : uint8_t { WATCH_READ = 1, WATCH_WRITE = 2, WATCH_ACCESS = 3 };

struct Watchpoint {
    uint64_t addr, len;
    uint8_t access;  // WatchAccess
};

// The debugger's points.
class DebugPoints {
public:
    bool add_break(uint64_t pc);
    bool remove_break(uint64_t pc);
    bool add_watch(uint64_t addr, uint64_t len, uint8_t access);
    bool remove_watch(uint64_t addr, uint64_t len, uint8_t access);
    void clear() {
        breaks_.clear();
        watches_.clear();
    }
    bool has_break(uint64_t pc) const;
    bool page_watched(uint64_t page_va) const;
    // The watchpoint [va, va+size) hits for this access, or nullptr.
    const Watchpoint* hit(uint64_t va, unsigned size, Access acc) const;
    bool empty() const { return breaks_.empty() && watches_.empty(); }

private:
    std::vector<uint64_t> breaks_;
    std::vector<Watchpoint> watches_;
};

// Why the vCPU left its loop for the debugger (set together with exception_pending, which
// the executor then clears instead of entering a guest handler).
enum class DebugExit : uint8_t { None, Breakpoint, Watchpoint };

// Called by a block that starts at a breakpoint (debugger's or guest's), before the
// instruction: arg is the pc. Always leaves a pending exception.
extern const ir::Helper h_debug_break;

}  // namespace tessera
