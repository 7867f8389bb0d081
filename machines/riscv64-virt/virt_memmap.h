// QEMU's riscv `virt` memory map (the parts Tessera models), as data: the board builds
// its address space and its device tree from this one table.
#pragma once
#include <cstdint>

namespace tessera::virt {

enum class Dev { Mrom, Test, Clint, Plic, Uart0, VirtioMmio, Dram };

struct MapEntry {
    Dev dev;
    const char* name;
    uint64_t base, size;
};

constexpr MapEntry kMemMap[] = {
    {Dev::Mrom, "mrom", 0x1000, 0xf000},
    {Dev::Test, "test", 0x100000, 0x1000},
    {Dev::Clint, "clint", 0x2000000, 0x10000},
    {Dev::Plic, "plic", 0xc000000, 0x600000},
    {Dev::Uart0, "serial", 0x10000000, 0x100},
    {Dev::VirtioMmio, "virtio_mmio", 0x10001000, 0x1000},  // one transport; kVirtioTransports of them
    {Dev::Dram, "memory", 0x80000000, 0},  // size from -m
};

constexpr const MapEntry& entry(Dev d) {
    for (const MapEntry& e : kMemMap)
        if (e.dev == d) return e;
    return kMemMap[0];
}

constexpr unsigned kUart0Irq = 10;
constexpr unsigned kVirtioTransports = 8, kVirtioIrq = 1;  // transport n: PLIC source 1 + n
constexpr unsigned kPlicSources = 96;  // riscv,ndev = 95
constexpr uint64_t kTimebaseHz = 10'000'000;
constexpr uint32_t kUartClockHz = 3686400;

}  // namespace tessera::virt
