/* virtio-gpu handed a malformed request stream: every bad request gets its error response,
 * chains it cannot answer are DEVICE_NEEDS_RESET, the emulator keeps running and an honest
 * frame goes through after a reset (tests/guest/virtio/virtio_gpu_test.h), on the driver and
 * the interrupt set-up of virtio_rng.c. Run with -device virtio-gpu-device. */
#define VIRTIO_GPU 1
#include "virtio_rng.c"
