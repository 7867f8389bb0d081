// Opening a drive: the format (given or probed), the backing chain, the snapshot overlay.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "machines/block/block_backend.h"
#include "machines/block/qcow2_backend.h"
#include "machines/block/raw_backend.h"
#include "util/error.h"

namespace tessera::block {

namespace {

constexpr int kMaxBackingDepth = 16;
constexpr size_t kMaxHeaderRead = size_t(1) << qcow2::kMaxClusterBits;
constexpr uint32_t kOverlayClusterBits = 16;

bool starts_with(const uint8_t* p, size_t n, const char* magic, size_t at = 0) {
    size_t len = strlen(magic);
    return n >= at + len && memcmp(p + at, magic, len) == 0;
}

// What QEMU would open the file as: "qcow2", "raw", or another format's name (refused).
std::string probe(const HostFile& f) {
    uint8_t b[512] = {};
    size_t n = 0;
    if (int err = f.read_some(0, b, sizeof b, &n)) throw ConfigError{io_message(f.path(), "cannot read", err)};
    if (n >= 4 && memcmp(b, kQcow2Magic, 4) == 0) return "qcow2";
    if (starts_with(b, n, "KDMV") || starts_with(b, n, "COWD") || starts_with(b, n, "# Disk DescriptorFile")) return "vmdk";
    if (starts_with(b, n, "conectix")) return "vpc";
    if (starts_with(b, n, "vhdxfile")) return "vhdx";
    if (n >= 4 && memcmp(b, "QED\0", 4) == 0) return "qed";
    if (starts_with(b, n, "LUKS\xba\xbe")) return "luks";
    if (starts_with(b, n, "WithoutFreeSpace") || starts_with(b, n, "WithouFreSpacExt")) return "parallels";
    if (starts_with(b, n, "Bochs Virtual HD Image", 32)) return "bochs";
    if (n >= 68 && b[64] == 0x7f && b[65] == 0x10 && b[66] == 0xda && b[67] == 0xbe) return "vdi";
    return "raw";
}

std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::unique_ptr<BlockBackend> open_image(const std::string& path, std::string format, bool writable, int depth,
                                         std::vector<std::string>* warnings) {
    if (!format.empty() && format != "raw" && format != "qcow2")
        throw ConfigError{path + ": unknown format '" + format + "' (available: raw, qcow2)"};
    HostFile f = open_image_file(path, writable);
    bool probed = false;
    if (format.empty()) {
        format = probe(f);
        if (format != "raw" && format != "qcow2")
            throw ConfigError{path + ": a " + format + " image; Tessera opens raw and qcow2 (qemu-img convert -O qcow2 converts it)"};
        probed = format == "raw";
        if (probed && depth == 0) {
            std::string w = path + ": format not given, probed as raw; writes that would put a qcow2 header in the first "
                                   "sector are refused (give format=raw to allow them)";
            if (warnings) warnings->push_back(w);
            else fprintf(stderr, "tessera: warning: %s\n", w.c_str());
        }
    }
    if (format == "raw") return std::make_unique<RawBackend>(std::move(f), writable, probed);

    int64_t len = f.length();
    if (len < 0) throw ConfigError{io_message(path, "cannot find its size", int(-len))};
    std::vector<uint8_t> head(std::min<uint64_t>(uint64_t(len), kMaxHeaderRead));
    size_t got = 0;
    if (int err = f.read_some(0, head.data(), head.size(), &got)) throw ConfigError{io_message(path, "cannot read", err)};
    qcow2::Header h;
    if (std::string e = qcow2::parse_header(head.data(), got, uint64_t(len), &h); !e.empty()) throw ConfigError{path + ": " + e};
    if (writable) {
        if (std::string e = qcow2::writable_problem(h); !e.empty()) throw ConfigError{path + ": " + e};
    }
    std::unique_ptr<BlockBackend> backing;
    if (!h.backing_file.empty()) {
        const std::string& name = h.backing_file;
        if (name.find("://") != std::string::npos || name.rfind("json:", 0) == 0)
            throw ConfigError{path + ": backing file '" + name + "' is not a local file"};
        if (depth + 1 >= kMaxBackingDepth) throw ConfigError{path + ": backing chain deeper than 16 images (a loop?)"};
        std::string bpath = name[0] == '/' ? name : directory_of(path) + "/" + name;
        if (!h.backing_format.empty() && h.backing_format != "raw" && h.backing_format != "qcow2")
            throw ConfigError{path + ": backing file '" + name + "' has format '" + h.backing_format +
                              "' (Tessera opens raw and qcow2)"};
        try {
            backing = open_image(bpath, h.backing_format, false, depth + 1, warnings);
        } catch (const ConfigError& e) {
            throw ConfigError{path + ": backing file: " + e.message};
        }
    }
    Qcow2Backend::Config config;
    config.writable = writable;
    return std::make_unique<Qcow2Backend>(std::move(f), h, std::move(backing), config);
}

// An unlinked qcow2 file in $TMPDIR (or /var/tmp, as QEMU) over the image.
std::unique_ptr<BlockBackend> make_overlay(std::unique_ptr<BlockBackend> base) {
    const char* env = getenv("TMPDIR");
    std::string dir = env && *env ? env : "/var/tmp";
    int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::string tmpl = dir + "/tessera-snapshot-XXXXXX";
        fd = mkostemp(tmpl.data(), O_CLOEXEC);
        if (fd < 0) throw ConfigError{"snapshot=on: cannot create a temporary file in " + dir + ": " + strerror(errno)};
        unlink(tmpl.c_str());
    }
    HostFile f(fd, dir + "/(snapshot overlay)");
    std::vector<uint8_t> bytes = qcow2::new_image(base->size(), kOverlayClusterBits);
    if (int err = f.write(0, bytes.data(), bytes.size()))
        throw ConfigError{"snapshot=on: cannot write a temporary file in " + dir + ": " + strerror(err)};
    qcow2::Header h;
    if (std::string e = qcow2::parse_header(bytes.data(), bytes.size(), bytes.size(), &h); !e.empty())
        throw ConfigError{"snapshot=on: " + e};
    Qcow2Backend::Config config;
    config.writable = true;
    config.durable = false;
    config.description = base->describe() + " (snapshot=on)";
    return std::make_unique<Qcow2Backend>(std::move(f), h, std::move(base), config);
}

}  // namespace

std::unique_ptr<BlockBackend> open_drive(const DriveOptions& o, std::vector<std::string>* warnings) {
    if (o.file.empty()) throw ConfigError{"-drive: file= is missing"};
    bool writable = !o.read_only && !o.snapshot;
    std::unique_ptr<BlockBackend> img = open_image(o.file, o.format, writable, 0, warnings);
    if (o.snapshot && !o.read_only) return make_overlay(std::move(img));
    if (auto* q = dynamic_cast<Qcow2Backend*>(img.get()); q && writable) q->start_writing();
    return img;
}

}  // namespace tessera::block
