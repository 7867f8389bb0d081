// The riscv64-virt device tree, built with libfdt from the board's memory map table.
extern "C" {
#include <libfdt.h>
}

#include <cstring>
#include <string>

#include "machines/devices/plic.h"
#include "machines/riscv64-virt/virt_board.h"
#include "machines/riscv64-virt/virt_memmap.h"

namespace tessera {

namespace {

constexpr uint32_t kIntcPhandle = 1, kPlicPhandle = 2, kTestPhandle = 3;

struct FdtWriter {
    std::vector<uint8_t> buf;
    explicit FdtWriter(size_t size) : buf(size) { check(fdt_create(buf.data(), int(size))); }
    void* p() { return buf.data(); }
    static void check(int err) {
        if (err < 0) throw ConfigError{std::string("device tree construction failed: ") + fdt_strerror(err)};
    }
    void begin(const std::string& name) { check(fdt_begin_node(p(), name.c_str())); }
    void end() { check(fdt_end_node(p())); }
    void prop(const char* n, const std::string& s) { check(fdt_property_string(p(), n, s.c_str())); }
    void prop_strings(const char* n, std::initializer_list<const char*> list) {
        std::string all;
        for (const char* s : list) all.append(s, strlen(s) + 1);
        check(fdt_property(p(), n, all.data(), int(all.size())));
    }
    void prop_u32(const char* n, uint32_t v) { check(fdt_property_u32(p(), n, v)); }
    void prop_cells(const char* n, std::initializer_list<uint32_t> cells) {
        std::vector<fdt32_t> be;
        for (uint32_t c : cells) be.push_back(cpu_to_fdt32(c));
        check(fdt_property(p(), n, be.data(), int(be.size() * 4)));
    }
    void prop_empty(const char* n) { check(fdt_property(p(), n, nullptr, 0)); }
    void reg(uint64_t base, uint64_t size) {
        prop_cells("reg", {uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size)});
    }
};

std::string node_name(const char* name, uint64_t base) {
    char b[64];
    snprintf(b, sizeof b, "%s@%llx", name, (unsigned long long)base);
    return b;
}

}  // namespace

std::vector<uint8_t> RiscvVirt::build_fdt(uint64_t initrd_start, uint64_t initrd_end) {
    using virt::Dev;
    FdtWriter w(64 * 1024);
    FdtWriter::check(fdt_finish_reservemap(w.p()));
    w.begin("");
    w.prop_u32("#address-cells", 2);
    w.prop_u32("#size-cells", 2);
    w.prop("compatible", "riscv-virtio");
    w.prop("model", "riscv-virtio,qemu");

    const auto& uart = virt::entry(Dev::Uart0);
    w.begin("chosen");
    w.prop("stdout-path", "/soc/" + node_name(uart.name, uart.base));
    if (!cfg_.append.empty()) w.prop("bootargs", cfg_.append);
    if (initrd_end > initrd_start) {
        w.prop_cells("linux,initrd-start", {uint32_t(initrd_start >> 32), uint32_t(initrd_start)});
        w.prop_cells("linux,initrd-end", {uint32_t(initrd_end >> 32), uint32_t(initrd_end)});
    }
    w.end();

    const auto& dram = virt::entry(Dev::Dram);
    w.begin(node_name(dram.name, dram.base));
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
            w.begin(node_name(e.name, e.base));
            w.prop_strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});
            w.reg(e.base, e.size);
            w.prop_u32("phandle", kTestPhandle);
            w.end();
            break;
        case Dev::Clint:
            w.begin(node_name(e.name, e.base));
            w.prop_strings("compatible", {"sifive,clint0", "riscv,clint0"});
            w.reg(e.base, e.size);
            w.prop_cells("interrupts-extended", {kIntcPhandle, riscv::IRQ_MSI, kIntcPhandle, riscv::IRQ_MTI});
            w.end();
            break;
        case Dev::Plic:
            w.begin(node_name(e.name, e.base));
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
            w.begin(node_name(e.name, e.base));
            w.prop("compatible", "ns16550a");
            w.reg(e.base, e.size);
            w.prop_u32("clock-frequency", virt::kUartClockHz);
            w.prop_u32("interrupt-parent", kPlicPhandle);
            w.prop_u32("interrupts", virt::kUart0Irq);
            w.end();
            break;
        default: break;
        }
    }
    w.end();

    const auto& test = virt::entry(Dev::Test);
    for (auto [name, compat, value] : {std::tuple{"poweroff", "syscon-poweroff", 0x5555u},
                                       std::tuple{"reboot", "syscon-reboot", 0x7777u}}) {
        w.begin(name);
        w.prop("compatible", compat);
        w.prop_u32("regmap", kTestPhandle);
        w.prop_u32("offset", 0);
        w.prop_u32("value", value);
        w.end();
    }
    (void)test;
    w.end();
    FdtWriter::check(fdt_finish(w.p()));
    w.buf.resize(fdt_totalsize(w.p()));
    return w.buf;
}

}  // namespace tessera
