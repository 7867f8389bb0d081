/* Host side of the bench runtime (-DBENCH_HOST builds only): lets a
 * workload run natively so its expected answer can be cross-checked.
 *   cc -O2 -ffp-contract=off -fno-math-errno -Ibench/common \
 *      bench/common/host.c bench/common/print.c bench/<name>.c -lm */
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

void bench_putc(char c) { putchar(c); }

_Noreturn void bench_exit(int code)
{
  fflush(stdout);
  exit(code);
}
