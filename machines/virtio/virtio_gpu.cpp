#include "machines/virtio/virtio_gpu.h"

#include <algorithm>
#include <cstring>

#include "machines/virtio/virtio_gpu_edid.h"
#include "machines/virtio/virtio_spec.h"
#include "util/log.h"

namespace tessera {

using namespace virtio_gpu;

namespace {

const char* command_name(uint32_t type) {
    switch (type) {
    case CMD_GET_DISPLAY_INFO: return "GET_DISPLAY_INFO";
    case CMD_RESOURCE_CREATE_2D: return "RESOURCE_CREATE_2D";
    case CMD_RESOURCE_UNREF: return "RESOURCE_UNREF";
    case CMD_SET_SCANOUT: return "SET_SCANOUT";
    case CMD_RESOURCE_FLUSH: return "RESOURCE_FLUSH";
    case CMD_TRANSFER_TO_HOST_2D: return "TRANSFER_TO_HOST_2D";
    case CMD_RESOURCE_ATTACH_BACKING: return "RESOURCE_ATTACH_BACKING";
    case CMD_RESOURCE_DETACH_BACKING: return "RESOURCE_DETACH_BACKING";
    case CMD_GET_EDID: return "GET_EDID";
    case CMD_UPDATE_CURSOR: return "UPDATE_CURSOR";
    case CMD_MOVE_CURSOR: return "MOVE_CURSOR";
    }
    return "command";
}

}  // namespace

VirtioGpu::VirtioGpu(Display& display, Options options)
    : display_(display), opt_(options), resources_(options.max_hostmem) {
    resp_.reserve(sizeof(RespEdid));
}

uint32_t VirtioGpu::device_id() const { return virtio::ID_GPU; }

uint64_t VirtioGpu::features() const { return opt_.edid ? virtio::bit(F_EDID) : 0; }

uint64_t VirtioGpu::config_read(uint32_t offset, unsigned size) {
    uint32_t regs[4] = {events_read_, 0, 1, 0};  // events_read, events_clear, num_scanouts, num_capsets
    uint64_t v = 0;
    memcpy(&v, reinterpret_cast<const uint8_t*>(regs) + offset, std::min<uint32_t>(size, CFG_SIZE - offset));
    return v;
}

void VirtioGpu::config_write(uint32_t offset, unsigned size, uint64_t value) {
    // Only events_clear is writable: its set bits clear those of events_read.
    if (offset == CFG_EVENTS_CLEAR && size == 4) events_read_ &= ~uint32_t(value);
}

void VirtioGpu::reset() {
    resources_.clear();
    scanout_ = {};
    cursor_defined_ = false;
    events_read_ = 0;
    disable_scanout();
    display_.move_cursor(0, 0, false);
}

void VirtioGpu::queue_notified(unsigned q) {
    if (q == CONTROLQ) serve_control();
    else if (q == CURSORQ) serve_cursor();
}

void VirtioGpu::serve_control() {
    Virtqueue& vq = transport().queue(CONTROLQ);
    bool pushed = false;
    while (transport().queue_usable(CONTROLQ) && vq.pop(chain_)) {
        if (chain_.writable_bytes < sizeof(CtrlHdr)) {
            transport().device_error("virtio-gpu: a control request with " + std::to_string(chain_.writable_bytes) +
                                     " writable bytes, too few for a response header");
            break;
        }
        CtrlHdr hdr{};
        if (chain_.readable_bytes < sizeof hdr) {
            GUEST_ERROR("virtio-gpu: a control request of %llu bytes, too short for a header\n",
                        (unsigned long long)chain_.readable_bytes);
            respond(RESP_ERR_UNSPEC);
        } else {
            chain_.read(0, &hdr, sizeof hdr);
            dispatch(hdr);
        }
        // 2D work is done by now: the fence is signalled with the response itself.
        if (hdr.flags & FLAG_FENCE) {
            CtrlHdr out;
            memcpy(&out, resp_.data(), sizeof out);
            out.flags |= FLAG_FENCE;
            out.fence_id = hdr.fence_id;
            out.ctx_id = hdr.ctx_id;
            memcpy(resp_.data(), &out, sizeof out);
        }
        size_t written = chain_.write(0, resp_.data(), resp_.size());
        vq.push(chain_.head, uint32_t(written));
        pushed = true;
    }
    if (pushed) transport().notify_used(CONTROLQ);
}

void VirtioGpu::respond(uint32_t type) {
    resp_.assign(sizeof(CtrlHdr), 0);
    memcpy(resp_.data(), &type, sizeof type);
}

template <typename T>
bool VirtioGpu::request(T& out, const char* what) {
    if (chain_.readable_bytes < sizeof out) {
        GUEST_ERROR("virtio-gpu: %s request of %llu bytes, needs %zu\n", what, (unsigned long long)chain_.readable_bytes,
                    sizeof out);
        respond(RESP_ERR_UNSPEC);
        return false;
    }
    chain_.read(0, &out, sizeof out);
    return true;
}

bool VirtioGpu::room_for(size_t bytes, const char* what) {
    if (chain_.writable_bytes >= bytes) return true;
    GUEST_ERROR("virtio-gpu: %s response buffer of %llu bytes, needs %zu\n", what,
                (unsigned long long)chain_.writable_bytes, bytes);
    respond(RESP_ERR_UNSPEC);
    return false;
}

void VirtioGpu::dispatch(const CtrlHdr& hdr) {
    switch (hdr.type) {
    case CMD_GET_DISPLAY_INFO: get_display_info(); return;
    case CMD_GET_EDID:
        if (opt_.edid) {
            get_edid();
            return;
        }
        break;
    case CMD_RESOURCE_CREATE_2D: resource_create_2d(); return;
    case CMD_RESOURCE_UNREF: resource_unref(); return;
    case CMD_SET_SCANOUT: set_scanout(); return;
    case CMD_RESOURCE_FLUSH: resource_flush(); return;
    case CMD_TRANSFER_TO_HOST_2D: transfer_to_host_2d(); return;
    case CMD_RESOURCE_ATTACH_BACKING: attach_backing(); return;
    case CMD_RESOURCE_DETACH_BACKING: detach_backing(); return;
    }
    // Capsets, 3D, blobs, cursor commands on the wrong queue, and anything else.
    GUEST_ERROR("virtio-gpu: unsupported control command 0x%x\n", hdr.type);
    respond(RESP_ERR_UNSPEC);
}

void VirtioGpu::get_display_info() {
    if (!room_for(sizeof(RespDisplayInfo), "GET_DISPLAY_INFO")) return;
    RespDisplayInfo info{};
    info.hdr.type = RESP_OK_DISPLAY_INFO;
    info.pmodes[0].r = {0, 0, opt_.xres, opt_.yres};
    info.pmodes[0].enabled = 1;
    resp_.resize(sizeof info);
    memcpy(resp_.data(), &info, sizeof info);
}

void VirtioGpu::get_edid() {
    GetEdid req;
    if (!request(req, "GET_EDID") || !room_for(sizeof(RespEdid), "GET_EDID")) return;
    if (req.scanout != 0) {
        GUEST_ERROR("virtio-gpu: GET_EDID for scanout %u (there is one)\n", req.scanout);
        respond(RESP_ERR_INVALID_SCANOUT_ID);
        return;
    }
    RespEdid out{};
    out.hdr.type = RESP_OK_EDID;
    auto block = make_edid(opt_.xres, opt_.yres);
    out.size = uint32_t(block.size());
    memcpy(out.edid, block.data(), block.size());
    resp_.resize(sizeof out);
    memcpy(resp_.data(), &out, sizeof out);
}

void VirtioGpu::resource_create_2d() {
    ResourceCreate2d req;
    if (!request(req, "RESOURCE_CREATE_2D")) return;
    respond(resources_.create(req.resource_id, req.format, req.width, req.height));
}

void VirtioGpu::resource_unref() {
    ResourceUnref req;
    if (!request(req, "RESOURCE_UNREF")) return;
    uint32_t id = req.resource_id;
    uint32_t result = resources_.unref(id);
    // The scanout no longer has anything to show (QEMU does the same).
    if (result == RESP_OK_NODATA && scanout_.resource_id == id) {
        scanout_ = {};
        disable_scanout();
    }
    respond(result);
}

void VirtioGpu::disable_scanout() {
    if (mode_w_ || mode_h_) display_.set_mode(0, 0);
    mode_w_ = mode_h_ = 0;
}

void VirtioGpu::set_scanout() {
    SetScanout req;
    if (!request(req, "SET_SCANOUT")) return;
    if (req.scanout_id != 0) {
        GUEST_ERROR("virtio-gpu: SET_SCANOUT: scanout %u (there is one)\n", req.scanout_id);
        respond(RESP_ERR_INVALID_SCANOUT_ID);
        return;
    }
    if (req.resource_id == 0) {
        scanout_ = {};
        disable_scanout();
        respond(RESP_OK_NODATA);
        return;
    }
    Resource* res = resources_.find(req.resource_id);
    if (!res) {
        GUEST_ERROR("virtio-gpu: SET_SCANOUT: no resource %u\n", req.resource_id);
        respond(RESP_ERR_INVALID_RESOURCE_ID);
        return;
    }
    const WireRect& r = req.r;
    if (r.width == 0 || r.height == 0 || r.width > Display::kMaxWidth || r.height > Display::kMaxHeight ||
        !rect_inside(r, res->width, res->height)) {
        GUEST_ERROR("virtio-gpu: SET_SCANOUT: %ux%u+%u+%u does not fit resource %u (%ux%u)\n", r.width, r.height, r.x,
                    r.y, res->id, res->width, res->height);
        respond(RESP_ERR_INVALID_PARAMETER);
        return;
    }
    scanout_.resource_id = res->id;
    scanout_.r = r;
    if (mode_w_ != r.width || mode_h_ != r.height) {
        display_.set_mode(r.width, r.height);
        mode_w_ = r.width, mode_h_ = r.height;
    }
    show(*res, r);  // what the resource holds now, as QEMU shows it at once
    respond(RESP_OK_NODATA);
}

void VirtioGpu::show(const Resource& res, const WireRect& r) {
    if (scanout_.resource_id != res.id) return;
    const WireRect& s = scanout_.r;
    // r and the scanout's rectangle, both inside the resource (32-bit sums cannot overflow).
    uint32_t x0 = std::max(r.x, s.x), y0 = std::max(r.y, s.y);
    uint32_t x1 = std::min(r.x + r.width, s.x + s.width), y1 = std::min(r.y + r.height, s.y + s.height);
    if (x0 >= x1 || y0 >= y1) return;
    size_t stride = res.stride();
    const uint8_t* origin = res.pixels.data() + size_t(s.y) * stride + size_t(s.x) * kBytesPerPixel;
    display_.update(Rect{x0 - s.x, y0 - s.y, x1 - x0, y1 - y0}, origin, stride, res.pf);
}

void VirtioGpu::resource_flush() {
    ResourceFlush req;
    if (!request(req, "RESOURCE_FLUSH")) return;
    Resource* res = resources_.find(req.resource_id);
    if (!res) {
        GUEST_ERROR("virtio-gpu: RESOURCE_FLUSH: no resource %u\n", req.resource_id);
        respond(RESP_ERR_INVALID_RESOURCE_ID);
        return;
    }
    if (!rect_inside(req.r, res->width, res->height)) {
        GUEST_ERROR("virtio-gpu: RESOURCE_FLUSH: %ux%u+%u+%u is outside resource %u (%ux%u)\n", req.r.width,
                    req.r.height, req.r.x, req.r.y, res->id, res->width, res->height);
        respond(RESP_ERR_INVALID_PARAMETER);
        return;
    }
    show(*res, req.r);
    respond(RESP_OK_NODATA);
}

void VirtioGpu::transfer_to_host_2d() {
    TransferToHost2d req;
    if (!request(req, "TRANSFER_TO_HOST_2D")) return;
    respond(resources_.transfer_to_host(req.resource_id, req.r, req.offset));
}

void VirtioGpu::attach_backing() {
    ResourceAttachBacking req;
    if (!request(req, "RESOURCE_ATTACH_BACKING")) return;
    uint32_t n = req.nr_entries;
    if (n == 0 || n > kMaxBackingEntries) {
        GUEST_ERROR("virtio-gpu: ATTACH_BACKING: %u entries (1 to %u)\n", n, kMaxBackingEntries);
        respond(RESP_ERR_INVALID_PARAMETER);
        return;
    }
    uint64_t need = sizeof req + uint64_t(n) * sizeof(MemEntry);
    if (chain_.readable_bytes < need) {
        GUEST_ERROR("virtio-gpu: ATTACH_BACKING: %u entries, but the request has %llu of %llu bytes\n", n,
                    (unsigned long long)chain_.readable_bytes, (unsigned long long)need);
        respond(RESP_ERR_UNSPEC);
        return;
    }
    entries_.resize(n);
    chain_.read(sizeof req, entries_.data(), size_t(n) * sizeof(MemEntry));
    respond(resources_.attach_backing(req.resource_id, entries_.data(), n, transport().memory()));
}

void VirtioGpu::detach_backing() {
    ResourceDetachBacking req;
    if (!request(req, "RESOURCE_DETACH_BACKING")) return;
    respond(resources_.detach_backing(req.resource_id));
}

// --- the cursor queue: no responses; a bad request is logged and returned unanswered ---

void VirtioGpu::serve_cursor() {
    Virtqueue& vq = transport().queue(CURSORQ);
    bool pushed = false;
    while (transport().queue_usable(CURSORQ) && vq.pop(chain_)) {
        UpdateCursor c;
        if (chain_.readable_bytes < sizeof c) {
            GUEST_ERROR("virtio-gpu: a cursor request of %llu bytes, needs %zu\n",
                        (unsigned long long)chain_.readable_bytes, sizeof c);
        } else {
            chain_.read(0, &c, sizeof c);
            update_cursor(c);
        }
        vq.push(chain_.head, 0);
        pushed = true;
    }
    if (pushed) transport().notify_used(CURSORQ);
}

void VirtioGpu::update_cursor(const UpdateCursor& c) {
    if (c.hdr.type != CMD_UPDATE_CURSOR && c.hdr.type != CMD_MOVE_CURSOR) {
        GUEST_ERROR("virtio-gpu: command 0x%x on the cursor queue\n", c.hdr.type);
        return;
    }
    if (c.pos.scanout_id != 0) {
        GUEST_ERROR("virtio-gpu: %s on scanout %u (there is one)\n", command_name(c.hdr.type), c.pos.scanout_id);
        return;
    }
    // Positions are signed: a cursor may hang off the top or left edge.
    int32_t x = int32_t(c.pos.x), y = int32_t(c.pos.y);
    if (c.hdr.type == CMD_MOVE_CURSOR) {
        display_.move_cursor(x, y, cursor_defined_ && c.resource_id != 0);
        return;
    }
    if (c.resource_id == 0) {  // no image: hidden
        cursor_defined_ = false;
        display_.move_cursor(x, y, false);
        return;
    }
    const Resource* res = resources_.find(c.resource_id);
    if (!res || res->width > kMaxCursor || res->height > kMaxCursor) {
        if (res)
            GUEST_ERROR("virtio-gpu: UPDATE_CURSOR: resource %u is %ux%u, more than %ux%u\n", c.resource_id,
                        res->width, res->height, kMaxCursor, kMaxCursor);
        else
            GUEST_ERROR("virtio-gpu: UPDATE_CURSOR: no resource %u\n", c.resource_id);
        return;
    }
    Cursor cur;
    cur.width = res->width, cur.height = res->height;
    cur.hot_x = std::min(c.hot_x, res->width - 1), cur.hot_y = std::min(c.hot_y, res->height - 1);
    cur.pixels.resize(size_t(res->width) * res->height);
    for (size_t i = 0; i < cur.pixels.size(); i++) cur.pixels[i] = to_argb(&res->pixels[i * kBytesPerPixel], res->pf);
    cur.visible = true;
    display_.set_cursor(cur);
    display_.move_cursor(x, y, true);
    cursor_defined_ = true;
}

}  // namespace tessera
