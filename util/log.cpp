#include "util/log.h"

namespace tessera {

uint32_t g_log_mask = 0;
static FILE* g_log = nullptr;

FILE* log_file() { return g_log ? g_log : stderr; }
void log_set_file(FILE* f) { g_log = f; }

void log_printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file(), fmt, ap);
    va_end(ap);
}

}  // namespace tessera
