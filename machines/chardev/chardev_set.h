// Every -chardev of a machine, opened when the machine is made (so a bad path or a port in use
// is an error before the guest runs) and started when it runs. Devices claim theirs by id;
// a chardev has one user. The Machine owns the set and feeds stdin to a stdio chardev.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "machines/chardev/chardev.h"
#include "machines/machine_config.h"

namespace tessera {

class StreamChardev;

class ChardevSet {
public:
    // Opens cfg.chardevs (check_chardevs has passed). Throws ConfigError.
    explicit ChardevSet(const MachineConfig& cfg);
    ~ChardevSet();

    // For the device `user` (its name, for messages): the chardev `id`, which no other
    // device has claimed. Throws ConfigError otherwise.
    Chardev& claim(const std::string& id, const std::string& user);
    Chardev* find(const std::string& id);
    // The stdio chardev, if there is one (it takes the machine's stdin).
    StreamChardev* stdio() { return stdio_; }
    // The machine starts: every backend's thread; a socket with wait=on waits for a client
    // until stop() is true.
    void start(const std::function<bool()>& stop);
    // The machine stopped: threads end, buffered output goes out (a second at most each).
    void stop();

private:
    struct Entry {
        std::unique_ptr<Chardev> chr;
        std::string user;
    };
    std::vector<Entry> chardevs_;
    StreamChardev* stdio_ = nullptr;
};

}  // namespace tessera
