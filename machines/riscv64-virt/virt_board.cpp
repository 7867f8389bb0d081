// riscv64-virt: wiring and image loading as QEMU's virt does it.
#include "machines/riscv64-virt/virt_board.h"

#include <elf.h>
#include <unistd.h>

#include <cstdio>

#include "machines/fdt.h"
#include "machines/loader.h"
#include "machines/riscv64-virt/virt_memmap.h"
#include "util/log.h"

namespace tessera {

using virt::Dev;

namespace {

constexpr uint64_t kFwDynamicMagic = 0x4942534f;  // "OSBI"
constexpr uint64_t kMiB = 1ull << 20;

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

}  // namespace

RiscvVirt::RiscvVirt(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel) : Machine(cfg, std::move(accel)) {
    if (cfg_.ram_size < 16 * kMiB || cfg_.ram_size > (1ull << 40))
        throw ConfigError{"-m: RAM size must be between 16M and 1T"};
    for (const auto& e : virt::kMemMap) {
        if (e.dev == Dev::Mrom) as_.add_rom(e.name, e.base, e.size);
        if (e.dev == Dev::Dram) as_.add_ram(e.name, e.base, cfg_.ram_size);
    }
    cpu_ = &own_cpu(std::make_unique<riscv::RiscvCpu>(as_, 0));

    IrqLine meip{cpu_, riscv::IRQ_MEI}, seip{cpu_, riscv::IRQ_SEI};
    IrqLine msip{cpu_, riscv::IRQ_MSI}, mtip{cpu_, riscv::IRQ_MTI};
    plic_ = std::make_unique<Plic>(1, std::vector<IrqLine>{meip, seip});
    clint_ = std::make_unique<Clint>(host_now_ns, 1, virt::kTimebaseHz, std::vector<IrqLine>{msip},
                                     std::vector<IrqLine>{mtip}, [this](uint64_t d) { arm_timer(d); });
    uart_ = std::make_unique<Uart16550>(&console(), IrqLine{plic_.get(), virt::kUart0Irq});
    test_ = std::make_unique<SifiveTest>([this](int status) { request_poweroff(status); }, [this] { request_reset(); });
    for (const auto& e : virt::kMemMap) {
        Device* d = nullptr;
        switch (e.dev) {
        case Dev::Test: d = test_.get(); break;
        case Dev::Clint: d = clint_.get(); break;
        case Dev::Plic: d = plic_.get(); break;
        case Dev::Uart0: d = uart_.get(); break;
        default: break;
        }
        if (d) as_.add_mmio(e.name, e.base, e.size, d);
    }
    const auto& vm = virt::entry(Dev::VirtioMmio);
    virtio_ = std::make_unique<VirtioMmioBank>(as_, device_work(), vm.base, vm.size, virt::kVirtioTransports,
                                               [this](unsigned i) { return IrqLine{plic_.get(), virt::kVirtioIrq + i}; });
    virtio_->plug_devices(cfg_, "riscv64-virt", &chardevs(), &display());
    cpu_->read_time = [this] { return clint_->mtime(); };
    set_serial(uart_.get());
    add_clock(clint_.get());
    start_cpus();
    load_images();
}

RiscvVirt::~RiscvVirt() = default;

const BoardInfo& riscv64_virt_board() {
    static const BoardInfo info{
        "riscv64-virt",
        "RISC-V VirtIO board, QEMU's virt memory map: CLINT, PLIC, NS16550A, sifive_test, 8 virtio-mmio",
        "virt",
        {{"rv64", "RV64GC (IMAFDC, Zicsr, Zifencei), M/S/U modes, Sv39/Sv48, PMP"}},
        "riscv64/tessera-fw-riscv64.elf",
        [](const MachineConfig& cfg, std::unique_ptr<Accelerator> accel) -> std::unique_ptr<Machine> {
            return std::make_unique<RiscvVirt>(cfg, std::move(accel));
        }};
    return info;
}

void RiscvVirt::load_images() {
    const uint64_t dram = virt::entry(Dev::Dram).base;
    const uint64_t mrom = virt::entry(Dev::Mrom).base;
    // No image may be bigger than RAM; a larger file is refused before it is read.
    const uint64_t max_image = cfg_.ram_size;
    ImageLoader loader(as_);
    // MROM: the reset vector passes a0 = hart id, a1 = DTB, a2 = fw_dynamic info.
    const uint32_t reset_vec[] = {
        0x00000297,  // auipc t0, 0
        0x02828613,  // addi  a2, t0, 40
        0xf1402573,  // csrr  a0, mhartid
        0x0202b583,  // ld    a1, 32(t0)
        0x0182b283,  // ld    t0, 24(t0)
        0x00028067,  // jr    t0
    };
    constexpr uint64_t kResetBytes = sizeof reset_vec + 8 * sizeof(uint64_t);
    loader.claim("the board's reset vector", virt::entry(Dev::Mrom).name, mrom, mrom + kResetBytes);

    uint64_t start = dram;  // where the reset vector jumps
    uint64_t fw_end = dram;
    bool have_fw = cfg_.bios != "none";
    std::string bios = cfg_.bios;
    if (bios.empty()) {
        bios = cfg_.firmware_dir + "/" + riscv64_virt_board().default_firmware;
        if (access(bios.c_str(), R_OK) != 0)
            throw ConfigError{"default firmware '" + bios + "' not found: build it, or give -bios FILE or -bios none"};
    }
    if (have_fw) {
        LoadedImage img = loader.load(map_file(bios, "firmware", max_image), "firmware", bios, EM_RISCV, dram);
        start = img.entry;
        fw_end = img.high;
    }
    uint64_t kernel_entry = 0, kernel_end = fw_end;
    if (!cfg_.kernel.empty()) {
        // After firmware, a raw kernel goes to the next 2 MiB boundary, as on QEMU.
        uint64_t raw_addr = have_fw ? align_up(fw_end, 2 * kMiB) : dram;
        LoadedImage img = loader.load(map_file(cfg_.kernel, "kernel", max_image), "kernel", cfg_.kernel, EM_RISCV, raw_addr);
        kernel_entry = img.entry;
        kernel_end = img.high;
        if (!have_fw) start = kernel_entry;
    } else if (!have_fw) {
        throw ConfigError{"-bios none needs -kernel"};
    }
    uint64_t initrd_start = 0, initrd_end = 0;
    if (!cfg_.initrd.empty()) {
        FileBytes data = map_file(cfg_.initrd, "initrd", max_image);
        initrd_start = align_up(std::max(kernel_end, dram + std::min<uint64_t>(cfg_.ram_size / 2, 256 * kMiB)), PAGE_SIZE);
        loader.load_raw(data, "initrd", cfg_.initrd, initrd_start);
        initrd_end = initrd_start + data.size();
    }

    fdt_ = cfg_.dtb.empty() ? build_fdt(initrd_start, initrd_end)
                            : user_device_tree(cfg_.dtb, cfg_.append, initrd_start, initrd_end, max_image);
    // The device tree goes at the top of the first 3 GiB of RAM, 2 MiB aligned, as on QEMU.
    uint64_t top = dram + std::min<uint64_t>(cfg_.ram_size, 3ull << 30);
    if (fdt_.size() > top - dram) throw ConfigError{"the device tree (" + std::to_string(fdt_.size()) + " bytes) does not fit in RAM"};
    uint64_t fdt_addr = align_down(top - fdt_.size(), 2 * kMiB);
    if (fdt_addr < dram) throw ConfigError{"the device tree (" + std::to_string(fdt_.size()) + " bytes) does not fit in RAM"};
    loader.load_raw(fdt_, "device tree", cfg_.dtb.empty() ? "generated" : cfg_.dtb, fdt_addr);

    const uint64_t words[] = {start, fdt_addr,
                              // fw_dynamic_info: magic, version, next_addr, next_mode (S), options, boot_hart
                              kFwDynamicMagic, 2, kernel_entry, 1, 0, 0};
    static_assert(sizeof reset_vec + sizeof words == kResetBytes);
    as_.write_phys(mrom, reset_vec, sizeof reset_vec);
    as_.write_phys(mrom + sizeof reset_vec, words, sizeof words);
}

std::string RiscvVirt::describe_board() const {
    return virtio_->describe();
}

void RiscvVirt::reset_board() {
    cpu_->reset(virt::entry(Dev::Mrom).base);
    clint_->reset();
    plic_->reset();
    uart_->reset();
    virtio_->reset();
    load_images();  // ROM and loaded images are restored, as QEMU's ROM reset does
}

}  // namespace tessera
