#include "machines/virtio/virtio_blk.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "machines/virtio/virtio_spec.h"
#include "util/error.h"
#include "util/log.h"

namespace tessera {

using namespace virtio_blk;

namespace {

constexpr unsigned kMaxHostErrorLines = 8;

template <typename T>
void put_le(uint8_t* p, T v) {
    memcpy(p, &v, sizeof v);  // the host is little-endian, as virtio 1.x config space is
}

// Appends host pointers for bytes [off, off + len) of a list of guest buffers.
void slice(const std::vector<GuestBuffer>& bufs, uint64_t off, uint64_t len, std::vector<struct iovec>& out) {
    for (const GuestBuffer& b : bufs) {
        if (len == 0) break;
        if (off >= b.len) {
            off -= b.len;
            continue;
        }
        uint64_t n = std::min<uint64_t>(b.len - off, len);
        out.push_back({b.host + off, size_t(n)});
        len -= n;
        off = 0;
    }
}

}  // namespace

CacheMode parse_cache_mode(const std::string& w) {
    if (w == "writeback" || w == "none" || w.empty()) return CacheMode::writeback;
    if (w == "writethrough" || w == "directsync") return CacheMode::writethrough;
    if (w == "unsafe") return CacheMode::unsafe;
    throw ConfigError{"-drive: cache=" + w + " is not a cache mode (available: writeback, none, writethrough, directsync, unsafe)"};
}

VirtioBlk::VirtioBlk(std::unique_ptr<block::BlockBackend> disk, Options options)
    : disk_(std::move(disk)), opt_(std::move(options)), capacity_(disk_->size() / kSectorSize) {
    put_le<uint64_t>(cfg_ + CFG_CAPACITY, capacity_);
    // A chain carries the header and the status besides its data segments (QEMU: size - 2).
    put_le<uint32_t>(cfg_ + CFG_SEG_MAX, kQueueSize - 2);
    put_le<uint32_t>(cfg_ + CFG_BLK_SIZE, kSectorSize);
    put_le<uint16_t>(cfg_ + CFG_NUM_QUEUES, 1);
    pool_.reserve(kQueueSize);
    thread_ = std::thread([this] { io_thread(); });
}

VirtioBlk::~VirtioBlk() {
    {
        std::lock_guard<std::mutex> g(mu_);
        stop_ = true;
        waiting_.clear();
    }
    work_cv_.notify_all();
    thread_.join();
    // disk_ goes last: its destructor writes out what is cached.
}

uint32_t VirtioBlk::device_id() const { return virtio::ID_BLOCK; }

uint64_t VirtioBlk::features() const {
    uint64_t f = virtio::bit(F_SEG_MAX) | virtio::bit(F_BLK_SIZE) | virtio::bit(F_FLUSH);
    if (disk_->read_only()) f |= virtio::bit(F_RO);
    return f;
}

uint64_t VirtioBlk::config_read(uint32_t offset, unsigned size) {
    uint64_t v = 0;
    memcpy(&v, cfg_ + offset, size);  // the transport keeps offset + size inside CFG_SIZE
    return v;
}

bool VirtioBlk::accept_features(uint64_t features) {
    // Without FLUSH the device is write-through (5.2.6.3: a completed write is on the disk).
    write_through_ = opt_.cache == CacheMode::writethrough ||
                     (opt_.cache == CacheMode::writeback && !(features & virtio::bit(F_FLUSH)));
    return true;
}

VirtioBlk::Request* VirtioBlk::take_request() {
    if (free_.empty()) {
        pool_.push_back(std::make_unique<Request>());
        return pool_.back().get();
    }
    Request* r = free_.back();
    free_.pop_back();
    return r;
}

void VirtioBlk::queue_notified(unsigned q) {
    Virtqueue& vq = transport().queue(q);
    bool pushed = false, queued = false;
    while (transport().queue_usable(q)) {
        Request* r = take_request();
        if (!vq.pop(r->chain)) {
            free_.push_back(r);
            break;
        }
        if (!answer_at_once(*r)) {
            std::lock_guard<std::mutex> g(mu_);
            waiting_.push_back(r);
            queued = true;
            continue;
        }
        if (r->chain.writable_bytes) {
            finish(r);
            pushed = true;
        } else {
            free_.push_back(r);  // a device error: nothing goes back until the driver resets
        }
    }
    if (queued) work_cv_.notify_one();
    if (pushed) transport().notify_used(q);
}

bool VirtioBlk::answer_at_once(Request& r) {
    DescChain& c = r.chain;
    r.iov.clear();
    r.data_len = 0;
    if (c.readable_bytes < kHeaderSize || c.writable_bytes < 1) {
        transport().device_error("request of " + std::to_string(c.readable_bytes) + " readable and " +
                                 std::to_string(c.writable_bytes) + " writable bytes: no room for the " +
                                 (c.writable_bytes < 1 ? "status byte" : "16-byte header"));
        c.writable_bytes = 0;  // tells the caller not to push it
        return true;
    }
    uint8_t h[kHeaderSize];
    c.read(0, h, sizeof h);
    memcpy(&r.type, h, 4);
    memcpy(&r.sector, h + 8, 8);
    r.status = S_OK;
    switch (r.type) {
    case T_IN:
    case T_OUT: {
        // IN: data is the writable part before the status byte; OUT: the readable part after
        // the header. Either may share a descriptor with the header or the status (2.6.4).
        r.data_len = r.type == T_IN ? c.writable_bytes - 1 : c.readable_bytes - kHeaderSize;
        uint64_t sectors = r.data_len / kSectorSize;
        if (r.data_len % kSectorSize) {
            GUEST_ERROR("%s: %s of %llu bytes, not whole sectors\n", name(), r.type == T_IN ? "read" : "write",
                        (unsigned long long)r.data_len);
            r.status = S_IOERR;
        } else if (r.sector > capacity_ || sectors > capacity_ - r.sector) {
            GUEST_ERROR("%s: %s of %llu sectors at sector %llu, beyond the disk's %llu\n", name(),
                        r.type == T_IN ? "read" : "write", (unsigned long long)sectors,
                        (unsigned long long)r.sector, (unsigned long long)capacity_);
            r.status = S_IOERR;
        } else if (r.type == T_OUT && disk_->read_only()) {
            GUEST_ERROR("%s: write to a read-only drive\n", name());
            r.status = S_IOERR;
        }
        if (r.status != S_OK) {
            r.data_len = 0;
            return true;
        }
        if (r.type == T_IN) slice(c.writable, 0, r.data_len, r.iov);
        else slice(c.readable, kHeaderSize, r.data_len, r.iov);
        return false;
    }
    case T_FLUSH: return false;
    case T_GET_ID: {
        char id[kIdBytes] = {};
        memcpy(id, opt_.serial.data(), std::min<size_t>(opt_.serial.size(), kIdBytes));
        r.data_len = std::min<uint64_t>(kIdBytes, c.writable_bytes - 1);
        c.write(0, id, size_t(r.data_len));
        return true;
    }
    default:
        GUEST_ERROR("%s: request type %u is not supported\n", name(), r.type);
        r.status = S_UNSUPP;
        return true;
    }
}

// The status byte is the last writable byte; `written` counts the data read into the guest
// (IN, GET_ID) and that byte.
void VirtioBlk::finish(Request* r) {
    DescChain& c = r->chain;
    if (r->type == T_IN && r->status == S_OK) c.note_written(r->data_len);
    c.write(c.writable_bytes - 1, &r->status, 1);
    uint64_t data = (r->type == T_IN || r->type == T_GET_ID) && r->status == S_OK ? r->data_len : 0;
    transport().queue(0).push(c.head, uint32_t(data + 1));
    free_.push_back(r);
}

// ---- the I/O thread ----

void VirtioBlk::io_thread() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
        work_cv_.wait(lk, [this] { return stop_ || !waiting_.empty(); });
        if (stop_) return;
        Request* r = waiting_.front();
        waiting_.pop_front();
        busy_ = true;
        lk.unlock();
        r->status = execute(*r);
        lk.lock();
        busy_ = false;
        done_.push_back(r);
        if (!completion_posted_) {
            completion_posted_ = true;
            transport().post_completion([this] { complete_batch(); });
        }
        idle_cv_.notify_all();
    }
}

