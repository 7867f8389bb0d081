#include "machines/devices/sifive_test.h"

#include "util/log.h"

namespace tessera {

SifiveTest::SifiveTest(std::function<void(int)> on_exit, std::function<void()> on_reset)
    : on_exit_(std::move(on_exit)), on_reset_(std::move(on_reset)) {}

uint64_t SifiveTest::read(uint64_t offset, unsigned size) {
    if (offset >= kRegionSize)
        GUEST_ERROR("sifive_test: %u-byte read at 0x%llx\n", size, (unsigned long long)offset);
    return 0;
}

void SifiveTest::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset != 0 || size != 4) {
        GUEST_ERROR("sifive_test: bad %u-byte write at 0x%llx\n", size, (unsigned long long)offset);
        return;
    }
    uint32_t v = static_cast<uint32_t>(value);
    uint32_t cmd = v & 0xffff, code = v >> 16;
    if (cmd == kFail) {
        if (on_exit_)
            on_exit_(static_cast<int>(code));
    } else if (cmd == kPass) {
        if (on_exit_)
            on_exit_(0);
    } else if (cmd == kReset) {
        if (on_reset_)
            on_reset_();
    } else {
        GUEST_ERROR("sifive_test: unknown command 0x%08x\n", v);
    }
}

}  // namespace tessera
