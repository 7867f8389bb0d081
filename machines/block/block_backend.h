// The block layer behind virtio-blk: a disk image as a byte-addressed store.
//
// A BlockBackend is what a disk device reads and writes. Offsets and lengths are in bytes and
// need no alignment (the device works in 512-byte sectors; the backend does not care). Errors
// are a status, never an exception: the device turns anything but ok into VIRTIO_BLK_S_IOERR,
// and last_error() says what happened in one line for the host's log.
//
// Threads: a backend is not thread-safe. Calls must not overlap: the virtio-blk device makes
// them from its one I/O thread (never the vCPU thread: reads may wait for the disk, flush()
// waits for fdatasync). The backend may be opened on one thread and then handed to another
// (the hand-over must be a happens-before edge, e.g. starting the thread or a mutex). It keeps
// no thread-local state and starts no threads of its own. Destroying it writes out what is
// still cached (as flush() does) and closes the files.
//
// Durability: write() returns when the data is in the host's page cache; flush() returns when
// every write that completed before it is on stable storage (fdatasync), image metadata
// included. A process killed at any moment (SIGKILL) loses nothing a completed flush() covered,
// and leaves the image consistent (qcow2: `qemu-img check` finds leaked clusters at most). A
// host crash keeps the same promise for what was flushed: qcow2 metadata reaches the disk in
// dependency order (refcounts, then the tables that point to the counted clusters), with a
// barrier between the steps.
#pragma once
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::block {

enum class IoStatus : uint8_t {
    ok,
    io_error,      // the host refused (EIO, ENOSPC, ...) or the image's metadata is corrupt
    read_only,     // a write to a read-only backend
    out_of_range,  // offset + length beyond size()
};

const char* io_status_name(IoStatus s);

class BlockBackend {
public:
    virtual ~BlockBackend() = default;

    // The virtual disk's size in bytes (not necessarily a multiple of 512 for raw files).
    virtual uint64_t size() const = 0;
    virtual bool read_only() const = 0;

    // Reads the disk from offset into the buffers, in order (as many bytes as they hold: a
    // virtio-blk request's data descriptors, each a host pointer into guest RAM). Parts of
    // the disk never written read as zeros (or from the backing file). Page-aligned buffers
    // are fastest (the kernel copies to them several times faster).
    [[nodiscard]] virtual IoStatus readv(uint64_t offset, const struct iovec* iov, int count) = 0;
    // Writes the buffers' bytes at offset. Not atomic: after an error part of the range may
    // be written.
    [[nodiscard]] virtual IoStatus writev(uint64_t offset, const struct iovec* iov, int count) = 0;
    // One buffer.
    [[nodiscard]] IoStatus read(uint64_t offset, size_t len, void* buf) {
        struct iovec v = {buf, len};
        return readv(offset, &v, 1);
    }
    [[nodiscard]] IoStatus write(uint64_t offset, size_t len, const void* buf) {
        struct iovec v = {const_cast<void*>(buf), len};
        return writev(offset, &v, 1);
    }
    // Makes every completed write durable (see above). A no-op on read-only backends and on
    // the temporary overlay of snapshot=on.
    [[nodiscard]] virtual IoStatus flush() = 0;

    // What this is, for messages: "qcow2 'disk.qcow2'", "raw 'disk.img' (snapshot=on)".
    virtual std::string describe() const = 0;
    // The last error in one line ("disk.qcow2: write at 0x1000: No space left on device"),
    // empty if none yet. The device should log it when a request fails.
    const std::string& last_error() const { return last_error_; }

protected:
    IoStatus fail(IoStatus s, std::string message) {
        last_error_ = std::move(message);
        return s;
    }
    std::string last_error_;
};

// What -drive says about one disk. Filled by parse_drive_options() from
// "file=F,format=raw|qcow2,if=virtio|none,id=ID,snapshot=on,readonly=on" or by hand.
struct DriveOptions {
    std::string file;
    std::string format;             // "raw", "qcow2", or empty: probe the file (a raw guess warns)
    std::string interface = "virtio";  // if=: "virtio" or "none" (the device picks it up by id)
    std::string id;
    bool read_only = false;         // readonly=on: opened O_RDONLY, writes fail with read_only
    bool snapshot = false;          // snapshot=on: writes go to a temporary overlay, dropped at exit
    std::string cache = "writeback";  // cache=: writeback, none, writethrough, directsync, unsafe (the device's)
};

// Parses QEMU's -drive syntax ("file=a,,b.img" is the file "a,b.img"; on/off, yes/no,
// true/false for the flags). Throws ConfigError with one line for unknown or bad keys.
DriveOptions parse_drive_options(const std::string& spec);

// Opens the drive: its format (probed when not given), its backing chain (qcow2), the
// snapshot overlay. Throws ConfigError with one line naming the file at fault ("disk.qcow2:
// not a qcow2 image (bad magic)"). Nothing is written to any image that is then refused.
// Warnings (a raw format guessed by probing) go to *warnings, or to stderr as
// "tessera: warning: ..." when warnings is null.
std::unique_ptr<BlockBackend> open_drive(const DriveOptions& options, std::vector<std::string>* warnings = nullptr);

}  // namespace tessera::block
