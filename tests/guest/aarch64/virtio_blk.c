/* virtio-blk through virtio-mmio: reads, writes, flush, GET_ID, error statuses and a request
 * the device cannot answer (tests/guest/virtio/virtio_blk_test.h), on the driver and the
 * interrupt set-up of virtio_rng.c. Run with this ELF as a snapshot=on raw disk. */
#define VIRTIO_BLK 1
#include "virtio_rng.c"
