#include "backends/x64/code_buffer.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <sys/mman.h>

namespace tessera::x64 {

// Shared anonymous memory, mapped a second time by mremap (old size 0 duplicates a shared
// mapping). Anonymous, unlike a memfd, so perf looks code up in -perfmap's map.
CodeBuffer::CodeBuffer(size_t bytes) : size_(bytes) {
    void* rw = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED) throw std::runtime_error(std::string("code buffer: mmap: ") + strerror(errno));
    void* rx = mremap(rw, 0, bytes, MREMAP_MAYMOVE);
    if (rx == MAP_FAILED || mprotect(rx, bytes, PROT_READ | PROT_EXEC) != 0) {
        int e = errno;
        if (rx != MAP_FAILED) munmap(rx, bytes);
        munmap(rw, bytes);
        throw std::runtime_error(std::string("code buffer: second mapping: ") + strerror(e));
    }
    rw_ = static_cast<uint8_t*>(rw);
    rx_ = static_cast<const uint8_t*>(rx);
}

CodeBuffer::~CodeBuffer() {
    munmap(rw_, size_);
    munmap(const_cast<uint8_t*>(rx_), size_);
}

const uint8_t* CodeBuffer::add(const uint8_t* bytes, size_t n) {
    size_t start = (used_ + 15) & ~size_t(15);  // 16-byte aligned entries
    if (start + n > size_) return nullptr;
    memcpy(rw_ + start, bytes, n);
    used_ = start + n;
    return rx_ + start;
}

}  // namespace tessera::x64
