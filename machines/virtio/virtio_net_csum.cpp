#include "machines/virtio/virtio_net_csum.h"

namespace tessera::netcsum {

namespace {
uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
constexpr uint8_t kTcp = 6, kUdp = 17;
}  // namespace

uint32_t add(uint32_t sum, const uint8_t* p, size_t len) {
    uint64_t s = sum;
    size_t i = 0;
    for (; i + 1 < len; i += 2) s += be16(p + i);
    if (i < len) s += uint32_t(p[i]) << 8;
    while (s >> 32) s = (s & 0xffffffff) + (s >> 32);
    return uint32_t(s);
}

uint16_t fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(sum);
}

bool complete_partial(uint8_t* frame, size_t len, size_t start, size_t offset) {
    if (start >= len || offset > len - start || len - start - offset < 2) return false;
    uint16_t c = uint16_t(~fold(add(0, frame + start, len - start)));
    frame[start + offset] = uint8_t(c >> 8);
    frame[start + offset + 1] = uint8_t(c);
    return true;
}

bool l4_checksum_valid(const uint8_t* f, size_t len) {
    if (len < 14) return false;
    size_t l3 = 14;
    uint16_t type = be16(f + 12);
    if (type == 0x8100) {  // one VLAN tag
        if (len < 18) return false;
        type = be16(f + 16);
        l3 = 18;
    }
    uint32_t sum = 0;
    uint8_t proto;
    size_t l4, l4_len;
    if (type == 0x0800) {
        if (len < l3 + 20 || (f[l3] >> 4) != 4) return false;
        size_t ihl = size_t(f[l3] & 15) * 4;
        size_t total = be16(f + l3 + 2);
        if (ihl < 20 || total < ihl || l3 + total > len) return false;
        if (be16(f + l3 + 6) & 0x3fff) return false;  // a fragment (MF or an offset)
        proto = f[l3 + 9];
        l4 = l3 + ihl;
        l4_len = total - ihl;
        sum = add(sum, f + l3 + 12, 8);  // source and destination
    } else if (type == 0x86dd) {
        if (len < l3 + 40 || (f[l3] >> 4) != 6) return false;
        proto = f[l3 + 6];
        l4 = l3 + 40;
        l4_len = be16(f + l3 + 4);
        if (l4 + l4_len > len) return false;
        sum = add(sum, f + l3 + 8, 32);
    } else {
        return false;
    }
    if (proto == kTcp) {
        if (l4_len < 20) return false;
    } else if (proto == kUdp) {
        if (l4_len < 8 || be16(f + l4 + 6) == 0) return false;  // no checksum: nothing was checked
    } else {
        return false;
    }
    sum = fold(sum) + proto + uint32_t(l4_len);
    return fold(add(sum, f + l4, l4_len)) == 0xffff;
}

}  // namespace tessera::netcsum
