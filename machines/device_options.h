// -device NAME[,PROP[=VALUE]...], as QEMU spells it: the name of a device (or an alias), then
// its properties; ",," is a comma inside a value, a property without a value means "on".
#pragma once
#include <string>

#include "machines/machine_config.h"

namespace tessera {

// Throws ConfigError (one line) for an unknown device or property. `help` alone, or as a
// property, asks for a listing instead: *help becomes "*" (every device) or the device's
// name (its properties), and the returned config is not to be used.
DeviceConfig parse_device_option(const std::string& spec, std::string* help);
// The text for -device help ("*") or -device NAME,help.
std::string device_help_text(const std::string& help);

}  // namespace tessera
