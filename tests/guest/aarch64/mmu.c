/* The VMSAv8-64 stage-1 MMU at EL1 with each granule (4K, 16K, 64K): translation through
 * tables built here, aliases, AT, permission and access-flag faults (ESR and FAR), TLBI by VA
 * after a remap (inside a 16K or 64K page, and inside a 2M block, where the emulator's 4K TLB
 * entries must all go), and DC ZVA. Expected values follow from the tables; the program also
 * passes on qemu-system-aarch64 -M virt -cpu max (QEMU's cortex-a57 lacks 16K granules). */
#include "test.h"

#define POOL 0x40800000ul /* page-table pool, 1M */
#define P1 0x41000000ul   /* data pages, 64K-aligned */
#define P2 0x41100000ul
#define Q1 0x41200000ul /* 2M-aligned, for the block remap */
#define Q2 0x41400000ul
#define TA 0x2000000000ul /* test pages */
#define TB 0x3000000000ul /* test block (4K granule) */

#define VALID 1ul
#define PAGE_OR_TABLE 2ul
#define ATTR_NORMAL (0ul << 2) /* MAIR index 0: 0xff */
#define ATTR_DEVICE (1ul << 2) /* MAIR index 1: 0x00 */
#define AP_RO (2ul << 6)
#define SH_IS (3ul << 8)
#define AF (1ul << 10)
#define XN (3ul << 53)
#define NORMAL (ATTR_NORMAL | SH_IS | AF)

static unsigned G, S, START;
static uint64_t pool_next, root;

static uint64_t *alloc_table(void)
{
    uint64_t *t = (uint64_t *)(POOL + pool_next);
    pool_next += 1ul << G;
    for (unsigned i = 0; i < (1u << G) / 8; i++)
        t[i] = 0;
    return t;
}

static unsigned shift_of(unsigned level) { return G + S * (3 - level); }

static volatile uint64_t *entry(uint64_t va, unsigned level)
{
    uint64_t *t = (uint64_t *)root;
    for (unsigned l = START; l < level; l++) {
        uint64_t *e = &t[(va >> shift_of(l)) & ((1ul << S) - 1)];
        if (!(*e & VALID))
            *e = (uint64_t)alloc_table() | VALID | PAGE_OR_TABLE;
        t = (uint64_t *)(*e & 0x0000fffffffff000ul & ~((1ul << G) - 1));
    }
    return &t[(va >> shift_of(level)) & ((1ul << S) - 1)];
}

static void map(uint64_t va, uint64_t pa, unsigned level, uint64_t attrs)
{
    *entry(va, level) = pa | attrs | VALID | (level == 3 ? PAGE_OR_TABLE : 0);
}

static void tlbi_va(uint64_t va)
{
    __asm__ volatile("dsb ishst\n\ttlbi vae1, %0\n\tdsb ish\n\tisb" : : "r"(va >> 12) : "memory");
}

static uint64_t at_s1e1r(uint64_t va)
{
    __asm__ volatile("at s1e1r, %0\n\tisb" : : "r"(va));
    return read_sysreg(par_el1);
}
static uint64_t at_s1e1w(uint64_t va)
{
    __asm__ volatile("at s1e1w, %0\n\tisb" : : "r"(va));
    return read_sysreg(par_el1);
}

static volatile unsigned aborts;
static volatile uint64_t abort_esr, abort_far;
void handle_exception(struct exc_frame *f)
{
    unsigned ec = (unsigned)(f->esr >> 26);
    if (ec == 0x25) { /* data abort at EL1: note it and skip the access */
        aborts++;
        abort_esr = f->esr;
        abort_far = f->far;
        f->elr += 4;
        return;
    }
    puts_uart("unexpected exception, esr ");
    puthex(f->esr);
    puts_uart(" elr ");
    puthex(f->elr);
    puts_uart("\n");
    fail(900);
    system_off();
}

static void mmu_on(unsigned tg0)
{
    write_sysreg(mair_el1, 0x00fful);
    write_sysreg(tcr_el1, 25ul | 1ul << 8 | 1ul << 10 | 3ul << 12 | (uint64_t)tg0 << 14 | 1ul << 23 | 2ul << 32);
    write_sysreg(ttbr0_el1, root);
    __asm__ volatile("dsb ish\n\tisb\n\ttlbi vmalle1\n\tdsb ish\n\tisb");
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 1 | 1 << 2 | 1 << 12);
    __asm__ volatile("isb");
}

static void mmu_off(void)
{
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~1ul);
    __asm__ volatile("isb\n\ttlbi vmalle1\n\tdsb ish\n\tisb");
}

static uint64_t rd(uint64_t va) { return *(volatile uint64_t *)va; }
static void wr(uint64_t va, uint64_t v) { *(volatile uint64_t *)va = v; }

