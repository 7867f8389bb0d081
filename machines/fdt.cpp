#include "machines/fdt.h"

extern "C" {
#include <libfdt.h>
}

#include <sys/random.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "machines/loader.h"
#include "machines/machine_config.h"

namespace tessera {

namespace {

constexpr size_t kInitialSize = 16 * 1024;
constexpr size_t kMaxSize = size_t(INT_MAX) / 2;  // libfdt sizes are ints

void check(int err, const std::string& what) {
    if (err < 0) throw ConfigError{what + ": " + fdt_strerror(err)};
}

size_t grown(size_t size) {
    if (size >= kMaxSize) throw ConfigError{"device tree larger than " + std::to_string(kMaxSize) + " bytes"};
    return size * 2;
}

}  // namespace

std::string fdt_node_name(const char* name, uint64_t base) {
    char b[80];
    snprintf(b, sizeof b, "%s@%llx", name, (unsigned long long)base);
    return b;
}

// --- FdtWriter: libfdt's sequential-write interface, moved to a bigger buffer on demand

FdtWriter::FdtWriter() : buf_(kInitialSize) {
    check(fdt_create(buf_.data(), int(buf_.size())), "device tree construction failed");
    check(fdt_finish_reservemap(buf_.data()), "device tree construction failed");
}

template <typename Op>
void FdtWriter::call(Op op) {
    for (;;) {
        int err = op(buf_.data());
        if (err != -FDT_ERR_NOSPACE) return check(err, "device tree construction failed");
        std::vector<uint8_t> bigger(grown(buf_.size()));
        check(fdt_resize(buf_.data(), bigger.data(), int(bigger.size())), "device tree construction failed");
        buf_.swap(bigger);
    }
}

void FdtWriter::begin(const std::string& name) {
    call([&](void* p) { return fdt_begin_node(p, name.c_str()); });
}
void FdtWriter::end() {
    call([](void* p) { return fdt_end_node(p); });
}
void FdtWriter::prop_bytes(const char* name, const void* data, size_t len) {
    if (len > kMaxSize) throw ConfigError{std::string("device tree property ") + name + " is too large"};
    call([&](void* p) { return fdt_property(p, name, data, int(len)); });
}
void FdtWriter::prop_random(const char* name, size_t len) {
    std::vector<uint8_t> bytes(len);
    for (size_t got = 0; got < len;) {
        ssize_t n = getrandom(bytes.data() + got, len - got, 0);
        if (n < 0 && errno != EINTR) throw ConfigError{std::string("device tree property ") + name + ": getrandom: " + strerror(errno)};
        if (n > 0) got += size_t(n);
    }
    prop_bytes(name, bytes.data(), len);
}
void FdtWriter::prop(const char* name, const std::string& s) { prop_bytes(name, s.c_str(), s.size() + 1); }
void FdtWriter::prop_strings(const char* name, std::initializer_list<const char*> list) {
    std::string all;
    for (const char* s : list) all.append(s, strlen(s) + 1);
    prop_bytes(name, all.data(), all.size());
}
void FdtWriter::prop_u32(const char* name, uint32_t v) { prop_cells(name, {v}); }
void FdtWriter::prop_cells(const char* name, std::initializer_list<uint32_t> cells) {
    std::vector<fdt32_t> be;
    for (uint32_t c : cells) be.push_back(cpu_to_fdt32(c));
    prop_bytes(name, be.data(), be.size() * 4);
}
void FdtWriter::prop_empty(const char* name) { prop_bytes(name, nullptr, 0); }
void FdtWriter::reg(uint64_t base, uint64_t size) {
    prop_cells("reg", {uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size)});
}

std::vector<uint8_t> FdtWriter::finish() {
    call([](void* p) { return fdt_finish(p); });
    std::vector<uint8_t> out(buf_.begin(), buf_.begin() + fdt_totalsize(buf_.data()));
    return out;
}

// --- FdtEditor: libfdt's read-write interface, reopened into a bigger buffer on demand

FdtEditor::FdtEditor(const std::vector<uint8_t>& blob, const std::string& path) : path_(path) {
    if (blob.size() < sizeof(fdt_header) || fdt_check_header(blob.data()) != 0 || fdt_totalsize(blob.data()) > blob.size())
        throw ConfigError{"'" + path + "' is not a valid device tree blob"};
    buf_.resize(std::max<size_t>(blob.size() + kInitialSize, fdt_totalsize(blob.data()) * 2));
    if (fdt_open_into(blob.data(), buf_.data(), int(buf_.size())) != 0)
        throw ConfigError{"'" + path + "' is not a valid device tree blob"};
}

template <typename Op>
int FdtEditor::call(Op op) {
    for (;;) {
        int r = op(buf_.data());
        if (r != -FDT_ERR_NOSPACE) {
            check(r, "cannot edit device tree '" + path_ + "'");
            return r;
        }
        std::vector<uint8_t> bigger(grown(buf_.size()));
        check(fdt_open_into(buf_.data(), bigger.data(), int(bigger.size())), "cannot edit device tree '" + path_ + "'");
        buf_.swap(bigger);
    }
}

int FdtEditor::node(const std::string& path) {
    if (path.empty() || path[0] != '/') throw ConfigError{"device tree path '" + path + "' is not absolute"};
    int off = 0;
    size_t pos = 1;
    while (pos < path.size()) {
        size_t slash = path.find('/', pos);
        std::string name = path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        pos = slash == std::string::npos ? path.size() : slash + 1;
        if (name.empty()) continue;
        int child = fdt_subnode_offset(buf_.data(), off, name.c_str());
        if (child == -FDT_ERR_NOTFOUND) child = call([&](void* p) { return fdt_add_subnode(p, off, name.c_str()); });
        check(child, "cannot edit device tree '" + path_ + "'");
        off = child;
    }
    return off;
}

void FdtEditor::set_string(const std::string& node_path, const char* name, const std::string& value) {
    // Offsets move when the buffer is reopened: look the node up inside each attempt.
    call([&](void* p) {
        int off = fdt_path_offset(p, node_path.c_str());
        return off < 0 ? off : fdt_setprop_string(p, off, name, value.c_str());
    });
}

void FdtEditor::set_u64(const std::string& node_path, const char* name, uint64_t value) {
    call([&](void* p) {
        int off = fdt_path_offset(p, node_path.c_str());
        return off < 0 ? off : fdt_setprop_u64(p, off, name, value);
    });
}

std::vector<uint8_t> FdtEditor::finish() {
    check(fdt_pack(buf_.data()), "cannot edit device tree '" + path_ + "'");
    buf_.resize(fdt_totalsize(buf_.data()));
    return buf_;
}

std::vector<uint8_t> user_device_tree(const std::string& path, const std::string& append, uint64_t initrd_start,
                                      uint64_t initrd_end, uint64_t max_bytes) {
    FdtEditor tree(read_file(path, "device tree", max_bytes), path);
    tree.node("/chosen");
    if (!append.empty()) tree.set_string("/chosen", "bootargs", append);
    if (initrd_end) {
        tree.set_u64("/chosen", "linux,initrd-start", initrd_start);
        tree.set_u64("/chosen", "linux,initrd-end", initrd_end);
    }
    return tree.finish();
}

}  // namespace tessera
