// Loading guest images into guest-physical memory: ELF64/ELF32 program headers or raw files.
// An ImageLoader remembers what it placed, so images that would overwrite each other (a
// kernel over the firmware, an ELF over the reset vector) are refused with one line naming both.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "softmmu/address_space.h"

namespace tessera {

struct LoadedImage {
    uint64_t entry = 0;
    uint64_t low = 0, high = 0;  // physical range written
    bool is_elf = false;
};

// A whole file's bytes, read-only. A regular file is mapped (its page-cache pages, populated
// at once): loading a 30 MiB kernel then costs no zero-filled buffer and no page faults of
// its own, only the copy into guest RAM. A pipe is read into memory.
class FileBytes {
public:
    FileBytes() = default;
    FileBytes(FileBytes&& o) noexcept { *this = std::move(o); }
    FileBytes& operator=(FileBytes&& o) noexcept;
    FileBytes(const FileBytes&) = delete;
    FileBytes& operator=(const FileBytes&) = delete;
    ~FileBytes();
    const uint8_t* data() const { return map_ ? static_cast<const uint8_t*>(map_) : owned_.data(); }
    size_t size() const { return map_ ? map_len_ : owned_.size(); }
    bool empty() const { return size() == 0; }
    uint8_t operator[](size_t i) const { return data()[i]; }
    operator std::span<const uint8_t>() const { return {data(), size()}; }
    std::vector<uint8_t> to_vector() const { return {data(), data() + size()}; }

private:
    friend FileBytes map_file(const std::string& path, const char* what, uint64_t max_bytes);
    void* map_ = nullptr;
    size_t map_len_ = 0;
    std::vector<uint8_t> owned_;
};

// A whole file of at most max_bytes; throws ConfigError naming the file if it cannot be had
// (missing, a directory, a device, empty, or too large, found before reading it).
FileBytes map_file(const std::string& path, const char* what, uint64_t max_bytes);
// The same, copied into a vector (for callers that edit it).
std::vector<uint8_t> read_file(const std::string& path, const char* what, uint64_t max_bytes);

// Writes data to a temporary file beside path, then renames it: path is either complete or
// untouched. Throws ConfigError naming the file.
void write_file_atomically(const std::string& path, const std::vector<uint8_t>& data, const char* what);

bool is_elf(std::span<const uint8_t> data);

class ImageLoader {
public:
    explicit ImageLoader(AddressSpace& as) : as_(as) {}
    // Loads PT_LOAD segments at their physical addresses, which must lie in RAM. Throws
    // ConfigError for a corrupt file, segments outside RAM, or an overlap.
    LoadedImage load_elf(std::span<const uint8_t> data, const char* what, const std::string& path, uint16_t machine);
    // Copies data to addr (RAM or ROM).
    LoadedImage load_raw(std::span<const uint8_t> data, const char* what, const std::string& path, uint64_t addr);
    // Either, by the file's contents; raw images go to raw_addr.
    LoadedImage load(std::span<const uint8_t> data, const char* what, const std::string& path, uint16_t machine,
                     uint64_t raw_addr);
    // Claims [low, high) for something the board writes itself (reset vector, device tree).
    void claim(const char* what, const std::string& path, uint64_t low, uint64_t high);

private:
    struct Placed {
        std::string what, path;
        uint64_t low, high;
    };
    AddressSpace& as_;
    std::vector<Placed> placed_;
};

}  // namespace tessera
