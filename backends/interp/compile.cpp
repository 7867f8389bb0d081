// The interpreter's compiler: IR block -> compact ops. Operand placement (guest registers
// read and written in place), immediate and displacement forms, and fused W instructions.
#include <algorithm>
#include <stdexcept>

#include "backends/interp/handlers.h"

namespace tessera::interp {

using namespace detail;

uint32_t frame_offset(const Vcpu& cpu) {
    return uint32_t(reinterpret_cast<const char*>(&cpu.interp_frame[0]) - reinterpret_cast<const char*>(&cpu));
}

namespace {

bool overlaps(int64_t a, unsigned as, int64_t b, unsigned bs) { return a < b + int64_t(bs) && b < a + int64_t(as); }

// Operand placement. Every operand is a byte offset from the CPU state: a temp lives in
// the frame, but a temp that merely carries a guest register (a 64-bit ld_env whose slot
// is not rewritten while the temp is live) is read in place, and an op whose only use is
// a 64-bit st_env writes its result straight into the register. A plain add of two
// registers thus becomes one interpreted op instead of four.
struct Placement {
    std::vector<uint32_t> off;       // per temp
    std::vector<bool> skip;          // per insn: nothing to emit
};

// Every block of a boot passes through here (tens of thousands): the working vectors are
// per thread and keep their capacity, so a block costs no allocation but its Code's.
const Placement& place(const ir::Block& b, const std::vector<bool>& emitted, uint32_t frame_off) {
    const size_t n_ins = b.insns.size(), nt = b.temps.size();
    thread_local Placement pl;
    pl.off.resize(nt);
    for (uint32_t t = 0; t < nt; t++) pl.off[t] = frame_off + 8 * t;
    pl.skip.assign(n_ins, false);
    thread_local std::vector<int> def, uses, last_use;
    def.assign(nt, -1);
    uses.assign(nt, 0);
    last_use.assign(nt, -1);
    for (size_t n = 0; n < n_ins; n++) {
        const ir::Insn& i = b.insns[n];
        if (i.dst != ir::NO_TEMP) def[i.dst] = int(n);
        if (!emitted[n]) continue;
        for (uint32_t s : i.src)
            if (s != ir::NO_TEMP) {
                uses[s]++;
                last_use[s] = int(n);
            }
    }
    // reg: the field is a guest register (ENV_REG), which helpers never write.
    auto writes_env = [&](const ir::Insn& i, int64_t off, unsigned size, bool reg) {
        if (i.op == Op::st_env) return overlaps(i.imm, ir::type_bits(i.type) / 8, off, size);
        if (i.op == Op::call) return !reg && (reinterpret_cast<const ir::Helper*>(i.imm)->flags & ir::HF_WRITES_ENV) != 0;
        return false;
    };
    // 1. Guest-register reads in place.
    thread_local std::vector<int64_t> alias_of;
    alias_of.assign(nt, -1);
    for (size_t n = 0; n < n_ins; n++) {
        const ir::Insn& i = b.insns[n];
        if (i.op != Op::ld_env || i.type != ir::Type::I64 || last_use[i.dst] < 0) continue;
        bool killed = false;
        bool reg = i.aux & ir::ENV_REG;
        for (int k = int(n) + 1; k < last_use[i.dst] && !killed; k++) killed = writes_env(b.insns[size_t(k)], i.imm, 8, reg);
        if (killed) continue;
        alias_of[i.dst] = i.imm;
        pl.off[i.dst] = uint32_t(i.imm);
        pl.skip[n] = true;
    }
    // 2. Results written straight into the guest register they are stored to. Other uses
    // of the temp then read the register, so it must not be rewritten before the last of
    // them: `claimed` remembers, per register, up to where a placed temp still lives there.
    thread_local std::vector<std::pair<int64_t, int>> claimed;  // few: a block's registers
    claimed.clear();
    thread_local std::vector<bool> placed;  // a temp lives in one register at most
    placed.assign(nt, false);
    for (size_t s = 0; s < n_ins; s++) {
        const ir::Insn& st = b.insns[s];
        if (st.op != Op::st_env || st.type != ir::Type::I64) continue;
        uint32_t t = st.src[0];
        if (t == ir::NO_TEMP) continue;  // a zero
        int p = def[t];
        if (p < 0 || alias_of[t] >= 0 || placed[t] || !emitted[size_t(p)] || pl.skip[size_t(p)]) continue;
        const ir::Insn& d = b.insns[size_t(p)];
        // Helpers write their result even when they raise: the register must keep its value.
        // (A flag op of a narrower type writes its 0/1 into the whole slot all the same.)
        if (b.temps[d.dst] != ir::Type::I64 || (ir::op_info(d.op).flags & ir::OPF_CALL)) continue;
        auto c = std::find_if(claimed.begin(), claimed.end(), [&](const auto& e) { return e.first == st.imm; });
        if (c != claimed.end() && c->second > p) continue;  // an earlier placed temp still reads it
        bool ok = true;
        for (size_t k = size_t(p) + 1; k < s && ok; k++) {
            const ir::Insn& i = b.insns[k];
            // A fault or a helper in between must still see the old register value, and so
            // must anything reading the register.
            if (ir::op_info(i.op).flags & (ir::OPF_FAULT | ir::OPF_CALL | ir::OPF_BRANCH | ir::OPF_LABEL)) ok = false;
            if (i.op == Op::ld_env && overlaps(i.imm, ir::type_bits(i.type) / 8, st.imm, 8)) ok = false;
            if (i.op == Op::st_env && overlaps(i.imm, ir::type_bits(i.type) / 8, st.imm, 8)) ok = false;
            if (emitted[k])
                for (uint32_t u : i.src)
                    if (u != ir::NO_TEMP && alias_of[u] >= 0 && overlaps(alias_of[u], 8, st.imm, 8)) ok = false;
        }
        // Uses after the store: nothing may write the field before the last of them; a helper
        // may write one that is not a guest register (an AArch64 V register's half).
        for (size_t k = s + 1; ok && int(k) < last_use[t]; k++)
            if (writes_env(b.insns[k], st.imm, 8, st.aux & ir::ENV_REG)) ok = false;
        if (!ok) continue;
        pl.off[t] = uint32_t(st.imm);
        pl.skip[s] = true;
        placed[t] = true;
        int until = std::max(last_use[t], int(s));
        if (c != claimed.end()) c->second = until;
        else claimed.push_back({st.imm, until});
    }
    return pl;
}

// RV64's W instructions arrive as "t = op.i32 (trunc x), (trunc y); d = sext.i64 t from 32"
// (trunc: sext.i32 from 32 of an i64); AArch64's W registers and x86's 32-bit operations as
// the same with zext. When t and the truncations have no other use, the op is rewritten to
// define d itself (marked in w_op: a W handler, W_SEXT or W_ZEXT) reading x and y, and the
// extension and truncations are removed. "sext/zext.i64 (trunc x) from 32" likewise reads x.
enum : uint8_t { W_NONE, W_SEXT, W_ZEXT };
void fuse_w_ops(ir::Block& pb, const std::vector<int>& def, std::vector<bool>& removed, std::vector<uint8_t>& w_op) {
    thread_local std::vector<uint32_t> uses;
    uses.assign(pb.temps.size(), 0);
    for (const ir::Insn& i : pb.insns)
        for (uint32_t s : i.src)
            if (s != ir::NO_TEMP) uses[s]++;
    auto trunc_of = [&](uint32_t t) -> int {  // the insn index if t is a lone-use truncation to i32
        if (t == ir::NO_TEMP || def[t] < 0 || uses[t] != 1) return -1;
        const ir::Insn& d = pb.insns[size_t(def[t])];
        bool trunc = (d.op == Op::sext || d.op == Op::zext) && d.type == ir::Type::I32 && d.imm == 32 &&
                     pb.temps[d.src[0]] == ir::Type::I64;
        return trunc ? def[t] : -1;
    };
    auto remove = [&](size_t n) {
        removed[n] = true;
        pb.insns[n].dst = ir::NO_TEMP;
        for (uint32_t& s : pb.insns[n].src) s = ir::NO_TEMP;
    };
    for (size_t n = 0; n < pb.insns.size(); n++) {
        ir::Insn& x = pb.insns[n];
        if ((x.op != Op::sext && x.op != Op::zext) || x.type != ir::Type::I64 || x.imm != 32) continue;
        uint32_t t = x.src[0];
        if (int tr = trunc_of(t); tr >= 0) {  // sext.i64 of a truncation: straight from the source
            x.src[0] = pb.insns[size_t(tr)].src[0];
            remove(size_t(tr));
            continue;
        }
        if (def[t] < 0 || uses[t] != 1) continue;
        size_t p = size_t(def[t]);
        ir::Insn& op = pb.insns[p];
        if (op.type != ir::Type::I32 || w_form(op.op, false) == NSPECIAL || removed[p]) continue;
        for (int k = 0; k < 2; k++)
            if (int tr = trunc_of(op.src[k]); tr >= 0) {
                op.src[k] = pb.insns[size_t(tr)].src[0];
                remove(size_t(tr));
            }
        op.dst = x.dst;
        op.type = ir::Type::I64;
        w_op[p] = x.op == Op::zext ? W_ZEXT : W_SEXT;
        remove(n);
    }
}

}  // namespace

std::unique_ptr<Code> compile(const ir::Block& b, uint32_t frame_off) {
    auto code = std::make_unique<Code>();
    const Tables& t = tables();
    const size_t nt = b.temps.size();
    if (nt + 1 > Vcpu::kInterpFrameSlots) throw std::logic_error("interp: block has more temps than the frame");
    if (std::string bad = ir::unsupported_type(b); !bad.empty()) throw std::logic_error("interp: " + bad);
    const uint32_t zero_off = frame_off + 8 * (Vcpu::kInterpFrameSlots - 1);
    code->guest_insns = b.guest_insns;

    // Plan: which operands become immediates, which additions fold into addresses.
    thread_local std::vector<int> def;
    def.assign(nt, -1);
    for (size_t n = 0; n < b.insns.size(); n++)
        if (b.insns[n].dst != ir::NO_TEMP) def[b.insns[n].dst] = int(n);
    auto is_const = [&](uint32_t tmp) { return tmp != ir::NO_TEMP && def[tmp] >= 0 && b.insns[size_t(def[tmp])].op == Op::movi; };
    auto const_of = [&](uint32_t tmp) { return b.insns[size_t(def[tmp])].imm; };
    struct Plan {
        Special special = NSPECIAL;
        int64_t imm2 = 0;
    };
    // The block with operands rewritten by the plan, and the compact ops as they are made:
    // per-thread scratch whose capacity stays (the Code gets exact-size copies at the end).
    thread_local ir::Block pb;
    thread_local Code out;
    pb = b;
    out.insns.clear();
    out.guest_index.clear();
    out.mem_upto.clear();
    out.insn_pc.clear();
    thread_local std::vector<Plan> plan;
    thread_local std::vector<bool> removed;
    thread_local std::vector<uint8_t> w_op;
    thread_local std::vector<uint32_t> reg_uses;
    plan.assign(b.insns.size(), Plan{});
    removed.assign(b.insns.size(), false);
    w_op.assign(b.insns.size(), W_NONE);
    fuse_w_ops(pb, def, removed, w_op);
    reg_uses.assign(nt, 0);
    for (size_t n = 0; n < pb.insns.size(); n++) {
        Plan& p = plan[n];
        ir::Insn& i = pb.insns[n];
        Special ri = ri_form(i.op);
        if (w_op[n] != W_NONE) {
            bool zext = w_op[n] == W_ZEXT;
            bool imm = is_const(i.src[1]) && w_form(i.op, true, zext) != NSPECIAL;
            p.special = w_form(i.op, imm, zext);
            if (imm) {
                p.imm2 = const_of(i.src[1]);
                i.src[1] = ir::NO_TEMP;
            }
        } else if (ri != NSPECIAL) {
            if (!is_const(i.src[1]) && is_const(i.src[0]) && commutative(i.op)) std::swap(i.src[0], i.src[1]);
            if (is_const(i.src[1])) {
                p.special = ri;
                p.imm2 = const_of(i.src[1]);
                i.src[1] = ir::NO_TEMP;
            }
        } else if (i.op == Op::ld || i.op == Op::st) {
            // address = base + constant: the displacement rides in the memory op
            uint32_t a = i.src[0];
            if (def[a] >= 0) {
                const ir::Insn& d = b.insns[size_t(def[a])];
                if (d.op == Op::add && d.type == ir::Type::I64 && is_const(d.src[1])) {
                    i.src[0] = d.src[0];
                    p.imm2 = const_of(d.src[1]);
                }
            }
        }
        // A zero the op still reads from a slot is the frame's zero slot (an AArch64 branch
        // on a flag, RISC-V's x0): its movi need not run.
        for (uint32_t& s : i.src)
            if (is_const(s) && const_of(s) == 0) s = ir::NO_TEMP;
        for (uint32_t s : i.src)
            if (s != ir::NO_TEMP) reg_uses[s]++;
    }
    // Constants and additions that every user took as an immediate need no op.
    thread_local std::vector<bool> emitted;
    emitted.assign(pb.insns.size(), true);
    for (size_t n = 0; n < pb.insns.size(); n++) {
        const ir::Insn& i = pb.insns[n];
        if (i.op == Op::insn_start || i.op == Op::label || removed[n]) emitted[n] = false;
        else if ((ir::op_info(i.op).flags & ir::OPF_PURE) && i.dst != ir::NO_TEMP && reg_uses[i.dst] == 0) emitted[n] = false;
    }
    const Placement& pl = place(pb, emitted, frame_off);

    thread_local std::vector<int64_t> label_pos;
    thread_local std::vector<size_t> fixups;
    label_pos.assign(b.labels, -1);
    fixups.clear();
    int guest = -1;
    uint32_t mem = 0;
    for (size_t n = 0; n < pb.insns.size(); n++) {
        const ir::Insn& i = pb.insns[n];
        if (i.op == Op::insn_start) {
            guest++;
            out.insn_pc.push_back(uint64_t(i.imm));
            continue;
        }
        if (i.op == Op::label) {
            label_pos[size_t(i.imm)] = int64_t(out.insns.size());
            continue;
        }
        if (!emitted[n] || pl.skip[n]) continue;
        CInsn c{};
        // The handler and its kind (for code generators that read the plan, backends/x64).
        auto pick = [&](Special sp) {
            c.handler = t.special[sp];
            c.kind = uint8_t(kKindSpecial + sp);
        };
        c.handler = t.ops[size_t(i.op)];
        c.kind = uint8_t(i.op);
        if (plan[n].special != NSPECIAL) pick(plan[n].special);
        c.imm2 = plan[n].imm2;
        auto slot = [&](uint32_t s) { return s == ir::NO_TEMP ? zero_off : pl.off[s]; };
        c.d = slot(i.dst);
        c.a = slot(i.src[0]);
        c.b = slot(i.src[1]);
        c.c = slot(i.src[2]);
        c.e = slot(i.src[3]);
        c.bits = uint8_t(ir::type_bits(i.type));
        c.mask = type_mask(c.bits);
        c.cond = uint8_t(i.cond);
        c.aux = i.aux;
        c.imm = i.imm;
        switch (i.op) {
        case Op::ld: {
            static const Special ld[4][2] = {{LD_U8, LD_S8}, {LD_U16, LD_S16}, {LD_U32, LD_S32}, {LD_64, LD_64}};
            pick(ld[i.aux & ir::MO_SIZE][(i.aux & ir::MO_SIGN) ? 1 : 0]);
            break;
        }
        case Op::st: {
            static const Special st[4] = {ST_8, ST_16, ST_32, ST_64};
            pick(st[i.aux & ir::MO_SIZE]);
            break;
        }
        case Op::ld_env:
            if (c.bits == 64) pick(LD_ENV64);
            break;
        case Op::st_env:
            if (c.bits == 64) pick(ST_ENV64);
            break;
        case Op::call:
            if (reinterpret_cast<const ir::Helper*>(i.imm)->flags & ir::HF_MAY_RAISE) pick(CALL_RAISE);
            c.imm = int64_t(reinterpret_cast<intptr_t>(reinterpret_cast<const ir::Helper*>(i.imm)->fn));
            break;
        case Op::brcond:
            if (c.bits == 64 && unsigned(i.cond) <= unsigned(ir::Cond::GEU))
                pick(Special(BR_EQ + unsigned(i.cond)));
            fixups.push_back(out.insns.size());
            break;
        case Op::br: fixups.push_back(out.insns.size()); break;
        case Op::exit_tb:
        case Op::exit_ind:
            c.imm2 = guest + 1;  // a side exit retires only what ran...
            c.mask = mem;        // ...and counts only the accesses made on the way
            break;
        default: break;
        }
        if (i.op == Op::ld || i.op == Op::st) mem++;
        out.insns.push_back(c);
        out.guest_index.push_back(uint16_t(guest < 0 ? 0 : guest));
        out.mem_upto.push_back(uint16_t(mem));
    }
    for (size_t f : fixups) {
        int64_t pos = label_pos[size_t(out.insns[f].imm)];
        if (pos < 0) throw std::logic_error("interp: branch to unplaced label");
        out.insns[f].imm = pos;
    }
    if (out.insn_pc.empty()) out.insn_pc.push_back(b.guest_pc);
    code->zero_off = zero_off;
    code->insns = out.insns;
    code->guest_index = out.guest_index;
    code->mem_upto = out.mem_upto;
    code->insn_pc = out.insn_pc;
    return code;
}

}  // namespace tessera::interp
