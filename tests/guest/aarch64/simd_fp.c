/* A64 AdvSIMD floating point, scalar and vector forms, over the operands and FPCR settings
 * of fp_common.h; the expected group hashes come from QEMU's cortex-a57. */
#include "fp_common.h"

/* AdvSIMD scalar forms that share the scalar register layout. */
OP2(fmulx) OP2(fabd) OP2(frecps) OP2(frsqrts) OP2(fcmeq) OP2(fcmge) OP2(fcmgt) OP2(facge) OP2(facgt)
OP1(frecpe) OP1(frsqrte) OP1(frecpx)
OP1S(fcmeqz_s, "fcmeq s0, s1, #0.0") OP1D(fcmeqz_d, "fcmeq d0, d1, #0.0")
OP1S(fcmgez_s, "fcmge s0, s1, #0.0") OP1D(fcmgez_d, "fcmge d0, d1, #0.0")
OP1S(fcmgtz_s, "fcmgt s0, s1, #0.0") OP1D(fcmgtz_d, "fcmgt d0, d1, #0.0")
OP1S(fcmlez_s, "fcmle s0, s1, #0.0") OP1D(fcmlez_d, "fcmle d0, d1, #0.0")
OP1S(fcmltz_s, "fcmlt s0, s1, #0.0") OP1D(fcmltz_d, "fcmlt d0, d1, #0.0")
CVT(cvtxn, 0, "fcvtxn s0, d1", "fmov %0, d0")
/* AdvSIMD scalar conversions to integer in a V register. */
CVT(vfcvtzs_s, 0, "fcvtzs s0, s1", "fmov %0, d0") CVT(vfcvtau_d, 0, "fcvtau d0, d1", "fmov %0, d0")
CVT(vfcvtzs_fix_d, 0, "fcvtzs d0, d1, #10", "fmov %0, d0") CVT(vfcvtzu_fix_s, 0, "fcvtzu s0, s1, #32", "fmov %0, d0")
FROMI(vscvtf_s, "fmov d0, x2\n scvtf s0, s0") FROMI(vucvtf_d, "fmov d0, x2\n ucvtf d0, d0")
FROMI(vscvtf_fix_d, "fmov d0, x2\n scvtf d0, d0, #5") FROMI(vurecpe, "fmov d0, x2\n urecpe v0.2s, v0.2s")
FROMI(vursqrte, "fmov d0, x2\n ursqrte v0.2s, v0.2s")


/* Vector forms: v1 and v2 are built from the two operands (S: lanes a b b a and b a a b;
 * D: a b and b a), v0 starts as 1.5 1.0 (S lanes) or 1.0000001...; the result is both halves
 * of v0 folded into one word. */
#define VOP(name, insn, S)                                                                                 \
    static uint64_t name(uint64_t a, uint64_t b)                                                           \
    {                                                                                                      \
        uint64_t lo, hi, x, y;                                                                             \
        if (S) {                                                                                           \
            x = (uint32_t)a | (uint64_t)(uint32_t)b << 32;                                                 \
            y = (uint32_t)b | (uint64_t)(uint32_t)a << 32;                                                 \
        } else {                                                                                           \
            x = a;                                                                                         \
            y = b;                                                                                         \
        }                                                                                                  \
        __asm__ volatile("fmov d1, %2\n fmov v1.d[1], %3\n fmov d2, %3\n fmov v2.d[1], %2\n"             \
                         " fmov d0, %4\n fmov v0.d[1], %4\n msr fpsr, %[pre]\n " insn "\n"                     \
                         " fmov %0, d0\n fmov %1, v0.d[1]"                                                  \
                         : "=&r"(lo), "=&r"(hi) : "r"(x), "r"(y), "r"(0x3f8000003fc00000ull)               \
                         , [pre] "r"(fpsr_pre) : "v0", "v1", "v2");                                                              \
        return lo ^ (hi * 0x9e3779b97f4a7c15ull);                                                          \
    }
