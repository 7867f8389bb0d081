// Numbers from the virtio 1.x specification (OASIS virtio v1.2): device status bits, feature
// bits, split virtqueue layout, the virtio-mmio register block (version 2) and device ids.
#pragma once
#include <cstdint>

namespace tessera::virtio {

// Device status (2.1).
constexpr uint32_t STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8,
                   STATUS_NEEDS_RESET = 64, STATUS_FAILED = 128;

// Transport feature bits (6).
constexpr unsigned F_INDIRECT_DESC = 28, F_EVENT_IDX = 29, F_VERSION_1 = 32, F_ACCESS_PLATFORM = 33,
                   F_RING_PACKED = 34;
constexpr uint64_t bit(unsigned feature) { return 1ull << feature; }

// Split virtqueues (2.7): a descriptor is 16 bytes {le64 addr, le32 len, le16 flags, le16 next}.
constexpr uint16_t DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;
constexpr uint16_t AVAIL_F_NO_INTERRUPT = 1, USED_F_NO_NOTIFY = 1;
constexpr uint64_t kDescSize = 16, kUsedElemSize = 8;
constexpr uint64_t kDescAlign = 16, kAvailAlign = 2, kUsedAlign = 4;
constexpr uint32_t kMaxQueueSize = 32768;
// Bytes of each part for a queue of n entries, the event-index fields included (2.7.2).
constexpr uint64_t desc_table_bytes(uint64_t n) { return kDescSize * n; }
constexpr uint64_t avail_ring_bytes(uint64_t n) { return 6 + 2 * n; }
constexpr uint64_t used_ring_bytes(uint64_t n) { return 6 + kUsedElemSize * n; }
// Event index (2.7.7.2): has the index moved past `event` going from old_idx to new_idx?
constexpr bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx) {
    return uint16_t(new_idx - event - 1) < uint16_t(new_idx - old_idx);
}

// Interrupt status bits.
constexpr uint32_t INT_USED_BUFFER = 1, INT_CONFIG_CHANGE = 2;

// The virtio-mmio register block (4.2.2), version 2 ("non-legacy").
namespace mmio {
constexpr uint32_t kMagic = 0x74726976;  // "virt"
constexpr uint32_t kVersion = 2;
constexpr uint32_t kVendorQemu = 0x554d4551;  // "QEMU", which is what guests on QEMU's virt see
enum Reg : uint32_t {
    MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c,
    DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014,
    DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024,
    QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044,
    QUEUE_NOTIFY = 0x050, INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070,
    QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094,
    QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4,
    SHM_SEL = 0x0ac, SHM_LEN_LOW = 0x0b0, SHM_LEN_HIGH = 0x0b4, SHM_BASE_LOW = 0x0b8, SHM_BASE_HIGH = 0x0bc,
    QUEUE_RESET = 0x0c0, CONFIG_GENERATION = 0x0fc, CONFIG = 0x100,
};
}  // namespace mmio

// Device ids (5).
enum DeviceId : uint32_t {
    ID_NONE = 0, ID_NET = 1, ID_BLOCK = 2, ID_CONSOLE = 3, ID_RNG = 4, ID_GPU = 16, ID_INPUT = 18,
};

}  // namespace tessera::virtio
