/* A small printf and the one-line result report, shared by guest and host. */
#include <stdarg.h>
#include "bench.h"

void bench_puts(const char *s)
{
  while (*s)
    bench_putc(*s++);
}

static void put_unsigned(uint64_t v, unsigned base, int width, char pad)
{
  char buf[24];
  int n = 0;
  do {
    unsigned d = (unsigned)(v % base);
    buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v);
  while (width-- > n)
    bench_putc(pad);
  while (n)
    bench_putc(buf[--n]);
}

void bench_printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      bench_putc(*fmt);
      continue;
    }
    fmt++;
    char pad = ' ';
    int width = 0, lng = 0;
    if (*fmt == '0') {
      pad = '0';
      fmt++;
    }
    while (*fmt >= '0' && *fmt <= '9')
      width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') {
      lng++;
      fmt++;
    }
    switch (*fmt) {
    case 's': {
      const char *s = va_arg(ap, const char *);
      bench_puts(s ? s : "(null)");
      break;
    }
    case 'c':
      bench_putc((char)va_arg(ap, int));
      break;
    case 'd': {
      int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
      uint64_t u = (uint64_t)v;
      if (v < 0) {
        bench_putc('-');
        u = -u;
        if (width)
          width--;
      }
      put_unsigned(u, 10, width, pad);
      break;
    }
    case 'u':
    case 'x': {
      uint64_t v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
      put_unsigned(v, *fmt == 'x' ? 16 : 10, width, pad);
      break;
    }
    case '%':
      bench_putc('%');
      break;
    case '\0':
      fmt--;
      break;
    default:
      bench_putc('%');
      bench_putc(*fmt);
      break;
    }
  }
  va_end(ap);
}

int bench_report(const char *name, const char *cls, int ok,
                 const char *what, uint64_t got, uint64_t want)
{
  if (ok) {
    bench_printf("%s: %s ok %s=0x%016lx\n", name, cls, what, got);
    return 0;
  }
  bench_printf("%s: %s FAIL %s=0x%016lx expected 0x%016lx\n",
               name, cls, what, got, want);
  return 1;
}
