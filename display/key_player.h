// -keys: a virtual keyboard on its own thread, replaying a parsed key script
// (display/key_script.h) into the input path from when the guest starts.
#pragma once
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "display/input.h"
#include "display/key_script.h"

namespace tessera {

class KeyPlayer {
public:
    KeyPlayer(InputHub& hub, std::vector<KeyAction> script) : hub_(hub), script_(std::move(script)) {}
    ~KeyPlayer() { stop(); }
    void start();
    // Ends the replay early (keys still held are released) and joins the thread.
    void stop();
    // True once every action has been sent.
    bool done() const;

private:
    void run();

    InputHub& hub_;
    std::vector<KeyAction> script_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false, done_ = false;
    std::thread thread_;
};

}  // namespace tessera
