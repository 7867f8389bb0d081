// -drive's syntax: key=value pairs split at commas, ",," for a comma inside a value.
#include "machines/block/block_backend.h"
#include "util/error.h"

namespace tessera::block {

namespace {

bool parse_flag(const std::string& key, const std::string& v) {
    if (v == "on" || v == "yes" || v == "true") return true;
    if (v == "off" || v == "no" || v == "false") return false;
    throw ConfigError{"-drive: " + key + "='" + v + "' is not on or off"};
}

}  // namespace

DriveOptions parse_drive_options(const std::string& spec) {
    DriveOptions o;
    bool have_file = false;
    size_t i = 0;
    while (i <= spec.size()) {
        std::string item;
        while (i < spec.size()) {
            if (spec[i] == ',') {
                if (i + 1 < spec.size() && spec[i + 1] == ',') {
                    item += ',';
                    i += 2;
                    continue;
                }
                break;
            }
            item += spec[i++];
        }
        i++;  // the separating comma (or the end)
        if (item.empty()) continue;
        size_t eq = item.find('=');
        if (eq == std::string::npos) throw ConfigError{"-drive: '" + item + "' is not key=value"};
        std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "file") {
            o.file = value;
            have_file = true;
        } else if (key == "format") {
            if (value != "raw" && value != "qcow2")
                throw ConfigError{"-drive: unknown format '" + value + "' (available: raw, qcow2)"};
            o.format = value;
        } else if (key == "if") {
            if (value != "virtio" && value != "none")
                throw ConfigError{"-drive: if=" + value + " is not supported (available: virtio, none)"};
            o.interface = value;
        } else if (key == "id") {
            o.id = value;
        } else if (key == "readonly") {
            o.read_only = parse_flag(key, value);
        } else if (key == "snapshot") {
            o.snapshot = parse_flag(key, value);
        } else if (key == "cache") {
            if (value != "writeback" && value != "none" && value != "writethrough" && value != "directsync" && value != "unsafe")
                throw ConfigError{"-drive: cache=" + value + " is not a cache mode (available: writeback, none, writethrough, directsync, unsafe)"};
            o.cache = value;
        } else if (key == "media") {
            if (value != "disk") throw ConfigError{"-drive: media=" + value + " is not supported (only disk)"};
        } else {
            throw ConfigError{"-drive: unknown option '" + key + "' (available: file, format, if, id, readonly, snapshot, cache, media)"};
        }
    }
    if (!have_file || o.file.empty()) throw ConfigError{"-drive: file= is missing"};
    return o;
}

const char* io_status_name(IoStatus s) {
    switch (s) {
    case IoStatus::ok: return "ok";
    case IoStatus::io_error: return "I/O error";
    case IoStatus::read_only: return "read-only";
    case IoStatus::out_of_range: return "out of range";
    }
    return "?";
}

}  // namespace tessera::block
