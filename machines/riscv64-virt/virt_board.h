// The riscv64-virt board: one RV64GC hart, CLINT, PLIC, NS16550A, sifive_test, MROM,
// RAM, laid out as QEMU's `virt`.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "backends/exec/executor.h"
#include "backends/exec/tb_cache.h"
#include "frontends/riscv/cpu.h"
#include "machines/devices/clint.h"
#include "machines/devices/plic.h"
#include "machines/devices/sifive_test.h"
#include "machines/devices/uart16550.h"
#include "machines/host_events.h"
#include "machines/machine_config.h"

namespace tessera {

class RiscvVirt {
public:
    explicit RiscvVirt(const MachineConfig& cfg);
    ~RiscvVirt();
    // Runs the guest until it powers off or the user quits; returns the exit status.
    int run();

    riscv::RiscvCpu& cpu() { return *cpu_; }
    AddressSpace& address_space() { return as_; }
    const std::vector<uint8_t>& fdt() const { return fdt_; }
    void print_stats(FILE* out);

private:
    int run_loop();
    void load_images();
    void reset();
    void service();
    std::vector<uint8_t> build_fdt(uint64_t initrd_start, uint64_t initrd_end);

    MachineConfig cfg_;
    AddressSpace as_;
    std::unique_ptr<riscv::RiscvCpu> cpu_;
    std::unique_ptr<HostEvents> events_;
    std::unique_ptr<Clint> clint_;
    std::unique_ptr<Plic> plic_;
    std::unique_ptr<Uart16550> uart_;
    std::unique_ptr<SifiveTest> test_;
    std::unique_ptr<CharBackend> console_;
    TbCache tbs_;
    std::unique_ptr<Executor> exec_;
    std::vector<uint8_t> fdt_;
    int exit_status_ = 0;
    bool exit_requested_ = false, reset_requested_ = false;
    uint64_t input_repoll_ns_ = 0;
};

}  // namespace tessera
