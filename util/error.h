// A user-facing configuration or input error: one line, non-zero exit. Thrown by every layer
// that checks what the user gave (options, images, accelerator properties).
#pragma once
#include <string>

namespace tessera {

struct ConfigError {
    std::string message;
};

}  // namespace tessera
