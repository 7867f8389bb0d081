// The board registry: every board by name, with its CPU models and default firmware. app/
// picks boards here (-M NAME, -M help, -cpu help); it never includes a board's header.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/accel.h"
#include "machines/machine.h"

namespace tessera {

struct CpuModel {
    const char* name;
    const char* description;
};

struct BoardInfo {
    const char* name;         // -M NAME
    const char* description;
    const char* alias;        // a QEMU name shared by boards of several ISAs ("virt"), or nullptr
    std::vector<CpuModel> cpus;  // the first is the default
    // The project's own firmware, relative to the firmware directory (nullptr: none).
    const char* default_firmware;
    std::unique_ptr<Machine> (*create)(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel);
};

const std::vector<BoardInfo>& boards();
// -M NAME with -cpu CPU (may be empty): the board, its alias resolved by the CPU model.
// Throws ConfigError listing what exists.
const BoardInfo& find_board(const std::string& name, const std::string& cpu);
// Checks cpu against the board's models; "" means the default. Throws ConfigError.
std::string board_cpu(const BoardInfo& board, const std::string& cpu);
std::string boards_help();
std::string cpus_help(const BoardInfo& board);

}  // namespace tessera
