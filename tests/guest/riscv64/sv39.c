/* Sv39 paging in S-mode: 4 KiB pages, a 2 MiB megapage and 1 GiB gigapages,
 * misaligned superpages, R/W/X permissions with exact scause/stval/sepc,
 * execute-only pages with MXR, U pages with SUM, A/D bits (hardware update
 * or page fault: both are allowed, a load must never set D), invalid and
 * reserved (W without R) PTEs, non-canonical addresses, sfence.vma after
 * changing a PTE, satp WARL behaviour and M-mode MPRV. */
#include "paging.h"

#define V0        0x100000000ul           /* 4 KiB pages: l2[4] -> l1[0] -> l0 */
#define VMEGA     (V0 + 0x200000ul)       /* l1[1]: 2 MiB page */
#define VMEGA_BAD (V0 + 0x400000ul)       /* l1[2]: misaligned 2 MiB page */
#define VGIGA     0x140000000ul           /* l2[5]: 1 GiB alias of RAM */
#define VGIGA_BAD 0x180000000ul           /* l2[6]: misaligned 1 GiB page */
#define PMEGA     0x80400000ul            /* 2 MiB aligned RAM well past the image */
#define VPAGE(i)  (V0 + (i) * PAGE_SIZE)

enum { P_RW, P_RO, P_XO, P_NX, P_USER, P_UX, P_INVALID, P_ALIAS, P_WONLY, P_REMAP, P_PC1, P_PC2, NPAGES };

static pte_t l2[512] __attribute__((aligned(4096)));
static pte_t l1[512] __attribute__((aligned(4096)));
static pte_t l0[512] __attribute__((aligned(4096)));
static volatile uint64_t page[NPAGES][512] __attribute__((aligned(4096)));
static volatile uint64_t ad_faults;
extern char xo_page[];                    /* a page-aligned code page: li a0, 42; ret */
extern char pc_page[];                    /* a page-aligned code page returning its own address */

/* Page faults come to S. A/D faults on P_RW (when the hardware does not set
 * A/D itself) are fixed up and retried; everything else is logged and skipped. */
void handle_strap(struct trap_frame *f)
{
    uint64_t cause = csr_read(scause), va = csr_read(stval);
    pte_t *p = &l0[P_RW];
    if ((cause == CAUSE_LOAD_PAGE_FAULT || cause == CAUSE_STORE_PAGE_FAULT) &&
        va >= VPAGE(P_RW) && va < VPAGE(P_RW + 1) &&
        (!(*p & PTE_A) || (cause == CAUSE_STORE_PAGE_FAULT && !(*p & PTE_D)))) {
        *p |= PTE_A | (cause == CAUSE_STORE_PAGE_FAULT ? PTE_D : 0);
        sfence_va(va);
        ad_faults++;
        return;
    }
    strap_log_skip(f);
}


