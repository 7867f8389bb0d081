#include "machines/loader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "machines/machine_config.h"

namespace tessera {

namespace {

std::string hex(uint64_t v) {
    char b[32];
    snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
    return b;
}

std::string named(const char* what, const std::string& path) { return std::string(what) + " '" + path + "'"; }

}  // namespace

FileBytes& FileBytes::operator=(FileBytes&& o) noexcept {
    if (this == &o) return *this;
    if (map_) munmap(map_, map_len_);
    map_ = o.map_;
    map_len_ = o.map_len_;
    owned_ = std::move(o.owned_);
    o.map_ = nullptr;
    o.map_len_ = 0;
    return *this;
}

FileBytes::~FileBytes() {
    if (map_) munmap(map_, map_len_);
}

FileBytes map_file(const std::string& path, const char* what, uint64_t max_bytes) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ConfigError{"cannot open " + named(what, path) + ": " + strerror(errno)};
    struct Closer {
        int fd;
        ~Closer() { close(fd); }
    } closer{fd};
    struct stat st;
    if (fstat(fd, &st) != 0) throw ConfigError{"cannot read " + named(what, path) + ": " + strerror(errno)};
    if (S_ISDIR(st.st_mode)) throw ConfigError{named(what, path) + " is a directory"};
    // A pipe is read up to the limit; devices (/dev/zero) would never end.
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) throw ConfigError{named(what, path) + " is not a regular file"};
    if (S_ISREG(st.st_mode) && uint64_t(st.st_size) > max_bytes)
        throw ConfigError{named(what, path) + " (" + std::to_string(st.st_size) + " bytes) is larger than guest memory"};
    FileBytes out;
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void* p = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p != MAP_FAILED) {
            out.map_ = p;
            out.map_len_ = size_t(st.st_size);
            return out;
        }
        // A file system that cannot map: read it as a pipe would be.
    }
    std::vector<uint8_t>& data = out.owned_;
    size_t chunk = S_ISREG(st.st_mode) ? size_t(st.st_size) + 1 : size_t(1) << 20;
    for (;;) {
        size_t have = data.size();
        data.resize(have + chunk);
        ssize_t n = read(fd, data.data() + have, chunk);
        data.resize(have + size_t(n > 0 ? n : 0));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw ConfigError{"cannot read " + named(what, path) + ": " + strerror(errno)};
        if (n == 0) break;
        if (data.size() > max_bytes) throw ConfigError{named(what, path) + " is larger than guest memory"};
        chunk = size_t(1) << 20;
    }
    if (data.empty()) throw ConfigError{named(what, path) + " is empty"};
    return out;
}

std::vector<uint8_t> read_file(const std::string& path, const char* what, uint64_t max_bytes) {
    return map_file(path, what, max_bytes).to_vector();
}

void write_file_atomically(const std::string& path, const std::vector<uint8_t>& data, const char* what) {
    std::string tmp = path + ".tmp-" + std::to_string(getpid());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw ConfigError{"cannot create " + named(what, path) + ": " + strerror(errno)};
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += size_t(n);
    }
    int err = done == data.size() ? 0 : errno ? errno : EIO;
    if (close(fd) != 0 && !err) err = errno;
    if (!err && rename(tmp.c_str(), path.c_str()) != 0) err = errno;
    if (err) {
        unlink(tmp.c_str());
        throw ConfigError{"cannot write " + named(what, path) + ": " + strerror(err)};
    }
}

bool is_elf(std::span<const uint8_t> d) { return d.size() >= 4 && memcmp(d.data(), ELFMAG, SELFMAG) == 0; }

void ImageLoader::claim(const char* what, const std::string& path, uint64_t low, uint64_t high) {
    for (const Placed& p : placed_)
        if (low < p.high && p.low < high)
            throw ConfigError{named(what, path) + " at " + hex(low) + "-" + hex(high - 1) + " overlaps " +
                              named(p.what.c_str(), p.path) + " at " + hex(p.low) + "-" + hex(p.high - 1)};
    placed_.push_back({what, path, low, high});
}

namespace {

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
    throw ConfigError{"corrupt ELF file '" + path + "': " + why};
}

const char* machine_name(uint16_t m) {
    switch (m) {
    case 3: return "x86";
    case 40: return "ARM (AArch32)";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 243: return "RISC-V";
    default: return nullptr;
    }
}

}  // namespace

