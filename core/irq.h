// Interrupt wiring: a device holds IrqLines; whatever receives them (an interrupt
// controller or a CPU's interrupt pins) implements IrqSink.
#pragma once

namespace tessera {

class IrqSink {
public:
    virtual ~IrqSink() = default;
    virtual void set_irq(unsigned line, bool level) = 0;
};

struct IrqLine {
    IrqSink* sink = nullptr;
    unsigned line = 0;
    void set(bool level) const {
        if (sink) sink->set_irq(line, level);
    }
    void raise() const { set(true); }
    void lower() const { set(false); }
};

}  // namespace tessera
