// Debugger access to guest memory for any frontend: page by page through the frontend's own
// side-effect-free translation (phys), RAM and ROM only (a debugger's look must not disturb a
// device), writes noted so translated code there is retranslated.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "softmmu/vcpu.h"

namespace tessera {

// phys(va, &pa): the physical address of va for the debugger, or false. Returns the bytes
// copied (up to the first page that does not translate or is not memory).
template <typename Phys>
size_t debug_copy(Vcpu& c, uint64_t va, void* buf, size_t len, bool write, Phys phys) {
    size_t done = 0;
    while (done < len) {
        uint64_t a = va + done, pa;
        size_t chunk = std::min<uint64_t>(len - done, PAGE_SIZE - (a & ~PAGE_MASK));
        if (!phys(a, &pa)) break;
        Region* r = c.as.find(pa);
        if (!r || !r->host || chunk > r->size - (pa - r->base)) break;
        uint8_t* host = r->host + (pa - r->base);
        if (write) {
            c.as.notify_write(*r, pa, unsigned(chunk));
            memcpy(host, static_cast<const uint8_t*>(buf) + done, chunk);
        } else {
            memcpy(static_cast<uint8_t*>(buf) + done, host, chunk);
        }
        done += chunk;
    }
    return done;
}

}  // namespace tessera
