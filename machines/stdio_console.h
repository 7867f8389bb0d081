// The console on the host's stdout. Output is buffered: one write(2) per byte cost the
// guest a system call per character and woke the reader (a terminal, a pipe) for each,
// which on a boot to U-Boot's prompt was 2000 syscalls and wakeups.
#pragma once
#include <functional>
#include <string>

#include "machines/host_io.h"

namespace tessera {

class StdioConsole : public CharBackend {
public:
    // on_closed: the reader went away (EPIPE); called once, on the writing thread.
    explicit StdioConsole(int fd, std::function<void()> on_closed = {}) : fd_(fd), on_closed_(std::move(on_closed)) {}
    ~StdioConsole() override { flush(); }
    // Buffered until a newline, a full buffer, or flush().
    void write(uint8_t byte) override;
    // Writes out what is buffered. The UART calls it when the guest polls without
    // transmitting; the board calls it whenever the vCPU leaves the executor.
    void flush() override;

private:
    static constexpr size_t kMax = 4096;
    int fd_;
    std::function<void()> on_closed_;
    bool closed_ = false;
    std::string buf_;
};

}  // namespace tessera
