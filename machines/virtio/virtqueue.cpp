#include "machines/virtio/virtqueue.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>

#include "machines/virtio/virtio_spec.h"

namespace tessera {

using namespace virtio;

namespace {

template <typename T>
T load_le(const uint8_t* p) {
    T v;
    memcpy(&v, p, sizeof v);  // the host is little-endian, as virtio 1.x rings are
    return v;
}

struct Desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

Desc load_desc(const uint8_t* table, uint32_t i) {
    const uint8_t* p = table + uint64_t(i) * kDescSize;
    return Desc{load_le<uint64_t>(p), load_le<uint32_t>(p + 8), load_le<uint16_t>(p + 12), load_le<uint16_t>(p + 14)};
}

std::string hex(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
    return b;
}

}  // namespace

// ---- DescChain ----

size_t DescChain::read(uint64_t offset, void* dst, size_t len) const {
    size_t done = 0;
    for (const GuestBuffer& b : readable) {
        if (done == len) break;
        if (offset >= b.len) {
            offset -= b.len;
            continue;
        }
        size_t n = std::min<uint64_t>(b.len - offset, len - done);
        memcpy(static_cast<uint8_t*>(dst) + done, b.host + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

size_t DescChain::write(uint64_t offset, const void* src, size_t len) {
    size_t done = 0;
    for (const GuestBuffer& b : writable) {
        if (done == len) break;
        if (offset >= b.len) {
            offset -= b.len;
            continue;
        }
        size_t n = std::min<uint64_t>(b.len - offset, len - done);
        if (mem_) mem_->written(b.addr + offset, n);
        memcpy(b.host + offset, static_cast<const uint8_t*>(src) + done, n);
        done += n;
        offset = 0;
    }
    return done;
}

void DescChain::note_written(uint64_t bytes) {
    for (const GuestBuffer& b : writable) {
        if (!bytes || !mem_) break;
        uint64_t n = std::min<uint64_t>(b.len, bytes);
        mem_->written(b.addr, n);
        bytes -= n;
    }
}

void DescChain::clear() {
    head = 0;
    readable.clear();
    writable.clear();
    readable_bytes = writable_bytes = 0;
}

// ---- Virtqueue ----

bool Virtqueue::fail(const std::string& why) {
    if (!broken_) {
        broken_ = true;
        if (on_error) on_error(why);
    }
    return false;
}

bool Virtqueue::enable(GuestMemory& mem, uint64_t features) {
    mem_ = &mem;
    event_idx_ = features & bit(F_EVENT_IDX);
    indirect_ = features & bit(F_INDIRECT_DESC);
    // The indices wrap at 2^16, so only a power of two keeps `idx % num` continuous.
    if (num == 0 || num > max_ || (num & (num - 1)))
        return fail("queue size " + std::to_string(num) + " is not a power of two up to " + std::to_string(max_));
    struct Part {
        const char* name;
        uint64_t addr, bytes, align;
    } parts[] = {{"descriptor table", desc_addr, desc_table_bytes(num), kDescAlign},
                 {"available ring", driver_addr, avail_ring_bytes(num), kAvailAlign},
                 {"used ring", device_addr, used_ring_bytes(num), kUsedAlign}};
    uint8_t* host[3];
    for (int i = 0; i < 3; i++) {
        const Part& p = parts[i];
        if (p.addr % p.align) return fail(std::string(p.name) + " at " + hex(p.addr) + " is not " + std::to_string(p.align) + "-byte aligned");
        host[i] = mem.ram(p.addr, p.bytes);
        if (!host[i]) return fail(std::string(p.name) + " [" + hex(p.addr) + ", +" + hex(p.bytes) + ") is not in guest RAM");
    }
    desc_ = host[0];
    avail_ = host[1];
    used_ = host[2];
    // Indices start at 0 (the driver zeroed its rings); whatever the guest left in the used
    // ring is overwritten by the first push.
    last_avail_ = used_idx_ = 0;
    signalled_valid_ = false;
    ready_ = true;
    return true;
}

void Virtqueue::reset() {
    ready_ = broken_ = false;
    num = 0;
    desc_addr = driver_addr = device_addr = 0;
    desc_ = avail_ = nullptr;
    used_ = nullptr;
    last_avail_ = used_idx_ = signalled_used_ = 0;
    signalled_valid_ = false;
}

uint16_t Virtqueue::avail_idx() const {
    uint16_t idx = load_le<uint16_t>(avail_ + 2);
    // The ring entries up to idx were written before idx: read them after it.
    std::atomic_thread_fence(std::memory_order_acquire);
    return idx;
}

bool Virtqueue::has_available() {
    return ready_ && !broken_ && avail_idx() != last_avail_;
}

bool Virtqueue::pop(DescChain& out) {
    out.clear();
    out.mem_ = mem_;
    if (!ready_ || broken_) return false;
    uint16_t idx = avail_idx();
    if (idx == last_avail_) return false;
    if (uint16_t(idx - last_avail_) > num)
        return fail("available index moved from " + std::to_string(last_avail_) + " to " + std::to_string(idx) +
                    ", more than the queue size " + std::to_string(num));
    uint16_t head = load_le<uint16_t>(avail_ + 4 + 2 * (last_avail_ % num));
    if (head >= num) return fail("head descriptor index " + std::to_string(head) + " >= queue size " + std::to_string(num));
    out.head = head;
    if (!walk(desc_, num, head, false, out)) return false;
    last_avail_++;
    if (event_idx_) {
        // avail_event: interrupt-free polling is not done here, so ask to be told of every
        // buffer from the next one on.
        uint16_t ev = last_avail_;
        write_used(4 + kUsedElemSize * num, &ev, 2);
    }
    return true;
}

// Walks one chain in `table` (the queue's own, or an indirect table) from `first`. A chain
// visits at most `entries` descriptors: one more means it loops.
bool Virtqueue::walk(const uint8_t* table, uint32_t entries, uint16_t first, bool indirect, DescChain& out) {
    uint32_t i = first, seen = 0;
    for (;;) {
        if (++seen > entries) return fail(std::string(indirect ? "indirect " : "") + "descriptor chain from " +
                                          std::to_string(out.head) + " is longer than its table (a loop)");
        Desc d = load_desc(table, i);
        if (d.flags & DESC_F_INDIRECT) {
            // An indirect table stands alone: first and only in its chain, never nested.
            if (indirect) return fail("an indirect descriptor inside an indirect table");
            if (!indirect_) return fail("indirect descriptor without VIRTIO_F_INDIRECT_DESC");
            if (i != first || (d.flags & DESC_F_NEXT)) return fail("indirect descriptor " + std::to_string(i) + " chained with others");
            if (d.len == 0 || d.len % kDescSize || d.len / kDescSize > kMaxQueueSize)
                return fail("indirect table of " + std::to_string(d.len) + " bytes");
            const uint8_t* t = mem_->ram(d.addr, d.len);
            if (!t) return fail("indirect table [" + hex(d.addr) + ", +" + hex(d.len) + ") is not in guest RAM");
            return walk(t, d.len / kDescSize, 0, true, out);
        }
        if (d.len == 0) return fail("descriptor " + std::to_string(i) + " has length 0");
        uint8_t* host = mem_->ram(d.addr, d.len);
        if (!host) return fail("buffer [" + hex(d.addr) + ", +" + hex(d.len) + ") of descriptor " + std::to_string(i) + " is not in guest RAM");
        if (d.flags & DESC_F_WRITE) {
            out.writable.push_back({d.addr, d.len, host});
            out.writable_bytes += d.len;
        } else {
            if (!out.writable.empty()) return fail("device-readable descriptor " + std::to_string(i) + " after a writable one");
            out.readable.push_back({d.addr, d.len, host});
            out.readable_bytes += d.len;
        }
        if (!(d.flags & DESC_F_NEXT)) return true;
        if (d.next >= entries) return fail("next descriptor index " + std::to_string(d.next) + " >= " + std::to_string(entries));
        i = d.next;
    }
}

void Virtqueue::write_used(uint64_t offset, const void* src, size_t len) {
    // The used ring is RAM the guest chose: it may hold translated code, like any DMA target.
    mem_->written(device_addr + offset, len);
    memcpy(used_ + offset, src, len);
}

void Virtqueue::push(uint16_t head, uint32_t written) {
    if (!ready_ || broken_) return;
    uint32_t elem[2] = {head, written};
    write_used(4 + kUsedElemSize * (used_idx_ % num), elem, sizeof elem);
    // The element before the index that publishes it.
    std::atomic_thread_fence(std::memory_order_release);
    used_idx_++;
    write_used(2, &used_idx_, 2);
}

bool Virtqueue::should_notify() {
    if (!ready_ || broken_) return false;
    std::atomic_thread_fence(std::memory_order_seq_cst);  // our used index before their flags
    if (!event_idx_) return !(load_le<uint16_t>(avail_) & AVAIL_F_NO_INTERRUPT);
    uint16_t old_idx = signalled_used_;
    bool valid = signalled_valid_;
    signalled_used_ = used_idx_;
    signalled_valid_ = true;
    if (!valid) return true;
    uint16_t used_event = load_le<uint16_t>(avail_ + 4 + 2 * num);
    return need_event(used_event, used_idx_, old_idx);
}

std::string Virtqueue::describe() const {
    if (!ready_) return "not ready";
    char out[160];
    snprintf(out, sizeof out, "num %u, avail %u (flags 0x%x), taken %u, used %u%s%s", num, avail_idx(),
             load_le<uint16_t>(avail_), last_avail_, used_idx_, event_idx_ ? ", event idx" : "", broken_ ? ", BROKEN" : "");
    return out;
}

}  // namespace tessera
