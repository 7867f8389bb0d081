// The console on the host's stdout. Output is buffered: one write(2) per byte cost the
// guest a system call per character and woke the reader (a terminal, a pipe) for each,
// which on a boot to U-Boot's prompt was 2000 syscalls and wakeups.
#pragma once
#include <string>

#include "machines/devices/uart16550.h"

namespace tessera {

class StdioConsole : public CharBackend {
public:
    explicit StdioConsole(int fd) : fd_(fd) {}
    ~StdioConsole() override { flush(); }
    // Buffered until a newline, a full buffer, or flush().
    void write(uint8_t byte) override;
    // Writes out what is buffered. The UART calls it when the guest polls without
    // transmitting; the board calls it whenever the vCPU leaves the executor.
    void flush() override;

private:
    static constexpr size_t kMax = 4096;
    int fd_;
    std::string buf_;
};

}  // namespace tessera
