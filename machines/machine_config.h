// What the command line asks a board for, independent of the board and of the accelerator.
#pragma once
#include <cstdint>
#include <string>

#include "util/error.h"

namespace tessera {

struct MachineConfig {
    uint64_t ram_size = 128ull << 20;
    std::string cpu;   // a CPU model of the board (-cpu); empty: the board's default
    std::string bios;  // empty: the board's default firmware; "none": no firmware
    std::string kernel, initrd, append, dtb;
    bool serial_stdio = true;
    std::string firmware_dir;  // where the project's own firmware was built
    std::string dumpdtb;       // -M ...,dumpdtb=FILE: write the device tree there and exit
    std::string gdb;           // -gdb tcp::PORT (-s: tcp::1234): serve a debugger there; empty: none
    bool gdb_wait = false;     // -S: wait for the debugger before the first instruction
};

}  // namespace tessera
