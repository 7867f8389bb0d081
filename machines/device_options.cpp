#include "machines/device_options.h"

#include "machines/virtio/virtio_registry.h"
#include "util/error.h"

namespace tessera {

namespace {

// Splits at single commas; ",," stays as one comma of the item.
std::vector<std::string> split_items(const std::string& spec) {
    std::vector<std::string> items(1);
    for (size_t i = 0; i < spec.size(); i++) {
        if (spec[i] != ',') {
            items.back() += spec[i];
        } else if (i + 1 < spec.size() && spec[i + 1] == ',') {
            items.back() += ',';
            i++;
        } else {
            items.emplace_back();
        }
    }
    return items;
}

std::string available_devices() {
    std::string s;
    for (const VirtioDeviceInfo& i : virtio_device_infos()) s += (s.empty() ? "" : ", ") + std::string(i.name);
    return s;
}

std::string available_props(const VirtioDeviceInfo& info) {
    std::string s = "id";
    for (const DeviceProp& p : info.props) s += ", " + std::string(p.name);
    return s;
}

}  // namespace

DeviceConfig parse_device_option(const std::string& spec, std::string* help) {
    std::vector<std::string> items = split_items(spec);
    const std::string& name = items[0];
    if (name == "help" || name == "?") {
        *help = "*";
        return {};
    }
    if (name.empty()) throw ConfigError{"-device: a device name is needed (-device help lists them)"};
    const VirtioDeviceInfo* info = find_virtio_device(name);
    if (!info) throw ConfigError{"-device: unknown device '" + name + "' (available: " + available_devices() + ")"};
    DeviceConfig cfg;
    cfg.driver = info->name;
    for (size_t i = 1; i < items.size(); i++) {
        const std::string& item = items[i];
        size_t eq = item.find('=');
        std::string key = item.substr(0, eq), value = eq == std::string::npos ? "on" : item.substr(eq + 1);
        if (key == "help" || key == "?") {
            *help = info->name;
            return {};
        }
        bool known = key == "id";
        for (const DeviceProp& p : info->props) known |= key == p.name;
        if (!known)
            throw ConfigError{"-device " + name + ": unknown property '" + key + "' (available: " + available_props(*info) + ")"};
        cfg.props.emplace_back(key, value);
    }
    return cfg;
}

std::string device_help_text(const std::string& help) {
    std::string out;
    if (help == "*") {
        out = "Devices (-device NAME[,PROP=VALUE...]):\n";
        for (const VirtioDeviceInfo& i : virtio_device_infos()) {
            out += "  " + std::string(i.name) + (i.alias ? std::string(" (alias ") + i.alias + ")" : "") + ": " +
                   i.description + "\n";
        }
        return out;
    }
    const VirtioDeviceInfo* info = find_virtio_device(help);
    if (!info) return "";
    out = std::string(info->name) + " properties:\n  id=NAME  a name for the device\n";
    for (const DeviceProp& p : info->props) out += "  " + std::string(p.name) + "  " + p.help + "\n";
    return out;
}

}  // namespace tessera
