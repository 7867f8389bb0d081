/* Tessera riscv64 firmware: shared declarations. */
#ifndef TESSERA_FW_H
#define TESSERA_FW_H
#include <stddef.h>
#include <stdint.h>

#define FW_VERSION "0.1.0"

#define UART_BASE      0x10000000ul
#define SIFIVE_TEST    0x00100000ul
#define CLINT_MTIMECMP 0x02004000ul
#define CLINT_MTIME    0x0200bff8ul

#define csr_read(csr) ({ unsigned long v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define csr_set(csr, v)   __asm__ volatile("csrs " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")

/* uart.c */
void uart_init(void);
void putc_(char c);
void puts_(const char *s);
int getc_(void);                       /* blocks */
void put_hex(uint64_t v, int digits);
void put_dec(uint64_t v);

/* fdt.c: what the firmware learns from the device tree */
struct fdt_info {
    int valid;
    const char *model;                 /* /model, else first /compatible string */
    uint64_t mem_base, mem_size;       /* first /memory reg entry, size summed over all */
    uint64_t timebase;                 /* /cpus timebase-frequency, 0 if absent */
};
void fdt_parse(const void *fdt, struct fdt_info *out);

/* string helpers (freestanding: no libc) */
size_t strlen_(const char *s);
int streq(const char *a, const char *b);
int parse_num(const char *s, int base, uint64_t *out);  /* 0x prefix forces hex */

#endif
