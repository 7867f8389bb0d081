// ARM PrimeCell Real Time Clock PL031, as QEMU's aarch64 virt has it: a 32-bit seconds
// counter that follows host time from the host's wall clock, and one match interrupt.
#pragma once
#include <cstdint>
#include <functional>

#include "core/irq.h"
#include "machines/host_io.h"
#include "softmmu/device.h"

namespace tessera {

class Pl031 : public Device, public Clocked {
public:
    static constexpr uint64_t kRegionSize = 0x1000;

    // now_ns: host monotonic clock (host_now_ns). wall_seconds: seconds since the Unix epoch,
    // read at reset to start the counter. irq: level line, RIS & IMSC.
    // arm_timer(deadline_ns) is called whenever the next match time changes, with
    // UINT64_MAX when there is none (may be empty). Throws std::invalid_argument without
    // now_ns or wall_seconds.
    Pl031(std::function<uint64_t()> now_ns, std::function<uint64_t()> wall_seconds, IrqLine irq,
          std::function<void(uint64_t deadline_ns)> arm_timer);

    const char* name() const override { return "pl031"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    // The counter as the guest reads it from RTCDR.
    uint32_t counter() const;
    // Raise the match interrupt if its time has come; the board calls this when the
    // deadline it was given passes (or whenever it serves host events).
    void update() override;
    uint64_t next_deadline_ns() const override { return match_ns_; }

    bool irq_level() const { return irq_level_; }

private:
    uint64_t elapsed_s() const;
    void load(uint32_t value);
    void schedule();
    void rearm();
    void update_irq();
    uint32_t read_reg(uint64_t reg);
    void write_reg(uint64_t reg, uint32_t v);

    std::function<uint64_t()> now_ns_;
    std::function<uint64_t()> wall_seconds_;
    IrqLine irq_;
    std::function<void(uint64_t)> arm_timer_;

    // counter = base_ + whole seconds since base_ns_ (mod 2^32).
    uint64_t base_ns_ = 0;
    uint32_t base_ = 0;
    // Host time at which the counter next equals MR; UINT64_MAX: beyond reach.
    uint64_t match_ns_ = UINT64_MAX;
    uint64_t armed_ = UINT64_MAX;
    uint32_t mr_ = 0, lr_ = 0, imsc_ = 0, ris_ = 0;
    bool irq_level_ = false;
};

}  // namespace tessera
