/* Page-table helpers shared by the Sv39 and Sv48 tests. */
#ifndef TESSERA_GUEST_PAGING_H
#define TESSERA_GUEST_PAGING_H
#include "test.h"

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_AD (PTE_A | PTE_D)

#define SATP_SV39 (8ul << 60)
#define SATP_SV48 (9ul << 60)

#define PAGE_SIZE 4096ul

typedef uint64_t pte_t;

static inline pte_t make_pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }
static inline pte_t make_table(const void *next) { return make_pte((uint64_t)next, PTE_V); }
static inline uint64_t satp_for(uint64_t mode, const void *root) { return mode | ((uint64_t)root >> 12); }
static inline void sfence_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
static inline void sfence_va(uint64_t va) { __asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory"); }


/* Accesses through a mapping, and the check that one S-mode trap was logged. */
static inline uint64_t load(uint64_t va) { return *(volatile uint64_t *)va; }
static inline void store(uint64_t va, uint64_t v) { *(volatile uint64_t *)va = v; }

/* Expect exactly one logged S trap with this cause and stval. */
static inline void expect_fault(unsigned n, uint64_t cause, uint64_t tval)
{
    CHECK(n, slog.count == 1 && slog.cause == cause && slog.tval == tval);
    trap_log_clear(&slog);
}

#endif
