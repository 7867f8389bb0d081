// A stand-in machine for checking the gdbstub against the real GDB (test_gdb_smoke.py): the
// fake RISC-V CPU of test_gdb_fakes.h runs a pretend program of nops whose last word jumps
// back to the start, and whose word at +0x40 (a nop for GDB) stores a counter to RAM+0x1000.
// GDB single-steps RISC-V in software (it decodes the instruction and sets a breakpoint
// after it), so the memory must hold instructions GDB can decode. Breakpoints, watchpoints,
// steps and Ctrl-C behave as the real executors' contract says (a point does not fire on
// the first instruction after a resume, so the debugger can step or continue past it).
//
// usage: tessera_gdb_smoke_target SPEC   prints "port N" once it listens, exits on kill or
// when a detached or vanished debugger leaves the guest running for a second.
#include <chrono>
#include <cstdio>
#include <thread>

#include "debug/gdbstub.h"
#include "test_gdb_fakes.h"
#include "util/error.h"

using namespace tessera;

namespace {

constexpr uint64_t kStoreAt = 0x40, kStoreTo = 0x1000, kLoopEnd = 0x100;

bool hits(test::GdbFakeTarget& t, bool code, uint64_t addr, uint64_t len, StopEvent* ev) {
    std::lock_guard lock(t.mu);
    for (auto& [kind, at, size] : t.points) {
        bool is_code = kind == PointKind::SwBreak || kind == PointKind::HwBreak;
        if (code != is_code || addr + len <= at || at + size <= addr) continue;
        ev->reason = code ? StopReason::Breakpoint : StopReason::Watchpoint;
        ev->watch_addr = addr;
        ev->watch_kind = kind == PointKind::ReadWatch ? 'r' : kind == PointKind::AccessWatch ? 'a' : 'w';
        if (!code && kind == PointKind::ReadWatch) continue;  // the program only stores
        return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s tcp::PORT\n", argv[0]);
        return 2;
    }
    test::GdbFakeTarget target;
    auto& cpu = target.cpu;
    try {
        GdbStub stub(target, argv[1], /*start_stopped=*/true);
        printf("port %u\n", stub.port());
        fflush(stdout);
        for (uint64_t off = 0; off < kLoopEnd; off += 4) {
            uint32_t insn = off + 4 == kLoopEnd ? 0xf05ff06f : 0x00000013;  // j start; nop
            cpu.debug_write(cpu.kRamBase + off, &insn, 4);
        }
        StopEvent ev;  // -S: stopped before the first instruction
        int seen_requests = target.stop_requests;  // a stop answers the requests before it
        Resume how = stub.stopped(ev, true);
        uint64_t counter = 0;
        auto alone_since = std::chrono::steady_clock::now();
        for (;;) {
            if (how == Resume::Kill) return 0;
            bool first = true;
            for (;;) {  // run until something stops the guest
                if (!stub.debugger_connected()) {
                    if (std::chrono::steady_clock::now() - alone_since > std::chrono::seconds(1)) return 0;
                } else {
                    alone_since = std::chrono::steady_clock::now();
                }
                if (target.stop_requests != seen_requests) {
                    seen_requests = target.stop_requests;  // every request is answered by one stop
                    ev = StopEvent{};
                    break;
                }
                uint64_t& pc = cpu.values[test::GdbFakeCpu::kPc];
                if (!first && hits(target, true, pc, 1, &ev)) break;
                uint64_t off = pc - test::GdbFakeCpu::kRamBase;
                if (off == kStoreAt) {
                    if (!first && hits(target, false, cpu.kRamBase + kStoreTo, 8, &ev)) break;
                    counter++;
                    cpu.debug_write(cpu.kRamBase + kStoreTo, &counter, 8);
                }
                pc = off + 4 >= kLoopEnd ? cpu.kRamBase : pc + 4;
                first = false;
                if (how == Resume::Step) {
                    ev = StopEvent{};
                    ev.reason = StopReason::Step;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::microseconds(50));
            }
            seen_requests = target.stop_requests;
            how = stub.stopped(ev, false);
            if (how == Resume::Detach) how = Resume::Continue;
        }
    } catch (const ConfigError& e) {
        fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
}