template <typename Ehdr, typename Phdr>
static LoadedImage load_elf_class(AddressSpace& as, ImageLoader& loader, std::span<const uint8_t> d,
                                  const char* what, const std::string& path, uint16_t machine) {
    if (d.size() < sizeof(Ehdr)) corrupt(path, "truncated header");
    Ehdr eh;
    memcpy(&eh, d.data(), sizeof eh);
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) corrupt(path, "not little-endian");
    if (eh.e_machine != machine) {
        const char* got = machine_name(eh.e_machine);
        const char* want = machine_name(machine);
        if (got && want)
            throw ConfigError{"'" + path + "' is " + (got[0] == 'A' || got[0] == 'x' ? "an " : "a ") + got +
                              " ELF file; this board runs " + want + " code"};
        corrupt(path, "wrong machine type " + std::to_string(eh.e_machine));
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) corrupt(path, "not an executable");
    if (eh.e_phentsize != sizeof(Phdr)) corrupt(path, "bad program header size");
    if (eh.e_phnum == 0) corrupt(path, "no program headers");
    uint64_t ph_end = uint64_t(eh.e_phoff) + uint64_t(eh.e_phnum) * sizeof(Phdr);
    if (eh.e_phoff > d.size() || ph_end > d.size()) corrupt(path, "program headers outside the file");
    LoadedImage img;
    img.is_elf = true;
    img.entry = eh.e_entry;
    img.low = ~0ull;
    std::vector<Phdr> loads;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Phdr ph;
        memcpy(&ph, d.data() + eh.e_phoff + i * sizeof(Phdr), sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz) corrupt(path, "segment file size exceeds memory size");
        if (ph.p_offset > d.size() || ph.p_filesz > d.size() - ph.p_offset) corrupt(path, "segment outside the file");
        uint64_t pa = ph.p_paddr;
        Region* r = as.find(pa);
        if (!r || r->kind != RegionKind::Ram || ph.p_memsz > r->size - (pa - r->base))
            throw ConfigError{"ELF file '" + path + "' has a segment at " + hex(pa) +
                              (r && r->kind != RegionKind::Ram ? " in " + r->name + ", not RAM" : " outside guest RAM")};
        loads.push_back(ph);
    }
    if (loads.empty()) corrupt(path, "no loadable segments");
    // Every segment is checked before any is written.
    for (const Phdr& ph : loads) loader.claim(what, path, ph.p_paddr, ph.p_paddr + ph.p_memsz);
    for (const Phdr& ph : loads) {
        uint8_t* host = as.host_ptr(ph.p_paddr, ph.p_memsz);
        memcpy(host, d.data() + ph.p_offset, ph.p_filesz);
        memset(host + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        img.low = std::min<uint64_t>(img.low, ph.p_paddr);
        img.high = std::max<uint64_t>(img.high, ph.p_paddr + ph.p_memsz);
    }
    return img;
}

LoadedImage ImageLoader::load_elf(std::span<const uint8_t> d, const char* what, const std::string& path, uint16_t machine) {
    if (d.size() < EI_NIDENT) corrupt(path, "truncated header");
    if (d[EI_CLASS] == ELFCLASS64) return load_elf_class<Elf64_Ehdr, Elf64_Phdr>(as_, *this, d, what, path, machine);
    if (d[EI_CLASS] == ELFCLASS32) return load_elf_class<Elf32_Ehdr, Elf32_Phdr>(as_, *this, d, what, path, machine);
    corrupt(path, "unknown ELF class");
}

LoadedImage ImageLoader::load_raw(std::span<const uint8_t> d, const char* what, const std::string& path, uint64_t addr) {
    if (!as_.host_ptr(addr, d.size()))
        throw ConfigError{named(what, path) + " (" + std::to_string(d.size()) + " bytes) does not fit in guest memory at " + hex(addr)};
    claim(what, path, addr, addr + d.size());
    as_.write_phys(addr, d.data(), d.size());
    return LoadedImage{addr, addr, addr + d.size(), false};
}

LoadedImage ImageLoader::load(std::span<const uint8_t> d, const char* what, const std::string& path, uint16_t machine,
                              uint64_t raw_addr) {
    return is_elf(d) ? load_elf(d, what, path, machine) : load_raw(d, what, path, raw_addr);
}

}  // namespace tessera
