// A qcow2 image (versions 2 and 3): reads through the L1/L2 tables with a cache of L2 tables,
// unallocated clusters from the backing file (or zeros), zero clusters, zlib-compressed
// clusters; writes that allocate clusters (copying the rest of the cluster from wherever it
// read from before), keep the refcounts exact, grow the refcount structures, and copy shared
// clusters and L2 tables (internal snapshots) before changing them.
//
// Metadata is written back, not through: a write that allocates changes refcount blocks and
// L2 tables in memory; flush() writes them in dependency order with a barrier (fdatasync)
// between the steps, so the image on disk is consistent whenever the process stops:
//   1. refcount blocks             (new clusters counted before anything points to them)
//   2. refcount table entries      (new refcount blocks, written in 1, linked)
//   3. L2 tables                   (data clusters, written before the flush, pointed to)
//   4. L1 table                    (new L2 tables, written in 3, linked)
//   5. refcount decrements of clusters no longer pointed to (after 3 and 4 are durable)
// Guest data goes straight to the file; into a new cluster that nothing points to yet, or in
// place into a cluster the disk owns alone. A crash between flushes loses the writes since
// the last flush to new clusters (never a flushed one) and leaks nothing; a crash inside a
// flush leaks clusters at most. When the cache fills with changed tables it runs the same
// sequence early.
#pragma once
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "machines/block/block_backend.h"
#include "machines/block/file_io.h"
#include "machines/block/iov.h"
#include "machines/block/metadata_cache.h"
#include "machines/block/qcow2_format.h"

namespace tessera::block {

class Qcow2Backend final : public BlockBackend {
public:
    struct Config {
        bool writable = false;
        // flush() reaches stable storage; false for the snapshot=on overlay, a temporary
        // file nobody reads after Tessera, whose flush() does nothing.
        bool durable = true;
        std::string description;  // for describe(); the path when empty
    };
    // `header` is file's header as parse_header() checked it; `backing` what unallocated
    // clusters read from (nullptr: zeros). Reads the L1 and refcount tables; throws
    // ConfigError naming the file if they cannot be read. Writes nothing.
    Qcow2Backend(HostFile file, const qcow2::Header& header, std::unique_ptr<BlockBackend> backing, Config config);
    ~Qcow2Backend() override;

    // Before the first write: clears the autoclear feature bits (this writer keeps no
    // bitmaps up to date), as the format asks. Throws ConfigError.
    void start_writing();

    uint64_t size() const override { return h_.size; }
    bool read_only() const override { return !writable_; }
    IoStatus readv(uint64_t offset, const struct iovec* iov, int count) override;
    IoStatus writev(uint64_t offset, const struct iovec* iov, int count) override;
    IoStatus flush() override;
    std::string describe() const override;

    const qcow2::Header& header() const { return h_; }
    uint64_t metadata_syncs() const { return syncs_; }  // fdatasync calls so far (tests)

private:
    enum class Kind { unallocated, zero, data, compressed };

    // Entries and geometry.
    uint64_t cluster_of(uint64_t guest_off) const { return guest_off >> cb_; }
    Kind kind_of(uint64_t l2e) const;
    bool in_place(uint64_t l2e) const;  // a write may go straight into the cluster
    IoStatus check_l2_entry(uint64_t l2e, uint64_t gc);

    // L2 tables.
    IoStatus l2_table(uint64_t l1_index, uint8_t** table);            // nullptr: none
    IoStatus l2_table_for_write(uint64_t l1_index, uint8_t** table);  // allocated and owned
    IoStatus cache_slot(MetadataCache& cache, uint64_t offset, uint8_t** slot);
    IoStatus load_table(MetadataCache& cache, uint64_t offset, uint8_t** table);

