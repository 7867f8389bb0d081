#include "machines/chardev/chardev_options.h"

#include <cstdlib>

#include "util/error.h"

namespace tessera {

namespace {

struct Backend {
    const char* name;
    std::vector<const char*> props;  // besides id and mux
};

const std::vector<Backend>& backends() {
    static const std::vector<Backend> b = {
        {"null", {}},
        {"stdio", {}},
        {"file", {"path", "append"}},
        {"socket", {"host", "port", "path", "server", "wait", "nowait", "nodelay"}},
    };
    return b;
}

std::string backend_names() {
    std::string s;
    for (const Backend& b : backends()) s += (s.empty() ? "" : ", ") + std::string(b.name);
    return s;
}

// Splits at single commas; ",," is a comma inside a value (as -device).
std::vector<std::string> split_items(const std::string& spec) {
    std::vector<std::string> items(1);
    for (size_t i = 0; i < spec.size(); i++) {
        if (spec[i] != ',') items.back() += spec[i];
        else if (i + 1 < spec.size() && spec[i + 1] == ',') items.back() += ',', i++;
        else items.emplace_back();
    }
    return items;
}

}  // namespace

bool parse_on_off(const std::string& v, const std::string& what) {
    if (v == "on" || v == "yes" || v == "true") return true;
    if (v == "off" || v == "no" || v == "false") return false;
    throw ConfigError{what + ": '" + v + "' is not on or off"};
}

ChardevConfig parse_chardev_option(const std::string& spec) {
    std::vector<std::string> items = split_items(spec);
    ChardevConfig cfg;
    cfg.backend = items[0];
    const Backend* backend = nullptr;
    for (const Backend& b : backends())
        if (cfg.backend == b.name) backend = &b;
    if (!backend)
        throw ConfigError{"-chardev: unknown backend '" + cfg.backend + "' (available: " + backend_names() + ")"};
    std::string what = "-chardev " + cfg.backend;
    for (size_t i = 1; i < items.size(); i++) {
        size_t eq = items[i].find('=');
        std::string key = items[i].substr(0, eq), value = eq == std::string::npos ? "on" : items[i].substr(eq + 1);
        if (key == "id") {
            cfg.id = value;
            continue;
        }
        if (key == "mux") {
            if (parse_on_off(value, what + ",mux"))
                throw ConfigError{what + ": mux=on is not supported (a chardev has one user; the serial port "
                                         "takes stdio unless -serial none)"};
            continue;
        }
        bool known = false;
        for (const char* p : backend->props) known |= key == p;
        if (!known) {
            std::string avail = "id";
            for (const char* p : backend->props)
                if (std::string(p) != "nowait") avail += std::string(", ") + p;
            throw ConfigError{what + ": unknown property '" + key + "' (available: " + avail + ")"};
        }
        if (key == "nowait") key = "wait", value = parse_on_off(value, what + ",nowait") ? "off" : "on";
        if (key == "append" || key == "server" || key == "wait" || key == "nodelay")
            value = parse_on_off(value, what + "," + key) ? "on" : "off";
        if (key == "port") {
            char* end = nullptr;
            long p = value.empty() ? -1 : strtol(value.c_str(), &end, 10);
            if (p < 0 || p > 65535 || *end) throw ConfigError{what + ": bad port '" + value + "' (0 to 65535)"};
        }
        cfg.props.emplace_back(key, value);
    }
    if (cfg.id.empty()) throw ConfigError{what + ": an id is needed (id=NAME)"};
    what += ",id=" + cfg.id;
    if (cfg.backend == "file" && (!cfg.prop("path") || cfg.prop("path")->empty()))
        throw ConfigError{what + ": a path is needed (path=FILE)"};
    if (cfg.backend == "socket") {
        bool unix_path = cfg.prop("path") != nullptr, port = cfg.prop("port") != nullptr;
        if (unix_path == port)
            throw ConfigError{what + ": give either host=H,port=P (TCP) or path=P (a Unix socket)"};
        if (unix_path && cfg.prop("path")->empty()) throw ConfigError{what + ": an empty path"};
        if (unix_path && cfg.prop("host")) throw ConfigError{what + ": host= goes with port=, not path="};
    }
    return cfg;
}

void check_chardevs(const MachineConfig& cfg) {
    const ChardevConfig* stdio = nullptr;
    for (size_t i = 0; i < cfg.chardevs.size(); i++) {
        const ChardevConfig& c = cfg.chardevs[i];
        for (size_t j = 0; j < i; j++)
            if (cfg.chardevs[j].id == c.id) throw ConfigError{"-chardev: duplicate id '" + c.id + "'"};
        if (c.backend != "stdio") continue;
        if (stdio || cfg.serial_stdio)
            throw ConfigError{"-chardev stdio,id=" + c.id + ": cannot use stdio by multiple character devices (" +
                              (stdio ? "-chardev " + stdio->id + " has it" : std::string("the serial port has it; add -serial none")) +
                              ")"};
        stdio = &c;
    }
}

}  // namespace tessera
