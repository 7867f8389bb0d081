#include "machines/loader.h"

#include <elf.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "machines/machine_config.h"

namespace tessera {

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw ConfigError{std::string("cannot open ") + what + " '" + path + "': " + strerror(errno)};
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) throw ConfigError{std::string("cannot read ") + what + " '" + path + "'"};
    if (data.empty()) throw ConfigError{std::string(what) + " '" + path + "' is empty"};
    return data;
}

bool is_elf(const std::vector<uint8_t>& d) { return d.size() >= 4 && memcmp(d.data(), ELFMAG, SELFMAG) == 0; }

namespace {

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
    throw ConfigError{"corrupt ELF file '" + path + "': " + why};
}

template <typename Ehdr, typename Phdr>
LoadedImage load_elf_class(AddressSpace& as, const std::vector<uint8_t>& d, const std::string& path, uint16_t machine) {
    if (d.size() < sizeof(Ehdr)) corrupt(path, "truncated header");
    Ehdr eh;
    memcpy(&eh, d.data(), sizeof eh);
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) corrupt(path, "not little-endian");
    if (eh.e_machine != machine) corrupt(path, "wrong machine type " + std::to_string(eh.e_machine));
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) corrupt(path, "not an executable");
    if (eh.e_phentsize != sizeof(Phdr)) corrupt(path, "bad program header size");
    if (eh.e_phnum == 0) corrupt(path, "no program headers");
    uint64_t ph_end = uint64_t(eh.e_phoff) + uint64_t(eh.e_phnum) * sizeof(Phdr);
    if (eh.e_phoff > d.size() || ph_end > d.size()) corrupt(path, "program headers outside the file");
    LoadedImage img;
    img.is_elf = true;
    img.entry = eh.e_entry;
    img.low = ~0ull;
    bool any = false;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Phdr ph;
        memcpy(&ph, d.data() + eh.e_phoff + i * sizeof(Phdr), sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz) corrupt(path, "segment file size exceeds memory size");
        if (ph.p_offset > d.size() || ph.p_filesz > d.size() - ph.p_offset) corrupt(path, "segment outside the file");
        uint64_t pa = ph.p_paddr;
        if (!as.host_ptr(pa, ph.p_memsz))
            throw ConfigError{"ELF file '" + path + "' has a segment at 0x" + ([&] {
                                  char b[32];
                                  snprintf(b, sizeof b, "%llx", (unsigned long long)pa);
                                  return std::string(b);
                              })() + " outside guest memory"};
        uint8_t* host = as.host_ptr(pa, ph.p_memsz);
        memcpy(host, d.data() + ph.p_offset, ph.p_filesz);
        memset(host + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        img.low = std::min<uint64_t>(img.low, pa);
        img.high = std::max<uint64_t>(img.high, pa + ph.p_memsz);
        any = true;
    }
    if (!any) corrupt(path, "no loadable segments");
    return img;
}

}  // namespace

LoadedImage load_elf(AddressSpace& as, const std::vector<uint8_t>& d, const std::string& path, uint16_t machine) {
    if (d.size() < EI_NIDENT) corrupt(path, "truncated header");
    if (d[EI_CLASS] == ELFCLASS64) return load_elf_class<Elf64_Ehdr, Elf64_Phdr>(as, d, path, machine);
    if (d[EI_CLASS] == ELFCLASS32) return load_elf_class<Elf32_Ehdr, Elf32_Phdr>(as, d, path, machine);
    corrupt(path, "unknown ELF class");
}

LoadedImage load_raw(AddressSpace& as, const std::vector<uint8_t>& d, const std::string& path, uint64_t addr) {
    if (!as.write_phys(addr, d.data(), d.size()))
        throw ConfigError{"image '" + path + "' (" + std::to_string(d.size()) + " bytes) does not fit in guest memory"};
    return LoadedImage{addr, addr, addr + d.size(), false};
}

}  // namespace tessera
