// A cache of qcow2 metadata tables (L2 tables, refcount blocks), one cluster each, keyed by
// their host offset, evicted least recently used first. Tables are kept as they are on disk
// (big-endian). A changed table is marked dirty and stays until its owner writes it out: a
// dirty table is never evicted (insert() says when every slot is dirty).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "machines/block/file_io.h"

namespace tessera::block {

class MetadataCache {
public:
    MetadataCache(size_t table_bytes, size_t capacity);

    size_t table_bytes() const { return table_bytes_; }
    size_t capacity() const { return capacity_; }

    // The cached table at `offset`, or nullptr.
    uint8_t* find(uint64_t offset);
    // A slot for the table at `offset` (its old contents if it was cached; otherwise
    // whatever the slot held: the caller fills it). nullptr when every slot is dirty.
    uint8_t* insert(uint64_t offset);
    // Bytes [lo, hi) of the table changed (a new table: all of it).
    void mark_dirty(uint64_t offset, size_t lo, size_t hi);
    size_t dirty_count() const { return dirty_count_; }
    struct Dirty {
        uint64_t offset;
        uint8_t* data;
        size_t lo, hi;  // the changed bytes
    };
    // The dirty tables, by offset; clean() each once it is written.
    std::vector<Dirty> dirty_tables() const;
    void clean(uint64_t offset);
    // Forgets the table (its cluster was freed). Dirty or not.
    void drop(uint64_t offset);

private:
    static constexpr uint32_t kNone = UINT32_MAX;
    struct Slot {
        uint64_t offset = 0;
        uint32_t prev = kNone, next = kNone;  // the use list: head most recent
        size_t lo = 0, hi = 0;                // changed bytes, when dirty
        bool used = false, dirty = false;
        AlignedBuffer data;
    };
    Slot* slot_of(uint64_t offset);
    void unlink(uint32_t i);
    void push_front(uint32_t i);
    void touch(uint32_t i);

    size_t table_bytes_, capacity_;
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_slots_;
    std::unordered_map<uint64_t, uint32_t> index_;
    uint32_t head_ = kNone, tail_ = kNone;
    size_t dirty_count_ = 0;
    size_t last_ = SIZE_MAX;  // the slot of the last find(): sequential I/O hits it again
};

}  // namespace tessera::block
