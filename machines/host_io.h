// What a board's devices offer the Machine's run loop (machines/machine.h): a serial port
// that takes host input, a host-side sink for its output, and devices with host-time deadlines.
#pragma once
#include <cstdint>

namespace tessera {

// Where transmitted bytes go (stdio, a file, a socket...).
class CharBackend {
public:
    virtual ~CharBackend() = default;
    virtual void write(uint8_t byte) = 0;
    // The guest has stopped transmitting for now: a buffering backend writes out.
    virtual void flush() {}
};

// A device that takes the host's console input.
class SerialInput {
public:
    virtual ~SerialInput() = default;
    virtual bool can_receive() const = 0;
    virtual void receive(uint8_t byte) = 0;
};

// A device whose state follows host time (a timer): brought up to date whenever the loop
// serves host events, and woken at its next deadline.
class Clocked {
public:
    virtual ~Clocked() = default;
    virtual void update() = 0;
    virtual uint64_t next_deadline_ns() const = 0;  // UINT64_MAX: none
};

}  // namespace tessera
