#include "machines/board.h"

#include "machines/aarch64-virt/virt_board.h"
#include "machines/riscv64-virt/virt_board.h"

namespace tessera {

const std::vector<BoardInfo>& boards() {
    static const std::vector<BoardInfo> all = {riscv64_virt_board(), aarch64_virt_board()};
    return all;
}

namespace {
std::string cpu_names(const BoardInfo& b) {
    std::string s;
    for (const CpuModel& c : b.cpus) s += (s.empty() ? "" : ", ") + std::string(c.name);
    return s;
}
bool has_cpu(const BoardInfo& b, const std::string& cpu) {
    for (const CpuModel& c : b.cpus)
        if (cpu == c.name) return true;
    return false;
}
}  // namespace

const BoardInfo& find_board(const std::string& name, const std::string& cpu) {
    for (const BoardInfo& b : boards())
        if (name == b.name) return b;
    // An alias names boards of several ISAs: the CPU model picks one, the first by default.
    const BoardInfo* first = nullptr;
    std::string models;
    for (const BoardInfo& b : boards()) {
        if (!b.alias || name != b.alias) continue;
        if (cpu.empty() || has_cpu(b, cpu)) return b;
        if (!first) first = &b;
        models += (models.empty() ? "" : "; ") + std::string(b.name) + ": " + cpu_names(b);
    }
    if (first) throw ConfigError{"-M " + name + ": CPU '" + cpu + "' is not available (" + models + ")"};
    std::string names;
    for (const BoardInfo& b : boards()) names += (names.empty() ? "" : ", ") + std::string(b.name);
    throw ConfigError{"-M: unknown machine '" + name + "' (available: " + names + "; -M help lists them)"};
}

std::string board_cpu(const BoardInfo& b, const std::string& cpu) {
    if (cpu.empty()) return b.cpus.at(0).name;
    if (!has_cpu(b, cpu))
        throw ConfigError{"-cpu: '" + cpu + "' is not available on " + b.name + " (available: " + cpu_names(b) + ")"};
    return cpu;
}

std::string boards_help() {
    std::string s = "Supported machines are:\n";
    for (const BoardInfo& b : boards()) {
        char line[256];
        snprintf(line, sizeof line, "%-16s %s%s%s%s\n", b.name, b.description, b.alias ? " (alias: " : "",
                 b.alias ? b.alias : "", b.alias ? ")" : "");
        s += line;
    }
    return s;
}

std::string cpus_help(const BoardInfo& b) {
    std::string s = std::string("Available CPUs on ") + b.name + ":\n";
    for (size_t i = 0; i < b.cpus.size(); i++) {
        char line[256];
        snprintf(line, sizeof line, "  %-14s %s%s\n", b.cpus[i].name, b.cpus[i].description, i == 0 ? " (default)" : "");
        s += line;
    }
    return s;
}

}  // namespace tessera
