// The CPU's generic timers as the board sees them: each timer's output (ENABLE, not IMASK,
// count >= CVAL) drives its PPI on the GIC, and the earliest compare value not yet signalled is a host
// deadline. The CPU keeps the registers (frontends/aarch64/sysregs.cpp); this follows them.
#pragma once
#include <algorithm>
#include <cstdint>
#include <tuple>

#include "frontends/aarch64/cpu.h"
#include "machines/devices/gicv2.h"
#include "machines/host_io.h"

namespace tessera {

class ArchTimer : public Clocked {
public:
    // ppi_virt, ppi_phys: the GIC interrupt ids (16 + the PPI number).
    ArchTimer(aarch64::Aarch64Cpu& cpu, GicV2& gic, uint64_t hz, unsigned ppi_virt, unsigned ppi_phys)
        : cpu_(cpu), gic_(gic), hz_(hz), ppi_virt_(ppi_virt), ppi_phys_(ppi_phys) {}

    void update() override {
        uint64_t now = counter();
        virt_high_ = fires(cpu_.cntv_ctl, cpu_.cntv_cval, now);
        phys_high_ = fires(cpu_.cntp_ctl, cpu_.cntp_cval, now);
        gic_.set_ppi(0, ppi_virt_, virt_high_);
        gic_.set_ppi(0, ppi_phys_, phys_high_);
    }
    // Every armed timer whose output the last update() left low, even when its compare value
    // has passed since (the deadline is then now): the count moves on between update() and
    // this call, and a timer reaching it in between must still wake the loop.
    uint64_t next_deadline_ns() const override {
        uint64_t next = UINT64_MAX;
        for (auto [ctl, cval, high] : {std::tuple{cpu_.cntv_ctl, cpu_.cntv_cval, virt_high_},
                                       std::tuple{cpu_.cntp_ctl, cpu_.cntp_cval, phys_high_}})
            if ((ctl & 3) == 1 && !high) next = std::min(next, ticks_to_ns(cval));
        if (cpu_.wfe && cpu_.wfe_wake != ~0ull) next = std::min(next, ticks_to_ns(cpu_.wfe_wake));  // WFE's event stream
        return next;
    }

private:
    static bool fires(uint64_t ctl, uint64_t cval, uint64_t now) { return (ctl & 3) == 1 && now >= cval; }
    uint64_t counter() const { return cpu_.read_counter ? cpu_.read_counter() : 0; }
    uint64_t ticks_to_ns(uint64_t ticks) const {  // rounded up: the deadline is never early
        unsigned __int128 ns = ((unsigned __int128)ticks * 1000000000u + hz_ - 1) / hz_;
        return ns > UINT64_MAX - 1 ? UINT64_MAX - 1 : uint64_t(ns);
    }

    aarch64::Aarch64Cpu& cpu_;
    GicV2& gic_;
    uint64_t hz_;
    unsigned ppi_virt_, ppi_phys_;
    bool virt_high_ = false, phys_high_ = false;  // the outputs as the last update() set them
};

}  // namespace tessera
