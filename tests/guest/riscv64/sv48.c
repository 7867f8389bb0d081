/* Sv48 paging: a four-level walk down to 4 KiB pages, 1 GiB and 512 GiB
 * leaves (aligned and misaligned), the upper (sign-extended) half of the
 * address space, non-canonical addresses, a store page fault on a
 * read-only page and sfence.vma after a PTE change. */
#include "paging.h"

#define V0       0x0000008000000000ul     /* l3[1] -> l2 -> l1 -> l0 */
#define VGIGA    0x0000008040000000ul     /* l2[1]: 1 GiB alias of RAM */
#define VTERA_BAD 0x0000010000000000ul    /* l3[2]: misaligned 512 GiB leaf */
#define VHIGH    0xffff800000000000ul     /* l3[256]: 512 GiB alias of PA 0 */
#define VPAGE(i) (V0 + (i) * PAGE_SIZE)

enum { P_RW, P_RO, P_REMAP, NPAGES };

static pte_t l3[512] __attribute__((aligned(4096)));
static pte_t l2[512] __attribute__((aligned(4096)));
static pte_t l1[512] __attribute__((aligned(4096)));
static pte_t l0[512] __attribute__((aligned(4096)));
static volatile uint64_t page[NPAGES][512] __attribute__((aligned(4096)));

void handle_strap(struct trap_frame *f) { strap_log_skip(f); }


static long s_main(long arg)
{
    (void)arg;
    store(VPAGE(P_RW) + 8, 0x1234);
    CHECK(1, page[P_RW][1] == 0x1234 && load(VPAGE(P_RW) + 8) == 0x1234);
    CHECK(2, load(VPAGE(P_RO)) == 0x2222);
    store(VPAGE(P_RO) + 16, 0);
    expect_fault(3, CAUSE_STORE_PAGE_FAULT, VPAGE(P_RO) + 16);
    CHECK(4, load(VGIGA + ((uint64_t)&page[P_RO][0] - 0x80000000ul)) == 0x2222);
    CHECK(5, load(VHIGH + (uint64_t)&page[P_RO][0]) == 0x2222);
    load(VTERA_BAD);
    expect_fault(6, CAUSE_LOAD_PAGE_FAULT, VTERA_BAD);
    load(0x0000800000000000ul);                 /* bit 47 set, not sign-extended */
    expect_fault(7, CAUSE_LOAD_PAGE_FAULT, 0x0000800000000000ul);
    load(0xffff000000000000ul);                 /* canonical but unmapped */
    expect_fault(8, CAUSE_LOAD_PAGE_FAULT, 0xffff000000000000ul);
    CHECK(9, load(VPAGE(P_REMAP)) == 0x3333);
    l0[P_REMAP] = make_pte((uint64_t)page[P_RO], PTE_V | PTE_R | PTE_AD);
    sfence_va(VPAGE(P_REMAP));
    CHECK(10, load(VPAGE(P_REMAP)) == 0x2222);
    return 0;
}

int main(void)
{
    l3[0] = make_pte(0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD);   /* identity 512 GiB */
    l3[1] = make_table(l2);
    l3[2] = make_pte(0x80000000ul, PTE_V | PTE_R | PTE_AD);        /* PPN[2:0] != 0 */
    l3[256] = make_pte(0, PTE_V | PTE_R | PTE_AD);
    l2[0] = make_table(l1);
    l2[1] = make_pte(0x80000000ul, PTE_V | PTE_R | PTE_AD);
    l1[0] = make_table(l0);
    l0[P_RW] = make_pte((uint64_t)page[P_RW], PTE_V | PTE_R | PTE_W | PTE_AD);
    l0[P_RO] = make_pte((uint64_t)page[P_RO], PTE_V | PTE_R | PTE_AD);
    l0[P_REMAP] = make_pte((uint64_t)page[P_REMAP], PTE_V | PTE_R | PTE_AD);
    page[P_RO][0] = 0x2222;
    page[P_REMAP][0] = 0x3333;

    uint64_t satp = satp_for(SATP_SV48, l3);
    csr_write(satp, satp);
    CHECK(20, csr_read(satp) == satp);
    sfence_all();
    csr_write(stvec, (uint64_t)s_trap_entry);
    csr_write(medeleg, (1ul << CAUSE_FETCH_PAGE_FAULT) | (1ul << CAUSE_LOAD_PAGE_FAULT) |
                       (1ul << CAUSE_STORE_PAGE_FAULT));
    CHECK(21, run_mode(PRV_S, s_main, 0) == 0);
    csr_write(satp, 0);
    sfence_all();
    return 0;
}
