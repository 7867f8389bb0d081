/* Floating-point workload: iterative radix-2 complex FFT (double precision)
 * of a signal made of known tones plus noise, forward and inverse. Checks
 * the tone amplitudes, the round-trip error, and the exact spectrum bits. */
#include "bench.h"

#ifndef FFT_LOG2N
#define FFT_LOG2N 12
#endif
#ifndef FFT_PASSES
#define FFT_PASSES 480
#endif
#define FFT_EXPECT 0x60ad5ac479414cc5ull

#define FFT_N (1 << FFT_LOG2N)
#define PI 3.14159265358979323846

static double sig_re[FFT_N], sig_im[FFT_N];
static double re[FFT_N], im[FFT_N];
static double tw_re[FFT_N / 2], tw_im[FFT_N / 2];
static uint32_t bitrev[FFT_N];

/* sin and cos of x in [0, 2*pi): reduce to |r| <= pi/4 around a multiple
 * of pi/2, then Taylor polynomials (accurate to ~1e-16 there). */
static void sincos_reduced(double x, double *s, double *c)
{
  int q = (int)(x / (PI / 2) + 0.5);
  double r = x - q * (PI / 2);
  double r2 = r * r;
  double sp = r * (1 - r2 / 6 * (1 - r2 / 20 * (1 - r2 / 42 * (1 - r2 / 72 * (1 - r2 / 110 * (1 - r2 / 156))))));
  double cp = 1 - r2 / 2 * (1 - r2 / 12 * (1 - r2 / 30 * (1 - r2 / 56 * (1 - r2 / 90 * (1 - r2 / 132 * (1 - r2 / 182))))));
  switch (q & 3) {
  case 0: *s = sp; *c = cp; break;
  case 1: *s = cp; *c = -sp; break;
  case 2: *s = -sp; *c = -cp; break;
  default: *s = -cp; *c = sp; break;
  }
}

static void setup(void)
{
  for (uint32_t i = 0; i < FFT_N; i++) {
    uint32_t r = 0;
    for (int b = 0; b < FFT_LOG2N; b++)
      r |= ((i >> b) & 1u) << (FFT_LOG2N - 1 - b);
    bitrev[i] = r;
  }
  for (int k = 0; k < FFT_N / 2; k++)
    sincos_reduced(2 * PI * k / FFT_N, &tw_im[k], &tw_re[k]);

  /* Tones: amplitude 1.0 at bin 5, 0.5 at bin 300 (cosines), plus noise. */
  bench_rng rng;
  bench_rng_seed(&rng, 0x5eed0006);
  for (int i = 0; i < FFT_N; i++) {
    double s5, c5, s300, c300;
    sincos_reduced(2 * PI * ((5 * i) % FFT_N) / FFT_N, &s5, &c5);
    sincos_reduced(2 * PI * ((300 * i) % FFT_N) / FFT_N, &s300, &c300);
    double noise = (double)(int64_t)(bench_rng_next(&rng) >> 11) / (double)(1ull << 53) - 0.5;
    sig_re[i] = c5 + 0.5 * c300 + 0.01 * noise;
    sig_im[i] = 0;
  }
}

/* In-place FFT of re/im; inverse = 1 uses conjugate twiddles and scales 1/N. */
static void fft(int inverse)
{
  for (uint32_t i = 0; i < FFT_N; i++) {
    uint32_t j = bitrev[i];
    if (i < j) {
      double t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  double sign = inverse ? 1.0 : -1.0;
  for (int len = 2; len <= FFT_N; len <<= 1) {
    int half = len >> 1, step = FFT_N / len;
    for (int start = 0; start < FFT_N; start += len) {
      for (int k = 0; k < half; k++) {
        double wr = tw_re[k * step], wi = sign * tw_im[k * step];
        int a = start + k, b = a + half;
        double xr = re[b] * wr - im[b] * wi;
        double xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    double scale = 1.0 / FFT_N;
    for (int i = 0; i < FFT_N; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }
}

static double fabs_(double x) { return x < 0 ? -x : x; }

int main(void)
{
  setup();
  uint64_t h = 0;
  for (int pass = 0; pass < FFT_PASSES; pass++) {
    /* Each pass scales the signal differently so no two passes are alike. */
    double gain = 1.0 + pass * (1.0 / 1024);
    for (int i = 0; i < FFT_N; i++) {
      re[i] = sig_re[i] * gain;
      im[i] = sig_im[i];
    }
    fft(0);
    /* A real cosine of amplitude A at bin k shows as A*N/2 at bins k, N-k. */
    double m5 = __builtin_sqrt(re[5] * re[5] + im[5] * im[5]) / (FFT_N / 2) / gain;
    double m300 = __builtin_sqrt(re[300] * re[300] + im[300] * im[300]) / (FFT_N / 2) / gain;
    if (fabs_(m5 - 1.0) > 1e-2 || fabs_(m300 - 0.5) > 1e-2) {
      bench_printf("fft: fp FAIL pass %d: tone amplitudes %ld %ld (x1e6), expected 1000000 500000\n",
                   pass, (long)(m5 * 1e6), (long)(m300 * 1e6));
      return 1;
    }
    h = bench_mix(h, bench_f64_bits(re[5]) ^ bench_f64_bits(im[300]) ^ bench_f64_bits(re[pass % FFT_N]));
    fft(1);
    double err = 0;
    for (int i = 0; i < FFT_N; i++) {
      double e = fabs_(re[i] - sig_re[i] * gain) + fabs_(im[i]);
      if (e > err)
        err = e;
    }
    if (err > 1e-12) {
      bench_printf("fft: fp FAIL pass %d: round-trip error %ld (x1e-15)\n", pass, (long)(err * 1e15));
      return 1;
    }
  }
  return bench_report("fft", "fp", h == FFT_EXPECT, "checksum", h, FFT_EXPECT);
}
