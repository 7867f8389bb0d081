// Walking a scatter-gather list (the buffers of one virtio-blk request) as one byte range.
#pragma once
#include <sys/uio.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tessera::block {

inline size_t iov_bytes(const struct iovec* iov, int count) {
    size_t n = 0;
    for (int i = 0; i < count; i++) n += iov[i].iov_len;
    return n;
}

// A position in a list of buffers; each call consumes the bytes it names.
class IovCursor {
public:
    IovCursor(const struct iovec* iov, int count) : iov_(iov), count_(count) {}

    // Appends the pieces of the next len bytes to out.
    void take(size_t len, std::vector<struct iovec>& out) {
        walk(len, [&](uint8_t* p, size_t n) { out.push_back({p, n}); });
    }
    // The next len bytes from src (a read's result), or into dst (a write's data), or zeros.
    void copy_from(const uint8_t* src, size_t len) {
        walk(len, [&](uint8_t* p, size_t n) {
            memcpy(p, src, n);
            src += n;
        });
    }
    void copy_to(uint8_t* dst, size_t len) {
        walk(len, [&](uint8_t* p, size_t n) {
            memcpy(dst, p, n);
            dst += n;
        });
    }
    void zero(size_t len) {
        walk(len, [](uint8_t* p, size_t n) { memset(p, 0, n); });
    }

private:
    template <class F>
    void walk(size_t len, F f) {
        while (len > 0 && i_ < count_) {
            size_t avail = iov_[i_].iov_len - pos_;
            if (avail == 0) {
                i_++;
                pos_ = 0;
                continue;
            }
            size_t n = std::min(len, avail);
            f(static_cast<uint8_t*>(iov_[i_].iov_base) + pos_, n);
            pos_ += n;
            len -= n;
        }
    }

    const struct iovec* iov_;
    int count_;
    int i_ = 0;
    size_t pos_ = 0;
};

}  // namespace tessera::block
