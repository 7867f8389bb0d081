/* virtio-rng handed bad descriptors and rings: each is DEVICE_NEEDS_RESET with a
 * configuration-change interrupt, the device works again after a reset, and the emulator
 * keeps running (tests/guest/virtio/virtio_rng_test.h, virtio_hostile_checks). */
#define VIRTIO_HOSTILE 1
#include "virtio_rng.c"
