// A raw image: the file is the disk, byte for byte.
#pragma once
#include "machines/block/block_backend.h"
#include "machines/block/file_io.h"

namespace tessera::block {

class RawBackend final : public BlockBackend {
public:
    // probed: the format was guessed, not given. Then, as QEMU does, a write that would make
    // the first sector look like a qcow2 header is refused, so a guest cannot turn its disk
    // into an image that the next probe opens as qcow2 (with a backing file of its choosing).
    RawBackend(HostFile file, bool writable, bool probed);

    uint64_t size() const override { return size_; }
    bool read_only() const override { return !writable_; }
    IoStatus readv(uint64_t offset, const struct iovec* iov, int count) override;
    IoStatus writev(uint64_t offset, const struct iovec* iov, int count) override;
    IoStatus flush() override;
    std::string describe() const override { return "raw '" + file_.path() + "'"; }

private:
    HostFile file_;
    uint64_t size_ = 0;
    bool writable_, probed_;
};

}  // namespace tessera::block
