// tessera: the command-line front end.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <exception>
#include <string>

#include "app/options.h"
#include "backends/llvm/jit.h"
#include "machines/loader.h"
#include "machines/riscv64-virt/virt_board.h"
#include "util/log.h"

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

int main(int argc, char** argv) {
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
        if (!o.log_items.empty()) g_log_mask = parse_log_items(o.log_items, &o.stats);
        if (!o.log_file.empty()) {
            FILE* f = fopen(o.log_file.c_str(), "w");
            if (!f) throw ConfigError{"-D: cannot open log file '" + o.log_file + "'"};
            log_set_file(f);
        }
        if (o.perf_map) jit::enable_perf_map();
        o.machine_cfg.default_firmware_dir = exe_dir() + "/firmware/riscv64";
        o.machine_cfg.exec = o.exec;
        o.machine_cfg.count_accesses = o.stats;  // for the TLB hit rate
        RiscvVirt board(o.machine_cfg);
        if (!o.machine_cfg.dumpdtb.empty()) {
            write_file_atomically(o.machine_cfg.dumpdtb, board.fdt(), "device tree");
            return 0;
        }
        int status = board.run();
        if (o.stats) board.print_stats(log_file());
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
