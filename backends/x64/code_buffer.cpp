#include "backends/x64/code_buffer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <sys/mman.h>

#include "util/prefault.h"

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
    populate(0);
}

// Shared memory gets no huge pages: in a VM, faulting it in 4 KiB at a time, on each of the
// two mappings, cost the vCPU thread microseconds per page (45 ms of an arm64 Linux boot's
// 22 MB of code). A second thread maps the pages in, kAhead beyond the end of the code.
void CodeBuffer::populate(size_t end) {
    constexpr size_t kStep = size_t(2) << 20, kAhead = size_t(4) << 20;
    size_t to = std::min(size_, (end + kAhead + kStep - 1) & ~(kStep - 1));
    size_t from = populated_;
    if (to <= from) return;
    populated_ = to;
    prefault::request(this, rw_ + from, to - from, true);
    prefault::request(this, const_cast<uint8_t*>(rx_) + from, to - from, false);
}

CodeBuffer::~CodeBuffer() {
    prefault::cancel(this);
    munmap(rw_, size_);
    munmap(const_cast<uint8_t*>(rx_), size_);
}

const uint8_t* CodeBuffer::add(const uint8_t* bytes, size_t n) {
    size_t start = (used_ + 15) & ~size_t(15);  // 16-byte aligned entries
    if (start + n > size_) return nullptr;
    if (start + n + (size_t(2) << 20) > populated_) populate(start + n);
    memcpy(rw_ + start, bytes, n);
    used_ = start + n;
    return rx_ + start;
}

}  // namespace tessera::x64
