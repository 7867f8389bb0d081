// sifive_test finisher (QEMU virt 0x100000): lets a guest end the run or reset the board.
#pragma once
#include <cstdint>
#include <functional>

#include "softmmu/device.h"

namespace tessera {

class SifiveTest : public Device {
public:
    static constexpr uint64_t kRegionSize = 0x1000;
    static constexpr uint32_t kFail = 0x3333, kPass = 0x5555, kReset = 0x7777;

    // Callbacks may be empty (the request is then ignored).
    SifiveTest(std::function<void(int status)> on_exit, std::function<void()> on_reset);

    const char* name() const override { return "sifive_test"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

private:
    std::function<void(int)> on_exit_;
    std::function<void()> on_reset_;
};

}  // namespace tessera
