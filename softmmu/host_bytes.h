// Guest memory in host memory: little-endian values of 1, 2, 4 or 8 bytes. A memcpy of a
// variable size is a call into libc; the slow paths and page walks make millions of these.
#pragma once
#include <cstdint>
#include <cstring>

namespace tessera {

inline uint64_t host_load(const uint8_t* p, unsigned size) {
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
    default: { uint64_t v = 0; memcpy(&v, p, size < 8 ? size : 8); return v; }
    }
}

inline void host_store(uint8_t* p, unsigned size, uint64_t v) {
    switch (size) {
    case 1: *p = uint8_t(v); return;
    case 2: { uint16_t x = uint16_t(v); memcpy(p, &x, 2); return; }
    case 4: { uint32_t x = uint32_t(v); memcpy(p, &x, 4); return; }
    case 8: memcpy(p, &v, 8); return;
    default: memcpy(p, &v, size < 8 ? size : 8); return;
    }
}

}  // namespace tessera
