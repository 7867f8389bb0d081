// Loading guest images into guest-physical memory: ELF64/ELF32 program headers or raw files.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "softmmu/address_space.h"

namespace tessera {

struct LoadedImage {
    uint64_t entry = 0;
    uint64_t low = 0, high = 0;  // physical range written
    bool is_elf = false;
};

// Reads a whole file; throws ConfigError naming the file if it cannot.
std::vector<uint8_t> read_file(const std::string& path, const char* what);

bool is_elf(const std::vector<uint8_t>& data);
// Loads PT_LOAD segments at their physical addresses. Throws ConfigError for a corrupt
// file or segments outside guest memory.
LoadedImage load_elf(AddressSpace& as, const std::vector<uint8_t>& data, const std::string& path, uint16_t machine);
LoadedImage load_raw(AddressSpace& as, const std::vector<uint8_t>& data, const std::string& path, uint64_t addr);

}  // namespace tessera
