// What the command line asks a board for, independent of the board and of the accelerator.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "machines/net/netdev_config.h"
#include "machines/block/block_backend.h"
#include "util/error.h"

namespace tessera {

// -device NAME[,PROP=VALUE...] (machines/device_options.h), checked against the device's
// name and properties when it was parsed.
struct DeviceConfig {
    std::string driver;  // the device's canonical name (an alias resolved)
    std::vector<std::pair<std::string, std::string>> props;  // in command-line order
    // The value of the last `key=`, or null.
    const std::string* prop(const std::string& key) const {
        for (auto it = props.rbegin(); it != props.rend(); ++it)
            if (it->first == key) return &it->second;
        return nullptr;
    }
};

// -chardev BACKEND,id=ID[,PROP=VALUE...] (machines/chardev/chardev_options.h): a host-side
// character stream (stdio, a file, a TCP or Unix socket, nothing) for a device to use.
struct ChardevConfig {
    std::string backend;  // null, stdio, file, socket
    std::string id;
    std::vector<std::pair<std::string, std::string>> props;  // checked for the backend, id left out
    const std::string* prop(const std::string& key) const {
        for (auto it = props.rbegin(); it != props.rend(); ++it)
            if (it->first == key) return &it->second;
        return nullptr;
    }
};

// -display, -screendump, -keys (display/display_options.h).
struct DisplayConfig {
    std::string mode;        // "sdl", "none"; empty: the window when one can open, else none
    std::string screendump;  // -screendump FILE.png: the last frame, written when Tessera exits
    std::string keys;        // -keys FILE: key presses replayed into the input path
    bool full_screen = false;   // -display sdl,full-screen=on
    bool window_close = true;   // -display sdl,window-close=off: closing the window does not quit
    std::string board;          // the board's name, for the window's title
};

struct MachineConfig {
    uint64_t ram_size = 128ull << 20;
    std::string cpu;   // a CPU model of the board (-cpu); empty: the board's default
    std::string bios;  // empty: the board's default firmware; "none": no firmware
    std::string kernel, initrd, append, dtb;
    bool serial_stdio = true;
    std::string firmware_dir;  // where the project's own firmware was built
    std::string dumpdtb;       // -M ...,dumpdtb=FILE: write the device tree there and exit
    // -M ...,dtb-randomness=on|off: /chosen gets rng-seed (and on ARM kaslr-seed) from the
    // host's random source, as on QEMU (the guest's entropy is ready at once, KASLR is on).
    bool dtb_randomness = true;
    std::string gdb;           // -gdb tcp::PORT (-s: tcp::1234): serve a debugger there; empty: none
    bool gdb_wait = false;     // -S: wait for the debugger before the first instruction
    std::vector<DeviceConfig> devices;  // -device, in command-line order
    // -netdev and -nic (machines/net/net_options.h): the host-side networks NICs connect to
    std::vector<NetdevConfig> netdevs;
    // -drive, in command-line order, each with an id (machines/virtio/virtio_blk_options.h
    // names the anonymous ones and adds a virtio-blk-device for each if=virtio drive).
    std::vector<block::DriveOptions> drives;
    std::vector<ChardevConfig> chardevs;  // -chardev, in command-line order
    DisplayConfig display;
};

}  // namespace tessera
