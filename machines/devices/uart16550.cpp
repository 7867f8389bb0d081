#include "machines/devices/uart16550.h"

#include "util/log.h"

namespace tessera {

namespace {
// Register offsets (reg-shift 0).
constexpr unsigned kRbrThr = 0, kIer = 1, kIirFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6,
                   kScr = 7;

constexpr uint8_t kIerRda = 0x01, kIerThre = 0x02, kIerRls = 0x04, kIerMs = 0x08;
constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kLsrDr = 0x01, kLsrOe = 0x02, kLsrErrors = 0x1e, kLsrThre = 0x20, kLsrTemt = 0x40;
constexpr uint8_t kIirNone = 0x01, kIirRls = 0x06, kIirRda = 0x04, kIirTimeout = 0x0c,
                  kIirThre = 0x02, kIirMs = 0x00, kIirFifo = 0xc0;
// With no host modem lines, a connected terminal: CTS, DSR and DCD asserted.
constexpr uint8_t kMsrIdle = 0xb0;
constexpr uint8_t kMsrDeltas = 0x0f;

// Modem status lines the MCR outputs drive in loopback: RTS->CTS, DTR->DSR,
// OUT1->RI, OUT2->DCD.
uint8_t loopback_status(uint8_t mcr) {
    return static_cast<uint8_t>(((mcr & 0x02) << 3) | ((mcr & 0x01) << 5) | ((mcr & 0x04) << 4) |
                                ((mcr & 0x08) << 4));
}
}  // namespace

Uart16550::Uart16550(CharBackend* backend, IrqLine irq) : backend_(backend), irq_(irq) { reset(); }

void Uart16550::reset() {
    ier_ = fcr_ = lcr_ = mcr_ = lsr_ = scr_ = 0;
    dll_ = dlm_ = 0;
    msr_ = kMsrIdle;
    clear_rx();
    thr_ipending_ = false;
    sent_since_lsr_ = false;
    update_irq();
}

bool Uart16550::can_receive() const { return !loopback() && rx_count_ < rx_capacity(); }

void Uart16550::receive(uint8_t byte) {
    if (loopback())
        return;  // the serial input pin is disconnected in loopback
    push_rx(byte);
    update_irq();
}

void Uart16550::push_rx(uint8_t byte) {
    if (rx_count_ >= rx_capacity()) {
        lsr_ |= kLsrOe;
        // Without FIFOs the holding register is overwritten; a full FIFO keeps its contents.
        if (!fifo_enabled())
            rx_[rx_head_] = byte;
        return;
    }
    rx_[(rx_head_ + rx_count_) % kFifoSize] = byte;
    rx_count_++;
}

uint8_t Uart16550::pop_rx() {
    if (rx_count_ == 0)
        return 0;
    uint8_t b = rx_[rx_head_];
    rx_head_ = (rx_head_ + 1) % kFifoSize;
    rx_count_--;
    return b;
}

void Uart16550::clear_rx() { rx_head_ = rx_count_ = 0; }

void Uart16550::transmit(uint8_t byte) {
    if (loopback()) {
        push_rx(byte);
    } else if (backend_) {
        backend_->write(byte);
        sent_since_lsr_ = true;
    }
}

void Uart16550::write_fcr(uint8_t v) {
    // Toggling FIFO enable flushes both FIFOs; other bits only take effect with it set.
    if ((v ^ fcr_) & 0x01)
        clear_rx();
    if (!(v & 0x01)) {
        fcr_ = 0;
        return;
    }
    if (v & 0x02)
        clear_rx();
    // Bit 2 (TX reset) has nothing to do: transmission is instantaneous.
    fcr_ = v & 0xc9;
}

void Uart16550::write_mcr(uint8_t v) {
    uint8_t old_status = msr_ & 0xf0;
    mcr_ = v & 0x1f;
    uint8_t status = loopback() ? loopback_status(mcr_) : kMsrIdle;
    uint8_t changed = old_status ^ status;
    uint8_t deltas = 0;
    if (changed & 0x10)
        deltas |= 0x01;  // DCTS
    if (changed & 0x20)
        deltas |= 0x02;  // DDSR
    if ((changed & 0x40) && !(status & 0x40))
        deltas |= 0x04;  // TERI: trailing edge only
    if (changed & 0x80)
        deltas |= 0x08;  // DDCD
    msr_ = static_cast<uint8_t>(status | (msr_ & kMsrDeltas) | deltas);
}

uint8_t Uart16550::read_msr() {
    uint8_t v = msr_;
    msr_ &= static_cast<uint8_t>(~kMsrDeltas);
    update_irq();
    return v;
}

uint8_t Uart16550::compute_iir() const {
    uint8_t id = kIirNone;
    if ((ier_ & kIerRls) && (lsr_ & kLsrErrors)) {
        id = kIirRls;
    } else if ((ier_ & kIerRda) && rx_count_ > 0) {
        // No notion of character time here: data below the trigger level reports the
        // character-timeout source at once, so the guest still drains it.
        static constexpr unsigned kTrigger[4] = {1, 4, 8, 14};
        id = (!fifo_enabled() || rx_count_ >= kTrigger[fcr_ >> 6]) ? kIirRda : kIirTimeout;
    } else if ((ier_ & kIerThre) && thr_ipending_) {
        id = kIirThre;
    } else if ((ier_ & kIerMs) && (msr_ & kMsrDeltas)) {
        id = kIirMs;
    }
    return static_cast<uint8_t>(id | (fifo_enabled() ? kIirFifo : 0));
}

void Uart16550::update_irq() {
    bool level = (compute_iir() & kIirNone) == 0;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_.set(level);
    }
}