/* n: the first check number of this granule. */
static void run(unsigned g, unsigned tg0, unsigned n)
{
    G = g;
    S = g - 3;
    START = 4 - (39 - g + S - 1) / S;
    pool_next = 0;
    root = (uint64_t)alloc_table();
    const uint64_t P = 1ul << g;
    const uint64_t inner = P > 4096 ? 0x1000 : 0x10; /* in a 4K piece other than the first, if the page is larger */

    /* RAM and the devices, flat, in blocks of the granule's sizes. */
    if (g == 12) {
        map(0x40000000ul, 0x40000000ul, 1, NORMAL);
        map(0, 0, 1, ATTR_DEVICE | AF | XN);
        map(TB, Q1, 2, NORMAL);
    } else if (g == 14) {
        map(0x40000000ul, 0x40000000ul, 2, NORMAL);
        map(0x42000000ul, 0x42000000ul, 2, NORMAL);
        map(0x08000000ul, 0x08000000ul, 2, ATTR_DEVICE | AF | XN);
    } else {
        map(0x40000000ul, 0x40000000ul, 2, NORMAL);
        map(0, 0, 2, ATTR_DEVICE | AF | XN);
    }
    map(TA, P1, 3, NORMAL);             /* the page */
    map(TA + P, P1, 3, NORMAL);         /* an alias of it */
    map(TA + 2 * P, P1, 3, NORMAL | AP_RO); /* read-only */
    map(TA + 3 * P, P1, 3, ATTR_NORMAL | SH_IS); /* no access flag */
    wr(P1, 0x1111);
    wr(P1 + inner, 0x1112);
    wr(P2, 0x2221);
    wr(P2 + inner, 0x2222);
    wr(Q1 + 0x3000, 0x3333);
    wr(Q2 + 0x3000, 0x4444);
    mmu_on(tg0);

    wr(TA + 8, 0xabcd);
    CHECK(n + 1, rd(P1 + 8) == 0xabcd);
    CHECK(n + 2, rd(TA + P + 8) == 0xabcd && rd(TA + 2 * P + 8) == 0xabcd);

    uint64_t par = at_s1e1r(TA + 0x18);
    CHECK(n + 3, (par & 1) == 0 && (par & 0x0000fffffffff000ul) == P1 && (par >> 56) == 0xff);
    par = at_s1e1w(TA + 2 * P);
    CHECK(n + 4, (par & 1) == 1 && ((par >> 1) & 0x3f) == 0x0f); /* permission fault, level 3 */
    par = at_s1e1r(TA + 8 * P);
    CHECK(n + 5, (par & 1) == 1 && ((par >> 1) & 0x3f) == 0x07); /* translation fault, level 3 */

    aborts = 0;
    wr(TA + 2 * P + 16, 1);
    CHECK(n + 6, aborts == 1 && (abort_esr >> 26) == 0x25 && (abort_esr & 0x3f) == 0x0f && (abort_esr & (1u << 6)) &&
                     abort_far == TA + 2 * P + 16);
    CHECK(n + 7, rd(P1 + 16) != 1);
    (void)rd(TA + 3 * P + 24);
    CHECK(n + 8, aborts == 2 && (abort_esr & 0x3f) == 0x0b && !(abort_esr & (1u << 6)) && abort_far == TA + 3 * P + 24);

    /* Remap the page; TLBI by its VA drops every 4K piece of it. */
    CHECK(n + 9, rd(TA + inner) == 0x1112);
    *entry(TA, 3) = P2 | NORMAL | VALID | PAGE_OR_TABLE;
    tlbi_va(TA);
    CHECK(n + 10, rd(TA + inner) == 0x2222 && rd(TA) == 0x2221);

    if (g == 12) { /* the same inside a 2M block, flushed by the block's base address */
        CHECK(n + 11, rd(TB + 0x3000) == 0x3333);
        *entry(TB, 2) = Q2 | NORMAL | VALID;
        tlbi_va(TB);
        CHECK(n + 12, rd(TB + 0x3000) == 0x4444);
    }
    mmu_off();
}

static uint8_t zbuf[192] __attribute__((aligned(64)));

int main(void)
{
    run(12, 0, 100);
    run(14, 2, 200);
    run(16, 1, 300);

    /* DC ZVA: zeroes the aligned 64-byte block holding the address, nothing else. */
    CHECK(1, (read_sysreg(dczid_el0) & 0x1f) == 4);
    for (unsigned i = 0; i < sizeof zbuf; i++)
        zbuf[i] = 0xa5;
    __asm__ volatile("dc zva, %0" : : "r"(zbuf + 64 + 24) : "memory");
    int ok = 1;
    for (unsigned i = 0; i < sizeof zbuf; i++)
        ok &= zbuf[i] == (i >= 64 && i < 128 ? 0 : 0xa5);
    CHECK(2, ok);
    return 0;
}
