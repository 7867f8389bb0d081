// The qcow2 on-disk format (QEMU's docs/interop/qcow2.txt): constants, the header, and the
// check of a header before anything else of the image is trusted.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::block {

inline constexpr uint8_t kQcow2Magic[4] = {'Q', 'F', 'I', 0xfb};

namespace qcow2 {

inline constexpr uint32_t kMinClusterBits = 9, kMaxClusterBits = 21;  // 512 B .. 2 MiB, as QEMU
inline constexpr uint32_t kV2HeaderLength = 72, kV3HeaderLength = 104;
// QEMU's limits: the largest tables read at open (an image QEMU opens is within them).
inline constexpr uint64_t kMaxL1Bytes = 32ull << 20;
inline constexpr uint64_t kMaxRefTableBytes = 8ull << 20;
inline constexpr uint32_t kMaxBackingNameLength = 1023;

// Incompatible feature bits.
inline constexpr uint64_t kIncompatDirty = 1ull << 0;
inline constexpr uint64_t kIncompatCorrupt = 1ull << 1;
inline constexpr uint64_t kIncompatDataFile = 1ull << 2;
inline constexpr uint64_t kIncompatCompression = 1ull << 3;
inline constexpr uint64_t kIncompatExtendedL2 = 1ull << 4;

// Header extension types.
inline constexpr uint32_t kExtEnd = 0, kExtBackingFormat = 0xe2792aca, kExtFeatureTable = 0x6803f857,
                          kExtBitmaps = 0x23852875, kExtEncryption = 0x0537be77, kExtDataFile = 0x44415441;

// L1, L2 and refcount table entries.
inline constexpr uint64_t kOffsetMask = 0x00fffffffffffe00ull;  // bits 9..55: a host cluster
inline constexpr uint64_t kCopied = 1ull << 63;                 // refcount is exactly one
inline constexpr uint64_t kCompressed = 1ull << 62;
inline constexpr uint64_t kZero = 1ull << 0;                    // v3: the cluster reads as zeros
inline constexpr uint64_t kL1Reserved = 0x7f000000000001ffull;
inline constexpr uint64_t kL2Reserved = 0x3f000000000001feull;  // of a standard (uncompressed) entry
inline constexpr uint64_t kRefTableReserved = 0x1ffull;

// Where the fields the writer updates live in the header.
inline constexpr uint64_t kOffRefTable = 48;      // refcount_table_offset (8) + clusters (4)
inline constexpr uint64_t kOffIncompat = 72;
inline constexpr uint64_t kOffAutoclear = 88;

struct FeatureName {
    uint8_t type, bit;
    std::string name;
};

struct Header {
    uint32_t version = 0;
    uint64_t backing_file_offset = 0;
    uint32_t backing_file_size = 0;
    uint32_t cluster_bits = 0;
    uint64_t size = 0;  // the virtual disk, bytes
    uint32_t crypt_method = 0;
    uint32_t l1_size = 0;
    uint64_t l1_table_offset = 0;
    uint64_t refcount_table_offset = 0;
    uint32_t refcount_table_clusters = 0;
    uint32_t nb_snapshots = 0;
    uint64_t snapshots_offset = 0;
    uint64_t incompatible_features = 0, compatible_features = 0, autoclear_features = 0;
    uint32_t refcount_order = 4;
    uint32_t header_length = kV2HeaderLength;
    uint8_t compression_type = 0;
    // From the header extensions and the backing file name.
    std::string backing_file, backing_format;
    std::vector<FeatureName> feature_names;

    uint64_t cluster_size() const { return 1ull << cluster_bits; }
};

// Checks and decodes a qcow2 header. `head` is the start of the file (its first cluster, or
// all of the file when shorter; 2 MiB covers any cluster size); file_size the file's length.
// Returns "" or what is wrong, in words for "tessera: FILE: <this>" ("not a qcow2 image (bad
// magic)", "truncated qcow2 header", "unsupported qcow2 feature: extended L2 entries", ...).
// Checks what every use needs; what only writing needs is writable_problem().
std::string parse_header(const uint8_t* head, size_t head_len, uint64_t file_size, Header* out);

// Why an image with this (valid) header must not be opened for writing, or "".
std::string writable_problem(const Header& h);

// The number of L1 entries a disk of `size` bytes needs.
uint64_t l1_entries_needed(uint64_t size, uint32_t cluster_bits);

// Big-endian access to on-disk fields.
inline uint16_t get_be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t get_be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
inline uint64_t get_be64(const uint8_t* p) { return uint64_t(get_be32(p)) << 32 | get_be32(p + 4); }
inline void put_be16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
inline void put_be32(uint8_t* p, uint32_t v) {
    put_be16(p, uint16_t(v >> 16));
    put_be16(p + 2, uint16_t(v));
}
inline void put_be64(uint8_t* p, uint64_t v) {
    put_be32(p, uint32_t(v >> 32));
    put_be32(p + 4, uint32_t(v));
}

// A new, empty qcow2 image of `size` bytes (version 3, 16-bit refcounts, no backing file
// named in it) as the bytes of its first clusters: header, refcount table, one refcount
// block, L1 table. Used for the snapshot=on overlay and by the tests.
std::vector<uint8_t> new_image(uint64_t size, uint32_t cluster_bits);

}  // namespace qcow2
}  // namespace tessera::block
