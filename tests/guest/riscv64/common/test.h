/* Shared definitions for Tessera's riscv64 guest tests (C and assembly).
 *
 * Result protocol: pass() stores 0x5555 to the sifive_test device (exit 0);
 * fail(n) stores (n << 16) | 0x3333, so the emulator's exit status is n.
 * Both print one line on the NS16550A UART first. */
#ifndef TESSERA_GUEST_TEST_H
#define TESSERA_GUEST_TEST_H

#define UART_BASE   0x10000000
#define TEST_DEV    0x00100000
#define CLINT_BASE  0x02000000
#define CLINT_MSIP  (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME (CLINT_BASE + 0xbff8)
#define UNMAPPED_ADDR 0x00080000   /* hole between mrom and sifive_test */

/* a7 values of the ecalls the runtime itself understands. */
#define ECALL_EXIT_MODE 0x7e55a9e1  /* return from run_mode() to M-mode */

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE  (1ul << 1)
#define MSTATUS_MIE  (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP  (1ul << 8)
#define MSTATUS_MPP  (3ul << 11)
#define MSTATUS_FS   (3ul << 13)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM  (1ul << 18)
#define MSTATUS_MXR  (1ul << 19)

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL_INSN     2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15
#define INTERRUPT_BIT (1ul << 63)
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7

#ifdef __ASSEMBLER__

/* Instruction-test macros in the style of riscv-tests: gp holds the number of
 * the current check, and any mismatch jumps to test_fail_gp which calls
 * fail(gp). t6 is scratch for the expected value. */
#define CHECK_EQ(n, reg, val)  li gp, n; li t6, val; bne reg, t6, test_fail_gp
#define TEST_RR(n, op, res, a, b) li a0, a; li a1, b; op a2, a0, a1; CHECK_EQ(n, a2, res)
#define TEST_RI(n, op, res, a, imm) li a0, a; op a2, a0, imm; CHECK_EQ(n, a2, res)
#define TEST_R(n, op, res, a) li a0, a; op a2, a0; CHECK_EQ(n, a2, res)

#else /* C */

#include <stdint.h>

struct trap_frame { uint64_t x[32]; };   /* x[2] is the interrupted sp */
enum { REG_RA = 1, REG_SP = 2, REG_A0 = 10, REG_A1 = 11, REG_A7 = 17 };

#define csr_read(csr) ({ unsigned long v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define csr_set(csr, v)   __asm__ volatile("csrs " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" :: "rK"((unsigned long)(v)) : "memory")

static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_read64(uintptr_t a) { return *(volatile uint64_t *)a; }

void uart_putc(char c);
void puts_(const char *s);
void put_hex(uint64_t v);
void put_dec(uint64_t v);
__attribute__((noreturn)) void pass(void);
__attribute__((noreturn)) void fail(unsigned n);

/* Run fn(arg) in privilege mode `mode` (PRV_U or PRV_S) and return its result
 * once it returns (it returns through an ecall the runtime intercepts). */
long run_mode(int mode, long (*fn)(long), long arg);
extern char m_trap_entry[], s_trap_entry[], mode_exit[];

/* Trap hooks: tests define these; the weak defaults report an unexpected trap. */
void handle_mtrap(struct trap_frame *f);
void handle_strap(struct trap_frame *f);
void unexpected_trap(const char *who, uint64_t cause, uint64_t epc, uint64_t tval);

#define CHECK(n, cond) do { if (!(cond)) fail(n); } while (0)

/* Trap logging for tests that provoke exceptions on purpose: the handler
 * records cause/epc/tval and resumes after the faulting instruction, or at
 * ra for fetch faults (the test reaches a bad fetch address by a call). */
struct trap_log { volatile uint64_t count, cause, epc, tval, status; };
extern struct trap_log mlog, slog;
void mtrap_log_skip(struct trap_frame *f);
void strap_log_skip(struct trap_frame *f);
static inline void trap_log_clear(struct trap_log *l) { l->count = l->cause = l->epc = l->tval = 0; }

/* Address of the next instruction emitted after this point: `lla r, 1f; 1: insn`. */
#define INSN_AT(pc, insn) __asm__ volatile("lla %0, 1f\n1: " insn : "=r"(pc) :: "memory")

#endif
#endif
