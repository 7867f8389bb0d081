// virtio-gpu's wire format (virtio 1.2, 5.7): feature bits, configuration space, command and
// response types, pixel formats and the request structures the 2D subset uses. Every field
// is little-endian, as is every host Tessera runs on; structures are read with memcpy from
// what DescChain::read copied out of guest RAM, never through pointers into it.
#pragma once
#include <cstdint>

namespace tessera::virtio_gpu {

// Feature bits (5.7.3). Only EDID is offered: no virgl, no blobs, no contexts.
constexpr unsigned F_VIRGL = 0, F_EDID = 1, F_RESOURCE_UUID = 2, F_RESOURCE_BLOB = 3, F_CONTEXT_INIT = 4;

// Configuration space (5.7.4): le32 events_read, events_clear, num_scanouts, num_capsets.
constexpr uint32_t CFG_EVENTS_READ = 0, CFG_EVENTS_CLEAR = 4, CFG_NUM_SCANOUTS = 8, CFG_NUM_CAPSETS = 12,
                   CFG_SIZE = 16;
constexpr uint32_t EVENT_DISPLAY = 1;

// Queues.
constexpr unsigned CONTROLQ = 0, CURSORQ = 1;

// Command types (5.7.6.7).
enum : uint32_t {
    CMD_GET_DISPLAY_INFO = 0x0100,
    CMD_RESOURCE_CREATE_2D = 0x0101,
    CMD_RESOURCE_UNREF = 0x0102,
    CMD_SET_SCANOUT = 0x0103,
    CMD_RESOURCE_FLUSH = 0x0104,
    CMD_TRANSFER_TO_HOST_2D = 0x0105,
    CMD_RESOURCE_ATTACH_BACKING = 0x0106,
    CMD_RESOURCE_DETACH_BACKING = 0x0107,
    CMD_GET_CAPSET_INFO = 0x0108,
    CMD_GET_CAPSET = 0x0109,
    CMD_GET_EDID = 0x010a,
    CMD_UPDATE_CURSOR = 0x0300,
    CMD_MOVE_CURSOR = 0x0301,

    RESP_OK_NODATA = 0x1100,
    RESP_OK_DISPLAY_INFO = 0x1101,
    RESP_OK_CAPSET_INFO = 0x1102,
    RESP_OK_CAPSET = 0x1103,
    RESP_OK_EDID = 0x1104,

    RESP_ERR_UNSPEC = 0x1200,
    RESP_ERR_OUT_OF_MEMORY = 0x1201,
    RESP_ERR_INVALID_SCANOUT_ID = 0x1202,
    RESP_ERR_INVALID_RESOURCE_ID = 0x1203,
    RESP_ERR_INVALID_CONTEXT_ID = 0x1204,
    RESP_ERR_INVALID_PARAMETER = 0x1205,
};

// Header flags: the driver wants the fence back; ring_idx is meaningful (contexts only).
constexpr uint32_t FLAG_FENCE = 1, FLAG_INFO_RING_IDX = 2;

// Formats (5.7.6.8), named by their bytes in memory, first byte first.
enum : uint32_t {
    FORMAT_B8G8R8A8_UNORM = 1,
    FORMAT_B8G8R8X8_UNORM = 2,
    FORMAT_A8R8G8B8_UNORM = 3,
    FORMAT_X8R8G8B8_UNORM = 4,
    FORMAT_R8G8B8A8_UNORM = 67,
    FORMAT_X8B8G8R8_UNORM = 68,
    FORMAT_A8B8G8R8_UNORM = 121,
    FORMAT_R8G8B8X8_UNORM = 134,
};

constexpr unsigned kMaxScanouts = 16;  // the display-info response always has 16 entries
constexpr uint32_t kEdidBytes = 1024;  // the edid field of the GET_EDID response

struct CtrlHdr {
    uint32_t type, flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t ring_idx, padding[3];
};
struct WireRect {
    uint32_t x, y, width, height;
};
struct DisplayOne {
    WireRect r;
    uint32_t enabled, flags;
};
struct RespDisplayInfo {
    CtrlHdr hdr;
    DisplayOne pmodes[kMaxScanouts];
};
struct GetEdid {
    CtrlHdr hdr;
    uint32_t scanout, padding;
};
struct RespEdid {
    CtrlHdr hdr;
    uint32_t size, padding;
    uint8_t edid[kEdidBytes];
};
struct ResourceCreate2d {
    CtrlHdr hdr;
    uint32_t resource_id, format, width, height;
};
struct ResourceUnref {
    CtrlHdr hdr;
    uint32_t resource_id, padding;
};
struct SetScanout {
    CtrlHdr hdr;
    WireRect r;
    uint32_t scanout_id, resource_id;
};
struct ResourceFlush {
    CtrlHdr hdr;
    WireRect r;
    uint32_t resource_id, padding;
};
struct TransferToHost2d {
    CtrlHdr hdr;
    WireRect r;
    uint64_t offset;
    uint32_t resource_id, padding;
};
struct ResourceAttachBacking {
    CtrlHdr hdr;
    uint32_t resource_id, nr_entries;
};
struct MemEntry {
    uint64_t addr;
    uint32_t length, padding;
};
struct ResourceDetachBacking {
    CtrlHdr hdr;
    uint32_t resource_id, padding;
};
struct CursorPos {
    uint32_t scanout_id, x, y, padding;
};
struct UpdateCursor {
    CtrlHdr hdr;
    CursorPos pos;
    uint32_t resource_id, hot_x, hot_y, padding;
};

static_assert(sizeof(CtrlHdr) == 24);
static_assert(sizeof(RespDisplayInfo) == 24 + 16 * 24);
static_assert(sizeof(RespEdid) == 24 + 8 + 1024);
static_assert(sizeof(ResourceCreate2d) == 40);
static_assert(sizeof(ResourceUnref) == 32);
static_assert(sizeof(SetScanout) == 48);
static_assert(sizeof(ResourceFlush) == 48);
static_assert(sizeof(TransferToHost2d) == 56);
static_assert(sizeof(ResourceAttachBacking) == 32);
static_assert(sizeof(MemEntry) == 16);
static_assert(sizeof(UpdateCursor) == 56);

}  // namespace tessera::virtio_gpu
