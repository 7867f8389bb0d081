// Command-line options, spelled as QEMU spells them.
#pragma once
#include <string>
#include <vector>

#include "machines/machine_config.h"

namespace tessera {

struct Options {
    std::string machine = "riscv64-virt";
    std::string cpu;
    std::string exec = "tiered";
    std::string log_items, log_file;
    bool show_help = false, show_version = false, stats = false, perf_map = false;
    MachineConfig machine_cfg;
};

// Throws ConfigError with a one-line message for anything it does not accept.
Options parse_options(const std::vector<std::string>& args);
const char* usage_text();
// Parses a -d list into log categories; throws ConfigError on an unknown item.
uint32_t parse_log_items(const std::string& items, bool* stats);

}  // namespace tessera
