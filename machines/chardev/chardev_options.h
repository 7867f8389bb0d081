// -chardev BACKEND,id=ID[,PROP=VALUE...], as QEMU spells it:
//   null | stdio | file,path=F[,append=on] |
//   socket,host=H,port=P[,server=on][,wait=off][,nodelay=on] | socket,path=UNIX[,server=on][,wait=off]
// and the checks that need the whole command line (ids unique, stdio used once).
#pragma once
#include <string>

#include "machines/machine_config.h"

namespace tessera {

// Throws ConfigError (one line) for an unknown backend or property, a missing id, a bad value.
ChardevConfig parse_chardev_option(const std::string& spec);
// Ids are unique; stdio has one user: the serial port (serial_stdio) or one -chardev stdio
// (QEMU: "cannot use stdio by multiple character devices"). Throws ConfigError.
void check_chardevs(const MachineConfig& cfg);
// "on", "yes", "true" / "off", "no", "false"; throws ConfigError naming what for otherwise.
bool parse_on_off(const std::string& value, const std::string& what);

}  // namespace tessera
