#include "machines/devices/clint.h"

#include <stdexcept>

#include "util/log.h"

namespace tessera {

namespace {
constexpr uint64_t kNsPerSec = 1'000'000'000;
__extension__ typedef unsigned __int128 u128;  // ns * Hz overflows 64 bits

uint64_t get_half(uint64_t reg, uint64_t reg_off, unsigned size) {
    return size == 8 ? reg : (reg >> (reg_off * 8)) & 0xffffffffu;
}

uint64_t merge_half(uint64_t reg, uint64_t reg_off, unsigned size, uint64_t value) {
    if (size == 8)
        return value;
    unsigned shift = static_cast<unsigned>(reg_off * 8);
    uint64_t mask = 0xffffffffull << shift;
    return (reg & ~mask) | ((value & 0xffffffffull) << shift);
}
}  // namespace

Clint::Clint(std::function<uint64_t()> now_ns, unsigned harts, uint64_t freq_hz,
             std::vector<IrqLine> msip, std::vector<IrqLine> mtip,
             std::function<void(uint64_t)> arm_timer)
    : now_ns_(std::move(now_ns)),
      harts_(harts),
      freq_(freq_hz),
      msip_lines_(std::move(msip)),
      mtip_lines_(std::move(mtip)),
      arm_timer_(std::move(arm_timer)) {
    if (!now_ns_ || harts_ == 0 || harts_ > kMaxHarts || freq_ == 0 ||
        msip_lines_.size() != harts_ || mtip_lines_.size() != harts_)
        throw std::invalid_argument("clint: bad configuration");
    msip_.assign(harts_, 0);
    mtimecmp_.assign(harts_, UINT64_MAX);
    mtip_level_.assign(harts_, false);
    reset();
}

void Clint::reset() {
    for (unsigned h = 0; h < harts_; h++) {
        if (msip_[h])
            msip_lines_[h].lower();
        msip_[h] = 0;
        // Unprogrammed comparators never fire (the reset value is unspecified by SiFive).
        mtimecmp_[h] = UINT64_MAX;
    }
    set_mtime(0);
    update();
}

uint64_t Clint::mtime() const {
    uint64_t now = now_ns_();
    uint64_t elapsed = now > base_ns_ ? now - base_ns_ : 0;  // tolerate a clock stepping back
    return mtime_base_ + static_cast<uint64_t>(u128(elapsed) * freq_ / kNsPerSec);
}

void Clint::set_mtime(uint64_t value) {
    base_ns_ = now_ns_();
    mtime_base_ = value;
}

// Host time at which mtime reaches cmp, or UINT64_MAX if it already has / never will.
uint64_t Clint::deadline_ns(uint64_t cmp, uint64_t now_mtime) const {
    if (cmp <= now_mtime)
        return UINT64_MAX;
    // Ticks since base_ns_ at which mtime == cmp; computed from now so a wrapped mtime
    // (guest wrote a value near 2^64) still yields the right distance.
    uint64_t now = now_ns_();
    uint64_t elapsed = now > base_ns_ ? now - base_ns_ : 0;
    u128 ticks = u128(elapsed) * freq_ / kNsPerSec + (cmp - now_mtime);
    u128 ns = (ticks * kNsPerSec + freq_ - 1) / freq_ + base_ns_;
    return ns >= UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(ns);
}

// Every hart whose MTIP the last update() left low: mtime moves on between update() and
// this call, and a compare value reached in between must still wake the loop (now, then).
uint64_t Clint::next_deadline_ns() const {
    uint64_t now_mtime = mtime();
    uint64_t best = UINT64_MAX;
    for (unsigned h = 0; h < harts_; h++) {
        if (mtip_level_[h])
            continue;
        uint64_t d = mtimecmp_[h] <= now_mtime ? now_ns_() : deadline_ns(mtimecmp_[h], now_mtime);
        if (d < best)
            best = d;
    }
    return best;
}

void Clint::update() {
    uint64_t now_mtime = mtime();
    for (unsigned h = 0; h < harts_; h++) {
        bool level = now_mtime >= mtimecmp_[h];
        if (level != mtip_level_[h]) {
            mtip_level_[h] = level;
            mtip_lines_[h].set(level);
        }
    }
    uint64_t next = next_deadline_ns();
    if (next != armed_) {
        armed_ = next;
        if (arm_timer_)
            arm_timer_(next);
    }
}

bool Clint::access_ok(uint64_t reg_off, unsigned size) {
    return (size == 8 && reg_off == 0) || (size == 4 && (reg_off == 0 || reg_off == 4));
}

uint64_t Clint::read(uint64_t offset, unsigned size) {
    if (offset < kMtimecmpBase) {
        uint64_t hart = offset / 4;
        if (size == 4 && (offset & 3) == 0 && hart < harts_)
            return msip_[hart];
    } else if (offset < kMtimecmpBase + 8ull * harts_) {
        uint64_t hart = (offset - kMtimecmpBase) / 8, reg_off = offset % 8;
        if (access_ok(reg_off, size))
            return get_half(mtimecmp_[hart], reg_off, size);
    } else if (offset >= kMtime && offset < kMtime + 8) {
        uint64_t reg_off = offset - kMtime;
        if (access_ok(reg_off, size))
            return get_half(mtime(), reg_off, size);
    }
    GUEST_ERROR("clint: bad %u-byte read at 0x%llx\n", size, (unsigned long long)offset);
    return 0;
}

void Clint::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset < kMtimecmpBase) {
        uint64_t hart = offset / 4;
        if (size == 4 && (offset & 3) == 0 && hart < harts_) {
            uint32_t v = value & 1;  // only bit 0 is implemented
            if (v != msip_[hart])
                msip_lines_[hart].set(v != 0);
            msip_[hart] = v;
            return;
        }
    } else if (offset < kMtimecmpBase + 8ull * harts_) {
        uint64_t hart = (offset - kMtimecmpBase) / 8, reg_off = offset % 8;
        if (access_ok(reg_off, size)) {
            mtimecmp_[hart] = merge_half(mtimecmp_[hart], reg_off, size, value);
            update();
            return;
        }
    } else if (offset >= kMtime && offset < kMtime + 8) {
        uint64_t reg_off = offset - kMtime;
        if (access_ok(reg_off, size)) {
            set_mtime(merge_half(mtime(), reg_off, size, value));
            update();
            return;
        }
    }
    GUEST_ERROR("clint: bad %u-byte write at 0x%llx\n", size, (unsigned long long)offset);
}

}  // namespace tessera
