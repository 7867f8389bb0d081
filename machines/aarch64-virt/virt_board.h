// The aarch64-virt board: one Cortex-A57-class CPU at EL1, GICv2, PL011, PL031, flash and
// RAM, laid out as QEMU's arm `virt`; PSCI over HVC.
#pragma once
#include <memory>
#include <vector>

#include "frontends/aarch64/cpu.h"
#include "machines/aarch64-virt/arch_timer.h"
#include "machines/board.h"
#include "machines/devices/gicv2.h"
#include "machines/devices/pl011.h"
#include "machines/devices/pl031.h"
#include "machines/machine.h"
#include "machines/virtio/virtio_mmio_bank.h"

namespace tessera {

class Aarch64Virt : public Machine {
public:
    Aarch64Virt(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel);
    ~Aarch64Virt() override;

    aarch64::Aarch64Cpu& cpu() { return *cpu_; }
    const std::vector<uint8_t>& device_tree() const override { return fdt_; }

private:
    void reset_board() override;
    std::string describe_board() const override;
    void load_images();
    std::vector<uint8_t> build_fdt(uint64_t initrd_start, uint64_t initrd_end);
    uint64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

    aarch64::Aarch64Cpu* cpu_;  // owned by the Machine
    std::unique_ptr<GicV2> gic_;
    std::unique_ptr<Pl011> uart_;
    std::unique_ptr<Pl031> rtc_;
    std::unique_ptr<ArchTimer> timer_;
    std::unique_ptr<VirtioMmioBank> virtio_;
    void rearm_timers();
    std::vector<uint8_t> fdt_;
};

const BoardInfo& aarch64_virt_board();

}  // namespace tessera
