// A: LR/SC and AMOs as helper calls (alignment, store-permission faults and the
// reservation all live in helpers_amo.cpp).
#include "frontends/riscv/amo.h"
#include "frontends/riscv/translate.h"

namespace tessera::riscv {

namespace {
bool amo(Ctx& c, const Args& a, AmoOp op, unsigned bytes) {
    Temp r = c.b.call(&h_amo, c.x(a.rs1), c.x(a.rs2), c.imm(int64_t(amo_desc(op, bytes, c.mem_idx))));
    c.set_x(a.rd, r);
    return true;
}
bool lr(Ctx& c, const Args& a, unsigned bytes) {
    c.set_x(a.rd, c.b.call(&h_lr, c.x(a.rs1), c.imm(int64_t(amo_desc(AmoOp::Swap, bytes, c.mem_idx)))));
    return true;
}
bool sc(Ctx& c, const Args& a, unsigned bytes) {
    Temp r = c.b.call(&h_sc, c.x(a.rs1), c.x(a.rs2), c.imm(int64_t(amo_desc(AmoOp::Swap, bytes, c.mem_idx))));
    c.set_x(a.rd, r);
    return true;
}
}  // namespace

bool trans_lr_w(Ctx& c, const Args& a) { return lr(c, a, 4); }
bool trans_sc_w(Ctx& c, const Args& a) { return sc(c, a, 4); }
bool trans_amoswap_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Swap, 4); }
bool trans_amoadd_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Add, 4); }
bool trans_amoxor_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Xor, 4); }
bool trans_amoand_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::And, 4); }
bool trans_amoor_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Or, 4); }
bool trans_amomin_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Min, 4); }
bool trans_amomax_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Max, 4); }
bool trans_amominu_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::MinU, 4); }
bool trans_amomaxu_w(Ctx& c, const Args& a) { return amo(c, a, AmoOp::MaxU, 4); }
bool trans_lr_d(Ctx& c, const Args& a) { return lr(c, a, 8); }
bool trans_sc_d(Ctx& c, const Args& a) { return sc(c, a, 8); }
bool trans_amoswap_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Swap, 8); }
bool trans_amoadd_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Add, 8); }
bool trans_amoxor_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Xor, 8); }
bool trans_amoand_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::And, 8); }
bool trans_amoor_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Or, 8); }
bool trans_amomin_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Min, 8); }
bool trans_amomax_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::Max, 8); }
bool trans_amominu_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::MinU, 8); }
bool trans_amomaxu_d(Ctx& c, const Args& a) { return amo(c, a, AmoOp::MaxU, 8); }

}  // namespace tessera::riscv
