// tessera: the command-line front end.
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include "app/options.h"
#include "backends/llvm/jit.h"
#include "app/accelerators.h"
#include "machines/board.h"
#include "machines/device_options.h"
#include "machines/host_events.h"
#include "machines/loader.h"
#include "util/log.h"
#include "util/prefault.h"

#ifndef TESSERA_VERSION
#define TESSERA_VERSION "0.1.0"
#endif

using namespace tessera;

static std::string exe_dir() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    buf[n] = 0;
    std::string p(buf);
    return p.substr(0, p.rfind('/'));
}

// Grows the main heap (the vCPU thread's arena) once by `bytes` and asks for transparent
// huge pages on it: the blocks, IR and plans the translator keeps then fault in 2 MiB at a
// time instead of 4 KiB (28K faults of a Linux boot became a few dozen). Only address space
// is reserved; memory is committed as the heap is used. glibc's hugetlb tunable does the
// same, but only from the environment.
static void reserve_heap(size_t bytes) {
    mallopt(M_MMAP_MAX, 0);  // from the heap (brk), not a mapping of its own
    void* p = malloc(bytes);
    mallopt(M_MMAP_MAX, 65536);
    if (!p) return;
    const uintptr_t huge = uintptr_t(2) << 20;
    uintptr_t lo = (uintptr_t(p) + huge - 1) & ~(huge - 1);
    uintptr_t hi = (uintptr_t(p) + bytes) & ~(huge - 1);
    free(p);  // back into the heap's top chunk, which M_TRIM_THRESHOLD keeps
    if (hi <= lo) return;
    madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
    // The first 64 MiB (what an arm64 Linux boot grows the heap by) are mapped in by the
    // prefault thread, not by the vCPU thread's first touches: in this VM each fresh 2 MiB page
    // cost the toucher ~4 ms of zeroing (a perf profile of the boot put ~0.1 s of the vCPU
    // thread in clear_page under malloc). The price: that much resident memory at once.
    static const char owner = 0;
    prefault::request(&owner, reinterpret_cast<void*>(lo), std::min<uintptr_t>(hi - lo, uintptr_t(64) << 20), true);
}

// Translation allocates and frees IR and plans for every block while the heap grows with
// the blocks kept: glibc's defaults give memory back at each free near the top and fault it
// in again moments later (a page fault costs microseconds in a VM). Keep what was grown.
static void tune_malloc() {
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    reserve_heap(size_t(256) << 20);
}

int main(int argc, char** argv) {
    tune_malloc();
    HostEvents::block_signals();  // before any thread starts: each inherits the mask
    try {
        Options o = parse_options(std::vector<std::string>(argv + 1, argv + argc));
        if (o.show_help) {
            fputs(usage_text(), stdout);
            return 0;
        }
        if (o.show_version) {
            printf("Tessera emulator version %s\n", TESSERA_VERSION);
            return 0;
        }
        if (!o.device_help.empty()) {
            fputs(device_help_text(o.device_help).c_str(), stdout);
            return 0;
        }
        if (o.machine_help || o.cpu_help || o.accel_help) {
            fputs(o.machine_help ? boards_help().c_str()
                  : o.cpu_help   ? cpus_help(find_board(o.machine, "")).c_str()
                                 : accels_help().c_str(),
                  stdout);
            return 0;
        }
        if (!o.log_items.empty()) g_log_mask = parse_log_items(o.log_items, &o.stats);
        if (!o.log_file.empty()) {
            FILE* f = fopen(o.log_file.c_str(), "w");
            if (!f) throw ConfigError{"-D: cannot open log file '" + o.log_file + "'"};
            log_set_file(f);
        }
        if (o.perf_map) jit::enable_perf_map();
        o.machine_cfg.firmware_dir = exe_dir() + "/firmware";
        o.accel.count_accesses = o.stats;  // for the TLB hit rate
        std::unique_ptr<Accelerator> accel = find_accel(o.accel.name).create(o.accel);
        std::unique_ptr<Machine> board = find_board(o.machine, o.machine_cfg.cpu).create(o.machine_cfg, std::move(accel));
        if (!o.machine_cfg.dumpdtb.empty()) {
            write_file_atomically(o.machine_cfg.dumpdtb, board->device_tree(), "device tree");
            return 0;
        }
        int status = board->run();
        if (o.stats) board->print_stats(log_file());
        fflush(log_file());
        return status;
    } catch (const ConfigError& e) {
        fprintf(stderr, "tessera: %s\n", e.message.c_str());
        return 1;
    } catch (const std::exception& e) {
        fprintf(stderr, "tessera: %s\n", e.what());
        return 1;
    }
}
