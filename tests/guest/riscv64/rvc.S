/* C extension: every RV64C instruction form, written with explicit c.*
 * mnemonics so each one really is 16 bits, mixed with 32-bit instructions
 * at 2-byte aligned addresses. c.jalr must link pc+2 and c.ebreak must
 * report its own pc in mepc. Built with -march=rv64gc. */
#include "test.h"

    .text
    .globl main
main:
    /* c.li / c.lui sign-extend their immediates */
    li gp, 1
    c.li a0, -32
    CHECK_EQ(1, a0, -32)
    c.li a0, 31
    CHECK_EQ(2, a0, 31)
    c.lui a1, 0xfffff
    CHECK_EQ(3, a1, 0xfffffffffffff000)
    c.lui a1, 0x1f
    CHECK_EQ(4, a1, 0x1f000)

    /* c.addi / c.addiw (W result sign-extended) / c.nop */
    c.li a0, 5
    c.addi a0, -6
    CHECK_EQ(5, a0, -1)
    li a0, 0x7fffffff
    c.addiw a0, 1
    CHECK_EQ(6, a0, 0xffffffff80000000)
    li a0, 0x1ffffffff
    c.addiw a0, 0                       /* sext.w */
    CHECK_EQ(7, a0, -1)
    c.nop

    /* stack pointer forms */
    mv s1, sp
    c.addi16sp sp, -64
    sub a0, s1, sp
    CHECK_EQ(8, a0, 64)
    c.addi4spn a0, sp, 16
    sub a0, a0, sp
    CHECK_EQ(9, a0, 16)
    li a1, 0x0123456789abcdef
    c.sdsp a1, 8(sp)
    c.ldsp a2, 8(sp)
    CHECK_EQ(10, a2, 0x0123456789abcdef)
    li a1, 0x80000001
    c.swsp a1, 20(sp)
    c.lwsp a2, 20(sp)                   /* sign-extends */
    CHECK_EQ(11, a2, 0xffffffff80000001)
    li t0, 0x400921fb54442d18
    fmv.d.x fa0, t0
    c.fsdsp fa0, 32(sp)
    c.fldsp fa1, 32(sp)
    fmv.x.d a2, fa1
    CHECK_EQ(12, a2, 0x400921fb54442d18)
    c.addi16sp sp, 64
    li gp, 13
    bne sp, s1, test_fail_gp

    /* register-based loads/stores (x8-x15 only) */
    lla s0, buf
    li a1, 0xfedcba9876543210
    c.sd a1, 8(s0)
    c.ld a2, 8(s0)
    CHECK_EQ(14, a2, 0xfedcba9876543210)
    c.lw a3, 12(s0)
    CHECK_EQ(15, a3, 0xfffffffffedcba98)
    li a4, 0x11223344
    c.sw a4, 0(s0)
    c.lw a5, 0(s0)
    CHECK_EQ(16, a5, 0x11223344)
    li t0, 0xc000000000000000
    fmv.d.x fa0, t0
    c.fsd fa0, 16(s0)
    c.fld fa5, 16(s0)
    fmv.x.d a2, fa5
    CHECK_EQ(17, a2, 0xc000000000000000)

    /* shifts and logic */
    c.li a0, 1
    c.slli a0, 63
    CHECK_EQ(18, a0, 0x8000000000000000)
    mv a1, a0
    c.srli a1, 63
    CHECK_EQ(19, a1, 1)
    c.srai a0, 62
    CHECK_EQ(20, a0, 0xfffffffffffffffe)
    li a0, 0x0ff0
    c.andi a0, -16
    CHECK_EQ(21, a0, 0x0ff0)
    c.andi a0, 0x1f
    CHECK_EQ(22, a0, 0x10)

    /* register-register ALU; c.mv and c.add take any register */
    li a0, 0xf0f0
    li a1, 0x0ff0
    c.mv t3, a0
    CHECK_EQ(23, t3, 0xf0f0)
    c.add t3, a1
    CHECK_EQ(24, t3, 0x100e0)
    mv a2, a0
    c.sub a2, a1
    CHECK_EQ(25, a2, 0xe100)
    mv a2, a0
    c.xor a2, a1
    CHECK_EQ(26, a2, 0xff00)
    mv a2, a0
    c.or a2, a1
    CHECK_EQ(27, a2, 0xfff0)
    mv a2, a0
    c.and a2, a1
    CHECK_EQ(28, a2, 0x00f0)
    li a2, 0x7fffffff
    li a3, -1
    c.subw a2, a3
    CHECK_EQ(29, a2, 0xffffffff80000000)
    li a2, 0x100000001
    li a3, 0x100000001
    c.addw a2, a3
    CHECK_EQ(30, a2, 2)

    /* control flow */
    li gp, 31
    c.j 1f
    j test_fail_gp
1:  c.li a0, 0
    c.beqz a0, 2f
    j test_fail_gp
2:  c.li a0, 1
    c.beqz a0, 3f                       /* not taken */
    c.bnez a0, 4f
3:  j test_fail_gp
4:  lla t1, 5f
    c.jr t1
    j test_fail_gp
5:  li gp, 32
    lla t1, 7f
6:  c.jalr t1                           /* links pc + 2 */
    j test_fail_gp
7:  lla t2, 6b
    addi t2, t2, 2
    bne ra, t2, test_fail_gp

    /* a 32-bit instruction at a 2 mod 4 address, and a branch back to it */
    li gp, 33
    .balign 4
    c.nop
8:  addi a0, zero, 77                   /* 4-byte instruction, halfword aligned */
    lla t1, 8b
    andi t1, t1, 3
    li t6, 2
    bne t1, t6, test_fail_gp
    li t6, 77
    bne a0, t6, test_fail_gp

    /* backward compressed loop */
    c.li a0, 10
    c.li a1, 0
9:  c.add a1, a0
    c.addi a0, -1
    c.bnez a0, 9b
    CHECK_EQ(34, a1, 55)

    /* c.ebreak traps with mepc at itself */
    lla t0, ebreak_pc
    sd zero, 0(t0)
10: c.ebreak
    lla t1, 10b
    ld t2, ebreak_pc
    li gp, 35
    bne t1, t2, test_fail_gp
    j pass

/* Called by the runtime's M-mode dispatcher (C ABI). */
    .globl handle_mtrap
handle_mtrap:
    csrr t0, mcause
    li t1, CAUSE_BREAKPOINT
    li gp, 36
    bne t0, t1, test_fail_gp
    csrr t0, mepc
    lla t1, ebreak_pc
    sd t0, 0(t1)
    addi t0, t0, 2                      /* skip the 16-bit c.ebreak */
    csrw mepc, t0
    ret

    .bss
    .balign 8
buf:
    .skip 32
ebreak_pc:
    .skip 8
