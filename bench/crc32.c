/* Integer workload: hashing. CRC-32 (IEEE, reflected, byte table) and
 * 64-bit FNV-1a over a PRNG-filled buffer that is perturbed between passes,
 * so every pass hashes different bytes. */
#include "bench.h"

#ifndef CRC_BUF
#define CRC_BUF (64u * 1024u)
#endif
#ifndef CRC_PASSES
#define CRC_PASSES 3600
#endif
#define CRC_EXPECT 0x87d721cd25f368d0ull

static uint8_t buf[CRC_BUF];
static uint32_t crc_table[256];

static void crc32_init(void)
{
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
  crc = ~crc;
  while (n--)
    crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
  uint64_t h = 0xcbf29ce484222325ull;
  while (n--) {
    h ^= *p++;
    h *= 0x100000001b3ull;
  }
  return h;
}

int main(void)
{
  crc32_init();
  /* Self-test of the CRC against the standard check value. */
  static const uint8_t check[] = "123456789";
  uint32_t c0 = crc32(0, check, 9);
  if (c0 != 0xcbf43926u) {
    bench_printf("crc32: int FAIL crc32(\"123456789\")=0x%08x expected 0xcbf43926\n", c0);
    return 1;
  }

  bench_rng rng;
  bench_rng_seed(&rng, 0x5eed0002);
  for (size_t i = 0; i < CRC_BUF; i += 8) {
    uint64_t v = bench_rng_next(&rng);
    for (int k = 0; k < 8; k++)
      buf[i + k] = (uint8_t)(v >> (8 * k));
  }

  uint32_t crc = 0;
  uint64_t h = 0;
  for (int pass = 0; pass < CRC_PASSES; pass++) {
    crc = crc32(crc, buf, CRC_BUF);
    if (pass % 4 == 0)
      h = bench_mix(h, fnv1a64(buf, CRC_BUF));
    /* Perturb a few bytes so later passes see new data. */
    for (int k = 0; k < 16; k++) {
      uint64_t r = bench_rng_next(&rng);
      buf[r % CRC_BUF] ^= (uint8_t)(r >> 56);
    }
  }
  h = bench_mix(h, crc);
  return bench_report("crc32", "int", h == CRC_EXPECT, "checksum", h, CRC_EXPECT);
}