uint8_t VirtioBlk::execute(Request& r) {
    using block::IoStatus;
    IoStatus s = IoStatus::ok;
    const char* what = "flush";
    if (r.type == T_IN) {
        what = "read";
        s = disk_->readv(r.sector * kSectorSize, r.iov.data(), int(r.iov.size()));
    } else if (r.type == T_OUT) {
        what = "write";
        s = disk_->writev(r.sector * kSectorSize, r.iov.data(), int(r.iov.size()));
        if (s == IoStatus::ok && write_through_) s = disk_->flush();
    } else if (opt_.cache != CacheMode::unsafe) {
        s = disk_->flush();
    }
    if (s == IoStatus::ok) return S_OK;
    // The host's trouble, not the guest's: say so on stderr, a few times.
    if (host_errors_logged_ < kMaxHostErrorLines) {
        host_errors_logged_++;
        fprintf(stderr, "tessera: %s: %s failed (%s): %s\n", disk_->describe().c_str(), what,
                block::io_status_name(s), disk_->last_error().c_str());
    }
    return S_IOERR;
}

void VirtioBlk::complete_batch() {
    std::vector<Request*> batch;
    {
        std::lock_guard<std::mutex> g(mu_);
        batch.swap(done_);
        completion_posted_ = false;
    }
    if (batch.empty()) return;
    // A driver that broke a rule (NEEDS_RESET) or stopped the queue gets nothing back: it
    // must reset, which forgets these requests anyway.
    if (!transport().queue_usable(0)) {
        for (Request* r : batch) free_.push_back(r);
        return;
    }
    for (Request* r : batch) finish(r);
    transport().notify_used(0);
}

void VirtioBlk::reset() {
    std::unique_lock<std::mutex> lk(mu_);
    for (Request* r : waiting_) free_.push_back(r);
    waiting_.clear();
    // The request the thread holds points into guest RAM: wait until it is done with it.
    idle_cv_.wait(lk, [this] { return !busy_; });
    for (Request* r : done_) free_.push_back(r);
    done_.clear();
    completion_posted_ = false;  // a posted one is dropped by the transport's reset
    write_through_ = false;
}

}  // namespace tessera
