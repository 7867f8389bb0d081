// ARM PrimeCell UART PL011 (r1p5 register map), as QEMU's aarch64 virt has it.
// Transmission is instantaneous; there is no character time, so the receive timeout fires
// as soon as data waits below the FIFO trigger level.
#pragma once
#include <cstdint>

#include "core/irq.h"
#include "machines/host_io.h"
#include "softmmu/device.h"

namespace tessera {

class Pl011 : public Device, public SerialInput {
public:
    static constexpr uint64_t kRegionSize = 0x1000;
    static constexpr unsigned kFifoSize = 32;

    // UARTRIS / UARTIMSC bits; irq = (RIS & IMSC) != 0 (the combined UARTINTR line).
    enum : uint32_t {
        kIntRi = 1u << 0, kIntCts = 1u << 1, kIntDcd = 1u << 2, kIntDsr = 1u << 3,
        kIntRx = 1u << 4, kIntTx = 1u << 5, kIntRt = 1u << 6, kIntFe = 1u << 7,
        kIntPe = 1u << 8, kIntBe = 1u << 9, kIntOe = 1u << 10, kIntAll = 0x7ff,
    };

    // backend may be null (output discarded); irq is a level line.
    Pl011(CharBackend* backend, IrqLine irq);

    const char* name() const override { return "pl011"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    // Input side, called by the board on the vCPU thread. The receiver takes bytes only
    // while UARTEN and RXE are set (and not in loopback): until then the host's input
    // waits in the Machine's queue, as behind a deasserted RTS.
    bool can_receive() const override;
    void receive(uint8_t byte) override;

    bool irq_level() const { return irq_level_; }
    uint16_t ibrd() const { return ibrd_; }
    uint8_t fbrd() const { return fbrd_; }

private:
    bool fifo_enabled() const { return (lcr_h_ & 0x10) != 0; }
    bool loopback() const { return (cr_ & 0x80) != 0; }
    bool rx_enabled() const { return (cr_ & 0x201) == 0x201; }  // UARTEN and RXE
    unsigned rx_capacity() const { return fifo_enabled() ? kFifoSize : 1; }
    unsigned rx_trigger() const;
    uint32_t modem_status(uint32_t cr) const;
    uint32_t read_reg(uint64_t reg);
    void write_reg(uint64_t reg, uint32_t v);
    void push_rx(uint8_t byte);
    uint32_t pop_rx();
    void clear_rx();
    void rx_levels();
    void transmit(uint8_t byte);
    void write_cr(uint32_t v);
    void update_irq();

    CharBackend* backend_;
    IrqLine irq_;
    bool irq_level_ = false;
    // Set by a transmit, cleared by an FR read: a second FR read with no byte between
    // means the guest is polling, so what it wrote should reach the host now.
    bool sent_since_fr_ = false;

    uint8_t rx_[kFifoSize] = {};
    unsigned rx_head_ = 0, rx_count_ = 0;

    uint32_t rsr_ = 0, ilpr_ = 0, lcr_h_ = 0, cr_ = 0, ifls_ = 0, imsc_ = 0, ris_ = 0, dmacr_ = 0;
    uint16_t ibrd_ = 0;
    uint8_t fbrd_ = 0;
};

}  // namespace tessera
