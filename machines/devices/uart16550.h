// NS16550A UART as QEMU's riscv64 virt has it (reg-shift 0, 8-bit registers).
#pragma once
#include <cstdint>

#include "core/irq.h"
#include "machines/host_io.h"
#include "softmmu/device.h"

namespace tessera {

class Uart16550 : public Device, public SerialInput {
public:
    static constexpr uint64_t kRegionSize = 0x100;
    static constexpr unsigned kFifoSize = 16;

    // backend may be null (output discarded); irq is a level line.
    Uart16550(CharBackend* backend, IrqLine irq);

    const char* name() const override { return "uart16550"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    // Input side, called by the board on the vCPU thread.
    bool can_receive() const override;
    void receive(uint8_t byte) override;

    bool irq_level() const { return irq_level_; }
    uint16_t divisor() const { return static_cast<uint16_t>(dll_ | (dlm_ << 8)); }

private:
    bool fifo_enabled() const { return (fcr_ & 0x01) != 0; }
    bool loopback() const { return (mcr_ & 0x10) != 0; }
    unsigned rx_capacity() const { return fifo_enabled() ? kFifoSize : 1; }
    void push_rx(uint8_t byte);
    uint8_t pop_rx();
    void clear_rx();
    void transmit(uint8_t byte);
    void write_fcr(uint8_t v);
    void write_mcr(uint8_t v);
    uint8_t compute_iir() const;
    uint8_t read_msr();
    void update_irq();

    CharBackend* backend_;
    IrqLine irq_;
    // Set by a transmit, cleared by an LSR read: a second LSR read with no byte between
    // means the guest is polling (for input, or idly), not feeding the transmitter.
    bool sent_since_lsr_ = false;
    bool irq_level_ = false;

    uint8_t rx_[kFifoSize] = {};
    unsigned rx_head_ = 0, rx_count_ = 0;

    uint8_t ier_ = 0, fcr_ = 0, lcr_ = 0, mcr_ = 0, lsr_ = 0, msr_ = 0, scr_ = 0;
    uint8_t dll_ = 0, dlm_ = 0;
    // Set when THR becomes empty with ETBEI on; cleared by reading IIR while it is the
    // reported source, by writing THR, or by disabling ETBEI.
    bool thr_ipending_ = false;
};

}  // namespace tessera
