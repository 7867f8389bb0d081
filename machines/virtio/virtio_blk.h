// virtio-blk (virtio 1.x, 5.2): one request queue over a BlockBackend (raw or qcow2).
//
// The vCPU thread pops each chain, checks its shape and its header, and answers at once what
// needs no disk (bad lengths, out-of-range sectors, writes to a read-only drive, unknown
// types, GET_ID). Reads, writes and flushes go to the device's one I/O thread, which calls the
// backend with the chain's own buffers (host pointers into guest RAM, no copies) and hands
// finished requests back through VirtioTransport::post_completion in batches; the status byte,
// the used ring and the interrupt are written on the vCPU thread. One thread serves requests
// in order, so a FLUSH covers every write completed before it.
//
// A chain whose header does not fit in its device-readable part, or with no device-writable
// byte for the status, cannot be answered: that is a device error (DEVICE_NEEDS_RESET).
#pragma once
#include <sys/uio.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "machines/block/block_backend.h"
#include "machines/virtio/virtio_device.h"

namespace tessera {

namespace virtio_blk {
// Feature bits (5.2.3).
constexpr unsigned F_SIZE_MAX = 1, F_SEG_MAX = 2, F_GEOMETRY = 4, F_RO = 5, F_BLK_SIZE = 6, F_FLUSH = 9,
                   F_TOPOLOGY = 10, F_CONFIG_WCE = 11, F_MQ = 12, F_DISCARD = 13, F_WRITE_ZEROES = 14;
// Request types and status values (5.2.6).
constexpr uint32_t T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_GET_LIFETIME = 10, T_DISCARD = 11,
                   T_WRITE_ZEROES = 13, T_SECURE_ERASE = 14;
constexpr uint8_t S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
constexpr uint32_t kSectorSize = 512;
constexpr uint32_t kHeaderSize = 16;  // le32 type, le32 reserved, le64 sector
constexpr uint32_t kIdBytes = 20;
// Configuration space offsets (5.2.4).
constexpr uint32_t CFG_CAPACITY = 0, CFG_SIZE_MAX = 8, CFG_SEG_MAX = 12, CFG_GEOMETRY = 16, CFG_BLK_SIZE = 20,
                   CFG_TOPOLOGY = 24, CFG_WRITEBACK = 32, CFG_NUM_QUEUES = 34, CFG_SIZE = 60;
}  // namespace virtio_blk

// -drive cache=: when writes reach the disk.
enum class CacheMode : uint8_t {
    writeback,     // FLUSH offered; a guest flush is an fdatasync (cache=writeback, none)
    writethrough,  // every write is flushed before it completes (cache=writethrough, directsync)
    unsafe,        // FLUSH offered and ignored (cache=unsafe)
};

class VirtioBlk : public VirtioDevice {
public:
    static constexpr uint32_t kQueueSize = 256;  // QEMU's default

    struct Options {
        std::string serial;  // GET_ID's answer (at most 20 bytes are sent)
        CacheMode cache = CacheMode::writeback;
    };

    VirtioBlk(std::unique_ptr<block::BlockBackend> disk, Options options);
    ~VirtioBlk() override;

    const char* name() const override { return "virtio-blk-device"; }
    uint32_t device_id() const override;
    uint64_t features() const override;
    unsigned num_queues() const override { return 1; }
    uint32_t queue_max_size(unsigned) const override { return kQueueSize; }
    uint32_t config_size() const override { return virtio_blk::CFG_SIZE; }
    uint64_t config_read(uint32_t offset, unsigned size) override;
    bool accept_features(uint64_t features) override;
    void queue_notified(unsigned q) override;
    void reset() override;

    uint64_t capacity_sectors() const { return capacity_; }

private:
    struct Request {
        DescChain chain;
        uint32_t type = 0;
        uint64_t sector = 0;
        uint64_t data_len = 0;
        std::vector<struct iovec> iov;  // the data, as host pointers into guest RAM
        uint8_t status = 0;
    };

    Request* take_request();
    // Checks the chain in r and answers it (true) or leaves it for the I/O thread (false).
    bool answer_at_once(Request& r);
    void finish(Request* r);  // vCPU thread: status, used ring
    void io_thread();
    uint8_t execute(Request& r);  // I/O thread
    void complete_batch();        // vCPU thread: what the I/O thread finished

    std::unique_ptr<block::BlockBackend> disk_;
    Options opt_;
    uint64_t capacity_;  // in 512-byte sectors
    bool write_through_ = false;  // the driver did not take FLUSH (5.2.6.3), or cache=writethrough
    uint8_t cfg_[virtio_blk::CFG_SIZE] = {};

    std::vector<std::unique_ptr<Request>> pool_;  // every request object; vCPU thread
    std::vector<Request*> free_;                  // vCPU thread

    std::mutex mu_;
    std::condition_variable work_cv_, idle_cv_;
    std::deque<Request*> waiting_;   // for the I/O thread
    std::vector<Request*> done_;  // from it, waiting for complete_batch
    bool busy_ = false;           // the I/O thread holds a request
    bool completion_posted_ = false;
    bool stop_ = false;
    unsigned host_errors_logged_ = 0;
    std::thread thread_;
};

// "writeback" ... as -drive cache= spells them; throws ConfigError for another word.
CacheMode parse_cache_mode(const std::string& word);

}  // namespace tessera
