// Stand-ins the device unit tests share: interrupt sinks that record what devices drive, and
// a serial backend that captures output.
#pragma once
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/irq.h"
#include "machines/host_io.h"

namespace tessera::test {

// Every set_irq call in order, and the last level seen.
struct RecordingSink : IrqSink {
    std::vector<std::pair<unsigned, bool>> events;
    bool level = false;
    void set_irq(unsigned line, bool l) override {
        events.emplace_back(line, l);
        level = l;
    }
};

// The current level of each line, and how many calls were made.
struct LevelSink : IrqSink {
    std::map<unsigned, bool> level;
    int changes = 0;
    void set_irq(unsigned line, bool l) override {
        level[line] = l;
        changes++;
    }
    bool at(unsigned line) { return level[line]; }
};

// Bytes written, and flushes.
struct Capture : CharBackend {
    std::vector<uint8_t> out;
    int flushes = 0;
    void write(uint8_t b) override { out.push_back(b); }
    void flush() override { flushes++; }
};

}  // namespace tessera::test
