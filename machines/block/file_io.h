// A host file under a disk image: positioned reads and writes that retry on EINTR and short
// transfers, fdatasync, and the advisory lock that keeps two writers off one image.
#pragma once
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace tessera::block {

// Page-aligned memory for I/O: the kernel copies into and out of page-aligned buffers several
// times faster than into ones a few bytes off.
struct FreeAligned {
    void operator()(uint8_t* p) const { free(p); }
};
using AlignedBuffer = std::unique_ptr<uint8_t[], FreeAligned>;
inline AlignedBuffer aligned_buffer(size_t bytes) {
    return AlignedBuffer(static_cast<uint8_t*>(aligned_alloc(4096, (bytes + 4095) & ~size_t(4095))));
}

class HostFile {
public:
    HostFile() = default;
    HostFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    HostFile(HostFile&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
    HostFile& operator=(HostFile&& o) noexcept;
    HostFile(const HostFile&) = delete;
    HostFile& operator=(const HostFile&) = delete;
    ~HostFile();

    int fd() const { return fd_; }
    bool is_open() const { return fd_ >= 0; }
    const std::string& path() const { return path_; }

    // Each returns 0 or an errno value.
    // Reads len bytes at off; what lies beyond the end of the file reads as zeros.
    int read_zero_filled(uint64_t off, void* buf, size_t len) const;
    // Reads up to len bytes at off; *got is how many there were before the end of the file.
    int read_some(uint64_t off, void* buf, size_t len, size_t* got) const;
    // The same into (from) a list of buffers, any number of them.
    int readv_zero_filled(uint64_t off, const struct iovec* iov, int count) const;
    int write(uint64_t off, const void* buf, size_t len);
    int writev(uint64_t off, const struct iovec* iov, int count);
    int sync();  // fdatasync
    // The length of the file (or block device), or -errno.
    int64_t length() const;

private:
    int fd_ = -1;
    std::string path_;
};

// Fault injection for tests: when set, called before every write and sync of every HostFile
// (block_tool's crash-writer kills its own process from here, at each point in turn).
extern void (*g_before_host_write)();

// Opens path for a drive. Throws ConfigError ("disk.img: No such file or directory",
// "disk.img: read-only file, but the drive is not readonly=on ...", "... is a directory").
// A writable file is locked for exclusive use, a read-only one shared (OFD locks, so two
// drives of one process conflict too).
HostFile open_image_file(const std::string& path, bool writable);

// "disk.img: what" with errno's text when err != 0.
std::string io_message(const std::string& path, const std::string& what, int err);

}  // namespace tessera::block
