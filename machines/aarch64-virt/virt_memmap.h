// QEMU's arm `virt` memory map (the parts Tessera models), as data: the board builds its
// address space and its device tree from this one table.
#pragma once
#include <cstdint>

namespace tessera::avirt {

enum class Dev { Flash, GicDist, GicCpu, Uart, Rtc, VirtioMmio, Ram };

struct MapEntry {
    Dev dev;
    const char* name;
    uint64_t base, size;
};

constexpr MapEntry kMemMap[] = {
    {Dev::Flash, "flash", 0x00000000, 0x08000000},  // two 64 MiB banks, as one ROM
    {Dev::GicDist, "intc", 0x08000000, 0x10000},
    {Dev::GicCpu, "intc-cpu", 0x08010000, 0x10000},
    {Dev::Uart, "pl011", 0x09000000, 0x1000},
    {Dev::Rtc, "pl031", 0x09010000, 0x1000},
    {Dev::VirtioMmio, "virtio_mmio", 0x0a000000, 0x200},  // one transport; kVirtioTransports of them
    {Dev::Ram, "memory", 0x40000000, 0},  // size from -m
};

constexpr const MapEntry& entry(Dev d) {
    for (const MapEntry& e : kMemMap)
        if (e.dev == d) return e;
    return kMemMap[0];
}

// Shared peripheral interrupts (GIC ids 32 + n) and the timer's private ones (16 + n).
constexpr unsigned kUartSpi = 1, kRtcSpi = 2;
constexpr unsigned kVirtioTransports = 32, kVirtioSpi = 16;  // transport n: SPI 16 + n
constexpr unsigned kGicIrqs = 32 + 256;
constexpr unsigned kPpiVirtTimer = 11, kPpiPhysTimer = 14, kPpiSecTimer = 13, kPpiHypTimer = 10;
constexpr uint64_t kCounterHz = 62'500'000;  // CNTFRQ_EL0 on QEMU's virt
constexpr uint32_t kApbClockHz = 24'000'000;

}  // namespace tessera::avirt
