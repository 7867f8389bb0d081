// qcow2: opening, the L1/L2 lookup, reading, writing, and writing metadata back in order.
// Refcounts and cluster allocation are in qcow2_refcount.cpp.
#include "machines/block/qcow2_backend.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "util/error.h"

namespace tessera::block {

using namespace qcow2;

namespace {

constexpr uint64_t kMaxL2CacheBytes = 32ull << 20;   // covers 256 GiB with 64 KiB clusters
constexpr uint64_t kMaxRefCacheBytes = 4ull << 20;

std::string hex(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
    return b;
}

}  // namespace

struct Qcow2Backend::Inflater {
    z_stream zs = {};
    bool ready = false;
    ~Inflater() {
        if (ready) inflateEnd(&zs);
    }
};

Qcow2Backend::Qcow2Backend(HostFile file, const Header& header, std::unique_ptr<BlockBackend> backing, Config config)
    : file_(std::move(file)),
      h_(header),
      backing_(std::move(backing)),
      writable_(config.writable),
      durable_(config.durable),
      description_(std::move(config.description)),
      cb_(h_.cluster_bits),
      cs_(1ull << cb_),
      l2_bits_(cb_ - 3),
      rb_bits_(cb_ + 3 - h_.refcount_order),
      rc_bits_(1u << h_.refcount_order),
      rc_max_(rc_bits_ == 64 ? UINT64_MAX : (1ull << rc_bits_) - 1),
      l2_cache_(cs_, std::clamp<uint64_t>(h_.l1_size, 4, std::max<uint64_t>(4, kMaxL2CacheBytes >> cb_))),
      rb_cache_(cs_, std::clamp<uint64_t>(uint64_t(h_.refcount_table_clusters) << l2_bits_, 4,
                                          std::max<uint64_t>(4, kMaxRefCacheBytes >> cb_))) {
    const std::string& path = file_.path();
    std::vector<uint8_t> buf(uint64_t(h_.l1_size) * 8);
    size_t got = 0;
    if (int err = file_.read_some(h_.l1_table_offset, buf.data(), buf.size(), &got); err || got != buf.size())
        throw ConfigError{io_message(path, "cannot read the L1 table", err)};
    l1_.resize(h_.l1_size);
    for (size_t i = 0; i < l1_.size(); i++) l1_[i] = get_be64(&buf[i * 8]);

    buf.resize(uint64_t(h_.refcount_table_clusters) << cb_);
    if (int err = file_.read_some(h_.refcount_table_offset, buf.data(), buf.size(), &got); err || got != buf.size())
        throw ConfigError{io_message(path, "cannot read the refcount table", err)};
    reftable_.resize(buf.size() / 8);
    for (size_t i = 0; i < reftable_.size(); i++) reftable_[i] = get_be64(&buf[i * 8]);

    for (uint64_t e : l1_)
        if ((e & kOffsetMask) && !(e & kL1Reserved)) tables_.insert((e & kOffsetMask) >> cb_);
    for (uint64_t e : reftable_)
        if ((e & ~kRefTableReserved) && !(e & kRefTableReserved)) tables_.insert(e >> cb_);

    int64_t len = file_.length();
    if (len < 0) throw ConfigError{io_message(path, "cannot find its size", int(-len))};
    end_cluster_ = (uint64_t(len) + cs_ - 1) >> cb_;
    zout_.resize(cs_);
}

Qcow2Backend::~Qcow2Backend() {
    if (!writable_ || !durable_) return;
    // Twice: the first pass applies the frees that only its own barrier allowed.
    IoStatus s = write_metadata(true);
    if (s == IoStatus::ok && (rb_cache_.dirty_count() || !pending_frees_.empty())) s = write_metadata(true);
    if (s != IoStatus::ok) fprintf(stderr, "tessera: %s\n", last_error_.c_str());
}

void Qcow2Backend::start_writing() {
    if (h_.autoclear_features == 0) return;
    uint8_t zero[8] = {};
    int err = file_.write(kOffAutoclear, zero, sizeof zero);
    if (!err && durable_) err = file_.sync();
    if (err) throw ConfigError{io_message(file_.path(), "cannot update the header", err)};
    h_.autoclear_features = 0;
}

std::string Qcow2Backend::describe() const {
    return description_.empty() ? "qcow2 '" + file_.path() + "'" : description_;
}

IoStatus Qcow2Backend::io_fail(const std::string& what, int err) {
    return fail(IoStatus::io_error, io_message(file_.path(), what, err));
}

IoStatus Qcow2Backend::corrupt(const std::string& what) {
    return fail(IoStatus::io_error, file_.path() + ": corrupt qcow2 image: " + what);
}

// ---- entries ----

Qcow2Backend::Kind Qcow2Backend::kind_of(uint64_t e) const {
    if (e & kCompressed) return Kind::compressed;
    if (e & kZero) return Kind::zero;
    if ((e & kOffsetMask) == 0) return Kind::unallocated;
    return Kind::data;
}

bool Qcow2Backend::in_place(uint64_t e) const {
    return (e & (kCopied | kCompressed | kZero)) == kCopied && (e & kOffsetMask) != 0;
}

static bool entry_ok(uint64_t e, uint64_t cs) {
    if (e & kCompressed) return (e & kCopied) == 0;
    if (e & kL2Reserved) return false;
    uint64_t off = e & kOffsetMask;
    if (off & (cs - 1)) return false;
    return off != 0 || (e & kCopied) == 0 || (e & kZero);
}

IoStatus Qcow2Backend::check_l2_entry(uint64_t e, uint64_t gc) {
    if (entry_ok(e, cs_)) return IoStatus::ok;
    return corrupt("bad L2 entry " + hex(e) + " for guest offset " + hex(gc << cb_));
}

// ---- tables ----

IoStatus Qcow2Backend::cache_slot(MetadataCache& cache, uint64_t offset, uint8_t** slot) {
    *slot = cache.insert(offset);
    if (*slot) return IoStatus::ok;
    // Every cached table has changes. Refcount blocks may be written at any time (counts
    // only go down once nothing points to the cluster, durably); L2 tables only after the
    // refcounts of what they point to: the whole sequence.
    if (&cache == &rb_cache_) {
        for (const auto& d : rb_cache_.dirty_tables()) {
            if (int err = write_table(d)) return io_fail("write of a refcount block", err);
            rb_cache_.clean(d.offset);
            unsynced_ = true;
        }
    } else if (IoStatus s = write_metadata(false); s != IoStatus::ok) {
        return s;
    }
    *slot = cache.insert(offset);
    return *slot ? IoStatus::ok : fail(IoStatus::io_error, file_.path() + ": metadata cache full");
}

IoStatus Qcow2Backend::load_table(MetadataCache& cache, uint64_t offset, uint8_t** table) {
    if ((*table = cache.find(offset))) return IoStatus::ok;
    if (reserved_cluster(offset >> cb_)) return corrupt("a table at " + hex(offset) + " overlaps the header, L1 or refcount table");
    uint8_t* slot;
    if (IoStatus s = cache_slot(cache, offset, &slot); s != IoStatus::ok) return s;
    if (int err = file_.read_zero_filled(offset, slot, cs_)) {
        cache.drop(offset);
        return io_fail("read of metadata at " + hex(offset), err);
    }
    *table = slot;
    return IoStatus::ok;
}

IoStatus Qcow2Backend::l2_table(uint64_t l1_index, uint8_t** table) {
    *table = nullptr;
    if (l1_index >= l1_.size()) return corrupt("guest offset beyond the L1 table");
    uint64_t e = l1_[l1_index];
    if (e & kL1Reserved) return corrupt("bad L1 entry " + hex(e));
    uint64_t off = e & kOffsetMask;
    if (off == 0) return IoStatus::ok;
    if (off & (cs_ - 1)) return corrupt("unaligned L2 table at " + hex(off));
    return load_table(l2_cache_, off, table);
}

IoStatus Qcow2Backend::l2_table_for_write(uint64_t l1_index, uint8_t** table) {
    if (IoStatus s = l2_table(l1_index, table); s != IoStatus::ok) return s;
    uint64_t e = l1_[l1_index];
    if (*table && (e & kCopied)) return IoStatus::ok;
    // A new table, or a copy of one shared with a snapshot (its clusters stay shared).
    std::vector<uint8_t> copy;
    if (*table) copy.assign(*table, *table + cs_);
    uint64_t off;
    if (IoStatus s = alloc_clusters(1, &off); s != IoStatus::ok) return s;
    uint8_t* slot;
    if (IoStatus s = cache_slot(l2_cache_, off, &slot); s != IoStatus::ok) return s;
    if (copy.empty()) memset(slot, 0, cs_);
    else memcpy(slot, copy.data(), cs_);
    l2_cache_.mark_dirty(off, 0, cs_);
    tables_.insert(off >> cb_);
    uint64_t old = e & kOffsetMask;
    l1_[l1_index] = off | kCopied;
    l1_dirty_lo_ = std::min(l1_dirty_lo_, l1_index);
    l1_dirty_hi_ = std::max(l1_dirty_hi_, l1_index + 1);
    if (old) free_later(old, cs_);
    *table = slot;
    return IoStatus::ok;
}

// ---- reading ----

IoStatus Qcow2Backend::read_backing(uint64_t off, size_t len, uint8_t* dst) {
    size_t part = 0;
    if (backing_) {
        uint64_t bs = backing_->size();
        part = off >= bs ? 0 : size_t(std::min<uint64_t>(len, bs - off));
        if (part) {
            if (IoStatus s = backing_->read(off, part, dst); s != IoStatus::ok) return fail(s, backing_->last_error());
        }
    }
    memset(dst + part, 0, len - part);
    return IoStatus::ok;
}

IoStatus Qcow2Backend::read_backing(uint64_t off, size_t len, IovCursor& dst) {
    size_t part = 0;
    if (backing_) {
        uint64_t bs = backing_->size();
        part = off >= bs ? 0 : size_t(std::min<uint64_t>(len, bs - off));
        if (part) {
            segs_.clear();
            dst.take(part, segs_);
            if (IoStatus s = backing_->readv(off, segs_.data(), int(segs_.size())); s != IoStatus::ok)
                return fail(s, backing_->last_error());
        }
    }
    dst.zero(len - part);
    return IoStatus::ok;
}

IoStatus Qcow2Backend::read_compressed(uint64_t gc, uint64_t e, const uint8_t** cluster) {
    if (zcache_gc_ == gc) {
        *cluster = zout_.data();
        return IoStatus::ok;
    }
    const unsigned shift = 62 - (cb_ - 8);
    uint64_t off = e & ((1ull << shift) - 1);
    uint64_t sectors = ((e >> shift) & ((1ull << (cb_ - 8)) - 1)) + 1;
    if (off >> 56) return corrupt("compressed cluster beyond 64 PiB");
    size_t in_len = size_t(sectors * 512 - (off & 511));
    if (!zin_) zin_ = aligned_buffer(2 * cs_ + 512);
    if (int err = file_.read_zero_filled(off, zin_.get(), in_len)) return io_fail("read of a compressed cluster", err);
    if (!inflater_) inflater_ = std::make_unique<Inflater>();
    z_stream& zs = inflater_->zs;
    if (!inflater_->ready) {
        if (inflateInit2(&zs, -15) != Z_OK) return fail(IoStatus::io_error, file_.path() + ": zlib cannot start");
        inflater_->ready = true;
    } else if (inflateReset(&zs) != Z_OK) {
        return fail(IoStatus::io_error, file_.path() + ": zlib cannot start");
    }
    zs.next_in = zin_.get();
    zs.avail_in = uInt(in_len);
    zs.next_out = zout_.data();
    zs.avail_out = uInt(cs_);
    int r = inflate(&zs, Z_FINISH);
    bool ok = (r == Z_STREAM_END || r == Z_BUF_ERROR) && zs.avail_out == 0;
    if (!ok) {
        zcache_gc_ = UINT64_MAX;
        return corrupt("compressed cluster at " + hex(off) + " does not decompress");
    }
    zcache_gc_ = gc;
    *cluster = zout_.data();
    return IoStatus::ok;
}

IoStatus Qcow2Backend::read_cluster_part(uint64_t gc, uint64_t e, uint64_t in, size_t len, uint8_t* dst) {
    switch (kind_of(e)) {
    case Kind::unallocated: return read_backing((gc << cb_) + in, len, dst);
    case Kind::zero: memset(dst, 0, len); return IoStatus::ok;
    case Kind::data:
        if (int err = file_.read_zero_filled((e & kOffsetMask) + in, dst, len)) return io_fail("read at " + hex(gc << cb_), err);
        return IoStatus::ok;
    case Kind::compressed: {
        const uint8_t* c;
        if (IoStatus s = read_compressed(gc, e, &c); s != IoStatus::ok) return s;
        memcpy(dst, c + in, len);
        return IoStatus::ok;
    }
    }
    return IoStatus::io_error;
}

IoStatus Qcow2Backend::readv(uint64_t offset, const struct iovec* iov, int count) {
    size_t len = iov_bytes(iov, count);
    if (offset > h_.size || len > h_.size - offset) return fail(IoStatus::out_of_range, file_.path() + ": read beyond the end");
    IovCursor dst(iov, count);
    const uint64_t entries = 1ull << l2_bits_;
    while (len > 0) {
        uint64_t gc = cluster_of(offset);
        uint8_t* t;
        if (IoStatus s = l2_table(gc >> l2_bits_, &t); s != IoStatus::ok) return s;
        uint64_t i = gc & (entries - 1);
        uint64_t e = t ? get_be64(t + i * 8) : 0;
        if (IoStatus s = check_l2_entry(e, gc); s != IoStatus::ok) return s;
        Kind k = kind_of(e);
        uint64_t in = offset & (cs_ - 1);
        size_t run = size_t(std::min<uint64_t>(len, cs_ - in));
        if (k != Kind::compressed) {
            // As far as the next clusters read the same way: one preadv for host-contiguous data.
            uint64_t next_host = (e & kOffsetMask) + cs_;
            while (run < len && ++i < entries) {
                uint64_t e2 = t ? get_be64(t + i * 8) : 0;
                if (!entry_ok(e2, cs_) || kind_of(e2) != k) break;
                if (k == Kind::data) {
                    if ((e2 & kOffsetMask) != next_host) break;
                    next_host += cs_;
                }
                run += size_t(std::min<uint64_t>(len - run, cs_));
            }
        }
        IoStatus s = IoStatus::ok;
        switch (k) {
        case Kind::data:
            segs_.clear();
            dst.take(run, segs_);
            if (int err = file_.readv_zero_filled((e & kOffsetMask) + in, segs_.data(), int(segs_.size())))
                s = io_fail("read at " + hex(offset), err);
            break;
        case Kind::zero: dst.zero(run); break;
        case Kind::unallocated: s = read_backing(offset, run, dst); break;
        case Kind::compressed: {
            const uint8_t* c;
            s = read_compressed(gc, e, &c);
            if (s == IoStatus::ok) dst.copy_from(c + in, run);
            break;
        }
        }
        if (s != IoStatus::ok) return s;
        offset += run;
        len -= run;
    }
    return IoStatus::ok;
}

// ---- writing ----

IoStatus Qcow2Backend::writev(uint64_t offset, const struct iovec* iov, int count) {
    if (!writable_) return fail(IoStatus::read_only, file_.path() + ": write to a read-only drive");
    size_t len = iov_bytes(iov, count);
    if (offset > h_.size || len > h_.size - offset) return fail(IoStatus::out_of_range, file_.path() + ": write beyond the end");
    IovCursor src(iov, count);
    const uint64_t entries = 1ull << l2_bits_;
    zcache_gc_ = UINT64_MAX;
    while (len > 0) {
        uint64_t gc = cluster_of(offset);
        uint8_t* t;
        if (IoStatus s = l2_table(gc >> l2_bits_, &t); s != IoStatus::ok) return s;
        uint64_t i = gc & (entries - 1);
        uint64_t e = t ? get_be64(t + i * 8) : 0;
        if (IoStatus s = check_l2_entry(e, gc); s != IoStatus::ok) return s;
        uint64_t in = offset & (cs_ - 1);
        size_t run = size_t(std::min<uint64_t>(len, cs_ - in));
        if (in_place(e)) {
            uint64_t next_host = (e & kOffsetMask) + cs_;
            while (run < len && ++i < entries) {
                uint64_t e2 = get_be64(t + i * 8);
                if (!entry_ok(e2, cs_) || !in_place(e2) || (e2 & kOffsetMask) != next_host) break;
                next_host += cs_;
                run += size_t(std::min<uint64_t>(len - run, cs_));
            }
            uint64_t host = (e & kOffsetMask) + in;
            for (uint64_t c = host >> cb_; c <= (host + run - 1) >> cb_; c++)
                if (metadata_cluster(c)) return corrupt("data for guest offset " + hex(offset) + " would overwrite metadata");
            segs_.clear();
            src.take(run, segs_);
            if (int err = file_.writev(host, segs_.data(), int(segs_.size()))) return io_fail("write at " + hex(offset), err);
            unsynced_ = true;
        } else {
            uint64_t n = 1;
            while (run < len && ++i < entries) {
                uint64_t e2 = t ? get_be64(t + i * 8) : 0;
                if (!entry_ok(e2, cs_) || in_place(e2)) break;
                n++;
                run += size_t(std::min<uint64_t>(len - run, cs_));
            }
            if (IoStatus s = write_allocating(gc, n, offset, run, src); s != IoStatus::ok) return s;
        }
        offset += run;
        len -= run;
    }
    zcache_gc_ = UINT64_MAX;
    return IoStatus::ok;
}

// Writes [off, off + len), which covers n guest clusters from gc on (the first and last
// perhaps in part), into n new host clusters; the rest of the first and last cluster comes
// from what they read before. Then points the L2 entries at them and frees what they held.
IoStatus Qcow2Backend::write_allocating(uint64_t gc, uint64_t n, uint64_t off, size_t len, IovCursor& data) {
    const uint64_t l1_index = gc >> l2_bits_;
    const uint64_t first = gc & ((1ull << l2_bits_) - 1);
    uint8_t* t;
    if (IoStatus s = l2_table_for_write(l1_index, &t); s != IoStatus::ok) return s;
    const uint64_t e_first = get_be64(t + first * 8), e_last = get_be64(t + (first + n - 1) * 8);
    const size_t head = size_t(off - (gc << cb_));
    const size_t tail = size_t(((gc + n) << cb_) - (off + len));
    if (!cow_head_) {
        cow_head_ = aligned_buffer(cs_);
        cow_tail_ = aligned_buffer(cs_);
    }
    if (head) {
        if (IoStatus s = read_cluster_part(gc, e_first, 0, head, cow_head_.get()); s != IoStatus::ok) return s;
    }
    if (tail) {
        if (IoStatus s = read_cluster_part(gc + n - 1, e_last, cs_ - tail, tail, cow_tail_.get()); s != IoStatus::ok) return s;
    }
    uint64_t host;
    if (IoStatus s = alloc_clusters(n, &host); s != IoStatus::ok) return s;
    segs_.clear();
    if (head) segs_.push_back({cow_head_.get(), head});
    data.take(len, segs_);
    if (tail) segs_.push_back({cow_tail_.get(), tail});
    if (int err = file_.writev(host, segs_.data(), int(segs_.size()))) {
        for (uint64_t c = 0; c < n; c++) (void)set_refcount((host >> cb_) + c, 0);  // never pointed to
        free_hint_ = std::min(free_hint_, host >> cb_);
        return io_fail("write at " + hex(off), err);
    }
    unsynced_ = true;
    // Allocating may have run a metadata write-back; the table is still cached and owned.
    if (IoStatus s = l2_table_for_write(l1_index, &t); s != IoStatus::ok) return s;
    const unsigned zshift = 62 - (cb_ - 8);
    for (uint64_t c = 0; c < n; c++) {
        uint8_t* p = t + (first + c) * 8;
        uint64_t old = get_be64(p);
        put_be64(p, (host + (c << cb_)) | kCopied);
        if (old & kCompressed) {
            uint64_t coff = old & ((1ull << zshift) - 1);
            uint64_t sectors = ((old >> zshift) & ((1ull << (cb_ - 8)) - 1)) + 1;
            free_later(coff & ~511ull, sectors * 512);
        } else if (old & kOffsetMask) {
            free_later(old & kOffsetMask, cs_);
        }
    }
    l2_cache_.mark_dirty(l1_[l1_index] & kOffsetMask, first * 8, (first + n) * 8);
    return IoStatus::ok;
}

// ---- writing metadata back ----

IoStatus Qcow2Backend::barrier(bool* pending) {
    if (*pending && durable_) {
        if (int err = file_.sync()) return io_fail("flush", err);
        syncs_++;
        unsynced_ = false;
    }
    *pending = false;
    return IoStatus::ok;
}

// The changed part of a table, in whole pages (a part of a page would be read back first if
// the page cache had dropped it).
int Qcow2Backend::write_table(const MetadataCache::Dirty& d) {
    uint64_t lo = d.lo & ~4095ull, hi = std::min<uint64_t>(cs_, (d.hi + 4095) & ~4095ull);
    return file_.write(d.offset + lo, d.data + lo, hi - lo);
}

IoStatus Qcow2Backend::write_l1_range(uint64_t lo, uint64_t hi) {
    std::vector<uint8_t> buf((hi - lo) * 8);
    for (uint64_t i = lo; i < hi; i++) put_be64(&buf[(i - lo) * 8], l1_[i]);
    if (int err = file_.write(h_.l1_table_offset + lo * 8, buf.data(), buf.size())) return io_fail("write of the L1 table", err);
    return IoStatus::ok;
}

IoStatus Qcow2Backend::write_reftable_range(uint64_t lo, uint64_t hi) {
    std::vector<uint8_t> buf((hi - lo) * 8);
    for (uint64_t i = lo; i < hi; i++) put_be64(&buf[(i - lo) * 8], reftable_[i]);
    if (int err = file_.write(h_.refcount_table_offset + lo * 8, buf.data(), buf.size()))
        return io_fail("write of the refcount table", err);
    return IoStatus::ok;
}

IoStatus Qcow2Backend::write_metadata(bool final_sync) {
    if (in_metadata_write_) return IoStatus::ok;
    in_metadata_write_ = true;
    struct Guard {
        bool& b;
        ~Guard() { b = false; }
    } guard{in_metadata_write_};
    bool pending = unsynced_;
    // 1. refcount blocks
    for (const auto& d : rb_cache_.dirty_tables()) {
        if (int err = write_table(d)) return io_fail("write of a refcount block", err);
        rb_cache_.clean(d.offset);
        pending = true;
    }
    // 2. the refcount table's new entries
    if (rt_dirty_lo_ < rt_dirty_hi_) {
        if (IoStatus s = barrier(&pending); s != IoStatus::ok) return s;
        if (IoStatus s = write_reftable_range(rt_dirty_lo_, rt_dirty_hi_); s != IoStatus::ok) return s;
        rt_dirty_lo_ = UINT64_MAX;
        rt_dirty_hi_ = 0;
        pending = true;
    }
    // 3. L2 tables
    auto l2 = l2_cache_.dirty_tables();
    if (!l2.empty()) {
        if (IoStatus s = barrier(&pending); s != IoStatus::ok) return s;
        for (const auto& d : l2) {
            if (int err = write_table(d)) return io_fail("write of an L2 table", err);
            l2_cache_.clean(d.offset);
        }
        pending = true;
    }
    // 4. the L1 table's new entries
    if (l1_dirty_lo_ < l1_dirty_hi_) {
        if (IoStatus s = barrier(&pending); s != IoStatus::ok) return s;
        if (IoStatus s = write_l1_range(l1_dirty_lo_, l1_dirty_hi_); s != IoStatus::ok) return s;
        l1_dirty_lo_ = UINT64_MAX;
        l1_dirty_hi_ = 0;
        pending = true;
    }
    // 5. what nothing points to any more (durably) may be counted down
    if (final_sync || !pending_frees_.empty()) {
        if (IoStatus s = barrier(&pending); s != IoStatus::ok) return s;
    }
    if (!pending_frees_.empty()) return apply_frees();
    return IoStatus::ok;
}

IoStatus Qcow2Backend::flush() {
    if (!writable_ || !durable_) return IoStatus::ok;
    return write_metadata(true);
}

}  // namespace tessera::block
