/* A64 scalar floating point: every instruction of the group over many operands (zeros,
 * subnormals, normals, extremes, infinities, quiet and signaling NaNs) under several FPCR
 * settings (rounding modes, FZ, DN, AHP), results and FPSR flags hashed per group; the
 * expected hashes come from QEMU's cortex-a57 (fp_common.h). A few hand-checked cases too. */
#include "fp_common.h"

static volatile unsigned fp_traps;

/* An FP access trap (EC 0x07) turns FP on and retries the instruction. */
void handle_exception(struct exc_frame *f)
{
    if ((f->esr >> 26) == 0x07 && (f->esr & 0x1ffffff) == 0x1e00000) {
        fp_traps++;
        write_sysreg(cpacr_el1, 3u << 20);
        return;
    }
    puts_uart("unexpected exception, esr ");
    puthex(f->esr);
    puts_uart("\n");
    fail(900);
}


/* Two-operand S and D instructions. */
OP2(fadd) OP2(fsub) OP2(fmul) OP2(fdiv) OP2(fnmul) OP2(fmax) OP2(fmin) OP2(fmaxnm) OP2(fminnm)

/* One-operand S and D instructions (same format in and out). */
OP1(fsqrt) OP1(fabs) OP1(fneg) OP1(fmov) OP1(frintn) OP1(frintp) OP1(frintm) OP1(frintz) OP1(frinta) OP1(frintx)
OP1(frinti)
/* Conversions between formats (results read back as raw bits). */
CVT(cvt_s_to_d, 0, "fcvt d0, s1", "fmov %0, d0")
CVT(cvt_d_to_s, 0, "fcvt s0, d1", "fmov %0, d0")
CVT(cvt_s_to_h, 0, "fcvt h0, s1", "fmov %0, d0")
CVT(cvt_d_to_h, 0, "fcvt h0, d1", "fmov %0, d0")
CVT(cvt_h_to_s, 0, "fcvt s0, h1", "fmov %0, d0")
CVT(cvt_h_to_d, 0, "fcvt d0, h1", "fmov %0, d0")
/* To integer: the W forms read back as W (zero-extended). */
TOI4(fcvtns) TOI4(fcvtnu) TOI4(fcvtps) TOI4(fcvtpu) TOI4(fcvtms) TOI4(fcvtmu) TOI4(fcvtzs) TOI4(fcvtzu)
TOI4(fcvtas) TOI4(fcvtau)
CVT(fcvtzs_fix_ws, 0, "fcvtzs w2, s1, #3", "mov %0, x2") CVT(fcvtzu_fix_xd, 0, "fcvtzu x2, d1, #40", "mov %0, x2")
CVT(fcvtzs_fix_xs, 0, "fcvtzs x2, s1, #64", "mov %0, x2") CVT(fcvtzu_fix_wd, 0, "fcvtzu w2, d1, #1", "mov %0, x2")
/* From integer. */
FROMI(scvtf_sw, "scvtf s0, w2") FROMI(scvtf_sx, "scvtf s0, x2") FROMI(scvtf_dw, "scvtf d0, w2")
FROMI(scvtf_dx, "scvtf d0, x2") FROMI(ucvtf_sw, "ucvtf s0, w2") FROMI(ucvtf_sx, "ucvtf s0, x2")
FROMI(ucvtf_dw, "ucvtf d0, w2") FROMI(ucvtf_dx, "ucvtf d0, x2") FROMI(scvtf_fix_sw, "scvtf s0, w2, #7")
FROMI(ucvtf_fix_dx, "ucvtf d0, x2, #64") FROMI(scvtf_fix_dx, "scvtf d0, x2, #33")
FROMI(ucvtf_fix_sw, "ucvtf s0, w2, #32")