    // Reading.
    IoStatus read_cluster_part(uint64_t gc, uint64_t l2e, uint64_t in, size_t len, uint8_t* dst);
    IoStatus read_backing(uint64_t off, size_t len, uint8_t* dst);
    IoStatus read_backing(uint64_t off, size_t len, IovCursor& dst);
    IoStatus read_compressed(uint64_t gc, uint64_t l2e, const uint8_t** cluster);

    // Writing.
    IoStatus write_allocating(uint64_t gc, uint64_t n, uint64_t off, size_t len, IovCursor& data);

    // Refcounts (qcow2_refcount.cpp).
    IoStatus refcount_block(uint64_t block_index, uint8_t** block);  // nullptr: not allocated
    uint64_t get_entry(const uint8_t* block, uint64_t i) const;
    void set_entry(uint8_t* block, uint64_t i, uint64_t v) const;
    IoStatus refcount(uint64_t cluster, uint64_t* value);
    IoStatus set_refcount(uint64_t cluster, uint64_t value);
    IoStatus alloc_clusters(uint64_t n, uint64_t* host_off);
    IoStatus ensure_refblock(uint64_t cluster, bool* placed);
    IoStatus grow_reftable(uint64_t min_entries);
    void free_later(uint64_t host_off, uint64_t bytes);
    IoStatus apply_frees();
    bool reserved_cluster(uint64_t cluster) const;  // header, L1 table, refcount table
    bool metadata_cluster(uint64_t cluster) const {  // ... or an L2 table or refcount block
        return reserved_cluster(cluster) || tables_.count(cluster);
    }

    // Writing metadata back in order (see the top of this file).
    IoStatus write_metadata(bool final_sync);
    IoStatus barrier(bool* pending);
    int write_table(const MetadataCache::Dirty& d);
    IoStatus write_l1_range(uint64_t lo, uint64_t hi);
    IoStatus write_reftable_range(uint64_t lo, uint64_t hi);

    IoStatus io_fail(const std::string& what, int err);
    IoStatus corrupt(const std::string& what);

    HostFile file_;
    qcow2::Header h_;
    std::unique_ptr<BlockBackend> backing_;
    bool writable_, durable_;
    std::string description_;

    uint32_t cb_;          // cluster_bits
    uint64_t cs_;          // cluster size
    uint32_t l2_bits_;     // log2(entries per L2 table)
    uint32_t rb_bits_;     // log2(refcounts per refcount block)
    uint32_t rc_bits_;     // bits per refcount
    uint64_t rc_max_;

    std::vector<uint64_t> l1_;        // host byte order
    uint64_t l1_dirty_lo_ = UINT64_MAX, l1_dirty_hi_ = 0;
    std::vector<uint64_t> reftable_;  // host byte order
    uint64_t rt_dirty_lo_ = UINT64_MAX, rt_dirty_hi_ = 0;
    MetadataCache l2_cache_, rb_cache_;
    // The clusters of L2 tables (active, or copied from) and refcount blocks: never
    // allocated for data nor written with guest data, whatever a damaged refcount or L2
    // entry says (QEMU's overlap check).
    std::unordered_set<uint64_t> tables_;

    struct Free {
        uint64_t cluster, count;
    };
    std::vector<Free> pending_frees_;
    uint64_t free_hint_ = 0;   // every cluster below it is in use
    uint64_t end_cluster_ = 0; // one past the last cluster in the file or allocated
    bool unsynced_ = false;    // written since the last fdatasync
    bool in_metadata_write_ = false;
    uint64_t syncs_ = 0;

    // The last decompressed cluster (guest cluster index), and the buffers for it.
    uint64_t zcache_gc_ = UINT64_MAX;
    AlignedBuffer zin_;  // two clusters and a sector: the most a compressed cluster takes
    std::vector<uint8_t> zout_;
    AlignedBuffer cow_head_, cow_tail_;  // a cluster each: what a write keeps
    std::vector<struct iovec> segs_;      // the pieces of one run of a request
    struct Inflater;  // a zlib stream, reset for each cluster
    std::unique_ptr<Inflater> inflater_;
};

}  // namespace tessera::block
