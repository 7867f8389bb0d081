/* Floating-point workload: dense linear algebra. LU decomposition with
 * partial pivoting of random double-precision matrices (fused multiply-add
 * in the update), then a forward/back solve of A x = b for a known x. */
#include "bench.h"

#ifndef LU_N
#define LU_N 160
#endif
#ifndef LU_REPS
#define LU_REPS 70
#endif
#define LU_EXPECT 0x4493649f53b99028ull

static double a[LU_N][LU_N];
static double lu[LU_N][LU_N];
static double x_true[LU_N], b[LU_N], x[LU_N];
static int perm[LU_N];

static double fabs_(double v) { return v < 0 ? -v : v; }

/* Factors lu in place (unit lower L below the diagonal, U on and above)
 * with row permutation perm; returns 0 if the matrix is singular. */
static int factor(void)
{
  for (int i = 0; i < LU_N; i++)
    perm[i] = i;
  for (int k = 0; k < LU_N; k++) {
    int p = k;
    double best = fabs_(lu[k][k]);
    for (int i = k + 1; i < LU_N; i++)
      if (fabs_(lu[i][k]) > best) {
        best = fabs_(lu[i][k]);
        p = i;
      }
    if (best == 0)
      return 0;
    if (p != k) {
      for (int j = 0; j < LU_N; j++) {
        double t = lu[k][j];
        lu[k][j] = lu[p][j];
        lu[p][j] = t;
      }
      int t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
    }
    double inv = 1.0 / lu[k][k];
    for (int i = k + 1; i < LU_N; i++) {
      double l = lu[i][k] * inv;
      lu[i][k] = l;
      for (int j = k + 1; j < LU_N; j++)
        lu[i][j] = __builtin_fma(-l, lu[k][j], lu[i][j]);
    }
  }
  return 1;
}

static void solve(void)
{
  for (int i = 0; i < LU_N; i++) {
    double s = b[perm[i]];
    for (int j = 0; j < i; j++)
      s = __builtin_fma(-lu[i][j], x[j], s);
    x[i] = s;
  }
  for (int i = LU_N - 1; i >= 0; i--) {
    double s = x[i];
    for (int j = i + 1; j < LU_N; j++)
      s = __builtin_fma(-lu[i][j], x[j], s);
    x[i] = s / lu[i][i];
  }
}

int main(void)
{
  bench_rng rng;
  bench_rng_seed(&rng, 0x5eed0007);
  for (int i = 0; i < LU_N; i++)
    x_true[i] = 1.0 + (double)i / LU_N;

  uint64_t h = 0;
  for (int rep = 0; rep < LU_REPS; rep++) {
    for (int i = 0; i < LU_N; i++)
      for (int j = 0; j < LU_N; j++) {
        /* Uniform in [-1, 1) with 53 random bits. */
        double v = (double)(bench_rng_next(&rng) >> 11) / (double)(1ull << 52) - 1.0;
        a[i][j] = v;
        lu[i][j] = v;
      }
    for (int i = 0; i < LU_N; i++) {
      double s = 0;
      for (int j = 0; j < LU_N; j++)
        s = __builtin_fma(a[i][j], x_true[j], s);
      b[i] = s;
    }
    if (!factor()) {
      bench_printf("lu: fp FAIL matrix %d reported singular\n", rep);
      return 1;
    }
    solve();
    double err = 0;
    for (int i = 0; i < LU_N; i++) {
      double e = fabs_(x[i] - x_true[i]);
      if (e != e || e > err)
        err = e;
      h = bench_mix(h, bench_f64_bits(x[i]));
    }
    if (!(err < 1e-8)) {
      bench_printf("lu: fp FAIL matrix %d: solution error %ld (x1e-12), expected below 1e-8\n",
                   rep, (long)(err * 1e12));
      return 1;
    }
    h = bench_mix(h, bench_f64_bits(lu[LU_N - 1][LU_N - 1]));
  }
  return bench_report("lu", "fp", h == LU_EXPECT, "checksum", h, LU_EXPECT);
}
