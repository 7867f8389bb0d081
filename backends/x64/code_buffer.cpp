#include "backends/x64/code_buffer.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

namespace tessera::x64 {

CodeBuffer::CodeBuffer(size_t bytes) : size_(bytes) {
    int fd = memfd_create("tessera-code", MFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("code buffer: memfd_create: ") + strerror(errno));
    if (ftruncate(fd, off_t(bytes)) != 0) {
        int e = errno;
        close(fd);
        throw std::runtime_error(std::string("code buffer: ftruncate: ") + strerror(e));
    }
    void* rw = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void* rx = rw == MAP_FAILED ? MAP_FAILED : mmap(nullptr, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);  // the mappings keep the memory
    if (rw == MAP_FAILED || rx == MAP_FAILED) {
        if (rw != MAP_FAILED) munmap(rw, bytes);
        throw std::runtime_error(std::string("code buffer: mmap: ") + strerror(e));
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
