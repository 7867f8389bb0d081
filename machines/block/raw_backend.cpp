#include "machines/block/raw_backend.h"

#include <cstring>

#include "machines/block/iov.h"
#include "machines/block/qcow2_format.h"
#include "util/error.h"

namespace tessera::block {

RawBackend::RawBackend(HostFile file, bool writable, bool probed)
    : file_(std::move(file)), writable_(writable), probed_(probed) {
    int64_t len = file_.length();
    if (len < 0) throw ConfigError{io_message(file_.path(), "cannot find its size", int(-len))};
    size_ = uint64_t(len);
}

IoStatus RawBackend::readv(uint64_t offset, const struct iovec* iov, int count) {
    size_t len = iov_bytes(iov, count);
    if (offset > size_ || len > size_ - offset) return fail(IoStatus::out_of_range, file_.path() + ": read beyond the end");
    if (int err = file_.readv_zero_filled(offset, iov, count))
        return fail(IoStatus::io_error, io_message(file_.path(), "read at " + std::to_string(offset), err));
    return IoStatus::ok;
}

IoStatus RawBackend::writev(uint64_t offset, const struct iovec* iov, int count) {
    if (!writable_) return fail(IoStatus::read_only, file_.path() + ": write to a read-only drive");
    size_t len = iov_bytes(iov, count);
    if (offset > size_ || len > size_ - offset) return fail(IoStatus::out_of_range, file_.path() + ": write beyond the end");
    if (probed_ && offset < 4 && len > 0) {
        uint8_t head[4];
        if (file_.read_zero_filled(0, head, 4) == 0) {
            IovCursor(iov, count).copy_to(head + offset, std::min<size_t>(len, 4 - offset));
            if (memcmp(head, kQcow2Magic, 4) == 0)
                return fail(IoStatus::io_error, file_.path() +
                                                    ": refused a write of a qcow2 header to a raw image whose format was "
                                                    "probed (give format=raw to allow it)");
        }
    }
    if (int err = file_.writev(offset, iov, count))
        return fail(IoStatus::io_error, io_message(file_.path(), "write at " + std::to_string(offset), err));
    return IoStatus::ok;
}

IoStatus RawBackend::flush() {
    if (!writable_) return IoStatus::ok;
    if (int err = file_.sync()) return fail(IoStatus::io_error, io_message(file_.path(), "flush", err));
    return IoStatus::ok;
}

}  // namespace tessera::block
