// SiFive CLINT: per-hart software interrupt (msip) and timer (mtimecmp), shared mtime.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/irq.h"
#include "machines/host_io.h"
#include "softmmu/device.h"

namespace tessera {

class Clint : public Device, public Clocked {
public:
    static constexpr uint64_t kRegionSize = 0x10000;
    static constexpr uint64_t kMsipBase = 0x0, kMtimecmpBase = 0x4000, kMtime = 0xbff8;
    static constexpr unsigned kMaxHarts = 4095;  // msip array ends where mtimecmp begins
    static constexpr uint64_t kVirtFrequency = 10'000'000;

    // now_ns: host monotonic clock. msip/mtip: one line per hart (MSIP/MTIP pins).
    // arm_timer(deadline_ns) is called whenever the earliest future deadline changes,
    // with UINT64_MAX when none is left. Throws std::invalid_argument on bad wiring.
    Clint(std::function<uint64_t()> now_ns, unsigned harts, uint64_t freq_hz,
          std::vector<IrqLine> msip, std::vector<IrqLine> mtip,
          std::function<void(uint64_t deadline_ns)> arm_timer);

    const char* name() const override { return "clint"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    uint64_t mtime() const;
    // Re-evaluate MTIP against the current time; the board calls this when its timer fires.
    void update() override;
    uint64_t next_deadline_ns() const override;

private:
    void set_mtime(uint64_t value);
    uint64_t deadline_ns(uint64_t cmp, uint64_t now_mtime) const;
    // Read or merge a 4- or 8-byte access into a 64-bit register.
    static bool access_ok(uint64_t reg_off, unsigned size);

    std::function<uint64_t()> now_ns_;
    unsigned harts_;
    uint64_t freq_;
    std::vector<IrqLine> msip_lines_, mtip_lines_;
    std::function<void(uint64_t)> arm_timer_;

    // mtime = mtime_base_ + (now - base_ns_) * freq / 1e9
    uint64_t base_ns_ = 0, mtime_base_ = 0;
    std::vector<uint32_t> msip_;
    std::vector<uint64_t> mtimecmp_;
    std::vector<bool> mtip_level_;
    uint64_t armed_ = UINT64_MAX;
};

}  // namespace tessera
