// Checking a qcow2 header, and writing the first clusters of a new image.
#include <cstring>

#include "machines/block/qcow2_format.h"

namespace tessera::block::qcow2 {

namespace {

std::string feature_name(const Header& h, uint8_t type, unsigned bit) {
    for (const FeatureName& f : h.feature_names)
        if (f.type == type && f.bit == bit && !f.name.empty()) return "'" + f.name + "'";
    return "incompatible feature bit " + std::to_string(bit);
}

bool aligned(uint64_t v, uint32_t cluster_bits) { return (v & ((1ull << cluster_bits) - 1)) == 0; }

// [off, off + len) within a file of file_size bytes, without overflow.
bool within(uint64_t off, uint64_t len, uint64_t file_size) { return off <= file_size && len <= file_size - off; }

std::string parse_extensions(const uint8_t* head, size_t head_len, Header* h) {
    // Extensions follow the header up to the backing file name, or to the end of the cluster.
    uint64_t end = h->cluster_size();
    if (h->backing_file_offset && h->backing_file_offset < end) end = h->backing_file_offset;
    uint64_t off = h->header_length;
    bool seen_backing_format = false, seen_features = false;
    while (off + 8 <= end) {
        if (off + 8 > head_len) break;  // beyond the end of the file: zeros, the end marker
        uint32_t type = get_be32(head + off), len = get_be32(head + off + 4);
        off += 8;
        if (type == kExtEnd) break;
        if (len > end - off) return "corrupt qcow2 header: header extension 0x" + [&] {
            char b[16];
            snprintf(b, sizeof b, "%08x", type);
            return std::string(b);
        }() + " runs past the end of the header cluster";
        if (off + len > head_len) return "truncated qcow2 header (a header extension lies beyond the end of the file)";
        const uint8_t* data = head + off;
        if (type == kExtBackingFormat) {
            if (seen_backing_format) return "corrupt qcow2 header: two backing format extensions";
            seen_backing_format = true;
            h->backing_format.assign(reinterpret_cast<const char*>(data), len);
            // Not NUL-terminated, but a writer may have padded it with NULs.
            h->backing_format.resize(strnlen(h->backing_format.c_str(), h->backing_format.size()));
        } else if (type == kExtFeatureTable) {
            if (seen_features) return "corrupt qcow2 header: two feature name tables";
            seen_features = true;
            for (uint32_t i = 0; i + 48 <= len; i += 48) {
                FeatureName f;
                f.type = data[i];
                f.bit = data[i + 1];
                f.name.assign(reinterpret_cast<const char*>(data + i + 2), strnlen(reinterpret_cast<const char*>(data + i + 2), 46));
                h->feature_names.push_back(std::move(f));
            }
        }
        // Bitmaps: their autoclear bit is dropped before writing (writable_problem's caller);
        // encryption and data file: refused through their header fields; others are ignored.
        off += (uint64_t(len) + 7) & ~7ull;
    }
    return "";
}

}  // namespace

uint64_t l1_entries_needed(uint64_t size, uint32_t cluster_bits) {
    unsigned bits = cluster_bits * 2 - 3;  // bytes one L2 table maps
    return (size >> bits) + ((size & ((1ull << bits) - 1)) != 0);
}

std::string parse_header(const uint8_t* head, size_t head_len, uint64_t file_size, Header* out) {
    Header h;
    if (head_len > file_size) head_len = size_t(file_size);
    if (head_len < 4) return "truncated qcow2 header (the file is " + std::to_string(file_size) + " bytes)";
    if (memcmp(head, kQcow2Magic, 4) != 0) return "not a qcow2 image (bad magic)";
    if (head_len < 8) return "truncated qcow2 header (the file is " + std::to_string(file_size) + " bytes)";
    h.version = get_be32(head + 4);
    if (h.version == 1) return "qcow version 1 is not supported (qemu-img convert -O qcow2 converts it)";
    if (h.version != 2 && h.version != 3) return "unsupported qcow2 version " + std::to_string(h.version);
    uint32_t min_len = h.version == 2 ? kV2HeaderLength : kV3HeaderLength;
    if (head_len < min_len) return "truncated qcow2 header (the file is " + std::to_string(file_size) + " bytes)";

    h.backing_file_offset = get_be64(head + 8);
    h.backing_file_size = get_be32(head + 16);
    h.cluster_bits = get_be32(head + 20);
    h.size = get_be64(head + 24);
    h.crypt_method = get_be32(head + 32);
    h.l1_size = get_be32(head + 36);
    h.l1_table_offset = get_be64(head + 40);
    h.refcount_table_offset = get_be64(head + 48);
    h.refcount_table_clusters = get_be32(head + 56);
    h.nb_snapshots = get_be32(head + 60);
    h.snapshots_offset = get_be64(head + 64);
    if (h.version >= 3) {
        h.incompatible_features = get_be64(head + 72);
        h.compatible_features = get_be64(head + 80);
        h.autoclear_features = get_be64(head + 88);
        h.refcount_order = get_be32(head + 96);
        h.header_length = get_be32(head + 100);
    }

    if (h.cluster_bits < kMinClusterBits || h.cluster_bits > kMaxClusterBits)
        return "corrupt qcow2 header: cluster_bits " + std::to_string(h.cluster_bits) + " is outside 9..21";
    const uint64_t cs = h.cluster_size();
    if (h.version >= 3) {
        if (h.header_length < kV3HeaderLength)
            return "corrupt qcow2 header: header_length " + std::to_string(h.header_length) + " is below 104";
        if (h.header_length > cs) return "corrupt qcow2 header: header_length is larger than a cluster";
        if (h.header_length > head_len) return "truncated qcow2 header (the file ends inside it)";
        if (h.header_length > kV3HeaderLength) h.compression_type = head[104];
    }
    if (h.refcount_order > 6) return "corrupt qcow2 header: refcount_order " + std::to_string(h.refcount_order) + " is above 6";

    if (std::string e = parse_extensions(head, head_len, &h); !e.empty()) return e;

    // Features: refuse what this reader does not understand before looking at anything else.
    const uint64_t known = kIncompatDirty | kIncompatCorrupt | kIncompatDataFile | kIncompatCompression | kIncompatExtendedL2;
    if (uint64_t unknown = h.incompatible_features & ~known) {
        unsigned bit = unsigned(__builtin_ctzll(unknown));
        return "unsupported qcow2 feature: " + feature_name(h, 0, bit);
    }
    if (h.incompatible_features & kIncompatDataFile) return "unsupported qcow2 feature: external data file";
    if (h.incompatible_features & kIncompatExtendedL2) return "unsupported qcow2 feature: extended L2 entries (subclusters)";
    if (h.incompatible_features & kIncompatCompression) {
        if (h.compression_type == 1) return "unsupported qcow2 feature: zstd compression (only zlib)";
        return "unsupported qcow2 feature: compression type " + std::to_string(h.compression_type);
    }
    if (h.compression_type != 0) return "corrupt qcow2 header: a compression type without its feature bit";
    if (h.crypt_method != 0) return "encrypted qcow2 images are not supported";

    // Tables: where the header says they are, they must be, within the file.
    uint64_t needed = l1_entries_needed(h.size, h.cluster_bits);
    if (uint64_t(h.l1_size) * 8 > kMaxL1Bytes) return "corrupt qcow2 header: L1 table larger than 32 MiB";
    if (h.l1_size < needed) return "corrupt qcow2 header: L1 table too small for the disk size";
    if (h.l1_size > 0) {
        if (h.l1_table_offset == 0 || !aligned(h.l1_table_offset, h.cluster_bits))
            return "corrupt qcow2 header: L1 table offset is not a cluster boundary";
        if (!within(h.l1_table_offset, uint64_t(h.l1_size) * 8, file_size))
            return "truncated qcow2 image: the L1 table lies beyond the end of the file";
    }
    if (h.refcount_table_clusters == 0) return "corrupt qcow2 header: no refcount table";
    if (uint64_t(h.refcount_table_clusters) << h.cluster_bits > kMaxRefTableBytes)
        return "corrupt qcow2 header: refcount table larger than 8 MiB";
    if (h.refcount_table_offset == 0 || !aligned(h.refcount_table_offset, h.cluster_bits))
        return "corrupt qcow2 header: refcount table offset is not a cluster boundary";
    if (!within(h.refcount_table_offset, uint64_t(h.refcount_table_clusters) << h.cluster_bits, file_size))
        return "truncated qcow2 image: the refcount table lies beyond the end of the file";
    if (h.nb_snapshots > 0) {
        if (h.nb_snapshots > 65536) return "corrupt qcow2 header: more than 65536 snapshots";
        if (!aligned(h.snapshots_offset, h.cluster_bits) || h.snapshots_offset == 0)
            return "corrupt qcow2 header: snapshot table offset is not a cluster boundary";
        if (h.snapshots_offset >= file_size) return "truncated qcow2 image: the snapshot table lies beyond the end of the file";
    }

    if (h.backing_file_offset != 0 && h.backing_file_size != 0) {
        if (h.backing_file_size > kMaxBackingNameLength) return "corrupt qcow2 header: backing file name longer than 1023 bytes";
        if (!within(h.backing_file_offset, h.backing_file_size, cs))
            return "corrupt qcow2 header: backing file name outside the header cluster";
        if (!within(h.backing_file_offset, h.backing_file_size, head_len))
            return "truncated qcow2 header (the backing file name lies beyond the end of the file)";
        h.backing_file.assign(reinterpret_cast<const char*>(head + h.backing_file_offset), h.backing_file_size);
        if (h.backing_file.find('\0') != std::string::npos) return "corrupt qcow2 header: a NUL in the backing file name";
    }
    *out = std::move(h);
    return "";
}

std::string writable_problem(const Header& h) {
    if (h.incompatible_features & kIncompatCorrupt)
        return "the image is marked corrupt; repair it with 'qemu-img check -r all', or use readonly=on or snapshot=on";
    if (h.incompatible_features & kIncompatDirty)
        return "the image was not closed cleanly (dirty bit: lazy refcounts); repair it with 'qemu-img check -r all', "
               "or use readonly=on or snapshot=on";
    return "";
}

std::vector<uint8_t> new_image(uint64_t size, uint32_t cluster_bits) {
    const uint64_t cs = 1ull << cluster_bits;
    const uint64_t refcounts_per_block = cs / 2;  // 16-bit refcounts
    const uint64_t l1_entries = l1_entries_needed(size, cluster_bits);
    const uint64_t l1_clusters = std::max<uint64_t>(1, (l1_entries * 8 + cs - 1) / cs);
    // header, refcount table, refcount blocks, L1: find the counts that cover themselves.
    uint64_t rt = 1, rb = 1;
    for (;;) {
        uint64_t total = 1 + rt + rb + l1_clusters;
        uint64_t rb2 = (total + refcounts_per_block - 1) / refcounts_per_block;
        uint64_t rt2 = (rb2 * 8 + cs - 1) / cs;
        if (rb2 == rb && rt2 == rt) break;
        rb = rb2;
        rt = rt2;
    }
    const uint64_t total = 1 + rt + rb + l1_clusters;
    std::vector<uint8_t> img(total * cs, 0);
    uint8_t* p = img.data();
    memcpy(p, kQcow2Magic, 4);
    put_be32(p + 4, 3);
    put_be32(p + 20, cluster_bits);
    put_be64(p + 24, size);
    put_be32(p + 36, uint32_t(l1_entries));
    put_be64(p + 40, (1 + rt + rb) * cs);
    put_be64(p + 48, cs);
    put_be32(p + 56, uint32_t(rt));
    put_be32(p + 96, 4);
    put_be32(p + 100, kV3HeaderLength);
    for (uint64_t i = 0; i < rb; i++) put_be64(p + cs + i * 8, (1 + rt + i) * cs);
    for (uint64_t c = 0; c < total; c++) put_be16(p + (1 + rt) * cs + c * 2, 1);
    return img;
}

}  // namespace tessera::block::qcow2
