// A memory-mapped device as the memory map sees it: reads and writes by offset.
#pragma once
#include <cstdint>

namespace tessera {

class Device {
public:
    virtual ~Device() = default;
    virtual const char* name() const = 0;
    // offset is relative to the device's region; size is 1, 2, 4 or 8 bytes.
    // A device must accept any offset/size the guest produces: log a guest error and
    // return 0 / ignore the write rather than assert.
    virtual uint64_t read(uint64_t offset, unsigned size) = 0;
    virtual void write(uint64_t offset, unsigned size, uint64_t value) = 0;
    virtual void reset() {}
};

}  // namespace tessera
