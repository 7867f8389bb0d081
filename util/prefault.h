// Memory mapped in ahead of use by a thread of its own. The first touch of fresh anonymous
// memory costs whichever thread makes it the kernel's zeroing (and, in a VM, the host's own
// fault): for the vCPU thread that is time the guest waits. Requests are advice only: memory
// touched before its request is served simply faults in as it would have.
#pragma once
#include <cstddef>

namespace tessera::prefault {

// Maps [addr, addr + len) in the background: writable (write = true) or readable. owner
// groups requests for cancel().
void request(const void* owner, void* addr, size_t len, bool write);
// Drops owner's queued requests and waits for the one being served, if it is owner's: the
// memory may then be unmapped.
void cancel(const void* owner);

}  // namespace tessera::prefault