/* Compares: NZCV. */
CMP(fcmp_s, "fmov s1, %w1\n fmov s2, %w2", "fcmp s1, s2") CMP(fcmpe_s, "fmov s1, %w1\n fmov s2, %w2", "fcmpe s1, s2")
CMP(fcmp_d, "fmov d1, %1\n fmov d2, %2", "fcmp d1, d2") CMP(fcmpe_d, "fmov d1, %1\n fmov d2, %2", "fcmpe d1, d2")
CMP(fcmpz_s, "fmov s1, %w1\n fmov s2, %w2", "fcmp s1, #0.0") CMP(fcmpez_d, "fmov d1, %1\n fmov d2, %2", "fcmpe d1, #0.0")
CMP(fccmp_d, "fmov d1, %1\n fmov d2, %2\n cmp %1, %2", "fccmp d1, d2, #5, lt")
CMP(fccmpe_s, "fmov s1, %w1\n fmov s2, %w2\n cmp %1, %2", "fccmpe s1, s2, #10, ne")
static uint64_t fcsel_d(uint64_t a, uint64_t b)
{
    uint64_t r;
    __asm__ volatile("fmov d1, %1\n fmov d2, %2\n cmp %1, %2\n msr fpsr, %[pre]\n fcsel d0, d1, d2, hi\n fmov %0, d0"
                     : "=r"(r) : "r"(a), "r"(b) , [pre] "r"(fpsr_pre) : "v0", "v1", "v2", "cc");
    return r;
}

/* Fused multiply-add: the addend from a third operand. */
OP3(fmadd) OP3(fmsub) OP3(fnmadd) OP3(fnmsub)


