#include "machines/block/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "machines/block/iov.h"
#include "util/error.h"

namespace tessera::block {

void (*g_before_host_write)() = nullptr;

HostFile& HostFile::operator=(HostFile&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) close(fd_);
        fd_ = o.fd_;
        path_ = std::move(o.path_);
        o.fd_ = -1;
    }
    return *this;
}

HostFile::~HostFile() {
    if (fd_ >= 0) close(fd_);
}

int HostFile::read_some(uint64_t off, void* buf, size_t len, size_t* got) const {
    auto* p = static_cast<uint8_t*>(buf);
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd_, p + done, len - done, off_t(off + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            *got = done;
            return errno;
        }
        if (n == 0) break;
        done += size_t(n);
    }
    *got = done;
    return 0;
}

int HostFile::read_zero_filled(uint64_t off, void* buf, size_t len) const {
    size_t got = 0;
    int err = read_some(off, buf, len, &got);
    if (err) return err;
    if (got < len) memset(static_cast<uint8_t*>(buf) + got, 0, len - got);
    return 0;
}

int HostFile::write(uint64_t off, const void* buf, size_t len) {
    if (g_before_host_write) g_before_host_write();
    const auto* p = static_cast<const uint8_t*>(buf);
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(fd_, p + done, len - done, off_t(off + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        done += size_t(n);
    }
    return 0;
}

namespace {

// preadv/pwritev over any number of buffers, finishing short transfers. A read that meets
// the end of the file zero-fills the rest. Returns 0 or an errno value.
template <bool kWrite>
int transfer_all(int fd, uint64_t off, const struct iovec* iov, int count) {
    constexpr int kBatch = 64;  // well below IOV_MAX
    struct iovec local[kBatch];
    int i = 0;
    size_t pos = 0;  // bytes of iov[i] already done
    for (;;) {
        while (i < count && iov[i].iov_len == pos) {  // empty buffers, or finished ones
            i++;
            pos = 0;
        }
        if (i == count) break;
        int n = 0;
        for (int j = i; j < count && n < kBatch; j++) {
            local[n] = iov[j];
            if (j == i) {
                local[n].iov_base = static_cast<uint8_t*>(local[n].iov_base) + pos;
                local[n].iov_len -= pos;
            }
            n++;
        }
        ssize_t done = kWrite ? pwritev(fd, local, n, off_t(off)) : preadv(fd, local, n, off_t(off));
        if (done < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (done == 0) {
            if (kWrite) return EIO;
            for (int j = 0; j < n; j++) memset(local[j].iov_base, 0, local[j].iov_len);  // end of file
            done = ssize_t(iov_bytes(local, n));
        }
        off += uint64_t(done);
        size_t left = size_t(done);
        while (i < count && left >= iov[i].iov_len - pos) {
            left -= iov[i].iov_len - pos;
            i++;
            pos = 0;
        }
        pos += left;
    }
    return 0;
}

}  // namespace

int HostFile::readv_zero_filled(uint64_t off, const struct iovec* iov, int count) const {
    return transfer_all<false>(fd_, off, iov, count);
}

int HostFile::writev(uint64_t off, const struct iovec* iov, int count) {
    if (g_before_host_write) g_before_host_write();
    return transfer_all<true>(fd_, off, iov, count);
}

int HostFile::sync() {
    if (g_before_host_write) g_before_host_write();
    while (fdatasync(fd_) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

int64_t HostFile::length() const {
    off_t end = lseek(fd_, 0, SEEK_END);
    if (end < 0) return -errno;
    return end;
}

namespace {

// QEMU's image locks, so that Tessera and QEMU keep off each other's images as two QEMUs do:
// byte 100 + i held (shared) means "I use permission i", byte 200 + i means "I do not let
// others have permission i". Permission 0 is reading, 1 writing.
constexpr off_t kLockUse = 100, kLockDeny = 200;
constexpr int kPermRead = 0, kPermWrite = 1;

int lock_byte(int fd, off_t at) {
    struct flock lk = {};
    lk.l_type = F_RDLCK;
    lk.l_whence = SEEK_SET;
    lk.l_start = at;
    lk.l_len = 1;
    return fcntl(fd, F_OFD_SETLK, &lk) == 0 ? 0 : errno;
}

// Whether another open file holds a lock on the byte.
bool byte_held_by_other(int fd, off_t at) {
    struct flock lk = {};
    lk.l_type = F_WRLCK;
    lk.l_whence = SEEK_SET;
    lk.l_start = at;
    lk.l_len = 1;
    if (fcntl(fd, F_OFD_GETLK, &lk) != 0) return false;
    return lk.l_type != F_UNLCK;
}

// A reader uses reading and lets nobody write; a writer uses both and lets nobody else write.
void lock_image(const HostFile& f, bool writable) {
    int fd = f.fd();
    int err = lock_byte(fd, kLockUse + kPermRead);
    if (err == ENOLCK || err == EINVAL || err == ENOTSUP) return;  // no locks here: as QEMU, go on
    if (!err) err = lock_byte(fd, kLockDeny + kPermWrite);
    if (!err && writable) err = lock_byte(fd, kLockUse + kPermWrite);
    bool conflict = err == EAGAIN || err == EACCES || byte_held_by_other(fd, kLockUse + kPermWrite);
    if (!conflict && writable) conflict = byte_held_by_other(fd, kLockDeny + kPermWrite);
    if (conflict)
        throw ConfigError{f.path() + (writable ? ": in use by another process or drive (cannot lock it for writing)"
                                               : ": being written by another process or drive (cannot lock it for reading)")};
    if (err) throw ConfigError{io_message(f.path(), "cannot lock", err)};
}

}  // namespace

std::string io_message(const std::string& path, const std::string& what, int err) {
    std::string m = path + ": " + what;
    if (err) m += std::string(": ") + strerror(err);
    return m;
}

HostFile open_image_file(const std::string& path, bool writable) {
    if (path.empty()) throw ConfigError{"-drive: no file= given"};
    int fd = open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == EISDIR) throw ConfigError{path + ": is a directory"};
        if (writable && (err == EACCES || err == EROFS || err == EPERM) && access(path.c_str(), R_OK) == 0)
            throw ConfigError{path + ": read-only file, but the drive is not readonly=on (add readonly=on or snapshot=on)"};
        throw ConfigError{path + ": " + strerror(err)};
    }
    HostFile f(fd, path);
    struct stat st;
    if (fstat(fd, &st) != 0) throw ConfigError{io_message(path, "cannot read", errno)};
    if (S_ISDIR(st.st_mode)) throw ConfigError{path + ": is a directory"};
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) throw ConfigError{path + ": not a regular file or block device"};
    // Root may open anything for writing; a file nobody may write is still read-only by intent.
    if (writable && S_ISREG(st.st_mode) && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
        throw ConfigError{path + ": read-only file, but the drive is not readonly=on (add readonly=on or snapshot=on)"};
    lock_image(f, writable);
    return f;
}

}  // namespace tessera::block