static long s_main(long arg)
{
    (void)arg;
    uint64_t v, pc;

    /* A/D: a load sets A (or faults once) but never D; a store sets D */
    v = load(VPAGE(P_RW) + 16);
    CHECK(1, v == 0x1111);
    CHECK(2, (l0[P_RW] & PTE_A) && !(l0[P_RW] & PTE_D));
    store(VPAGE(P_RW) + 16, 0x2222);
    CHECK(3, l0[P_RW] & PTE_D);
    CHECK(4, page[P_RW][2] == 0x2222);
    CHECK(5, ad_faults <= 2 && slog.count == 0);

    /* one physical code page at two virtual addresses: each runs as itself (translated code
     * holds absolute addresses, so each mapping needs its own block) */
    for (int i = 0; i < 3; i++) {
        uint64_t (*f1)(void) = (uint64_t (*)(void))VPAGE(P_PC1), (*f2)(void) = (uint64_t (*)(void))VPAGE(P_PC2);
        CHECK(7, f1() == VPAGE(P_PC1));
        CHECK(8, f2() == VPAGE(P_PC2));
    }

    /* read-only page: loads work, stores fault with the exact address */
    CHECK(10, load(VPAGE(P_RO) + 8) == 0x3333);
    __asm__ volatile("lla %0, 1f\n1: sd zero, 0(%1)" : "=&r"(pc) : "r"(VPAGE(P_RO) + 8) : "memory");
    CHECK(11, slog.epc == pc);
    expect_fault(12, CAUSE_STORE_PAGE_FAULT, VPAGE(P_RO) + 8);
    CHECK(13, page[P_RO][1] == 0x3333);
    /* AMOs need write permission: store/AMO page fault */
    __asm__ volatile("amoadd.d zero, zero, (%0)" :: "r"(VPAGE(P_RO)) : "memory");
    expect_fault(14, CAUSE_STORE_PAGE_FAULT, VPAGE(P_RO));

    /* execute-only page: runs, but reads need MXR */
    long (*xo)(void) = (long (*)(void))VPAGE(P_XO);
    CHECK(20, xo() == 42);
    load(VPAGE(P_XO));
    expect_fault(21, CAUSE_LOAD_PAGE_FAULT, VPAGE(P_XO));
    csr_set(sstatus, MSTATUS_MXR);
    CHECK(22, load(VPAGE(P_XO)) == *(volatile uint64_t *)xo_page);
    csr_clear(sstatus, MSTATUS_MXR);

    /* non-executable page: instruction page fault, sepc = stval = target */
    ((void (*)(void))(VPAGE(P_NX) + 4))();
    CHECK(23, slog.epc == VPAGE(P_NX) + 4);
    expect_fault(24, CAUSE_FETCH_PAGE_FAULT, VPAGE(P_NX) + 4);

    /* U pages: S data access only with SUM, S execution never */
    load(VPAGE(P_USER));
    expect_fault(30, CAUSE_LOAD_PAGE_FAULT, VPAGE(P_USER));
    csr_set(sstatus, MSTATUS_SUM);
    CHECK(31, load(VPAGE(P_USER)) == 0x4444);
    store(VPAGE(P_USER), 0x5555);
    CHECK(32, page[P_USER][0] == 0x5555 && slog.count == 0);
    ((void (*)(void))VPAGE(P_UX))();
    expect_fault(33, CAUSE_FETCH_PAGE_FAULT, VPAGE(P_UX));
    csr_clear(sstatus, MSTATUS_SUM);

    /* invalid and reserved PTEs, and a non-canonical address */
    load(VPAGE(P_INVALID) + 0x10);
    expect_fault(40, CAUSE_LOAD_PAGE_FAULT, VPAGE(P_INVALID) + 0x10);
    store(VPAGE(P_WONLY), 1);
    expect_fault(41, CAUSE_STORE_PAGE_FAULT, VPAGE(P_WONLY));
    load(0x0000008000000000ul);
    expect_fault(42, CAUSE_LOAD_PAGE_FAULT, 0x0000008000000000ul);

    /* two virtual pages, one physical page */
    store(VPAGE(P_ALIAS) + 24, 0xabcdef);
    CHECK(50, load(VPAGE(P_RW) + 24) == 0xabcdef);

    /* superpages: 2 MiB and 1 GiB translate with the low VA bits as offset */
    CHECK(60, load(VMEGA + 0x1ff008) == 0x6666);
    CHECK(61, load(VGIGA + ((uint64_t)&page[P_RO][1] - 0x80000000ul)) == 0x3333);
    load(VMEGA_BAD);
    expect_fault(62, CAUSE_LOAD_PAGE_FAULT, VMEGA_BAD);
    load(VGIGA_BAD + 8);
    expect_fault(63, CAUSE_LOAD_PAGE_FAULT, VGIGA_BAD + 8);

    /* changing a PTE takes effect after sfence.vma (global and by address) */
    CHECK(70, load(VPAGE(P_REMAP)) == 0x7777);
    l0[P_REMAP] = make_pte((uint64_t)page[P_RO], PTE_V | PTE_R | PTE_AD);
    sfence_all();
    CHECK(71, load(VPAGE(P_REMAP)) == page[P_RO][0]);
    l0[P_REMAP] = make_pte((uint64_t)page[P_REMAP], PTE_V | PTE_R | PTE_AD);
    sfence_va(VPAGE(P_REMAP));
    CHECK(72, load(VPAGE(P_REMAP)) == 0x7777);
    l0[P_REMAP] = 0;                           /* unmapping faults after the fence */
    sfence_va(VPAGE(P_REMAP));
    load(VPAGE(P_REMAP));
    expect_fault(73, CAUSE_LOAD_PAGE_FAULT, VPAGE(P_REMAP));
    return 0;
}

