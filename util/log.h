// Logging for -d / -D: one mask of categories, one output file.
#pragma once
#include <cstdarg>
#include <cstdint>
#include <cstdio>

namespace tessera {

enum LogCategory : uint32_t {
    LOG_IN_ASM = 1u << 0,
    LOG_OP = 1u << 1,
    LOG_INT = 1u << 2,
    LOG_MMU = 1u << 3,
    LOG_GUEST_ERROR = 1u << 4,
    LOG_EXEC = 1u << 5,
    LOG_LLVM = 1u << 6,
    LOG_OUT_ASM = 1u << 7,
};

extern uint32_t g_log_mask;
FILE* log_file();
void log_set_file(FILE* f);

inline bool log_enabled(uint32_t cat) { return (g_log_mask & cat) != 0; }
void log_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// A guest did something a device or CPU model does not accept; never fatal to the host.
#define TLOG(cat, ...)                                        \
    do {                                                      \
        if (::tessera::log_enabled(cat)) ::tessera::log_printf(__VA_ARGS__); \
    } while (0)
#define GUEST_ERROR(...) TLOG(::tessera::LOG_GUEST_ERROR, __VA_ARGS__)

}  // namespace tessera
