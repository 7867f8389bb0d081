// Command-line options, spelled as QEMU spells them.
#pragma once
#include <string>
#include <vector>

#include "core/accel.h"
#include "machines/machine_config.h"

namespace tessera {

struct Options {
    std::string machine = "riscv64-virt";  // a registered board's name (machines/board.h), aliases resolved
    std::string log_items, log_file;
    bool show_help = false, show_version = false, stats = false, perf_map = false;
    // -M help, -cpu help, -accel help: list what exists and exit.
    bool machine_help = false, cpu_help = false, accel_help = false;
    std::string device_help;  // -device help: "*"; -device NAME,help: the device's name
    MachineConfig machine_cfg;  // machine_cfg.cpu: the board's model, resolved
    AccelConfig accel;
};

// Throws ConfigError with a one-line message for anything it does not accept.
Options parse_options(const std::vector<std::string>& args);
const char* usage_text();
// Parses a -d list into log categories; throws ConfigError on an unknown item.
uint32_t parse_log_items(const std::string& items, bool* stats);

}  // namespace tessera
