#include "machines/chardev/chardev.h"

#include <algorithm>
#include <cstring>

namespace tessera {

size_t ByteRing::push(const uint8_t* src, size_t len) {
    len = std::min(len, room());
    size_t tail = (head_ + size_) % buf_.size();
    size_t first = std::min(len, buf_.size() - tail);
    memcpy(buf_.data() + tail, src, first);
    memcpy(buf_.data(), src + first, len - first);
    size_ += len;
    return len;
}

size_t ByteRing::peek(uint8_t* dst, size_t len) const {
    len = std::min(len, size_);
    size_t first = std::min(len, buf_.size() - head_);
    memcpy(dst, buf_.data() + head_, first);
    memcpy(dst + first, buf_.data(), len - first);
    return len;
}

void ByteRing::drop(size_t len) {
    len = std::min(len, size_);
    head_ = (head_ + len) % buf_.size();
    size_ -= len;
    if (size_ == 0) head_ = 0;
}

size_t Chardev::write(const uint8_t* data, size_t len) {
    bool was_empty;
    size_t n;
    {
        std::lock_guard<std::mutex> g(mu_);
        if (!connected_.load()) return len;  // nobody listens: dropped, as QEMU does
        was_empty = out_.size() == 0;
        n = out_.push(data, len);
        if (n < len) out_refused_ = true;
    }
    if (was_empty && n) kick_thread();
    return n;
}

size_t Chardev::read(uint8_t* dst, size_t len) {
    bool was_full;
    size_t n;
    {
        std::lock_guard<std::mutex> g(mu_);
        was_full = in_.room() == 0;
        n = in_.pop(dst, len);
    }
    if (was_full && n) kick_thread();  // the reader thread stopped reading: resume
    return n;
}

size_t Chardev::input_available() {
    std::lock_guard<std::mutex> g(mu_);
    return in_.size();
}

size_t Chardev::push_input(const uint8_t* src, size_t len) {
    size_t n;
    {
        std::lock_guard<std::mutex> g(mu_);
        n = in_.push(src, len);
    }
    if (n) wake();
    return n;
}

size_t Chardev::input_room() {
    std::lock_guard<std::mutex> g(mu_);
    return in_.room();
}

void Chardev::set_connected(bool c) {
    if (connected_.exchange(c) != c) wake();
}

void Chardev::wake() {
    std::lock_guard<std::mutex> g(wake_mu_);
    if (wake_ && !woken_.exchange(true)) wake_();
}

}  // namespace tessera
