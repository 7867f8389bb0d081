// Device trees for boards: a writer that builds one from scratch and an editor that changes
// a user's -dtb. Both grow their buffer as the tree grows (a long -append is only text), and
// every libfdt error becomes one ConfigError line.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace tessera {

class FdtWriter {
public:
    FdtWriter();
    void begin(const std::string& name);
    void end();
    void prop(const char* name, const std::string& s);
    void prop_strings(const char* name, std::initializer_list<const char*> list);
    void prop_u32(const char* name, uint32_t v);
    void prop_cells(const char* name, std::initializer_list<uint32_t> cells);
    void prop_empty(const char* name);
    void prop_bytes(const char* name, const void* data, size_t len);
    // len bytes from the host's random source (/chosen's rng-seed and kaslr-seed).
    void prop_random(const char* name, size_t len);
    // reg = <base size> with #address-cells = #size-cells = 2.
    void reg(uint64_t base, uint64_t size);
    // The finished blob, packed to its size.
    std::vector<uint8_t> finish();

private:
    template <typename Op>
    void call(Op op);
    std::vector<uint8_t> buf_;
};

// Edits a device tree blob in place of the one the user gave.
class FdtEditor {
public:
    // Throws ConfigError naming `path` if blob is not a valid device tree.
    FdtEditor(const std::vector<uint8_t>& blob, const std::string& path);
    // The node at path, created (with its parents) if absent.
    int node(const std::string& path);
    void set_string(const std::string& node_path, const char* name, const std::string& value);
    void set_u64(const std::string& node_path, const char* name, uint64_t value);
    std::vector<uint8_t> finish();

private:
    template <typename Op>
    int call(Op op);
    std::vector<uint8_t> buf_;
    std::string path_;
};

// The user's -dtb (read from path, at most max_bytes) with /chosen given the command line
// (if any) and the initrd's range (if initrd_end is not 0): what every board does with -dtb.
std::vector<uint8_t> user_device_tree(const std::string& path, const std::string& append, uint64_t initrd_start,
                                      uint64_t initrd_end, uint64_t max_bytes);

// "name@base" in hex, as device tree node names are spelled.
std::string fdt_node_name(const char* name, uint64_t base);

}  // namespace tessera
