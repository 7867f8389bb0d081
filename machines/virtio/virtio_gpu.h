// virtio-gpu (virtio 1.2, 5.7), the 2D subset: one scanout shown on the board's Display.
//
// The control queue carries commands, each answered in its own writable buffers: display
// info, EDID, 2D resources (virtio_gpu_resources.h), their backing pages, transfers from the
// backing, the scanout and flushes of what changed to the Display. The cursor queue carries
// UPDATE_CURSOR and MOVE_CURSOR, which get no answer. Everything runs on the vCPU thread and
// completes at once, in order, so a fenced command's fence is done when its response is
// written (its fence_id and ctx_id are echoed with FLAG_FENCE).
//
// Every guest value is checked. A request too short for its command, an unknown command or
// an unsupported one (3D) is ERR_UNSPEC; a response buffer too small for a command's answer
// gets ERR_UNSPEC in its header instead. A chain with no room for even a response header
// cannot be answered: a device error (DEVICE_NEEDS_RESET).
#pragma once
#include <cstdint>
#include <vector>

#include "display/display.h"
#include "machines/virtio/virtio_device.h"
#include "machines/virtio/virtio_gpu_resources.h"

namespace tessera {

class VirtioGpu : public VirtioDevice {
public:
    static constexpr uint32_t kControlQueueSize = 256, kCursorQueueSize = 16;  // QEMU's
    static constexpr uint32_t kMaxCursor = 64;  // cursor images are at most 64x64
    static constexpr uint64_t kDefaultHostmem = 256ull << 20;

    struct Options {
        uint32_t xres = 1280, yres = 800;  // scanout 0's size in GET_DISPLAY_INFO and the EDID
        bool edid = true;                  // offer VIRTIO_GPU_F_EDID
        uint64_t max_hostmem = kDefaultHostmem;
    };

    // The device draws on `display`, which it has claimed (attach_source) before.
    VirtioGpu(Display& display, Options options);

    const char* name() const override { return "virtio-gpu-device"; }
    uint32_t device_id() const override;
    uint64_t features() const override;
    unsigned num_queues() const override { return 2; }
    uint32_t queue_max_size(unsigned q) const override {
        return q == virtio_gpu::CONTROLQ ? kControlQueueSize : kCursorQueueSize;
    }
    uint32_t config_size() const override { return virtio_gpu::CFG_SIZE; }
    uint64_t config_read(uint32_t offset, unsigned size) override;
    void config_write(uint32_t offset, unsigned size, uint64_t value) override;
    void queue_notified(unsigned q) override;
    void reset() override;

    // For tests: what the guest made us hold.
    size_t resource_count() const { return resources_.count(); }
    uint64_t hostmem_used() const { return resources_.hostmem_used(); }

private:
    struct Scanout {
        uint32_t resource_id = 0;  // 0: disabled
        virtio_gpu::WireRect r{};  // the part of the resource shown
    };

    void serve_control();
    void serve_cursor();
    // Fills resp_ with the answer to the request in chain_ (whose header is hdr).
    void dispatch(const virtio_gpu::CtrlHdr& hdr);
    // The request as T, if the readable part holds all of it.
    template <typename T>
    bool request(T& out, const char* what);
    void respond(uint32_t type);
    bool room_for(size_t bytes, const char* what);

    void get_display_info();
    void get_edid();
    void resource_create_2d();
    void resource_unref();
    void set_scanout();
    void resource_flush();
    void transfer_to_host_2d();
    void attach_backing();
    void detach_backing();
    void update_cursor(const virtio_gpu::UpdateCursor& c);

    // Shows rectangle r (resource coordinates) of the scanout's resource, if it shows there.
    void show(const virtio_gpu::Resource& res, const virtio_gpu::WireRect& r);
    void disable_scanout();

    Display& display_;
    Options opt_;
    virtio_gpu::ResourceTable resources_;
    Scanout scanout_;
    uint32_t mode_w_ = 0, mode_h_ = 0;  // what the Display was last set to
    bool cursor_defined_ = false;
    uint32_t events_read_ = 0;

    DescChain chain_;
    std::vector<uint8_t> resp_;
    std::vector<virtio_gpu::MemEntry> entries_;
};

}  // namespace tessera
