/* Integer workload: 32-bit integer matrix multiply (i-k-j loop order),
 * C = A * B repeated, with C fed back into A so each product is new. */
#include "bench.h"

#ifndef MM_N
#define MM_N 128
#endif
#ifndef MM_REPS
#define MM_REPS 200
#endif
#define MM_EXPECT 0x276032e94bc62e15ull

static uint32_t a[MM_N][MM_N], b[MM_N][MM_N], c[MM_N][MM_N];

static void multiply(void)
{
  for (int i = 0; i < MM_N; i++) {
    for (int j = 0; j < MM_N; j++)
      c[i][j] = 0;
    for (int k = 0; k < MM_N; k++) {
      uint32_t aik = a[i][k];
      for (int j = 0; j < MM_N; j++)
        c[i][j] += aik * b[k][j];
    }
  }
}

int main(void)
{
  bench_rng rng;
  bench_rng_seed(&rng, 0x5eed0003);
  for (int i = 0; i < MM_N; i++)
    for (int j = 0; j < MM_N; j++) {
      uint64_t r = bench_rng_next(&rng);
      a[i][j] = (uint32_t)(r >> 40) & 0xffff;
      b[i][j] = (uint32_t)(r >> 8) & 0xffff;
    }

  uint64_t h = 0;
  for (int rep = 0; rep < MM_REPS; rep++) {
    multiply();
    uint64_t sum = 0;
    for (int i = 0; i < MM_N; i++)
      for (int j = 0; j < MM_N; j++) {
        sum += c[i][j] ^ (uint32_t)(i * MM_N + j);
        /* Keep entries small-ish but data dependent for the next product. */
        a[i][j] = (c[i][j] >> 7) & 0xffff;
      }
    h = bench_mix(h, sum);
  }
  return bench_report("matmul", "int", h == MM_EXPECT, "checksum", h, MM_EXPECT);
}
