/* Integer workload: sorting. Each round fills an array from the PRNG,
 * sorts it with quicksort, refills it and sorts it with a bottom-up
 * mergesort, checking order and folding the result into a checksum. */
#include "bench.h"

#ifndef SORT_N
#define SORT_N (1u << 18)
#endif
#ifndef SORT_ROUNDS
#define SORT_ROUNDS 10
#endif
#define SORT_EXPECT 0x0bd0ee8bcc6de250ull

static uint32_t data[SORT_N];
static uint32_t scratch[SORT_N];

static void insertion_sort(uint32_t *a, long n)
{
  for (long i = 1; i < n; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(uint32_t *a, uint32_t *b)
{
  uint32_t t = *a;
  *a = *b;
  *b = t;
}

/* Median-of-three quicksort; recurses on the smaller half so the depth
 * stays logarithmic, finishes small ranges by insertion sort. */
static void quick_sort(uint32_t *a, long n)
{
  while (n > 16) {
    long mid = n / 2;
    if (a[mid] < a[0])
      swap(&a[mid], &a[0]);
    if (a[n - 1] < a[0])
      swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid])
      swap(&a[n - 1], &a[mid]);
    uint32_t pivot = a[mid];
    long i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot)
        i++;
      while (a[j] > pivot)
        j--;
      if (i >= j)
        break;
      swap(&a[i], &a[j]);
      i++;
      j--;
    }
    long left = j + 1;
    if (left < n - left) {
      quick_sort(a, left);
      a += left;
      n -= left;
    } else {
      quick_sort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

static void merge_sort(uint32_t *a, uint32_t *tmp, long n)
{
  const long run = 32;
  for (long i = 0; i < n; i += run)
    insertion_sort(a + i, n - i < run ? n - i : run);
  uint32_t *src = a, *dst = tmp;
  for (long width = run; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n;
      long hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
      while (i < mid)
        dst[k++] = src[i++];
      while (j < hi)
        dst[k++] = src[j++];
    }
    uint32_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != a)
    for (long i = 0; i < n; i++)
      a[i] = src[i];
}

static void fill(bench_rng *r)
{
  for (long i = 0; i < (long)SORT_N; i++)
    data[i] = (uint32_t)(bench_rng_next(r) >> 32);
}

/* Returns 0 if data[] is out of order, else a checksum of its contents. */
static uint64_t check(void)
{
  uint64_t sum = 0;
  for (long i = 0; i < (long)SORT_N; i++) {
    if (i && data[i - 1] > data[i])
      return 0;
    sum += (uint64_t)data[i] * (uint64_t)(i + 1);
  }
  return sum ? sum : 1;
}

int main(void)
{
  bench_rng rng;
  bench_rng_seed(&rng, 0x5eed0001);
  uint64_t h = 0;
  int ordered = 1;
  for (int round = 0; round < SORT_ROUNDS; round++) {
    fill(&rng);
    quick_sort(data, SORT_N);
    uint64_t c = check();
    ordered &= c != 0;
    h = bench_mix(h, c);
    fill(&rng);
    merge_sort(data, scratch, SORT_N);
    c = check();
    ordered &= c != 0;
    h = bench_mix(h, c);
  }
  if (!ordered) {
    bench_printf("sort: int FAIL array out of order\n");
    return 1;
  }
  return bench_report("sort", "int", h == SORT_EXPECT, "checksum", h, SORT_EXPECT);
}
