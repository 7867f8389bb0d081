// The accelerator registry: every accelerator Tessera has, by name (-accel NAME, -accel help).
#pragma once
#include <string>
#include <vector>

#include "core/accel.h"

namespace tessera {

const std::vector<const AccelInfo*>& accelerators();
// Throws ConfigError listing what exists.
const AccelInfo& find_accel(const std::string& name);
std::string accels_help();

}  // namespace tessera
