/* A64 integer instructions, branches, loads and stores, exceptions and system registers at
 * EL1 with the MMU off: each check compares against values worked out by hand. */
#include "test.h"

static volatile uint64_t sink;
static volatile uint64_t v_a = 0x0123456789abcdefull, v_b = 0xfedcba9876543210ull, v_small = 7, v_neg = (uint64_t)-5;
static volatile uint32_t w_a = 0x80000001u;

static volatile unsigned svc_seen, brk_seen;
static volatile uint64_t svc_imm;

void handle_exception(struct exc_frame *f)
{
    unsigned ec = (unsigned)(f->esr >> 26);
    if (ec == 0x15) { /* SVC: elr already points past it */
        svc_seen++;
        svc_imm = f->esr & 0xffff;
        return;
    }
    if (ec == 0x3c) { /* BRK: skip it */
        brk_seen++;
        f->elr += 4;
        return;
    }
    puts_uart("unexpected exception, esr ");
    puthex(f->esr);
    puts_uart("\n");
    fail(900);
}

__attribute__((noinline)) static uint64_t fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void)
{
    uint64_t a = v_a, b = v_b, s = v_small, n = v_neg, r;

    /* add/sub, immediate and register, 64 and 32 bits */
    CHECK(1, a + b == 0xffffffffffffffffull);
    CHECK(2, a - b == 0x02468acf13579bdfull);
    CHECK(3, (uint32_t)a + (uint32_t)b == 0xffffffffu);
    CHECK(4, (uint32_t)(w_a + w_a) == 2u);
    CHECK(5, a + 0xfff == 0x0123456789abddeeull);

    /* flags through adds/subs (cmp) */
    __asm__ volatile("cmp %1, %2\n mrs %0, nzcv" : "=r"(r) : "r"(s), "r"(n));
    CHECK(10, (r >> 28) == 0x0); /* 7 - (2^64-5): borrow, positive result 12 */
    __asm__ volatile("cmp %1, %1\n mrs %0, nzcv" : "=r"(r) : "r"(s));
    CHECK(11, (r >> 28) == 0x6); /* Z and C */
    uint64_t f;
    __asm__ volatile("adds %0, %2, %2\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(0x8000000000000000ull));
    CHECK(12, r == 0 && (f >> 28) == 0x7); /* Z, C, V */
    __asm__ volatile("adds %w0, %w2, %w2\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(0x40000000u));
    CHECK(13, r == 0x80000000u && (f >> 28) == 0x9); /* N, V */
    __asm__ volatile("msr nzcv, %0" : : "r"(0x20000000ull)); /* C set */
    __asm__ volatile("adc %0, %1, %2" : "=r"(r) : "r"(5ull), "r"(6ull));
    CHECK(14, r == 12);
    __asm__ volatile("msr nzcv, xzr\n sbcs %0, %2, %3\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(5ull), "r"(5ull));
    CHECK(15, r == (uint64_t)-1 && (f >> 28) == 0x8);

    /* logical, shifts, bitfields */
    CHECK(20, (a & b) == 0x0000000000000000ull);
    CHECK(21, (a | b) == 0xffffffffffffffffull);
    CHECK(22, (a ^ 0xff00ff00ff00ff00ull) == 0xfe23ba6776ab32efull);
    CHECK(23, (a << 4) == 0x123456789abcdef0ull);
    CHECK(24, (b >> 60) == 0xf);
    CHECK(25, ((int64_t)b >> 60) == -1);
    CHECK(26, ((a >> 12) & 0xfff) == 0xabc);                  /* ubfx */
    CHECK(27, (int64_t)(int16_t)(a >> 16) == (int64_t)0xffffffffffff89abull); /* sbfx */
    __asm__ volatile("mov %0, %1\n bfi %0, %2, #8, #8" : "=&r"(r) : "r"(a), "r"(0x5aull));
    CHECK(28, r == 0x0123456789ab5aefull);
    __asm__ volatile("ror %0, %1, #8" : "=r"(r) : "r"(a));
    CHECK(29, r == 0xef0123456789abcdull);
    __asm__ volatile("extr %0, %1, %2, #16" : "=r"(r) : "r"(a), "r"(b));
    CHECK(30, r == 0xcdeffedcba987654ull);
    __asm__ volatile("lsl %0, %1, %2" : "=r"(r) : "r"(a), "r"(68ull)); /* count mod 64 */
    CHECK(31, r == 0x123456789abcdef0ull);
    __asm__ volatile("asr %w0, %w1, %w2" : "=r"(r) : "r"(0x80000000u), "r"(33u)); /* count mod 32 */
    CHECK(32, r == 0xc0000000u);
    __asm__ volatile("and %0, %1, #0x00ff00ff00ff00ff" : "=r"(r) : "r"(a));
    CHECK(33, r == 0x0023006700ab00efull);
    __asm__ volatile("orr %w0, wzr, #0x3c" : "=r"(r));
    CHECK(34, r == 0x3c);

    /* moves */
    __asm__ volatile("movz %0, #0x1234, lsl #32\n movk %0, #0x5678" : "=r"(r));
    CHECK(40, r == 0x0000123400005678ull);
    __asm__ volatile("movn %0, #0" : "=r"(r));
    CHECK(41, r == ~0ull);
    __asm__ volatile("movn %w0, #1" : "=r"(r));
    CHECK(42, r == 0xfffffffeu);

    /* multiply, divide, bit operations */
    CHECK(50, a * 3 == 0x0369d0369d0369cdull);
    CHECK(51, a / 7 == 0x00299c335ccf668full);
    CHECK(52, (int64_t)n / (int64_t)s == 0);
    CHECK(53, (int64_t)(-100 + (int64_t)s) / (int64_t)s == -13);
    CHECK(54, (uint64_t)(((unsigned __int128)a * b) >> 64) == 0x0121fa00ad77d742ull); /* umulh */
    CHECK(55, (int64_t)(((__int128)(int64_t)b * (int64_t)a) >> 64) == (int64_t)0xfffeb49923cc0953ull); /* smulh */
    __asm__ volatile("udiv %0, %1, xzr" : "=r"(r) : "r"(a));
    CHECK(56, r == 0); /* division by zero gives zero */
    CHECK(57, __builtin_clzll(s) == 61);
    CHECK(58, __builtin_bswap64(a) == 0xefcdab8967452301ull);
    __asm__ volatile("rbit %0, %1" : "=r"(r) : "r"(1ull));
    CHECK(59, r == 0x8000000000000000ull);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(n));
    CHECK(60, r == 60);
    __asm__ volatile("smaddl %0, %w1, %w2, %3" : "=r"(r) : "r"(-3), "r"(4), "r"(100ull));
    CHECK(61, r == 88);

    /* conditional select and compare */
    __asm__ volatile("cmp %1, #7\n csinc %0, xzr, xzr, ne" : "=r"(r) : "r"(s));
    CHECK(70, r == 1); /* cset eq */
    __asm__ volatile("cmp %1, #8\n csneg %0, %1, %1, eq" : "=r"(r) : "r"(s));
    CHECK(71, r == (uint64_t)-7);
    __asm__ volatile("cmp %1, #7\n ccmp %1, #3, #0, eq\n cset %0, gt" : "=r"(r) : "r"(s));
    CHECK(72, r == 1);
    __asm__ volatile("cmp %1, #6\n ccmp %1, #3, #4, eq\n cset %0, eq" : "=r"(r) : "r"(s));
    CHECK(73, r == 1); /* condition fails: flags = #4 (Z) */

    /* loads and stores of every width and addressing mode */
    static uint64_t buf[8];
    uint8_t *p = (uint8_t *)buf;
    for (int i = 0; i < 64; i++)
        p[i] = (uint8_t)(0x80 + i);
    CHECK(80, *(volatile int8_t *)(p + 1) == (int8_t)0x81);
    CHECK(81, *(volatile uint16_t *)(p + 2) == 0x8382);
    CHECK(82, *(volatile int32_t *)(p + 4) == (int32_t)0x87868584);
    CHECK(83, *(volatile uint64_t *)(p + 8) == 0x8f8e8d8c8b8a8988ull);
    __asm__ volatile("ldr %0, [%1, #8]!" : "=r"(r), "+r"(p));
    CHECK(84, r == 0x8f8e8d8c8b8a8988ull && p == (uint8_t *)buf + 8);
    __asm__ volatile("ldrb %w0, [%1], #-8" : "=r"(r), "+r"(p));
    CHECK(85, r == 0x88 && p == (uint8_t *)buf);
    uint64_t lo, hi;
    __asm__ volatile("ldp %0, %1, [%2, #16]" : "=r"(lo), "=r"(hi) : "r"(p));
    CHECK(86, lo == 0x9796959493929190ull && hi == 0x9f9e9d9c9b9a9998ull);
    uint8_t *q = (uint8_t *)&buf[6];
    __asm__ volatile("stp %1, %2, [%0, #-16]!" : "+r"(q) : "r"(1ull), "r"(2ull) : "memory");
    CHECK(87, q == (uint8_t *)&buf[4] && buf[4] == 1 && buf[5] == 2);
    __asm__ volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(p), "r"(3ull));
    CHECK(88, r == 0x9f9e9d9c9b9a9998ull);
    __asm__ volatile("ldrsw %0, [%1, %w2, sxtw]" : "=r"(r) : "r"(p + 8), "r"(-4));
    CHECK(89, r == 0xffffffff87868584ull);
    uint32_t status;
    __asm__ volatile("ldxr %0, [%2]\n add %0, %0, #1\n stxr %w1, %0, [%2]" : "=&r"(r), "=&r"(status) : "r"(buf) : "memory");
    CHECK(90, status == 0 && buf[0] == 0x8786858483828181ull);
    __asm__ volatile("stxr %w0, %1, [%2]" : "=&r"(status) : "r"(5ull), "r"(buf) : "memory");
    CHECK(91, status == 1); /* no reservation any more */

    /* CRC32 and CRC32C of "123456789", a byte at a time and through the wider forms */
    static const char digits[] = "123456789";
    uint32_t crc = 0xffffffffu, crcc = 0xffffffffu;
    for (int i = 0; i < 9; i++) {
        __asm__ volatile("crc32b %w0, %w0, %w1" : "+r"(crc) : "r"((uint32_t)(uint8_t)digits[i]));
        __asm__ volatile("crc32cb %w0, %w0, %w1" : "+r"(crcc) : "r"((uint32_t)(uint8_t)digits[i]));
    }
    CHECK(92, ~crc == 0xcbf43926u);
    CHECK(93, ~crcc == 0xe3069283u);
    uint64_t word;
    __builtin_memcpy(&word, digits, 8);
    uint32_t c8 = 0xffffffffu, c1 = 0xffffffffu;
    __asm__ volatile("crc32x %w0, %w0, %1" : "+r"(c8) : "r"(word));
    for (int i = 0; i < 8; i++)
        __asm__ volatile("crc32b %w0, %w0, %w1" : "+r"(c1) : "r"((uint32_t)(uint8_t)digits[i]));
    CHECK(94, c8 == c1);
    CHECK(95, ((read_sysreg(id_aa64isar0_el1) >> 16) & 0xf) == 1); /* CRC32 advertised */

    /* calls, returns, loops */
    CHECK(100, fib(20) == 6765);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < 1000; i++)
        sum += i * i;
    CHECK(101, sum == 332833500);

    /* exceptions: SVC returns past itself with its immediate in ESR; BRK is skipped by the handler */
    __asm__ volatile("svc #0x42" ::: "memory");
    CHECK(110, svc_seen == 1 && svc_imm == 0x42);
    __asm__ volatile("brk #1" ::: "memory");
    CHECK(111, brk_seen == 1);

    /* system registers */
    CHECK(120, read_sysreg(CurrentEL) == (1 << 2));
    CHECK(121, read_sysreg(midr_el1) == 0x411fd070);
    write_sysreg(tpidr_el1, 0x1234);
    CHECK(122, read_sysreg(tpidr_el1) == 0x1234);
    CHECK(123, read_sysreg(cntfrq_el0) == 62500000);
    uint64_t t0 = read_sysreg(cntvct_el0);
    for (volatile int i = 0; i < 1000; i++)
        ;
    CHECK(124, read_sysreg(cntvct_el0) >= t0);
    sink = sum;
    return 0;
}