int main(void)
{
    /* identity gigapages for devices and RAM; l2[4] -> l1 -> l0 */
    l2[0] = make_pte(0, PTE_V | PTE_R | PTE_W | PTE_AD);
    l2[2] = make_pte(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD);
    l2[4] = make_table(l1);
    l2[5] = make_pte(0x80000000ul, PTE_V | PTE_R | PTE_AD);
    l2[6] = make_pte(0x80200000ul, PTE_V | PTE_R | PTE_AD);      /* PPN[1] != 0 */
    l1[0] = make_table(l0);
    l1[1] = make_pte(PMEGA, PTE_V | PTE_R | PTE_W | PTE_AD);
    l1[2] = make_pte(PMEGA + PAGE_SIZE, PTE_V | PTE_R | PTE_AD); /* PPN[0] != 0 */
    l0[P_RW] = make_pte((uint64_t)page[P_RW], PTE_V | PTE_R | PTE_W);   /* A = D = 0 */
    l0[P_RO] = make_pte((uint64_t)page[P_RO], PTE_V | PTE_R | PTE_A);
    l0[P_XO] = make_pte((uint64_t)xo_page, PTE_V | PTE_X | PTE_A);
    l0[P_NX] = make_pte((uint64_t)page[P_NX], PTE_V | PTE_R | PTE_W | PTE_AD);
    l0[P_USER] = make_pte((uint64_t)page[P_USER], PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD);
    l0[P_UX] = make_pte((uint64_t)xo_page, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
    l0[P_INVALID] = make_pte((uint64_t)page[P_INVALID], PTE_R | PTE_W | PTE_AD);  /* V = 0 */
    l0[P_ALIAS] = make_pte((uint64_t)page[P_RW], PTE_V | PTE_R | PTE_W | PTE_AD);
    l0[P_WONLY] = make_pte((uint64_t)page[P_WONLY], PTE_V | PTE_W | PTE_AD);      /* reserved */
    l0[P_REMAP] = make_pte((uint64_t)page[P_REMAP], PTE_V | PTE_R | PTE_AD);
    l0[P_PC1] = make_pte((uint64_t)pc_page, PTE_V | PTE_R | PTE_X | PTE_A);
    l0[P_PC2] = make_pte((uint64_t)pc_page, PTE_V | PTE_R | PTE_X | PTE_A);
    page[P_RW][2] = 0x1111;
    page[P_RO][1] = 0x3333;
    page[P_RO][0] = 0x3030;
    page[P_USER][0] = 0x4444;
    page[P_REMAP][0] = 0x7777;
    *(volatile uint64_t *)(PMEGA + 0x1ff008) = 0x6666;

    /* satp is WARL: an unsupported MODE leaves the whole register unchanged */
    csr_write(satp, 0);
    csr_write(satp, (5ul << 60) | 0x1234);
    CHECK(90, csr_read(satp) == 0);
    uint64_t satp = satp_for(SATP_SV39, l2);
    csr_write(satp, satp);
    CHECK(91, csr_read(satp) == satp);
    sfence_all();

    csr_write(stvec, (uint64_t)s_trap_entry);
    csr_write(medeleg, (1ul << CAUSE_FETCH_PAGE_FAULT) | (1ul << CAUSE_LOAD_PAGE_FAULT) |
                       (1ul << CAUSE_STORE_PAGE_FAULT));
    CHECK(92, run_mode(PRV_S, s_main, 0) == 0);

    /* M-mode ignores satp, except for data accesses with MPRV=1 and MPP=S */
    CHECK(93, page[P_RO][1] == 0x3333);
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, (uint64_t)PRV_S << 11);
    csr_set(mstatus, MSTATUS_MPRV);
    uint64_t v = load(VPAGE(P_RO) + 8);
    csr_clear(mstatus, MSTATUS_MPRV);
    CHECK(94, v == 0x3333);
    csr_write(satp, 0);
    sfence_all();
    return 0;
}

/* Execute-only code page for the X and U+X mappings. */
__asm__(
    ".pushsection .text.xo, \"ax\"\n"
    ".balign 4096\n"
    "xo_page:\n"
    "   li a0, 42\n"
    "   ret\n"
    ".balign 4096\n"
    "pc_page:\n"
    "   auipc a0, 0\n"
    "   ret\n"
    ".balign 4096\n"
    ".popsection\n");