VOP(vfmaxnm_4s, "fmaxnm v0.4s, v1.4s, v2.4s", 1)
VOP(vfmaxnm_2d, "fmaxnm v0.2d, v1.2d, v2.2d", 0)
VOP(vfmla_4s, "fmla v0.4s, v1.4s, v2.4s", 1)
VOP(vfmla_2d, "fmla v0.2d, v1.2d, v2.2d", 0)
VOP(vfadd_4s, "fadd v0.4s, v1.4s, v2.4s", 1)
VOP(vfadd_2d, "fadd v0.2d, v1.2d, v2.2d", 0)
VOP(vfmulx_4s, "fmulx v0.4s, v1.4s, v2.4s", 1)
VOP(vfmulx_2d, "fmulx v0.2d, v1.2d, v2.2d", 0)
VOP(vfcmeq_4s, "fcmeq v0.4s, v1.4s, v2.4s", 1)
VOP(vfcmeq_2d, "fcmeq v0.2d, v1.2d, v2.2d", 0)
VOP(vfmax_4s, "fmax v0.4s, v1.4s, v2.4s", 1)
VOP(vfmax_2d, "fmax v0.2d, v1.2d, v2.2d", 0)
VOP(vfrecps_4s, "frecps v0.4s, v1.4s, v2.4s", 1)
VOP(vfrecps_2d, "frecps v0.2d, v1.2d, v2.2d", 0)
VOP(vfminnm_4s, "fminnm v0.4s, v1.4s, v2.4s", 1)
VOP(vfminnm_2d, "fminnm v0.2d, v1.2d, v2.2d", 0)
VOP(vfmls_4s, "fmls v0.4s, v1.4s, v2.4s", 1)
VOP(vfmls_2d, "fmls v0.2d, v1.2d, v2.2d", 0)
VOP(vfsub_4s, "fsub v0.4s, v1.4s, v2.4s", 1)
VOP(vfsub_2d, "fsub v0.2d, v1.2d, v2.2d", 0)
VOP(vfmin_4s, "fmin v0.4s, v1.4s, v2.4s", 1)
VOP(vfmin_2d, "fmin v0.2d, v1.2d, v2.2d", 0)
VOP(vfrsqrts_4s, "frsqrts v0.4s, v1.4s, v2.4s", 1)
VOP(vfrsqrts_2d, "frsqrts v0.2d, v1.2d, v2.2d", 0)
VOP(vfmaxnmp_4s, "fmaxnmp v0.4s, v1.4s, v2.4s", 1)
VOP(vfmaxnmp_2d, "fmaxnmp v0.2d, v1.2d, v2.2d", 0)
VOP(vfaddp_4s, "faddp v0.4s, v1.4s, v2.4s", 1)
VOP(vfaddp_2d, "faddp v0.2d, v1.2d, v2.2d", 0)
VOP(vfmul_4s, "fmul v0.4s, v1.4s, v2.4s", 1)
VOP(vfmul_2d, "fmul v0.2d, v1.2d, v2.2d", 0)
VOP(vfcmge_4s, "fcmge v0.4s, v1.4s, v2.4s", 1)
VOP(vfcmge_2d, "fcmge v0.2d, v1.2d, v2.2d", 0)
VOP(vfacge_4s, "facge v0.4s, v1.4s, v2.4s", 1)
VOP(vfacge_2d, "facge v0.2d, v1.2d, v2.2d", 0)
VOP(vfmaxp_4s, "fmaxp v0.4s, v1.4s, v2.4s", 1)
VOP(vfmaxp_2d, "fmaxp v0.2d, v1.2d, v2.2d", 0)
VOP(vfdiv_4s, "fdiv v0.4s, v1.4s, v2.4s", 1)
VOP(vfdiv_2d, "fdiv v0.2d, v1.2d, v2.2d", 0)
VOP(vfminnmp_4s, "fminnmp v0.4s, v1.4s, v2.4s", 1)
VOP(vfminnmp_2d, "fminnmp v0.2d, v1.2d, v2.2d", 0)
VOP(vfabd_4s, "fabd v0.4s, v1.4s, v2.4s", 1)
VOP(vfabd_2d, "fabd v0.2d, v1.2d, v2.2d", 0)
VOP(vfcmgt_4s, "fcmgt v0.4s, v1.4s, v2.4s", 1)
VOP(vfcmgt_2d, "fcmgt v0.2d, v1.2d, v2.2d", 0)
VOP(vfacgt_4s, "facgt v0.4s, v1.4s, v2.4s", 1)
VOP(vfacgt_2d, "facgt v0.2d, v1.2d, v2.2d", 0)
VOP(vfminp_4s, "fminp v0.4s, v1.4s, v2.4s", 1)
VOP(vfminp_2d, "fminp v0.2d, v1.2d, v2.2d", 0)
VOP(vfadd_2s, "fadd v0.2s, v1.2s, v2.2s", 1)
VOP(vfmaxp_2s, "fmaxp v0.2s, v1.2s, v2.2s", 1)
VOP(vfmla_2s, "fmla v0.2s, v1.2s, v2.2s", 1)
VOP(vfcmge_2s, "fcmge v0.2s, v1.2s, v2.2s", 1)
VOP(vfabs_4s, "fabs v0.4s, v1.4s", 1)
VOP(vfabs_2d, "fabs v0.2d, v1.2d", 0)
VOP(vfneg_4s, "fneg v0.4s, v1.4s", 1)
VOP(vfneg_2d, "fneg v0.2d, v1.2d", 0)
VOP(vfsqrt_4s, "fsqrt v0.4s, v1.4s", 1)
VOP(vfsqrt_2d, "fsqrt v0.2d, v1.2d", 0)
VOP(vfrintn_4s, "frintn v0.4s, v1.4s", 1)
VOP(vfrintn_2d, "frintn v0.2d, v1.2d", 0)
VOP(vfrintp_4s, "frintp v0.4s, v1.4s", 1)
VOP(vfrintp_2d, "frintp v0.2d, v1.2d", 0)
VOP(vfrintm_4s, "frintm v0.4s, v1.4s", 1)
VOP(vfrintm_2d, "frintm v0.2d, v1.2d", 0)
VOP(vfrintz_4s, "frintz v0.4s, v1.4s", 1)
VOP(vfrintz_2d, "frintz v0.2d, v1.2d", 0)
VOP(vfrinta_4s, "frinta v0.4s, v1.4s", 1)
VOP(vfrinta_2d, "frinta v0.2d, v1.2d", 0)
VOP(vfrintx_4s, "frintx v0.4s, v1.4s", 1)
VOP(vfrintx_2d, "frintx v0.2d, v1.2d", 0)
VOP(vfrinti_4s, "frinti v0.4s, v1.4s", 1)
VOP(vfrinti_2d, "frinti v0.2d, v1.2d", 0)
VOP(vfcvtns_4s, "fcvtns v0.4s, v1.4s", 1)
VOP(vfcvtns_2d, "fcvtns v0.2d, v1.2d", 0)
VOP(vfcvtnu_4s, "fcvtnu v0.4s, v1.4s", 1)
VOP(vfcvtnu_2d, "fcvtnu v0.2d, v1.2d", 0)
VOP(vfcvtps_4s, "fcvtps v0.4s, v1.4s", 1)
VOP(vfcvtps_2d, "fcvtps v0.2d, v1.2d", 0)
VOP(vfcvtpu_4s, "fcvtpu v0.4s, v1.4s", 1)
VOP(vfcvtpu_2d, "fcvtpu v0.2d, v1.2d", 0)
VOP(vfcvtms_4s, "fcvtms v0.4s, v1.4s", 1)
VOP(vfcvtms_2d, "fcvtms v0.2d, v1.2d", 0)
VOP(vfcvtmu_4s, "fcvtmu v0.4s, v1.4s", 1)
VOP(vfcvtmu_2d, "fcvtmu v0.2d, v1.2d", 0)
VOP(vfcvtzs_4s, "fcvtzs v0.4s, v1.4s", 1)
VOP(vfcvtzs_2d, "fcvtzs v0.2d, v1.2d", 0)
VOP(vfcvtzu_4s, "fcvtzu v0.4s, v1.4s", 1)
VOP(vfcvtzu_2d, "fcvtzu v0.2d, v1.2d", 0)
VOP(vfcvtas_4s, "fcvtas v0.4s, v1.4s", 1)
VOP(vfcvtas_2d, "fcvtas v0.2d, v1.2d", 0)
VOP(vfcvtau_4s, "fcvtau v0.4s, v1.4s", 1)
VOP(vfcvtau_2d, "fcvtau v0.2d, v1.2d", 0)
VOP(vfrecpe_4s, "frecpe v0.4s, v1.4s", 1)
VOP(vfrecpe_2d, "frecpe v0.2d, v1.2d", 0)
VOP(vfrsqrte_4s, "frsqrte v0.4s, v1.4s", 1)
VOP(vfrsqrte_2d, "frsqrte v0.2d, v1.2d", 0)
VOP(vfcmgtz_4s, "fcmgt v0.4s, v1.4s, #0.0", 1)
VOP(vfcmgtz_2d, "fcmgt v0.2d, v1.2d, #0.0", 0)
VOP(vfcmeqz_4s, "fcmeq v0.4s, v1.4s, #0.0", 1)
VOP(vfcmeqz_2d, "fcmeq v0.2d, v1.2d, #0.0", 0)
VOP(vfcmltz_4s, "fcmlt v0.4s, v1.4s, #0.0", 1)
VOP(vfcmltz_2d, "fcmlt v0.2d, v1.2d, #0.0", 0)
VOP(vfcmgez_4s, "fcmge v0.4s, v1.4s, #0.0", 1)
VOP(vfcmgez_2d, "fcmge v0.2d, v1.2d, #0.0", 0)
VOP(vfcmlez_4s, "fcmle v0.4s, v1.4s, #0.0", 1)
VOP(vfcmlez_2d, "fcmle v0.2d, v1.2d, #0.0", 0)
VOP(vfneg_2s, "fneg v0.2s, v1.2s", 1)
VOP(vfrintx_2s, "frintx v0.2s, v1.2s", 1)
VOP(vscvtf_4s, "scvtf v0.4s, v1.4s", 1)
VOP(vscvtf_2d, "scvtf v0.2d, v1.2d", 1)
VOP(vucvtf_4s, "ucvtf v0.4s, v1.4s", 1)
VOP(vucvtf_2d, "ucvtf v0.2d, v1.2d", 1)
VOP(vurecpe_4s, "urecpe v0.4s, v1.4s", 1)
VOP(vursqrte_4s, "ursqrte v0.4s, v1.4s", 1)
VOP(vfcvtn_4h, "fcvtn v0.4h, v1.4s", 1)
VOP(vfcvtn2_8h, "fcvtn2 v0.8h, v1.4s", 1)
VOP(vfcvtn_2s, "fcvtn v0.2s, v1.2d", 0)
VOP(vfcvtn2_4s, "fcvtn2 v0.4s, v1.2d", 0)
VOP(vfcvtxn_2s, "fcvtxn v0.2s, v1.2d", 0)
VOP(vfcvtxn2_4s, "fcvtxn2 v0.4s, v1.2d", 0)
VOP(vfcvtl_4s, "fcvtl v0.4s, v1.4h", 1)
VOP(vfcvtl2_4s, "fcvtl2 v0.4s, v1.8h", 1)
VOP(vfcvtl_2d, "fcvtl v0.2d, v1.2s", 1)
VOP(vfcvtl2_2d, "fcvtl2 v0.2d, v1.4s", 1)
VOP(vfmaxnmv, "fmaxnmv s0, v1.4s", 1)
VOP(vfminnmv, "fminnmv s0, v1.4s", 1)
VOP(vfmaxv, "fmaxv s0, v1.4s", 1)
VOP(vfminv, "fminv s0, v1.4s", 1)
VOP(sfaddp_s, "faddp s0, v1.2s", 1)
VOP(sfaddp_d, "faddp d0, v1.2d", 0)
VOP(sfmaxp_s, "fmaxp s0, v1.2s", 1)
VOP(sfmaxp_d, "fmaxp d0, v1.2d", 0)
VOP(sfminp_s, "fminp s0, v1.2s", 1)
VOP(sfminp_d, "fminp d0, v1.2d", 0)
VOP(sfmaxnmp_s, "fmaxnmp s0, v1.2s", 1)
VOP(sfmaxnmp_d, "fmaxnmp d0, v1.2d", 0)
VOP(sfminnmp_s, "fminnmp s0, v1.2s", 1)
VOP(sfminnmp_d, "fminnmp d0, v1.2d", 0)
VOP(vfmla_e4s, "fmla v0.4s, v1.4s, v2.s[1]", 1)
VOP(vfmls_e2d, "fmls v0.2d, v1.2d, v2.d[1]", 0)
VOP(vfmul_e4s, "fmul v0.4s, v1.4s, v2.s[3]", 1)
VOP(vfmulx_e2d, "fmulx v0.2d, v1.2d, v2.d[0]", 0)
VOP(vfmla_e2s, "fmla v0.2s, v1.2s, v2.s[2]", 1)
VOP(sfmla_e, "fmla s0, s1, v2.s[2]", 1)
VOP(sfmul_e, "fmul d0, d1, v2.d[1]", 0)
VOP(sfmulx_e, "fmulx s0, s1, v2.s[3]", 1)
VOP(sfmls_e, "fmls d0, d1, v2.d[0]", 0)
VOP(vscvtf_fix4s, "scvtf v0.4s, v1.4s, #3", 1)
VOP(vucvtf_fix2d, "ucvtf v0.2d, v1.2d, #60", 1)
VOP(vfcvtzs_fix4s, "fcvtzs v0.4s, v1.4s, #1", 1)
VOP(vfcvtzu_fix2d, "fcvtzu v0.2d, v1.2d, #33", 0)
VOP(sscvtf_fix, "scvtf s0, s1, #5", 1)
VOP(sfcvtzu_fix, "fcvtzu d0, d1, #64", 0)
VOP(sucvtf_fixd, "ucvtf d0, d1, #1", 1)
VOP(sfcvtzs_fixs, "fcvtzs s0, s1, #31", 1)

