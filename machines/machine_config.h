// What the command line asks a board for, independent of the board.
#pragma once
#include <cstdint>
#include <string>

namespace tessera {

struct MachineConfig {
    uint64_t ram_size = 128ull << 20;
    std::string bios;  // empty: the board's default firmware; "none": no firmware
    std::string kernel, initrd, append, dtb;
    bool serial_stdio = true;
    std::string exec = "tiered";  // interp, jit, tiered or lockstep
    uint32_t hot_threshold = 0;   // tiered: executions before compiling (0: the default)
    uint32_t region_blocks = 0;   // tiered: blocks per compiled region (0: the default)
    bool compile_ahead = true;    // jit: a second thread compiles successors before they run
    int baseline = -1;            // jit, tiered, lockstep: baseline x86-64 code (-1: jit and tiered yes, lockstep no)
    uint32_t warm_runs = 0;       // tiered: interpreted runs before baseline code (0: the default)
    uint32_t tb_size_mib = 0;     // code cache size in MiB, LLVM's and the baseline's each (0: defaults)
    bool count_accesses = false;  // count guest loads and stores (-d stats); costs compiled loops a little
    std::string default_firmware_dir;  // where the project's own firmware was built
    std::string dumpdtb;          // -M ...,dumpdtb=FILE: write the device tree there and exit
};

// A user-facing configuration or input error: one line, non-zero exit.
struct ConfigError {
    std::string message;
};

}  // namespace tessera
