#include "machines/devices/pl011.h"

#include "util/log.h"

namespace tessera {

namespace {
// Register offsets (ARM PrimeCell UART PL011 TRM, table 3-1).
constexpr uint64_t kDr = 0x000, kRsr = 0x004, kFr = 0x018, kIlpr = 0x020, kIbrd = 0x024,
                   kFbrd = 0x028, kLcrH = 0x02c, kCr = 0x030, kIfls = 0x034, kImsc = 0x038,
                   kRis = 0x03c, kMis = 0x040, kIcr = 0x044, kDmacr = 0x048, kId = 0xfe0;

constexpr uint32_t kFrCts = 1u << 0, kFrDsr = 1u << 1, kFrDcd = 1u << 2, kFrRxfe = 1u << 4,
                   kFrRxff = 1u << 6, kFrTxfe = 1u << 7, kFrRi = 1u << 8;
constexpr uint32_t kRsrOe = 1u << 3;
// CR: UARTEN, SIREN, SIRLP, LBE, TXE, RXE, DTR, RTS, Out1, Out2, RTSEn, CTSEn.
constexpr uint32_t kCrMask = 0xff87, kCrReset = 0x300;
constexpr uint32_t kCrDtr = 1u << 10, kCrRts = 1u << 11, kCrOut1 = 1u << 12, kCrOut2 = 1u << 13;
constexpr uint32_t kLcrHFen = 1u << 4;

// PeriphID0-3 then PCellID0-3: part 0x011, designer ARM, revision r1p5.
constexpr uint8_t kIdRegs[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
}  // namespace

Pl011::Pl011(CharBackend* backend, IrqLine irq) : backend_(backend), irq_(irq) { reset(); }

void Pl011::reset() {
    rsr_ = ilpr_ = lcr_h_ = imsc_ = dmacr_ = 0;
    ibrd_ = 0;
    fbrd_ = 0;
    cr_ = kCrReset;
    ifls_ = 0x12;  // both trigger levels at half full
    clear_rx();
    // The transmit FIFO is empty, so at or below any trigger level.
    ris_ = kIntTx;
    sent_since_fr_ = false;
    update_irq();
}

bool Pl011::can_receive() const {
    return rx_enabled() && !loopback() && rx_count_ < rx_capacity();
}

void Pl011::receive(uint8_t byte) {
    if (!rx_enabled() || loopback())
        return;  // the Machine asks can_receive() first; a byte now has nowhere to go
    push_rx(byte);
    update_irq();
}

unsigned Pl011::rx_trigger() const {
    if (!fifo_enabled())
        return 1;
    // 1/8, 1/4, 1/2, 3/4, 7/8 of 32 entries; the reserved encodings act as 1/2.
    static constexpr unsigned kLevels[8] = {4, 8, 16, 24, 28, 16, 16, 16};
    return kLevels[(ifls_ >> 3) & 7];
}

// The modem inputs as FR bits: a connected terminal, or in loopback the CR outputs
// (RTS->CTS, DTR->DSR, Out1->DCD, Out2->RI).
uint32_t Pl011::modem_status(uint32_t cr) const {
    if (!(cr & 0x80))
        return kFrCts | kFrDsr | kFrDcd;
    uint32_t s = 0;
    if (cr & kCrRts) s |= kFrCts;
    if (cr & kCrDtr) s |= kFrDsr;
    if (cr & kCrOut1) s |= kFrDcd;
    if (cr & kCrOut2) s |= kFrRi;
    return s;
}

void Pl011::push_rx(uint8_t byte) {
    if (rx_count_ >= rx_capacity()) {
        // Overrun: the FIFO (or holding register) keeps its contents, the new byte is lost.
        rsr_ |= kRsrOe;
        ris_ |= kIntOe;
        return;
    }
    rx_[(rx_head_ + rx_count_) % kFifoSize] = byte;
    rx_count_++;
    // Below the trigger level the receive timeout fires at once (no character time).
    ris_ |= rx_count_ >= rx_trigger() ? kIntRx : kIntRt;
}

uint32_t Pl011::pop_rx() {
    if (rx_count_ == 0)
        return 0;
    uint8_t b = rx_[rx_head_];
    rx_head_ = (rx_head_ + 1) % kFifoSize;
    rx_count_--;
    if (rx_count_ < rx_trigger())
        ris_ &= ~kIntRx;
    if (rx_count_ == 0)
        ris_ &= ~kIntRt;
    else if (rx_count_ < rx_trigger())
        ris_ |= kIntRt;  // what is left waits below the trigger: it times out
    return b;  // error bits FE/PE/BE/OE are never set: input arrives intact
}

void Pl011::clear_rx() {
    rx_head_ = rx_count_ = 0;
    ris_ &= ~(kIntRx | kIntRt);
}

// After the FIFO mode or the trigger level changed, the receive sources follow the fill.
void Pl011::rx_levels() {
    ris_ &= ~(kIntRx | kIntRt);
    if (rx_count_ >= rx_trigger())
        ris_ |= kIntRx;
    else if (rx_count_ > 0)
        ris_ |= kIntRt;
}

// Like QEMU, a byte is sent even with UARTEN or TXE clear: early boot code often writes DR
// without setting up the UART, and the output is more useful than the TRM's silence.
void Pl011::transmit(uint8_t byte) {
    if (loopback()) {
        if (rx_enabled())
            push_rx(byte);
    } else if (backend_) {
        backend_->write(byte);
        sent_since_fr_ = true;
    }
    ris_ |= kIntTx;  // the byte left at once: the FIFO is below its trigger level again
}

void Pl011::write_cr(uint32_t v) {
    uint32_t before = modem_status(cr_);
    cr_ = v & kCrMask;
    uint32_t changed = before ^ modem_status(cr_);
    if (changed & kFrCts) ris_ |= kIntCts;
    if (changed & kFrDsr) ris_ |= kIntDsr;
    if (changed & kFrDcd) ris_ |= kIntDcd;
    if (changed & kFrRi) ris_ |= kIntRi;
}

void Pl011::update_irq() {
    bool level = (ris_ & imsc_) != 0;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_.set(level);
    }
}

uint32_t Pl011::read_reg(uint64_t reg) {
    switch (reg) {
        case kDr: {
            if (backend_) backend_->flush();  // the guest reads input: show what it wrote
            uint32_t v = pop_rx();
            update_irq();
            return v;
        }
        case kRsr: return rsr_;
        case kFr: {
            uint32_t fr = modem_status(cr_) | kFrTxfe;  // never busy, never full
            if (rx_count_ == 0) fr |= kFrRxfe;
            if (rx_count_ >= rx_capacity()) fr |= kFrRxff;
            // A transmit loop reads FR once per byte; two reads in a row mean polling.
            if (!sent_since_fr_ && backend_) backend_->flush();
            sent_since_fr_ = false;
            return fr;
        }
        case kIlpr: return ilpr_;
        case kIbrd: return ibrd_;
        case kFbrd: return fbrd_;
        case kLcrH: return lcr_h_;
        case kCr: return cr_;
        case kIfls: return ifls_;
        case kImsc: return imsc_;
        case kRis: return ris_;
        case kMis: return ris_ & imsc_;
        case kDmacr: return dmacr_;
    }
    if (reg >= kId)
        return kIdRegs[(reg - kId) / 4];
    GUEST_ERROR("pl011: read of %s offset 0x%llx\n", reg == kIcr ? "write-only" : "unknown",
                (unsigned long long)reg);
    return 0;
}

void Pl011::write_reg(uint64_t reg, uint32_t v) {
    switch (reg) {
        case kDr: transmit(static_cast<uint8_t>(v)); break;
        case kRsr: rsr_ = 0; break;  // ECR: any write clears the error flags
        case kIlpr: ilpr_ = v & 0xff; break;
        case kIbrd: ibrd_ = static_cast<uint16_t>(v); break;
        case kFbrd: fbrd_ = static_cast<uint8_t>(v & 0x3f); break;
        case kLcrH:
            // Switching between FIFO and holding register discards what was received.
            if ((v ^ lcr_h_) & kLcrHFen)
                clear_rx();
            lcr_h_ = v & 0xff;
            rx_levels();
            break;
        case kCr: write_cr(v); break;
        case kIfls:
            ifls_ = v & 0x3f;
            rx_levels();
            break;
        case kImsc: imsc_ = v & kIntAll; break;
        case kIcr: ris_ &= ~v; break;
        case kDmacr: dmacr_ = v & 0x7; break;  // no DMA: the request lines stay idle
        default:
            GUEST_ERROR("pl011: write 0x%x to %s offset 0x%llx\n", v,
                        (reg == kFr || reg == kRis || reg == kMis || reg >= kId) ? "read-only"
                                                                                  : "unknown",
                        (unsigned long long)reg);
            return;
    }
    update_irq();
}

// Registers are 32 bits wide. Linux drives the PL011 with 16-bit accesses and earlycon with
// byte writes to DR, so narrower accesses within one register are fine; a narrow write
// stores the value zero-extended, as QEMU does.
uint64_t Pl011::read(uint64_t offset, unsigned size) {
    if (offset >= kRegionSize || (size != 1 && size != 2 && size != 4) || (offset & 3) + size > 4) {
        GUEST_ERROR("pl011: bad %u-byte read at 0x%llx\n", size, (unsigned long long)offset);
        return 0;
    }
    uint32_t v = read_reg(offset & ~3ull) >> (8 * (offset & 3));
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void Pl011::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset >= kRegionSize || (size != 1 && size != 2 && size != 4) || (offset & 3)) {
        GUEST_ERROR("pl011: bad %u-byte write at 0x%llx\n", size, (unsigned long long)offset);
        return;
    }
    uint32_t v = static_cast<uint32_t>(value);
    write_reg(offset, size == 4 ? v : v & ((1u << (8 * size)) - 1));
}

}  // namespace tessera
