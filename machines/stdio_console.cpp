#include "machines/stdio_console.h"

#include <unistd.h>

#include <cerrno>

namespace tessera {

void StdioConsole::write(uint8_t byte) {
    buf_ += char(byte);
    if (byte == '\n' || buf_.size() >= kMax) flush();
}

void StdioConsole::flush() {
    size_t done = 0;
    while (done < buf_.size()) {
        ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EPIPE && !closed_) {  // nobody reads: end the run, as `head` expects
            closed_ = true;
            if (on_closed_) on_closed_();
        }
        if (n <= 0) break;  // the output is lost
        done += size_t(n);
    }
    buf_.clear();
}

}  // namespace tessera
