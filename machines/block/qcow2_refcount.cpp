// qcow2 refcounts: reading and setting them, finding free clusters, new refcount blocks, a
// larger refcount table, and counting down clusters nothing points to any more.
#include <algorithm>
#include <cstring>

#include "machines/block/qcow2_backend.h"

namespace tessera::block {

using namespace qcow2;

namespace {
constexpr uint64_t kRefTableOffsetMask = ~kRefTableReserved;
constexpr uint64_t kMaxHostClusterEnd = 1ull << 56;  // L2 entries hold offsets below 64 PiB
}  // namespace

uint64_t Qcow2Backend::get_entry(const uint8_t* b, uint64_t i) const {
    switch (rc_bits_) {
    case 1:
    case 2:
    case 4: {
        uint64_t bit = i * rc_bits_;
        return (b[bit / 8] >> (bit % 8)) & ((1u << rc_bits_) - 1);
    }
    case 8: return b[i];
    case 16: return get_be16(b + i * 2);
    case 32: return get_be32(b + i * 4);
    default: return get_be64(b + i * 8);
    }
}

void Qcow2Backend::set_entry(uint8_t* b, uint64_t i, uint64_t v) const {
    switch (rc_bits_) {
    case 1:
    case 2:
    case 4: {
        uint64_t bit = i * rc_bits_;
        uint8_t mask = uint8_t(((1u << rc_bits_) - 1) << (bit % 8));
        b[bit / 8] = uint8_t((b[bit / 8] & ~mask) | ((v << (bit % 8)) & mask));
        break;
    }
    case 8: b[i] = uint8_t(v); break;
    case 16: put_be16(b + i * 2, uint16_t(v)); break;
    case 32: put_be32(b + i * 4, uint32_t(v)); break;
    default: put_be64(b + i * 8, v); break;
    }
}

bool Qcow2Backend::reserved_cluster(uint64_t c) const {
    if (c == 0) return true;
    uint64_t l1 = h_.l1_table_offset >> cb_, l1_n = (uint64_t(h_.l1_size) * 8 + cs_ - 1) >> cb_;
    if (c >= l1 && c < l1 + l1_n) return true;
    uint64_t rt = h_.refcount_table_offset >> cb_;
    return c >= rt && c < rt + h_.refcount_table_clusters;
}

IoStatus Qcow2Backend::refcount_block(uint64_t k, uint8_t** block) {
    *block = nullptr;
    if (k >= reftable_.size()) return IoStatus::ok;
    uint64_t e = reftable_[k];
    if (e & kRefTableReserved) return corrupt("bad refcount table entry " + std::to_string(k));
    uint64_t off = e & kRefTableOffsetMask;
    if (off == 0) return IoStatus::ok;
    if (off & (cs_ - 1)) return corrupt("unaligned refcount block " + std::to_string(k));
    return load_table(rb_cache_, off, block);
}

IoStatus Qcow2Backend::refcount(uint64_t cluster, uint64_t* value) {
    uint8_t* b;
    if (IoStatus s = refcount_block(cluster >> rb_bits_, &b); s != IoStatus::ok) return s;
    *value = b ? get_entry(b, cluster & ((1ull << rb_bits_) - 1)) : 0;
    return IoStatus::ok;
}

IoStatus Qcow2Backend::set_refcount(uint64_t cluster, uint64_t value) {
    uint64_t k = cluster >> rb_bits_;
    uint8_t* b;
    if (IoStatus s = refcount_block(k, &b); s != IoStatus::ok) return s;
    if (!b) return corrupt("no refcount block for cluster " + std::to_string(cluster));
    if (value > rc_max_) return fail(IoStatus::io_error, file_.path() + ": refcount overflow");
    uint64_t i = cluster & ((1ull << rb_bits_) - 1);
    set_entry(b, i, value);
    rb_cache_.mark_dirty(reftable_[k] & kRefTableOffsetMask, i * rc_bits_ / 8, ((i + 1) * rc_bits_ + 7) / 8);
    return IoStatus::ok;
}

// Finds n free clusters in a row, the lowest there are, and counts them as used.
IoStatus Qcow2Backend::alloc_clusters(uint64_t n, uint64_t* host_off) {
    for (;;) {
        uint64_t c = free_hint_, run_start = 0, run = 0, first_free = UINT64_MAX;
        while (run < n) {
            uint8_t* b;
            if (IoStatus s = refcount_block(c >> rb_bits_, &b); s != IoStatus::ok) return s;
            const uint64_t block_end = ((c >> rb_bits_) + 1) << rb_bits_;
            const uint64_t mask = (1ull << rb_bits_) - 1;
            for (; c < block_end && run < n; c++) {
                if ((b && get_entry(b, c & mask) != 0) || metadata_cluster(c)) {
                    run = 0;
                    continue;
                }
                if (run++ == 0) run_start = c;
                if (first_free == UINT64_MAX) first_free = c;
            }
            if ((c << cb_) >= kMaxHostClusterEnd) return fail(IoStatus::io_error, file_.path() + ": image file full (64 PiB)");
            // Past the end of the file only clusters leaked by a crash inside a flush can be
            // counted; a million of them is a corrupt refcount table, not a reason to scan on.
            if (c > end_cluster_ + n + (1u << 20)) return corrupt("refcounts claim clusters far past the end of the file");
        }
        // Each cluster needs its refcount block; a new block takes the first of the run, then
        // the search starts again.
        bool placed = false;
        for (uint64_t i = 0; i < n && !placed; i++) {
            if (IoStatus s = ensure_refblock(run_start + i, &placed); s != IoStatus::ok) return s;
        }
        if (placed) continue;
        for (uint64_t i = 0; i < n; i++) {
            if (IoStatus s = set_refcount(run_start + i, 1); s != IoStatus::ok) return s;
        }
        free_hint_ = first_free == run_start ? run_start + n : first_free;
        end_cluster_ = std::max(end_cluster_, run_start + n);
        *host_off = run_start << cb_;
        return IoStatus::ok;
    }
}

// The refcount block for `cluster`; a missing one is placed at `cluster` itself (free, and
// within the range the block covers, so the block counts itself).
IoStatus Qcow2Backend::ensure_refblock(uint64_t cluster, bool* placed) {
    uint64_t k = cluster >> rb_bits_;
    if (k >= reftable_.size()) {
        *placed = true;
        return grow_reftable(k + 1);
    }
    if (reftable_[k] & kRefTableOffsetMask) return IoStatus::ok;
    uint64_t off = cluster << cb_;
    uint8_t* b;
    if (IoStatus s = cache_slot(rb_cache_, off, &b); s != IoStatus::ok) return s;
    memset(b, 0, cs_);
    set_entry(b, cluster & ((1ull << rb_bits_) - 1), 1);
    rb_cache_.mark_dirty(off, 0, cs_);
    reftable_[k] = off;
    tables_.insert(cluster);
    rt_dirty_lo_ = std::min(rt_dirty_lo_, k);
    rt_dirty_hi_ = std::max(rt_dirty_hi_, k + 1);
    end_cluster_ = std::max(end_cluster_, cluster + 1);
    *placed = true;
    return IoStatus::ok;
}

// A refcount table with at least min_entries, written after the end of the image with the
// refcount blocks that count it, then switched to in the header. Everything pending is
// written first, so the switch is the only change in flight.
IoStatus Qcow2Backend::grow_reftable(uint64_t min_entries) {
    if (IoStatus s = write_metadata(false); s != IoStatus::ok) return s;
    const uint64_t old_n = reftable_.size(), per_cluster = cs_ / 8;
    const uint64_t start = end_cluster_;
    uint64_t want = std::max(min_entries, old_n + old_n / 2 + 1);
    uint64_t clusters = 0, blocks = 0;
    auto missing = [&](uint64_t k) { return k >= old_n || (reftable_[k] & kRefTableOffsetMask) == 0; };
    for (;;) {
        clusters = (want + per_cluster - 1) / per_cluster;
        uint64_t end = start + clusters + blocks;
        uint64_t k_first = start >> rb_bits_, k_last = (end - 1) >> rb_bits_;
        uint64_t need = 0;
        for (uint64_t k = k_first; k <= k_last; k++) need += missing(k);
        if (need == blocks && want > k_last) break;
        blocks = need;
        want = std::max(want, k_last + 1);
    }
    if ((clusters << cb_) > kMaxRefTableBytes) return fail(IoStatus::io_error, file_.path() + ": refcount table would pass 8 MiB");
    const uint64_t end = start + clusters + blocks;
    if ((end << cb_) >= kMaxHostClusterEnd) return fail(IoStatus::io_error, file_.path() + ": image file full (64 PiB)");

    std::vector<uint64_t> table(clusters * per_cluster, 0);
    std::copy(reftable_.begin(), reftable_.end(), table.begin());
    std::vector<uint64_t> new_blocks;
    uint64_t next = start + clusters;
    for (uint64_t k = start >> rb_bits_; k <= (end - 1) >> rb_bits_; k++) {
        if (!missing(k)) continue;
        table[k] = next << cb_;
        new_blocks.push_back(next << cb_);
        tables_.insert(next);
        next++;
    }
    std::vector<uint64_t> old_table = std::move(reftable_);
    reftable_ = std::move(table);
    auto undo = [&](IoStatus s) {
        for (uint64_t off : new_blocks) {
            rb_cache_.drop(off);
            tables_.erase(off >> cb_);
        }
        reftable_ = std::move(old_table);
        return s;
    };
    for (uint64_t off : new_blocks) {
        uint8_t* b;
        if (IoStatus s = cache_slot(rb_cache_, off, &b); s != IoStatus::ok) return undo(s);
        memset(b, 0, cs_);
        rb_cache_.mark_dirty(off, 0, cs_);
    }
    for (uint64_t c = start; c < end; c++) {
        if (IoStatus s = set_refcount(c, 1); s != IoStatus::ok) return undo(s);
    }
    for (const auto& d : rb_cache_.dirty_tables()) {
        if (int err = write_table(d)) return undo(io_fail("write of a refcount block", err));
        rb_cache_.clean(d.offset);
    }
    std::vector<uint8_t> buf(clusters << cb_);
    for (size_t i = 0; i < reftable_.size(); i++) put_be64(&buf[i * 8], reftable_[i]);
    if (int err = file_.write(start << cb_, buf.data(), buf.size())) return undo(io_fail("write of the refcount table", err));
    bool pending = true;
    if (IoStatus s = barrier(&pending); s != IoStatus::ok) return undo(s);
    uint8_t field[12];
    put_be64(field, start << cb_);
    put_be32(field + 8, uint32_t(clusters));
    if (int err = file_.write(kOffRefTable, field, sizeof field)) return undo(io_fail("write of the header", err));
    const uint64_t old_first = h_.refcount_table_offset >> cb_, old_clusters = h_.refcount_table_clusters;
    h_.refcount_table_offset = start << cb_;
    h_.refcount_table_clusters = uint32_t(clusters);
    rt_dirty_lo_ = UINT64_MAX;
    rt_dirty_hi_ = 0;
    end_cluster_ = std::max(end_cluster_, end);
    pending = true;
    if (IoStatus s = barrier(&pending); s != IoStatus::ok) return s;
    // The old table is no longer pointed to: its clusters are free.
    for (uint64_t c = old_first; c < old_first + old_clusters; c++) {
        uint64_t v;
        if (IoStatus s = refcount(c, &v); s != IoStatus::ok) return s;
        if (v == 0) continue;
        if (IoStatus s = set_refcount(c, v - 1); s != IoStatus::ok) return s;
        if (v == 1) free_hint_ = std::min(free_hint_, c);
    }
    return IoStatus::ok;
}

void Qcow2Backend::free_later(uint64_t host_off, uint64_t bytes) {
    uint64_t first = host_off >> cb_, last = (host_off + bytes - 1) >> cb_;
    pending_frees_.push_back({first, last - first + 1});
}

IoStatus Qcow2Backend::apply_frees() {
    std::vector<Free> frees = std::move(pending_frees_);
    pending_frees_.clear();
    for (const Free& f : frees) {
        for (uint64_t c = f.cluster; c < f.cluster + f.count; c++) {
            uint64_t v;
            if (IoStatus s = refcount(c, &v); s != IoStatus::ok) return s;
            if (v == 0) continue;  // already free: an inconsistent image; never below zero
            if (IoStatus s = set_refcount(c, v - 1); s != IoStatus::ok) return s;
            if (v == 1) {
                free_hint_ = std::min(free_hint_, c);
                l2_cache_.drop(c << cb_);
                tables_.erase(c);
            }
        }
    }
    return IoStatus::ok;
}

}  // namespace tessera::block
