#include "machines/devices/pl031.h"

#include <stdexcept>

#include "util/log.h"

namespace tessera {

namespace {
// Register offsets (ARM PrimeCell RTC PL031 TRM, table 3-1).
constexpr uint64_t kDr = 0x00, kMr = 0x04, kLr = 0x08, kCr = 0x0c, kImsc = 0x10, kRis = 0x14,
                   kMis = 0x18, kIcr = 0x1c, kId = 0xfe0;
constexpr uint32_t kIntMatch = 1;
constexpr uint64_t kNsPerSec = 1'000'000'000;
constexpr uint64_t kWrapSeconds = 1ull << 32;  // the counter matches MR again after a wrap

// PeriphID0-3 then PCellID0-3: part 0x031, designer ARM, revision r1p0.
constexpr uint8_t kIdRegs[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

__extension__ typedef unsigned __int128 u128;
uint64_t saturate(u128 v) { return v >= UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v); }
}  // namespace

Pl031::Pl031(std::function<uint64_t()> now_ns, std::function<uint64_t()> wall_seconds,
             IrqLine irq, std::function<void(uint64_t)> arm_timer)
    : now_ns_(std::move(now_ns)),
      wall_seconds_(std::move(wall_seconds)),
      irq_(irq),
      arm_timer_(std::move(arm_timer)) {
    if (!now_ns_ || !wall_seconds_)
        throw std::invalid_argument("pl031: need a host clock and a wall clock");
    reset();
}

void Pl031::reset() {
    mr_ = lr_ = imsc_ = ris_ = 0;
    // The counter wraps in 2106; the low 32 bits are what the hardware would hold.
    base_ = static_cast<uint32_t>(wall_seconds_());
    base_ns_ = now_ns_();
    schedule();
    update_irq();
    rearm();
}

uint64_t Pl031::elapsed_s() const {
    uint64_t now = now_ns_();
    return now > base_ns_ ? (now - base_ns_) / kNsPerSec : 0;  // tolerate a clock stepping back
}

uint32_t Pl031::counter() const { return base_ + static_cast<uint32_t>(elapsed_s()); }

// The next host time at which the counter becomes MR: never now, so a match is raised only
// by the passing of time (update) or by a write that makes the two equal (load, MR).
void Pl031::schedule() {
    uint64_t s = elapsed_s();
    uint32_t ticks = mr_ - (base_ + static_cast<uint32_t>(s));
    uint64_t ahead = ticks ? ticks : kWrapSeconds;
    match_ns_ = saturate(base_ns_ + (u128(s) + ahead) * kNsPerSec);
}

void Pl031::load(uint32_t value) {
    base_ = value;
    base_ns_ = now_ns_();
}

void Pl031::rearm() {
    if (match_ns_ != armed_) {
        armed_ = match_ns_;
        if (arm_timer_)
            arm_timer_(armed_);
    }
}

void Pl031::update() {
    if (match_ns_ != UINT64_MAX && now_ns_() >= match_ns_) {
        ris_ |= kIntMatch;
        match_ns_ = saturate(u128(match_ns_) + u128(kWrapSeconds) * kNsPerSec);
    }
    update_irq();
    rearm();
}

void Pl031::update_irq() {
    bool level = (ris_ & imsc_) != 0;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_.set(level);
    }
}

uint32_t Pl031::read_reg(uint64_t reg) {
    switch (reg) {
        case kDr: return counter();
        case kMr: return mr_;
        case kLr: return lr_;
        case kCr: return 1;  // started at reset; only a reset could stop it
        case kImsc: return imsc_;
        case kRis: return ris_;
        case kMis: return ris_ & imsc_;
    }
    if (reg >= kId)
        return kIdRegs[(reg - kId) / 4];
    GUEST_ERROR("pl031: read of %s offset 0x%llx\n", reg == kIcr ? "write-only" : "unknown",
                (unsigned long long)reg);
    return 0;
}

void Pl031::write_reg(uint64_t reg, uint32_t v) {
    switch (reg) {
        case kMr:
        case kLr:
            if (reg == kMr) {
                mr_ = v;
            } else {
                lr_ = v;
                load(v);
            }
            // A counter already equal to the new match value matches now.
            if (counter() == mr_)
                ris_ |= kIntMatch;
            schedule();
            break;
        case kCr: break;  // the start bit is write-once; writing 0 does not stop the clock
        case kImsc: imsc_ = v & kIntMatch; break;
        case kIcr: ris_ &= ~(v & kIntMatch); break;
        default:
            GUEST_ERROR("pl031: write 0x%x to %s offset 0x%llx\n", v,
                        (reg == kDr || reg == kRis || reg == kMis || reg >= kId) ? "read-only"
                                                                                  : "unknown",
                        (unsigned long long)reg);
            return;
    }
    update_irq();
    rearm();
}

// 32-bit registers; narrower reads within a register and narrow aligned writes
// (zero-extended) are accepted, as for the PL011.
uint64_t Pl031::read(uint64_t offset, unsigned size) {
    if (offset >= kRegionSize || (size != 1 && size != 2 && size != 4) || (offset & 3) + size > 4) {
        GUEST_ERROR("pl031: bad %u-byte read at 0x%llx\n", size, (unsigned long long)offset);
        return 0;
    }
    update();  // a match due by now shows in RIS even before the board's timer fires
    uint32_t v = read_reg(offset & ~3ull) >> (8 * (offset & 3));
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void Pl031::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset >= kRegionSize || (size != 1 && size != 2 && size != 4) || (offset & 3)) {
        GUEST_ERROR("pl031: bad %u-byte write at 0x%llx\n", size, (unsigned long long)offset);
        return;
    }
    update();
    uint32_t v = static_cast<uint32_t>(value);
    write_reg(offset, size == 4 ? v : v & ((1u << (8 * size)) - 1));
}

}  // namespace tessera
