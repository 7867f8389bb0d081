// Zicsr, Zifencei, fences and the privileged instructions: each is a helper call, since
// they depend on run-time state (privilege, mstatus trap bits) and change the mode.
#include "frontends/riscv/csr.h"
#include "frontends/riscv/translate.h"

namespace tessera::riscv {

// Exit slot that never chains: the next block must be looked up under the new mode.
constexpr unsigned kNoChain = ir::kNoChainSlot;

void Ctx::raise(uint64_t cause, uint64_t tval) {
    b.call(&h_raise, imm(int64_t(cause)), imm(int64_t(tval)));
    exit_to(pc, kNoChain);  // not reached: the helper leaves an exception pending
}

void Ctx::set_f(unsigned r, Temp v) {
    if (fs() != 3 && !fs_marked) {
        b.call(&h_mark_fs_dirty);
        fs_marked = true;
    }
    b.st_env(v, env_off(cpu, cpu.f[r]), true);
}

// fence pred, succ: bits 27-24 and 23-20 are I, O, R, W. Device accesses are synchronous here,
// so only the R and W orderings become an IR fence (fence.tso: all but store-load).
bool trans_fence(Ctx& c, const Args&) {
    unsigned pred = (c.insn >> 24) & 15, succ = (c.insn >> 20) & 15, fm = c.insn >> 28;
    bool pr = pred & 2, pw = pred & 1, sr = succ & 2, sw = succ & 1;
    uint8_t kinds = uint8_t((pr && sr ? ir::FENCE_LD_LD : 0) | (pr && sw ? ir::FENCE_LD_ST : 0) |
                            (pw && sr ? ir::FENCE_ST_LD : 0) | (pw && sw ? ir::FENCE_ST_ST : 0));
    if (fm == 8) kinds &= uint8_t(~ir::FENCE_ST_LD);
    if (kinds) c.b.fence(kinds);
    return true;
}
bool trans_fence_i(Ctx& c, const Args&) {
    // Stores to code pages already invalidated their blocks; what follows this fence in
    // the current block may be stale, so continue from a fresh lookup.
    c.exit_to(c.next_pc(), kNoChain);
    return true;
}
bool trans_ecall(Ctx& c, const Args&) {
    c.raise(EXC_ECALL_U + c.priv(), 0);
    return true;
}
bool trans_ebreak(Ctx& c, const Args&) {
    c.raise(EXC_BREAKPOINT, c.pc);
    return true;
}
bool trans_mret(Ctx& c, const Args&) {
    c.exit_ind(c.b.call(&h_mret, c.imm(c.insn)), true);
    return true;
}
bool trans_sret(Ctx& c, const Args&) {
    c.exit_ind(c.b.call(&h_sret, c.imm(c.insn)), true);
    return true;
}
bool trans_wfi(Ctx& c, const Args&) {
    c.b.call(&h_wfi, c.imm(c.insn));
    c.exit_to(c.next_pc(), kNoChain);
    return true;
}
bool trans_sfence_vma(Ctx& c, const Args& a) {
    if (a.rd) return false;
    c.b.call(&h_sfence_vma, c.x(a.rs1), c.x(a.rs2), c.imm(c.insn));
    c.exit_to(c.next_pc(), kNoChain);
    return true;
}

namespace {
bool csr_op(Ctx& c, const Args& a, CsrOp op, Temp value, bool writes) {
    bool reads = op != CsrOp::Write || a.rd != 0;
    uint64_t desc = csr_desc(a.csr, op, reads, writes);
    Temp old = c.b.call(&h_csr, c.imm(int64_t(desc)), value, c.imm(c.index), c.imm(c.insn));
    c.set_x(a.rd, old);
    // Any CSR write may change the mode, interrupts or the translation of what follows.
    if (writes) c.exit_to(c.next_pc(), kNoChain);
    return true;
}
}  // namespace

bool trans_csrrw(Ctx& c, const Args& a) { return csr_op(c, a, CsrOp::Write, c.x(a.rs1), true); }
bool trans_csrrs(Ctx& c, const Args& a) { return csr_op(c, a, CsrOp::Set, c.x(a.rs1), a.rs1 != 0); }
bool trans_csrrc(Ctx& c, const Args& a) { return csr_op(c, a, CsrOp::Clear, c.x(a.rs1), a.rs1 != 0); }
bool trans_csrrwi(Ctx& c, const Args& a) { return csr_op(c, a, CsrOp::Write, c.imm(a.imm), true); }
bool trans_csrrsi(Ctx& c, const Args& a) { return csr_op(c, a, CsrOp::Set, c.imm(a.imm), a.imm != 0); }
bool trans_csrrci(Ctx& c, const Args& a) { return csr_op(c, a, CsrOp::Clear, c.imm(a.imm), a.imm != 0); }

}  // namespace tessera::riscv
