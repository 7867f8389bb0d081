// The Internet checksum work virtio-net's checksum features hand to the device: finishing a
// checksum the driver left partial (VIRTIO_NET_F_CSUM, transmit) and checking a received
// frame's TCP/UDP checksum so the driver may skip it (VIRTIO_NET_F_GUEST_CSUM, DATA_VALID).
#pragma once
#include <cstddef>
#include <cstdint>

namespace tessera::netcsum {

// The ones' complement sum of len bytes (big-endian 16-bit words), added to `sum`.
uint32_t add(uint32_t sum, const uint8_t* p, size_t len);
// Folded to 16 bits.
uint16_t fold(uint32_t sum);

// VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum over [start, len) goes at start + offset (the
// driver put the pseudo-header's sum there). False, with nothing written, when those do not
// lie inside the frame.
bool complete_partial(uint8_t* frame, size_t len, size_t start, size_t offset);

// Whether the Ethernet frame is IPv4 or IPv6 (no extension headers), unfragmented, with a TCP
// or UDP payload whose checksum is present and correct.
bool l4_checksum_valid(const uint8_t* frame, size_t len);

}  // namespace tessera::netcsum
