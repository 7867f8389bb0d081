// aarch64-virt: wiring, PSCI and image loading as QEMU's arm virt does them.
#include "machines/aarch64-virt/virt_board.h"

#include <elf.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

#include "machines/aarch64-virt/virt_memmap.h"
#include "machines/fdt.h"
#include "machines/loader.h"
#include "util/log.h"

namespace tessera {

using avirt::Dev;

namespace {

constexpr uint64_t kMiB = 1ull << 20;
uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

// PSCI function ids (SMC32 and SMC64 calling conventions) and return codes.
enum : uint64_t {
    PSCI_VERSION = 0x84000000, PSCI_CPU_SUSPEND = 0xc4000001, PSCI_CPU_OFF = 0x84000002, PSCI_CPU_ON = 0xc4000003,
    PSCI_AFFINITY_INFO = 0xc4000004, PSCI_MIGRATE_INFO_TYPE = 0x84000006, PSCI_SYSTEM_OFF = 0x84000008,
    PSCI_SYSTEM_RESET = 0x84000009, PSCI_FEATURES = 0x8400000a,
};
constexpr uint64_t kPsciSuccess = 0, kPsciNotSupported = uint64_t(-1), kPsciInvalidParams = uint64_t(-2),
                   kPsciAlreadyOn = uint64_t(-4);

// The arm64 Linux Image header (Documentation/arch/arm64/booting.rst): text_offset at 8,
// image_size at 16, the magic "ARM\x64" at 56.
constexpr uint32_t kImageMagic = 0x644d5241;
struct ImageHeader {
    uint64_t text_offset, image_size;
};
bool parse_image(std::span<const uint8_t> data, ImageHeader* h) {
    if (data.size() < 64) return false;
    uint32_t magic;
    memcpy(&magic, data.data() + 56, 4);
    if (magic != kImageMagic) return false;
    memcpy(&h->text_offset, data.data() + 8, 8);
    memcpy(&h->image_size, data.data() + 16, 8);
    if (h->image_size == 0) h->text_offset = 0x80000;  // before Linux 3.17: unspecified, 512 KiB
    return true;
}

// With an EFI stub the Image is also a PE/COFF file, whose section table says how long the
// file is: a truncated Image is caught here rather than crashing the guest. True when the
// sections all lie within the file (or there is no PE header to tell).
bool pe_sections_fit(std::span<const uint8_t> data) {
    auto u16 = [&](size_t at) { return uint32_t(data[at]) | uint32_t(data[at + 1]) << 8; };
    auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
    if (data.size() < 0x40 || data[0] != 'M' || data[1] != 'Z') return true;
    size_t pe = u32(0x3c);
    if (pe + 24 > data.size() || memcmp(data.data() + pe, "PE\0\0", 4) != 0) return false;
    size_t sections = u16(pe + 6), table = pe + 24 + u16(pe + 20);
    if (table + sections * 40 > data.size()) return false;
    for (size_t i = 0; i < sections; i++) {
        uint64_t size = u32(table + i * 40 + 16), at = u32(table + i * 40 + 20);
        if (size && at + size > data.size()) return false;
    }
    return true;
}

}  // namespace

Aarch64Virt::Aarch64Virt(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel) : Machine(cfg, std::move(accel)) {
    if (cfg_.ram_size < 16 * kMiB || cfg_.ram_size > (1ull << 40))
        throw ConfigError{"-m: RAM size must be between 16M and 1T"};
    as_.add_rom(avirt::entry(Dev::Flash).name, avirt::entry(Dev::Flash).base, avirt::entry(Dev::Flash).size);
    as_.add_ram(avirt::entry(Dev::Ram).name, avirt::entry(Dev::Ram).base, cfg_.ram_size);
    cpu_ = &own_cpu(std::make_unique<aarch64::Aarch64Cpu>(as_, 0));

    gic_ = std::make_unique<GicV2>(1, avirt::kGicIrqs, std::vector<IrqLine>{IrqLine{cpu_, aarch64::IRQ_LINE}},
                                   std::vector<IrqLine>{IrqLine{cpu_, aarch64::FIQ_LINE}});
    uart_ = std::make_unique<Pl011>(&console(), IrqLine{gic_.get(), 32 + avirt::kUartSpi});
    rtc_ = std::make_unique<Pl031>(host_now_ns, [] { return uint64_t(time(nullptr)); }, IrqLine{gic_.get(), 32 + avirt::kRtcSpi},
                                   [this](uint64_t) { rearm_timers(); });
    as_.add_mmio(avirt::entry(Dev::GicDist).name, avirt::entry(Dev::GicDist).base, GicV2::kDistSize, &gic_->distributor());
    as_.add_mmio(avirt::entry(Dev::GicCpu).name, avirt::entry(Dev::GicCpu).base, GicV2::kCpuSize, &gic_->cpu_interface());
    as_.add_mmio(avirt::entry(Dev::Uart).name, avirt::entry(Dev::Uart).base, Pl011::kRegionSize, uart_.get());
    as_.add_mmio(avirt::entry(Dev::Rtc).name, avirt::entry(Dev::Rtc).base, Pl031::kRegionSize, rtc_.get());
    const auto& vm = avirt::entry(Dev::VirtioMmio);
    virtio_ = std::make_unique<VirtioMmioBank>(as_, device_work(), vm.base, vm.size, avirt::kVirtioTransports,
                                               [this](unsigned i) { return IrqLine{gic_.get(), 32 + avirt::kVirtioSpi + i}; });
    virtio_->plug_devices(cfg_, "aarch64-virt", &chardevs(), &display());

    cpu_->counter_hz = avirt::kCounterHz;
    cpu_->read_counter = [] { return uint64_t((unsigned __int128)host_now_ns() * avirt::kCounterHz / 1000000000u); };
    cpu_->hvc_call = [this](uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) { return psci(fn, a1, a2, a3); };
    timer_ = std::make_unique<ArchTimer>(*cpu_, *gic_, avirt::kCounterHz, 16 + avirt::kPpiVirtTimer, 16 + avirt::kPpiPhysTimer);
    cpu_->timer_changed = [this] {
        timer_->update();
        rearm_timers();
    };
    set_serial(uart_.get());
    add_clock(rtc_.get());
    add_clock(timer_.get());
    start_cpus();
    load_images();
}

Aarch64Virt::~Aarch64Virt() = default;

const BoardInfo& aarch64_virt_board() {
    static const BoardInfo info{
        "aarch64-virt",
        "ARM Virtual Machine, QEMU's virt memory map: GICv2, PL011, PL031, 32 virtio-mmio, PSCI over HVC",
        "virt",
        {{"cortex-a57", "ARMv8.0-A, AArch64 at EL0 and EL1"}},
        nullptr,
        [](const MachineConfig& cfg, std::unique_ptr<Accelerator> accel) -> std::unique_ptr<Machine> {
            return std::make_unique<Aarch64Virt>(cfg, std::move(accel));
        }};
    return info;
}

std::string Aarch64Virt::describe_board() const {
    return gic_->describe(0) + "\n" + virtio_->describe();
}

// One host deadline serves every clock of the board: the earliest.
void Aarch64Virt::rearm_timers() {
    uint64_t next = std::min(timer_ ? timer_->next_deadline_ns() : UINT64_MAX, rtc_ ? rtc_->next_deadline_ns() : UINT64_MAX);
    if (next != UINT64_MAX) arm_timer(next);
}

// PSCI 1.0 for one CPU: SYSTEM_OFF ends Tessera with status 0, SYSTEM_RESET resets the board.
uint64_t Aarch64Virt::psci(uint64_t fn, uint64_t a1, uint64_t, uint64_t) {
    switch (fn) {
    case PSCI_VERSION: return 0x10000;  // 1.0
    case PSCI_SYSTEM_OFF: request_poweroff(0); return kPsciSuccess;
    case PSCI_SYSTEM_RESET: request_reset(); return kPsciSuccess;
    case PSCI_CPU_ON: case PSCI_CPU_ON & 0xbfffffff: return (a1 & 0xffffff) == 0 ? kPsciAlreadyOn : kPsciInvalidParams;
    case PSCI_AFFINITY_INFO: case PSCI_AFFINITY_INFO & 0xbfffffff: return (a1 & 0xffffff) == 0 ? 0 : kPsciInvalidParams;
    case PSCI_MIGRATE_INFO_TYPE: return 2;  // no Trusted OS
    case PSCI_FEATURES:
        switch (a1) {
        case PSCI_VERSION: case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET: case PSCI_CPU_ON: case PSCI_AFFINITY_INFO:
        case PSCI_MIGRATE_INFO_TYPE: case PSCI_FEATURES: return kPsciSuccess;
        default: return kPsciNotSupported;
        }
    default:
        GUEST_ERROR("psci: unsupported function 0x%llx\n", (unsigned long long)fn);
        return kPsciNotSupported;
    }
}

void Aarch64Virt::load_images() {
    const uint64_t ram = avirt::entry(Dev::Ram).base;
    const uint64_t max_image = cfg_.ram_size;
    ImageLoader loader(as_);
    uint64_t start = 0, image_end = ram;
    bool have_fw = !cfg_.bios.empty() && cfg_.bios != "none";
    if (have_fw) {
        LoadedImage img = loader.load(map_file(cfg_.bios, "firmware", avirt::entry(Dev::Flash).size), "firmware", cfg_.bios,
                                      EM_AARCH64, avirt::entry(Dev::Flash).base);
        start = img.entry;
    }
    if (!cfg_.kernel.empty()) {
        FileBytes data = map_file(cfg_.kernel, "kernel", max_image);
        LoadedImage img;
        if (is_elf(data)) {
            img = loader.load_elf(data, "kernel", cfg_.kernel, EM_AARCH64);
        } else {
            ImageHeader h;
            if (!parse_image(data, &h))
                throw ConfigError{"-kernel " + cfg_.kernel + ": not an ELF file or an arm64 Linux Image (no \"ARM\\x64\" magic in its header)"};
            if (h.text_offset >= cfg_.ram_size || (h.image_size && h.image_size < data.size()))
                throw ConfigError{"-kernel " + cfg_.kernel + ": bad arm64 Image header (text_offset or image_size)"};
            if (!pe_sections_fit(data))
                throw ConfigError{"-kernel " + cfg_.kernel + ": truncated arm64 Image (its sections end past the file's " +
                                  std::to_string(data.size()) + " bytes)"};
            img = loader.load_raw(data, "kernel", cfg_.kernel, ram + h.text_offset);
            img.entry = ram + h.text_offset;
            img.high = std::max(img.high, ram + h.text_offset + h.image_size);
        }
        image_end = img.high;
        if (!have_fw) start = img.entry;
    } else if (!have_fw) {
        throw ConfigError{"aarch64-virt needs -kernel or -bios"};
    }
    uint64_t initrd_start = 0, initrd_end = 0;
    if (!cfg_.initrd.empty()) {
        FileBytes data = map_file(cfg_.initrd, "initrd", max_image);
        initrd_start = align_up(std::max(image_end, ram + std::min<uint64_t>(cfg_.ram_size / 2, 128 * kMiB)), PAGE_SIZE);
        loader.load_raw(data, "initrd", cfg_.initrd, initrd_start);
        initrd_end = initrd_start + data.size();
    }
    fdt_ = cfg_.dtb.empty() ? build_fdt(initrd_start, initrd_end)
                            : user_device_tree(cfg_.dtb, cfg_.append, initrd_start, initrd_end, max_image);
    // Firmware finds the tree at the start of RAM, as on QEMU; a kernel gets it in x0, below
    // the top of the first GiB of RAM.
    uint64_t fdt_addr = have_fw ? ram : align_down(ram + std::min<uint64_t>(cfg_.ram_size, 1ull << 30) - fdt_.size(), 2 * kMiB);
    if (fdt_.size() > cfg_.ram_size || fdt_addr < ram)
        throw ConfigError{"the device tree (" + std::to_string(fdt_.size()) + " bytes) does not fit in RAM"};
    loader.load_raw(fdt_, "device tree", cfg_.dtb.empty() ? "generated" : cfg_.dtb, fdt_addr);

    cpu_->reset(start);
    cpu_->x[0] = fdt_addr;  // the Linux boot protocol: x0 = device tree, x1-x3 = 0
}

void Aarch64Virt::reset_board() {
    gic_->reset();
    timer_->update();
    uart_->reset();
    rtc_->reset();
    virtio_->reset();
    load_images();  // ROM and loaded images are restored, as QEMU's ROM reset does
}

}  // namespace tessera
