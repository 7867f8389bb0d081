// Threaded-dispatch interpreter. The label table is generated from ir/ops.def, so an op
// without a handler label here fails to compile.
#include "backends/interp/interp.h"

#include <cstring>

#include "backends/interp/handlers.h"
#include "ir/fastfp.h"

namespace tessera::interp {

using namespace detail;

namespace {

// Whether the loop continues into next (a chained or cached successor): not if another thread
// or a helper asked the executor to look, nor when tiering's count says next turned hot.
inline bool may_continue(const Code* next, const Vcpu* cpu) {
    return next && !cpu->exit_pending() && !(next->hot && ++next->entries >= next->hot);
}

}  // namespace

static int exec(const Code* code, Vcpu* cpu, Tables* export_tables, bool follow_chains);

const Tables& detail::tables() {
    static Tables t = [] {
        Tables x{};
        exec(nullptr, nullptr, &x, false);
        return x;
    }();
    return t;
}

int run(const Code& code, Vcpu& cpu, bool follow_chains) { return exec(&code, &cpu, nullptr, follow_chains); }

static int exec(const Code* code, Vcpu* cpu, Tables* export_tables, bool follow_chains) {
    static const void* const op_labels[] = {
#define X(name, sig, fl) &&L_##name,
#include "ir/ops.def"
#undef X
    };
    static const void* const special_labels[] = {&&S_ld_u8, &&S_ld_s8, &&S_ld_u16, &&S_ld_s16, &&S_ld_u32, &&S_ld_s32,
                                                 &&S_ld_64, &&S_st_8, &&S_st_16, &&S_st_32, &&S_st_64,
                                                 &&S_ld_env64, &&S_st_env64, &&S_call_raise,
                                                 &&S_add_ri, &&S_sub_ri, &&S_mul_ri, &&S_and_ri, &&S_or_ri, &&S_xor_ri,
                                                 &&S_shl_ri, &&S_shr_ri, &&S_sar_ri, &&S_setcond_ri,
                                                 &&S_uaddo_ri, &&S_saddo_ri, &&S_usubo_ri, &&S_ssubo_ri,
                                                 &&S_br_eq, &&S_br_ne, &&S_br_lt, &&S_br_ge, &&S_br_ltu, &&S_br_geu,
                                                 &&S_addw, &&S_subw, &&S_mulw, &&S_shlw, &&S_shrw, &&S_sarw,
                                                 &&S_addw_ri, &&S_subw_ri, &&S_shlw_ri, &&S_shrw_ri, &&S_sarw_ri,
                                                 &&S_addwz, &&S_subwz, &&S_mulwz, &&S_shlwz, &&S_shrwz, &&S_sarwz,
                                                 &&S_addwz_ri, &&S_subwz_ri, &&S_shlwz_ri, &&S_shrwz_ri, &&S_sarwz_ri};
    static_assert(sizeof(special_labels) / sizeof(special_labels[0]) == NSPECIAL);
    if (export_tables) {
        export_tables->ops = op_labels;
        export_tables->special = special_labels;
        return 0;
    }

    uint8_t* env = reinterpret_cast<uint8_t*>(cpu);
    *reinterpret_cast<uint64_t*>(env + code->zero_off) = 0;  // the slot absent operands read
    const CInsn* base = code->insns.data();
    const CInsn* ip = base;

#define NEXT() goto* (++ip)->handler
#define SLOT(off) (*reinterpret_cast<uint64_t*>(env + (off)))
#define A SLOT(ip->a)
#define B SLOT(ip->b)
#define D SLOT(ip->d)
    goto* ip->handler;

L_movi: D = uint64_t(ip->imm); NEXT();
L_mov: D = A; NEXT();
L_add: D = (A + B) & ip->mask; NEXT();
L_sub: D = (A - B) & ip->mask; NEXT();
L_mul: D = (A * B) & ip->mask; NEXT();
L_and_: D = A & B; NEXT();
L_or_: D = A | B; NEXT();
L_xor_: D = A ^ B; NEXT();
L_shl: D = (A << (B & (ip->bits - 1))) & ip->mask; NEXT();
L_shr: D = (A & ip->mask) >> (B & (ip->bits - 1)); NEXT();
L_sar: D = uint64_t(int64_t(sx(A, ip->bits)) >> (B & (ip->bits - 1))) & ip->mask; NEXT();
L_neg: D = (0 - A) & ip->mask; NEXT();
#define I uint64_t(ip->imm2)
S_add_ri: D = (A + I) & ip->mask; NEXT();
S_sub_ri: D = (A - I) & ip->mask; NEXT();
S_mul_ri: D = (A * I) & ip->mask; NEXT();
S_and_ri: D = A & I & ip->mask; NEXT();
S_or_ri: D = (A | I) & ip->mask; NEXT();
S_xor_ri: D = (A ^ I) & ip->mask; NEXT();
S_shl_ri: D = (A << (I & (ip->bits - 1))) & ip->mask; NEXT();
S_shr_ri: D = (A & ip->mask) >> (I & (ip->bits - 1)); NEXT();
S_sar_ri: D = uint64_t(int64_t(sx(A, ip->bits)) >> (I & (ip->bits - 1))) & ip->mask; NEXT();
S_setcond_ri: D = ir::eval_cond(ir::Cond(ip->cond), A, I, ip->bits); NEXT();
S_uaddo_ri: D = ir::eval_overflow(Op::uaddo, A, I, ip->bits); NEXT();
S_saddo_ri: D = ir::eval_overflow(Op::saddo, A, I, ip->bits); NEXT();
S_usubo_ri: D = ir::eval_overflow(Op::usubo, A, I, ip->bits); NEXT();
S_ssubo_ri: D = ir::eval_overflow(Op::ssubo, A, I, ip->bits); NEXT();
    // W forms read only the low 32 bits of their inputs and sign-extend the result.
#define W(x) uint64_t(int64_t(int32_t(uint32_t(x))))
S_addw: D = W(A + B); NEXT();
S_subw: D = W(A - B); NEXT();
S_mulw: D = W(A * B); NEXT();
S_shlw: D = W(A << (B & 31)); NEXT();
S_shrw: D = W(uint32_t(A) >> (B & 31)); NEXT();
S_sarw: D = W(int32_t(uint32_t(A)) >> (B & 31)); NEXT();
S_addw_ri: D = W(A + I); NEXT();
S_subw_ri: D = W(A - I); NEXT();
S_shlw_ri: D = W(A << (I & 31)); NEXT();
S_shrw_ri: D = W(uint32_t(A) >> (I & 31)); NEXT();
S_sarw_ri: D = W(int32_t(uint32_t(A)) >> (I & 31)); NEXT();
#undef W
    // The zero-extending W forms: the same on the low words, the result zero-extended.
#define WZ(x) uint64_t(uint32_t(x))
S_addwz: D = WZ(A + B); NEXT();
S_subwz: D = WZ(A - B); NEXT();
S_mulwz: D = WZ(A * B); NEXT();
S_shlwz: D = WZ(A << (B & 31)); NEXT();
S_shrwz: D = WZ(uint32_t(A) >> (B & 31)); NEXT();
S_sarwz: D = WZ(int32_t(uint32_t(A)) >> (B & 31)); NEXT();
S_addwz_ri: D = WZ(A + I); NEXT();
S_subwz_ri: D = WZ(A - I); NEXT();
S_shlwz_ri: D = WZ(A << (I & 31)); NEXT();
S_shrwz_ri: D = WZ(uint32_t(A) >> (I & 31)); NEXT();
S_sarwz_ri: D = WZ(int32_t(uint32_t(A)) >> (I & 31)); NEXT();
#undef WZ
#undef I
L_not_: D = ~A & ip->mask; NEXT();
L_mulhs: D = do_mulh(Op::mulhs, A, B, ip->bits); NEXT();
L_mulhu: D = do_mulh(Op::mulhu, A, B, ip->bits); NEXT();
L_mulhsu: D = do_mulh(Op::mulhsu, A, B, ip->bits); NEXT();
L_divs: D = do_div(Op::divs, A, B, ip->bits, ip->aux); NEXT();
L_divu: D = do_div(Op::divu, A, B, ip->bits, ip->aux); NEXT();
L_rems: D = do_div(Op::rems, A, B, ip->bits, ip->aux); NEXT();
L_remu: D = do_div(Op::remu, A, B, ip->bits, ip->aux); NEXT();
L_setcond: D = ir::eval_cond(ir::Cond(ip->cond), A, B, ip->bits); NEXT();
L_uaddo: D = ir::eval_overflow(Op::uaddo, A, B, ip->bits); NEXT();
L_saddo: D = ir::eval_overflow(Op::saddo, A, B, ip->bits); NEXT();
L_usubo: D = ir::eval_overflow(Op::usubo, A, B, ip->bits); NEXT();
L_ssubo: D = ir::eval_overflow(Op::ssubo, A, B, ip->bits); NEXT();
L_select: D = A ? B : SLOT(ip->c); NEXT();
L_sext: D = sx(A, unsigned(ip->imm)) & ip->mask; NEXT();
L_zext: D = A & type_mask(unsigned(ip->imm)); NEXT();
L_fastfp: D = ir::fastfp(unsigned(ip->imm), ip->aux, A, B, SLOT(ip->c)); NEXT();
L_ld_env: {
    uint64_t v = 0;
    memcpy(&v, env + ip->imm, ip->bits / 8);
    D = v;
    NEXT();
}
L_st_env: memcpy(env + ip->imm, &A, ip->bits / 8); NEXT();
S_ld_env64: memcpy(&D, env + ip->imm, 8); NEXT();
S_st_env64: memcpy(env + ip->imm, &A, 8); NEXT();
L_fence: host_fence(ip->aux); NEXT();
L_ld: L_st: L_label: L_insn_start: __builtin_unreachable();  // replaced or dropped by compile()

    // Guest loads and stores: the TLB hit check inline, everything else in the slow path.
#define LOAD(label, T, size, ext)                                                     \
    label : {                                                                         \
        uint64_t va = A + uint64_t(ip->imm2);                                         \
        const TlbEntry& te = cpu->tlb[ip->imm][Vcpu::tlb_index(va)];                  \
        uint64_t v;                                                                   \
        if (__builtin_expect((va & (PAGE_MASK | (size - 1))) == te.tag_read, 1)) {    \
            T x;                                                                      \
            memcpy(&x, reinterpret_cast<const void*>(va + te.addend), size);          \
            v = uint64_t(x);                                                          \
        } else {                                                                      \
            v = cpu->load_slow(va, size, slow_idx(unsigned(ip->imm), ip->aux));       \
            if (cpu->exception_pending) goto fault;                                   \
        }                                                                             \
        D = ext & ip->mask;                                                           \
        NEXT();                                                                       \
    }
    LOAD(S_ld_u8, uint8_t, 1, v)
    LOAD(S_ld_s8, uint8_t, 1, sx(v, 8))
    LOAD(S_ld_u16, uint16_t, 2, v)
    LOAD(S_ld_s16, uint16_t, 2, sx(v, 16))
    LOAD(S_ld_u32, uint32_t, 4, v)
    LOAD(S_ld_s32, uint32_t, 4, sx(v, 32))
    LOAD(S_ld_64, uint64_t, 8, v)
#undef LOAD
#define STORE(label, T, size)                                                          \
    label : {                                                                          \
        uint64_t va = A + uint64_t(ip->imm2);                                          \
        const TlbEntry& te = cpu->tlb[ip->imm][Vcpu::tlb_index(va)];                   \
        if (__builtin_expect((va & (PAGE_MASK | (size - 1))) == te.tag_write, 1)) {    \
            T x = T(B);                                                                \
            memcpy(reinterpret_cast<void*>(va + te.addend), &x, size);                 \
        } else {                                                                       \
            cpu->store_slow(va, size, B, slow_idx(unsigned(ip->imm), ip->aux));        \
            if (cpu->exception_pending) goto fault;                                    \
        }                                                                              \
        NEXT();                                                                        \
    }
    STORE(S_st_8, uint8_t, 1)
    STORE(S_st_16, uint16_t, 2)
    STORE(S_st_32, uint32_t, 4)
    STORE(S_st_64, uint64_t, 8)
#undef STORE

L_call:
    D = reinterpret_cast<ir::HelperFn>(ip->imm)(cpu, A, B, SLOT(ip->c), SLOT(ip->e));
    NEXT();
S_call_raise:
    D = reinterpret_cast<ir::HelperFn>(ip->imm)(cpu, A, B, SLOT(ip->c), SLOT(ip->e));
    if (cpu->exception_pending) goto fault;
    NEXT();
L_br: ip = base + ip->imm; goto* ip->handler;
L_brcond:
    if (ir::eval_cond(ir::Cond(ip->cond), A, B, ip->bits)) {
        ip = base + ip->imm;
        goto* ip->handler;
    }
    NEXT();
#define BRANCH(label, cmp)              \
    label:                              \
    if (cmp) {                          \
        ip = base + ip->imm;            \
        goto* ip->handler;              \
    }                                   \
    NEXT();
    BRANCH(S_br_eq, A == B)
    BRANCH(S_br_ne, A != B)
    BRANCH(S_br_lt, int64_t(A) < int64_t(B))
    BRANCH(S_br_ge, int64_t(A) >= int64_t(B))
    BRANCH(S_br_ltu, A < B)
    BRANCH(S_br_geu, A >= B)
#undef BRANCH
L_exit_tb : {
    cpu->pc = uint64_t(ip->imm);
    cpu->insn_count += uint64_t(ip->imm2);  // instructions retired up to this exit
    cpu->mem_accesses += ip->mask;
    int slot = ip->aux;
    if (follow_chains && slot < int(ir::kChainSlots)) {
        const Code* next = code->next[slot];
        if (may_continue(next, cpu)) {
            code = next;
            base = ip = code->insns.data();
            goto* ip->handler;
        }
    }
    cpu->last_block = code->tb;
    return slot;
}
L_exit_ind : {
    uint64_t target = A;
    cpu->pc = target;
    cpu->insn_count += uint64_t(ip->imm2);
    cpu->mem_accesses += ip->mask;
    // Through the indirect branch cache to a block without compiled code, in the same mode
    // (a mode change, ip->aux, always returns).
    if (follow_chains && !ip->aux && cpu->ibc && code->probes_ibc) {
        const IbcEntry& e = cpu->ibc[(target >> cpu->insn_align_bits) & cpu->ibc_mask];
        const Code* next = static_cast<const Code*>(e.interp_code);
        if (e.pc == target && e.flags == code->flags && e.context == cpu->context_of(target) && may_continue(next, cpu)) {
            code = next;
            base = ip = code->insns.data();
            goto* ip->handler;
        }
    }
    cpu->last_block = code->tb;
    return EXIT_NOCHAIN;
}
fault : {
    unsigned g = code->guest_index[size_t(ip - base)];
    cpu->pc = code->insn_pc[g];
    cpu->insn_count += g;
    cpu->mem_accesses += code->mem_upto[size_t(ip - base)];
    cpu->last_block = code->tb;
    return EXIT_EXCEPTION;
}
#undef NEXT
#undef SLOT
#undef A
#undef B
#undef D
}

}  // namespace tessera::interp