uint64_t Uart16550::read(uint64_t offset, unsigned size) {
    if (offset >= 8) {
        GUEST_ERROR("uart16550: read of unknown offset 0x%llx\n", (unsigned long long)offset);
        return 0;
    }
    // Registers are 8 bits wide; a wider access acts on the byte register (as QEMU does).
    if (size != 1)
        GUEST_ERROR("uart16550: %u-byte read at 0x%llx\n", size, (unsigned long long)offset);
    uint8_t v = 0;
    switch (offset) {
        case kRbrThr:
            if (lcr_ & kLcrDlab) {
                v = dll_;
            } else {
                if (backend_) backend_->flush();  // the guest reads input: show what it wrote
                v = pop_rx();
                update_irq();
            }
            break;
        case kIer: v = (lcr_ & kLcrDlab) ? dlm_ : ier_; break;
        case kIirFcr:
            v = compute_iir();
            if ((v & 0x0f) == kIirThre) {
                thr_ipending_ = false;
                update_irq();
            }
            break;
        case kLcr: v = lcr_; break;
        case kMcr: v = mcr_; break;
        case kLsr:
            v = static_cast<uint8_t>(lsr_ | kLsrThre | kLsrTemt | (rx_count_ ? kLsrDr : 0));
            lsr_ &= static_cast<uint8_t>(~kLsrErrors);
            update_irq();
            // A transmit loop reads LSR once per byte; two reads in a row mean polling.
            if (!sent_since_lsr_ && backend_) backend_->flush();
            sent_since_lsr_ = false;
            break;
        case kMsr: v = read_msr(); break;
        case kScr: v = scr_; break;
    }
    return v;
}

void Uart16550::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset >= 8) {
        GUEST_ERROR("uart16550: write of unknown offset 0x%llx\n", (unsigned long long)offset);
        return;
    }
    if (size != 1)
        GUEST_ERROR("uart16550: %u-byte write at 0x%llx\n", size, (unsigned long long)offset);
    uint8_t v = static_cast<uint8_t>(value);
    switch (offset) {
        case kRbrThr:
            if (lcr_ & kLcrDlab) {
                dll_ = v;
                break;
            }
            thr_ipending_ = false;
            transmit(v);
            // The byte leaves at once, so THR is empty again and THRE re-arms.
            if (ier_ & kIerThre)
                thr_ipending_ = true;
            break;
        case kIer:
            if (lcr_ & kLcrDlab) {
                dlm_ = v;
                break;
            }
            // Enabling ETBEI with THR empty raises THRE at once (guests probe for this).
            if ((v ^ ier_) & kIerThre)
                thr_ipending_ = (v & kIerThre) != 0;
            ier_ = v & 0x0f;
            break;
        case kIirFcr: write_fcr(v); break;
        case kLcr: lcr_ = v; break;
        case kMcr: write_mcr(v); break;
        case kLsr:
        case kMsr:
            GUEST_ERROR("uart16550: write 0x%02x to read-only register %llu\n", v,
                        (unsigned long long)offset);
            break;
        case kScr: scr_ = v; break;
    }
    update_irq();
}

}  // namespace tessera
