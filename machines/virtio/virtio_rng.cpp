#include "machines/virtio/virtio_rng.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>

#include "machines/virtio/virtio_spec.h"
#include "util/log.h"

namespace tessera {

size_t host_random(void* buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(static_cast<uint8_t*>(buf) + done, len - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += size_t(n);
    }
    return done;
}

VirtioRng::VirtioRng(std::function<size_t(void*, size_t)> entropy)
    : entropy_(entropy ? std::move(entropy) : std::function<size_t(void*, size_t)>(host_random)) {}

uint32_t VirtioRng::device_id() const { return virtio::ID_RNG; }

void VirtioRng::queue_notified(unsigned q) {
    Virtqueue& vq = transport().queue(q);
    bool pushed = false;
    while (transport().queue_usable(q) && vq.pop(chain_)) {
        size_t want = size_t(std::min<uint64_t>(chain_.writable_bytes, kMaxPerChain));
        if (buf_.size() < want) buf_.resize(want);
        size_t got = entropy_(buf_.data(), want);
        if (got < want) GUEST_ERROR("%s: the host gave %zu of %zu random bytes\n", name(), got, want);
        size_t written = chain_.write(0, buf_.data(), got);
        vq.push(chain_.head, uint32_t(written));
        pushed = true;
    }
    if (pushed) transport().notify_used(q);
}

}  // namespace tessera
