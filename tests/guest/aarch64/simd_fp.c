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