static const struct op ops[] = {
    {fadd_s, S2}, {fadd_d, D2}, {fsub_s, S2}, {fsub_d, D2}, {fmul_s, S2}, {fmul_d, D2}, {fdiv_s, S2}, {fdiv_d, D2},
    {fnmul_s, S2}, {fnmul_d, D2}, {fmax_s, S2}, {fmax_d, D2}, {fmin_s, S2}, {fmin_d, D2}, {fmaxnm_s, S2},
    {fmaxnm_d, D2}, {fminnm_s, S2}, {fminnm_d, D2},
    {fsqrt_s, S1}, {fsqrt_d, D1}, {fabs_s, S1}, {fabs_d, D1}, {fneg_s, S1}, {fneg_d, D1}, {fmov_s, S1}, {fmov_d, D1},
    {frintn_s, S1}, {frintn_d, D1}, {frintp_s, S1}, {frintp_d, D1}, {frintm_s, S1}, {frintm_d, D1},
    {frintz_s, S1}, {frintz_d, D1}, {frinta_s, S1}, {frinta_d, D1}, {frintx_s, S1}, {frintx_d, D1},
    {frinti_s, S1}, {frinti_d, D1},
    {cvt_s_to_d, S1}, {cvt_d_to_s, D1}, {cvt_s_to_h, S1}, {cvt_d_to_h, D1}, {cvt_h_to_s, S1}, {cvt_h_to_d, S1},
    {fcvtns_ws, S1}, {fcvtns_xs, S1}, {fcvtns_wd, D1}, {fcvtns_xd, D1}, {fcvtnu_ws, S1}, {fcvtnu_xs, S1},
    {fcvtnu_wd, D1}, {fcvtnu_xd, D1}, {fcvtps_ws, S1}, {fcvtps_xs, S1}, {fcvtps_wd, D1}, {fcvtps_xd, D1},
    {fcvtpu_ws, S1}, {fcvtpu_xs, S1}, {fcvtpu_wd, D1}, {fcvtpu_xd, D1}, {fcvtms_ws, S1}, {fcvtms_xs, S1},
    {fcvtms_wd, D1}, {fcvtms_xd, D1}, {fcvtmu_ws, S1}, {fcvtmu_xs, S1}, {fcvtmu_wd, D1}, {fcvtmu_xd, D1},
    {fcvtzs_ws, S1}, {fcvtzs_xs, S1}, {fcvtzs_wd, D1}, {fcvtzs_xd, D1}, {fcvtzu_ws, S1}, {fcvtzu_xs, S1},
    {fcvtzu_wd, D1}, {fcvtzu_xd, D1}, {fcvtas_ws, S1}, {fcvtas_xs, S1}, {fcvtas_wd, D1}, {fcvtas_xd, D1},
    {fcvtau_ws, S1}, {fcvtau_xs, S1}, {fcvtau_wd, D1}, {fcvtau_xd, D1},
    {fcvtzs_fix_ws, S1}, {fcvtzu_fix_xd, D1}, {fcvtzs_fix_xs, S1}, {fcvtzu_fix_wd, D1},
    {scvtf_sw, I1}, {scvtf_sx, I1}, {scvtf_dw, I1}, {scvtf_dx, I1}, {ucvtf_sw, I1}, {ucvtf_sx, I1},
    {ucvtf_dw, I1}, {ucvtf_dx, I1}, {scvtf_fix_sw, I1}, {ucvtf_fix_dx, I1}, {scvtf_fix_dx, I1}, {ucvtf_fix_sw, I1},
    {fcmp_s, S2}, {fcmpe_s, S2}, {fcmp_d, D2}, {fcmpe_d, D2}, {fcmpz_s, S1}, {fcmpez_d, D1}, {fccmp_d, D2},
    {fccmpe_s, S2}, {fcsel_d, D2},
    {fmadd_s, S3}, {fmadd_d, D3}, {fmsub_s, S3}, {fmsub_d, D3}, {fnmadd_s, S3}, {fnmadd_d, D3}, {fnmsub_s, S3},
    {fnmsub_d, D3},
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

#include "fp_expected.h"

int main(void)
{
    uint64_t r;
    /* Hand-checked cases first. */
    set_fpcr(0);
    CHECK(1, fadd_s(0x3f800000, 0x40000000) == 0x40400000);               /* 1 + 2 = 3 */
    CHECK(2, fdiv_d(0x3ff0000000000000ull, 0x4008000000000000ull) == 0x3fd5555555555555ull);
    CHECK(3, (get_fpsr() & 0x9f) == 0x10);                                 /* IXC */
    CHECK(4, fmax_s(0x7fc00000, 0x3f800000) == 0x7fc00000);                /* NaN propagates */
    CHECK(5, fmaxnm_s(0x7fc00000, 0x3f800000) == 0x3f800000);              /* ... not in NM */
    CHECK(6, fcmp_d(0x3ff0000000000000ull, 0x4000000000000000ull) == 0x80000000u);
    CHECK(7, fcmp_d(0x7ff8000000000000ull, 0) == 0x30000000u);
    CHECK(8, fcvtzs_ws(0x4f800000, 0) == 0x7fffffff && (get_fpsr() & 1));  /* saturates, IOC */
    __asm__ volatile("fmov d0, #-1.25\n fmov %0, d0" : "=r"(r) : : "v0");
    CHECK(9, r == 0xbff4000000000000ull);
    __asm__ volatile("fmov s0, #31.0\n fmov %0, d0" : "=r"(r) : : "v0");
    CHECK(10, r == 0x41f80000);
    __asm__ volatile("fmov v0.d[1], %1\n fmov s0, #1.0\n fmov %0, v0.d[1]" : "=r"(r) : "r"(~0ull) : "v0");
    CHECK(11, r == 0); /* a scalar write clears the upper half */
    uint64_t hi;
    __asm__ volatile("fmov d0, %2\n fmov v0.d[1], %3\n fmov %0, d0\n fmov %1, v0.d[1]"
                     : "=r"(r), "=r"(hi) : "r"(0x55ull), "r"(0x1234ull) : "v0");
    CHECK(12, r == 0x55 && hi == 0x1234); /* FMOV to the top half keeps the low one */

    /* FPCR keeps AHP DN FZ RMode Stride Len (no trap enables, no FZ16); FPSR the flags, QC and
     * the AArch32 NZCV. */
    write_sysreg(fpcr, ~0ull);
    CHECK(14, read_sysreg(fpcr) == 0x07f70000);
    write_sysreg(fpcr, 0);
    write_sysreg(fpsr, ~0ull);
    CHECK(15, read_sysreg(fpsr) == 0xf800009f);
    write_sysreg(fpsr, 0);
    /* CPACR_EL1.FPEN = 0 traps FP instructions. */
    write_sysreg(cpacr_el1, 0);
    __asm__ volatile("isb");
    CHECK(16, fadd_d(0x3ff0000000000000ull, 0x3ff0000000000000ull) == 0x4000000000000000ull);
    CHECK(17, fp_traps >= 1);

    for (unsigned g = 0; g < N_OPS; g++) {
        begin(g);
        run_op(&ops[g]);
        end(expected, sizeof(expected) / sizeof(expected[0]));
    }
    return 0;
}
