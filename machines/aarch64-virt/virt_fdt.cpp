// The aarch64-virt device tree, built with libfdt from the board's memory map table.
#include <string>

#include "machines/aarch64-virt/virt_board.h"
#include "machines/aarch64-virt/virt_memmap.h"
#include "machines/fdt.h"

namespace tessera {

namespace {
constexpr uint32_t kGicPhandle = 1, kClockPhandle = 2;
constexpr uint32_t kSpi = 0, kPpi = 1;
constexpr uint32_t kEdgeRising = 1, kLevelHigh = 4, kPpiLevelLow = 0xf08;  // PPI flags: all CPUs, level-low
}  // namespace

std::vector<uint8_t> Aarch64Virt::build_fdt(uint64_t initrd_start, uint64_t initrd_end) {
    using avirt::Dev;
    FdtWriter w;
    w.begin("");
    w.prop_u32("#address-cells", 2);
    w.prop_u32("#size-cells", 2);
    w.prop("compatible", "linux,dummy-virt");
    w.prop("model", "linux,dummy-virt");
    w.prop_u32("interrupt-parent", kGicPhandle);

    const auto& uart = avirt::entry(Dev::Uart);
    w.begin("chosen");
    w.prop("stdout-path", "/" + fdt_node_name(uart.name, uart.base));
    if (!cfg_.append.empty()) w.prop("bootargs", cfg_.append);
    if (cfg_.dtb_randomness) {
        w.prop_random("rng-seed", 32);
        w.prop_random("kaslr-seed", 8);
    }
    if (initrd_end > initrd_start) {
        w.prop_cells("linux,initrd-start", {uint32_t(initrd_start >> 32), uint32_t(initrd_start)});
        w.prop_cells("linux,initrd-end", {uint32_t(initrd_end >> 32), uint32_t(initrd_end)});
    }
    w.end();

    const auto& ram = avirt::entry(Dev::Ram);
    w.begin(fdt_node_name(ram.name, ram.base));
    w.prop("device_type", "memory");
    w.reg(ram.base, cfg_.ram_size);
    w.end();

    w.begin("cpus");
    w.prop_u32("#address-cells", 1);
    w.prop_u32("#size-cells", 0);
    w.begin("cpu@0");
    w.prop("device_type", "cpu");
    w.prop("compatible", "arm,cortex-a57");
    w.prop_u32("reg", 0);
    w.prop("enable-method", "psci");
    w.end();
    w.end();

    w.begin("psci");
    w.prop_strings("compatible", {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"});
    w.prop("method", "hvc");
    w.end();

    w.begin("timer");
    w.prop("compatible", "arm,armv8-timer");
    w.prop_cells("interrupts", {kPpi, avirt::kPpiSecTimer, kPpiLevelLow, kPpi, avirt::kPpiPhysTimer, kPpiLevelLow, kPpi,
                                avirt::kPpiVirtTimer, kPpiLevelLow, kPpi, avirt::kPpiHypTimer, kPpiLevelLow});
    w.prop_empty("always-on");
    w.end();

    w.begin("apb-pclk");
    w.prop("compatible", "fixed-clock");
    w.prop_u32("#clock-cells", 0);
    w.prop_u32("clock-frequency", avirt::kApbClockHz);
    w.prop("clock-output-names", "clk24mhz");
    w.prop_u32("phandle", kClockPhandle);
    w.end();

    const auto& dist = avirt::entry(Dev::GicDist);
    const auto& cpuif = avirt::entry(Dev::GicCpu);
    w.begin(fdt_node_name(dist.name, dist.base));
    w.prop("compatible", "arm,cortex-a15-gic");
    w.prop_u32("#interrupt-cells", 3);
    w.prop_u32("#address-cells", 0);
    w.prop_empty("interrupt-controller");
    w.prop_cells("reg", {uint32_t(dist.base >> 32), uint32_t(dist.base), 0, uint32_t(dist.size), uint32_t(cpuif.base >> 32),
                         uint32_t(cpuif.base), 0, uint32_t(cpuif.size)});
    w.prop_u32("phandle", kGicPhandle);
    w.end();

    w.begin(fdt_node_name(uart.name, uart.base));
    w.prop_strings("compatible", {"arm,pl011", "arm,primecell"});
    w.reg(uart.base, uart.size);
    w.prop_cells("interrupts", {kSpi, avirt::kUartSpi, kLevelHigh});
    w.prop_cells("clocks", {kClockPhandle, kClockPhandle});
    w.prop_strings("clock-names", {"uartclk", "apb_pclk"});
    w.end();

    const auto& rtc = avirt::entry(Dev::Rtc);
    w.begin(fdt_node_name(rtc.name, rtc.base));
    w.prop_strings("compatible", {"arm,pl031", "arm,primecell"});
    w.reg(rtc.base, rtc.size);
    w.prop_cells("interrupts", {kSpi, avirt::kRtcSpi, kLevelHigh});
    w.prop_u32("clocks", kClockPhandle);
    w.prop("clock-names", "apb_pclk");
    w.end();

    // Every transport, lowest address first, as QEMU lists them; empty ones read device id 0.
    for (unsigned i = 0; i < virtio_->count(); i++) {
        w.begin(fdt_node_name("virtio_mmio", virtio_->base(i)));
        w.prop("compatible", "virtio,mmio");
        w.reg(virtio_->base(i), virtio_->stride());
        w.prop_cells("interrupts", {kSpi, avirt::kVirtioSpi + i, kEdgeRising});
        w.prop_empty("dma-coherent");
        w.end();
    }

    w.end();
    return w.finish();
}

}  // namespace tessera
