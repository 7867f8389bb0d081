/* Shared runtime of the Tessera guest benchmarks: UART output, a tiny
 * printf, exit (test finisher or PSCI power-off), a PRNG, result checks.
 * The same header builds for the host (-DBENCH_HOST) so the expected
 * answers can be cross-checked natively. */
#ifndef TESSERA_BENCH_H
#define TESSERA_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_EXIT_TRAP 0x7f

/* Provided by runtime.c on the guest, by libc on the host. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void bench_putc(char c);
void bench_puts(const char *s);
/* %s %c %d %u %x with optional l / ll, a zero flag and a width. */
void bench_printf(const char *fmt, ...);
_Noreturn void bench_exit(int code);

/* Prints "<name>: <class> ok <detail>" or "<name>: FAIL ..." and returns
 * the exit status main() should give back (0 or 1). */
int bench_report(const char *name, const char *cls, int ok,
                 const char *what, uint64_t got, uint64_t want);

/* xorshift64*: deterministic, cheap, good enough to fill inputs. */
typedef struct { uint64_t s; } bench_rng;
static inline void bench_rng_seed(bench_rng *r, uint64_t seed)
{
  r->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}
static inline uint64_t bench_rng_next(bench_rng *r)
{
  uint64_t x = r->s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 0x2545f4914f6cdd1dull;
}

/* Order-dependent 64-bit mixing of results into one checksum. */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

static inline uint64_t bench_f64_bits(double d)
{
  union { double d; uint64_t u; } c = { d };
  return c.u;
}

/* Keeps the compiler from folding work whose result is otherwise unused. */
#define BENCH_OPAQUE(x) __asm__ volatile("" : "+r"(x))

#endif
