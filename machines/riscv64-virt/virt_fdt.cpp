// The riscv64-virt device tree, built with libfdt from the board's memory map table.
#include <cstring>
#include <string>

#include "machines/devices/plic.h"
#include "machines/fdt.h"
#include "machines/riscv64-virt/virt_board.h"
#include "machines/riscv64-virt/virt_memmap.h"

namespace tessera {

namespace {

constexpr uint32_t kIntcPhandle = 1, kPlicPhandle = 2, kTestPhandle = 3;

}  // namespace

std::vector<uint8_t> RiscvVirt::build_fdt(uint64_t initrd_start, uint64_t initrd_end) {
    using virt::Dev;
    FdtWriter w;
    w.begin("");
    w.prop_u32("#address-cells", 2);
    w.prop_u32("#size-cells", 2);
    w.prop("compatible", "riscv-virtio");
    w.prop("model", "riscv-virtio,qemu");

    const auto& uart = virt::entry(Dev::Uart0);
    w.begin("chosen");
    w.prop("stdout-path", "/soc/" + fdt_node_name(uart.name, uart.base));
    if (!cfg_.append.empty()) w.prop("bootargs", cfg_.append);
    if (cfg_.dtb_randomness) w.prop_random("rng-seed", 32);
    if (initrd_end > initrd_start) {
        w.prop_cells("linux,initrd-start", {uint32_t(initrd_start >> 32), uint32_t(initrd_start)});
        w.prop_cells("linux,initrd-end", {uint32_t(initrd_end >> 32), uint32_t(initrd_end)});
    }
    w.end();

    const auto& dram = virt::entry(Dev::Dram);
    w.begin(fdt_node_name(dram.name, dram.base));
    w.prop("device_type", "memory");
    w.reg(dram.base, cfg_.ram_size);
    w.end();

    w.begin("cpus");
    w.prop_u32("#address-cells", 1);
    w.prop_u32("#size-cells", 0);
    w.prop_u32("timebase-frequency", uint32_t(virt::kTimebaseHz));
    w.begin("cpu@0");
    w.prop("device_type", "cpu");
    w.prop_u32("reg", 0);
    w.prop("status", "okay");
    w.prop("compatible", "riscv");
    w.prop("riscv,isa", "rv64imafdc_zicsr_zifencei");
    w.prop("mmu-type", "riscv,sv48");
    w.begin("interrupt-controller");
    w.prop_u32("#interrupt-cells", 1);
    w.prop_empty("interrupt-controller");
    w.prop("compatible", "riscv,cpu-intc");
    w.prop_u32("phandle", kIntcPhandle);
    w.end();
    w.end();
    w.end();

    w.begin("soc");
    w.prop_u32("#address-cells", 2);
    w.prop_u32("#size-cells", 2);
    w.prop("compatible", "simple-bus");
    w.prop_empty("ranges");
    for (const auto& e : virt::kMemMap) {
        switch (e.dev) {
        case Dev::Test:
            w.begin(fdt_node_name(e.name, e.base));
            w.prop_strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});
            w.reg(e.base, e.size);
            w.prop_u32("phandle", kTestPhandle);
            w.end();
            break;
        case Dev::Clint:
            w.begin(fdt_node_name(e.name, e.base));
            w.prop_strings("compatible", {"sifive,clint0", "riscv,clint0"});
            w.reg(e.base, e.size);
            w.prop_cells("interrupts-extended", {kIntcPhandle, riscv::IRQ_MSI, kIntcPhandle, riscv::IRQ_MTI});
            w.end();
            break;
        case Dev::Plic:
            w.begin(fdt_node_name(e.name, e.base));
            w.prop_strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
            w.reg(e.base, e.size);
            w.prop_u32("#address-cells", 0);
            w.prop_u32("#interrupt-cells", 1);
            w.prop_empty("interrupt-controller");
            w.prop_u32("riscv,ndev", virt::kPlicSources - 1);
            w.prop_cells("interrupts-extended", {kIntcPhandle, riscv::IRQ_MEI, kIntcPhandle, riscv::IRQ_SEI});
            w.prop_u32("phandle", kPlicPhandle);
            w.end();
            break;
        case Dev::Uart0:
            w.begin(fdt_node_name(e.name, e.base));
            w.prop("compatible", "ns16550a");
            w.reg(e.base, e.size);
            w.prop_u32("clock-frequency", virt::kUartClockHz);
            w.prop_u32("interrupt-parent", kPlicPhandle);
            w.prop_u32("interrupts", virt::kUart0Irq);
            w.end();
            break;
        case Dev::VirtioMmio:
            // Every transport, as QEMU lists them; empty ones read device id 0.
            for (unsigned i = 0; i < virtio_->count(); i++) {
                w.begin(fdt_node_name(e.name, virtio_->base(i)));
                w.prop("compatible", "virtio,mmio");
                w.reg(virtio_->base(i), virtio_->stride());
                w.prop_u32("interrupt-parent", kPlicPhandle);
                w.prop_u32("interrupts", virt::kVirtioIrq + i);
                w.end();
            }
            break;
        default: break;
        }
    }
    w.end();

    for (auto [name, compat, value] : {std::tuple{"poweroff", "syscon-poweroff", 0x5555u},
                                       std::tuple{"reboot", "syscon-reboot", 0x7777u}}) {
        w.begin(name);
        w.prop("compatible", compat);
        w.prop_u32("regmap", kTestPhandle);
        w.prop_u32("offset", 0);
        w.prop_u32("value", value);
        w.end();
    }
    w.end();
    return w.finish();
}

}  // namespace tessera
