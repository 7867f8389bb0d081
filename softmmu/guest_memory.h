// Checked access to guest RAM for devices that read and write it themselves (DMA: virtio
// rings and buffers). Only RAM counts: a range must lie entirely inside one RAM region, or
// the access is refused and nothing is touched; ROM and devices are never reached this way.
// Writes drop translated code on the pages they touch, exactly as a CPU store does
// (AddressSpace::notify_write), so a guest that DMAs code and runs it sees the new bytes.
//
// Threads: ram() (the lookup) reads only the region table, which is fixed once the board is
// built, so any thread may call it. read() too. write() and written() invalidate translated
// code and run on the vCPU thread only; a device's I/O thread that fills guest RAM through
// pointers from ram() reports the bytes with written() once its completion is back on the
// vCPU thread (before the guest can see the completion).
#pragma once
#include <cstdint>

#include "softmmu/address_space.h"

namespace tessera {

class GuestMemory {
public:
    explicit GuestMemory(AddressSpace& as) : as_(as) {}

    // Host pointer to [pa, pa + len) when all of it is RAM of one region and len > 0; else null.
    uint8_t* ram(uint64_t pa, uint64_t len) const;
    bool read(uint64_t pa, void* dst, uint64_t len) const;
    // False (nothing written) when the range is not all RAM.
    bool write(uint64_t pa, const void* src, uint64_t len);
    // [pa, pa + len) of RAM changed behind the CPU's back: translated code there is dropped.
    void written(uint64_t pa, uint64_t len);

private:
    Region* region(uint64_t pa, uint64_t len) const;
    AddressSpace& as_;
};

}  // namespace tessera
