// The chardev backends that are host file descriptors, served by one thread each:
//  - file:   output appended to a file (created, truncated when the machine starts unless
//            append=on); no input.
//  - stdio:  output to stdout; input is the machine's stdin reader (machines/host_events.h,
//            with its raw terminal mode and Ctrl-A x), handed over on the vCPU thread.
//  - socket: a TCP or Unix stream socket, server (one client at a time; wait=on holds the
//            machine until the first connects) or client. Input and output both ways.
// The thread polls an eventfd (new output, room for input, stop), the listening socket and
// the connection or output file, and never blocks in a write: the vCPU side only fills and
// drains the buffers of Chardev.
#pragma once
#include <atomic>
#include <string>
#include <thread>

#include "machines/chardev/chardev.h"
#include "machines/machine_config.h"

namespace tessera {

class StreamChardev : public Chardev {
public:
    enum class Kind { File, Stdio, Server, Client };

    // Opens the file, binds or connects the socket. Throws ConfigError (one line). A file it
    // created is removed again if the machine never starts (a later error on the command line).
    explicit StreamChardev(const ChardevConfig& cfg);
    ~StreamChardev() override;

    const char* backend() const override;
    void start(const std::function<bool()>& stop) override;
    void stop() override;

    // stdio: input from the machine's stdin reader (vCPU thread). What does not fit is left.
    size_t deliver_input(const uint8_t* src, size_t len) { return push_input(src, len); }
    bool can_take_input() { return input_room() > 0; }

    // Where a server listens: "tcp:127.0.0.1:4444" or "unix:/path" (for messages and tests).
    const std::string& address() const { return address_; }
    int listen_port() const { return listen_port_; }

private:
    void kick_thread() override;
    void loop();
    bool accept_client();
    void drop_client();
    // Writes what is buffered to fd; false on a broken connection or output.
    bool write_some(int fd);
    void finish_output();

    Kind kind_;
    std::string address_, unix_path_, file_path_;
    int listen_port_ = -1;
    int wake_fd_ = -1, listen_fd_ = -1, conn_fd_ = -1, out_fd_ = -1;
    bool append_ = false, created_file_ = false, started_ = false, wait_ = false;
    bool output_broken_ = false;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace tessera