static const struct op ops[] = {

    /* AdvSIMD scalar */
    {fmulx_s, S2}, {fmulx_d, D2}, {fabd_s, S2}, {fabd_d, D2}, {frecps_s, S2}, {frecps_d, D2}, {frsqrts_s, S2},
    {frsqrts_d, D2}, {fcmeq_s, S2}, {fcmeq_d, D2}, {fcmge_s, S2}, {fcmge_d, D2}, {fcmgt_s, S2}, {fcmgt_d, D2},
    {facge_s, S2}, {facge_d, D2}, {facgt_s, S2}, {facgt_d, D2},
    {frecpe_s, S1}, {frecpe_d, D1}, {frsqrte_s, S1}, {frsqrte_d, D1}, {frecpx_s, S1}, {frecpx_d, D1},
    {fcmeqz_s, S1}, {fcmeqz_d, D1}, {fcmgez_s, S1}, {fcmgez_d, D1}, {fcmgtz_s, S1}, {fcmgtz_d, D1},
    {fcmlez_s, S1}, {fcmlez_d, D1}, {fcmltz_s, S1}, {fcmltz_d, D1}, {cvtxn, D1},
    {vfcvtzs_s, S1}, {vfcvtau_d, D1}, {vfcvtzs_fix_d, D1}, {vfcvtzu_fix_s, S1},
    {vscvtf_s, I1}, {vucvtf_d, I1}, {vscvtf_fix_d, I1}, {vurecpe, I1}, {vursqrte, I1},
    {vfmaxnm_4s, S2},
    {vfmaxnm_2d, D2},
    {vfmla_4s, S2},
    {vfmla_2d, D2},
    {vfadd_4s, S2},
    {vfadd_2d, D2},
    {vfmulx_4s, S2},
    {vfmulx_2d, D2},
    {vfcmeq_4s, S2},
    {vfcmeq_2d, D2},
    {vfmax_4s, S2},
    {vfmax_2d, D2},
    {vfrecps_4s, S2},
    {vfrecps_2d, D2},
    {vfminnm_4s, S2},
    {vfminnm_2d, D2},
    {vfmls_4s, S2},
    {vfmls_2d, D2},
    {vfsub_4s, S2},
    {vfsub_2d, D2},
    {vfmin_4s, S2},
    {vfmin_2d, D2},
    {vfrsqrts_4s, S2},
    {vfrsqrts_2d, D2},
    {vfmaxnmp_4s, S2},
    {vfmaxnmp_2d, D2},
    {vfaddp_4s, S2},
    {vfaddp_2d, D2},
    {vfmul_4s, S2},
    {vfmul_2d, D2},
    {vfcmge_4s, S2},
    {vfcmge_2d, D2},
    {vfacge_4s, S2},
    {vfacge_2d, D2},
    {vfmaxp_4s, S2},
    {vfmaxp_2d, D2},
    {vfdiv_4s, S2},
    {vfdiv_2d, D2},
    {vfminnmp_4s, S2},
    {vfminnmp_2d, D2},
    {vfabd_4s, S2},
    {vfabd_2d, D2},
    {vfcmgt_4s, S2},
    {vfcmgt_2d, D2},
    {vfacgt_4s, S2},
    {vfacgt_2d, D2},
    {vfminp_4s, S2},
    {vfminp_2d, D2},
    {vfadd_2s, S2},
    {vfmaxp_2s, S2},
    {vfmla_2s, S2},
    {vfcmge_2s, S2},
    {vfabs_4s, S1},
    {vfabs_2d, D1},
    {vfneg_4s, S1},
    {vfneg_2d, D1},
    {vfsqrt_4s, S1},
    {vfsqrt_2d, D1},
    {vfrintn_4s, S1},
    {vfrintn_2d, D1},
    {vfrintp_4s, S1},
    {vfrintp_2d, D1},
    {vfrintm_4s, S1},
    {vfrintm_2d, D1},
    {vfrintz_4s, S1},
    {vfrintz_2d, D1},
    {vfrinta_4s, S1},
    {vfrinta_2d, D1},
    {vfrintx_4s, S1},
    {vfrintx_2d, D1},
    {vfrinti_4s, S1},
    {vfrinti_2d, D1},
    {vfcvtns_4s, S1},
    {vfcvtns_2d, D1},
    {vfcvtnu_4s, S1},
    {vfcvtnu_2d, D1},
    {vfcvtps_4s, S1},
    {vfcvtps_2d, D1},
    {vfcvtpu_4s, S1},
    {vfcvtpu_2d, D1},
    {vfcvtms_4s, S1},
    {vfcvtms_2d, D1},
    {vfcvtmu_4s, S1},
    {vfcvtmu_2d, D1},
    {vfcvtzs_4s, S1},
    {vfcvtzs_2d, D1},
    {vfcvtzu_4s, S1},
    {vfcvtzu_2d, D1},
    {vfcvtas_4s, S1},
    {vfcvtas_2d, D1},
    {vfcvtau_4s, S1},
    {vfcvtau_2d, D1},
    {vfrecpe_4s, S1},
    {vfrecpe_2d, D1},
    {vfrsqrte_4s, S1},
    {vfrsqrte_2d, D1},
    {vfcmgtz_4s, S1},
    {vfcmgtz_2d, D1},
    {vfcmeqz_4s, S1},
    {vfcmeqz_2d, D1},
    {vfcmltz_4s, S1},
    {vfcmltz_2d, D1},
    {vfcmgez_4s, S1},
    {vfcmgez_2d, D1},
    {vfcmlez_4s, S1},
    {vfcmlez_2d, D1},
    {vfneg_2s, S1},
    {vfrintx_2s, S1},
    {vscvtf_4s, I1},
    {vscvtf_2d, I1},
    {vucvtf_4s, I1},
    {vucvtf_2d, I1},
    {vurecpe_4s, I1},
    {vursqrte_4s, I1},
    {vfcvtn_4h, S1},
    {vfcvtn2_8h, S1},
    {vfcvtn_2s, D1},
    {vfcvtn2_4s, D1},
    {vfcvtxn_2s, D1},
    {vfcvtxn2_4s, D1},
    {vfcvtl_4s, S1},
    {vfcvtl2_4s, S1},
    {vfcvtl_2d, S1},
    {vfcvtl2_2d, S1},
    {vfmaxnmv, S2},
    {vfminnmv, S2},
    {vfmaxv, S2},
    {vfminv, S2},
    {sfaddp_s, S2},
    {sfaddp_d, D2},
    {sfmaxp_s, S2},
    {sfmaxp_d, D2},
    {sfminp_s, S2},
    {sfminp_d, D2},
    {sfmaxnmp_s, S2},
    {sfmaxnmp_d, D2},
    {sfminnmp_s, S2},
    {sfminnmp_d, D2},
    {vfmla_e4s, S2},
    {vfmls_e2d, D2},
    {vfmul_e4s, S2},
    {vfmulx_e2d, D2},
    {vfmla_e2s, S2},
    {sfmla_e, S2},
    {sfmul_e, D2},
    {sfmulx_e, S2},
    {sfmls_e, D2},
    {vscvtf_fix4s, I1},
    {vucvtf_fix2d, I1},
    {vfcvtzs_fix4s, S1},
    {vfcvtzu_fix2d, D1},
    {sscvtf_fix, I1},
    {sfcvtzu_fix, D1},
    {sucvtf_fixd, I1},
    {sfcvtzs_fixs, S1},

};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

#include "simd_fp_expected.h"

int main(void)
{
    for (unsigned g = 0; g < N_OPS; g++) {
        begin(g);
        run_op(&ops[g]);
        end(expected, sizeof(expected) / sizeof(expected[0]));
    }
    return 0;
}
