// The riscv64-virt board: one RV64GC hart, CLINT, PLIC, NS16550A, sifive_test, MROM,
// RAM, laid out as QEMU's `virt`.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "frontends/riscv/cpu.h"
#include "machines/board.h"
#include "machines/devices/clint.h"
#include "machines/devices/plic.h"
#include "machines/devices/sifive_test.h"
#include "machines/devices/uart16550.h"
#include "machines/machine.h"
#include "machines/virtio/virtio_mmio_bank.h"

namespace tessera {

class RiscvVirt : public Machine {
public:
    RiscvVirt(const MachineConfig& cfg, std::unique_ptr<Accelerator> accel);
    ~RiscvVirt() override;

    riscv::RiscvCpu& cpu() { return *cpu_; }
    const std::vector<uint8_t>& device_tree() const override { return fdt_; }

private:
    void reset_board() override;
    std::string describe_board() const override;
    void load_images();
    std::vector<uint8_t> build_fdt(uint64_t initrd_start, uint64_t initrd_end);

    riscv::RiscvCpu* cpu_;  // owned by the Machine
    std::unique_ptr<Clint> clint_;
    std::unique_ptr<Plic> plic_;
    std::unique_ptr<Uart16550> uart_;
    std::unique_ptr<SifiveTest> test_;
    std::unique_ptr<VirtioMmioBank> virtio_;
    std::vector<uint8_t> fdt_;
};

const BoardInfo& riscv64_virt_board();

}  // namespace tessera
