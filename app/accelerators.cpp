#include "app/accelerators.h"

#include "backends/exec/tcg_accel.h"
#include "util/error.h"

namespace tessera {

const std::vector<const AccelInfo*>& accelerators() {
    static const std::vector<const AccelInfo*> all = {&TcgAccel::info()};
    return all;
}

const AccelInfo& find_accel(const std::string& name) {
    std::string names;
    for (const AccelInfo* a : accelerators()) {
        if (name == a->name) return *a;
        names += (names.empty() ? "" : ", ") + std::string(a->name);
    }
    throw ConfigError{"-accel: unsupported accelerator '" + name + "' (available: " + names + ")"};
}

std::string accels_help() {
    std::string s = "Accelerators:\n";
    for (const AccelInfo* a : accelerators()) {
        s += std::string("  ") + a->name + "  " + a->description + "\n";
        for (const AccelProperty& p : a->props) {
            char line[512];
            snprintf(line, sizeof line, "      %-34s %s\n", p.name, p.help);
            s += line;
        }
    }
    return s;
}

}  // namespace tessera
