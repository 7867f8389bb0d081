// A character device backend (-chardev): the host side of a byte stream a device (a
// virtio-serial port) reads and writes. QEMU's backends: null, stdio, file, socket.
//
// Threads: the device calls write/read/input_available on the vCPU thread; a backend's own
// thread moves the bytes to and from the host (a file, stdout, a socket), so the vCPU never
// waits for a slow reader. Both directions are bounded buffers:
//  - output: write() takes what fits and returns the count; the device keeps the rest in its
//    queue (backpressure on the guest) and is woken when room frees up. With nobody connected
//    (a socket without a client) output is dropped, as QEMU drops it.
//  - input: the backend's thread stops reading the host when the buffer is full, so a fast
//    sender meets TCP's flow control; the device is woken when bytes arrive.
// The wake callback runs on a backend thread; the device posts its work to the vCPU thread.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace tessera {

// A fixed-size byte FIFO (no locking of its own).
class ByteRing {
public:
    explicit ByteRing(size_t capacity) : buf_(capacity) {}
    size_t size() const { return size_; }
    size_t room() const { return buf_.size() - size_; }
    size_t push(const uint8_t* src, size_t len);
    // Copies up to len bytes from the front without taking them.
    size_t peek(uint8_t* dst, size_t len) const;
    void drop(size_t len);
    size_t pop(uint8_t* dst, size_t len) {
        size_t n = peek(dst, len);
        drop(n);
        return n;
    }
    void clear() { head_ = size_ = 0; }

private:
    std::vector<uint8_t> buf_;
    size_t head_ = 0, size_ = 0;
};

class Chardev {
public:
    static constexpr size_t kInputBytes = 64 * 1024, kOutputBytes = 256 * 1024;

    explicit Chardev(std::string id, size_t input_bytes = kInputBytes, size_t output_bytes = kOutputBytes)
        : in_(input_bytes), out_(output_bytes), id_(std::move(id)) {}
    virtual ~Chardev() = default;
    Chardev(const Chardev&) = delete;
    Chardev& operator=(const Chardev&) = delete;

    const std::string& id() const { return id_; }
    virtual const char* backend() const = 0;

    // The device using it sets this before the machine runs. Any thread calls it: input
    // arrived, room freed up after a short write, or a client came or went. Calls are merged
    // until the device calls rearm_wake().
    // Cleared (empty) by a device going away; after that returns, no call reaches it.
    void set_wake(std::function<void()> wake) {
        std::lock_guard<std::mutex> g(wake_mu_);
        wake_ = std::move(wake);
    }
    // vCPU thread, before the device looks at the chardev: the next event wakes it again.
    void rearm_wake() { woken_.store(false); }

    // vCPU thread.
    virtual size_t write(const uint8_t* data, size_t len);
    size_t read(uint8_t* dst, size_t len);
    size_t input_available();
    // Someone is at the host end (a socket's client); always true for null, stdio and file.
    bool connected() const { return connected_.load(); }

    // The machine is about to run: the backend starts its thread. A socket server with
    // wait=on waits here for its first client, polling stop() (true: give up).
    virtual void start(const std::function<bool()>& stop) { (void)stop; }
    // The machine has stopped: the thread ends, buffered output gets a moment to go out.
    virtual void stop() {}

protected:
    // Backend side (its thread, or the vCPU thread for stdio input).
    size_t push_input(const uint8_t* src, size_t len);  // what fits; wakes the device
    size_t input_room();
    void set_connected(bool c);
    void wake();
    // write() appended output to an empty buffer / read() made room in a full input buffer:
    // the backend's thread has something new to do.
    virtual void kick_thread() {}

    std::mutex mu_;
    ByteRing in_, out_;
    bool out_refused_ = false;  // a write() came back short: wake the device when room frees
    std::atomic<bool> connected_{true};

private:
    std::string id_;
    std::mutex wake_mu_;  // held while calling wake_, so clearing it waits out a call
    std::function<void()> wake_;
    std::atomic<bool> woken_{false};
};

// -chardev null: output vanishes, no input.
class NullChardev : public Chardev {
public:
    using Chardev::Chardev;
    const char* backend() const override { return "null"; }
    size_t write(const uint8_t*, size_t len) override { return len; }
};

}  // namespace tessera
