// Integer loads and stores: literal, unsigned offset, unscaled, pre- and post-index,
// unprivileged, register offset, pairs, exclusives and acquire/release; the same forms for
// SIMD&FP registers (V = 1: B, H, S, D and Q). Structure loads and stores are in
// trans_ldst_simd.cpp.
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

// size (0-3), V and opc of the single-register forms: what to do and how. scale is log2 of
// the access size (4 for a Q register).
struct Access1 {
    bool load, sign, to32, prefetch, simd;
    uint8_t memop;
    unsigned scale;
};
bool classify(unsigned size, bool v, unsigned opc, Access1* a) {
    *a = {};
    a->memop = uint8_t(size);
    a->scale = size;
    if (v) {
        a->simd = true;
        a->load = opc & 1;
        if (opc & 2) {  // Q: size 0 only
            if (size != 0) return false;
            a->scale = 4;
            a->memop = ir::MO_64;
        }
        return true;
    }
    switch (opc) {
    case 0: return true;  // store
    case 1: a->load = true; return true;
    case 2:
        if (size == 3) {
            a->prefetch = true;  // PRFM
            return true;
        }
        a->load = a->sign = true;
        return true;
    default:
        if (size >= 2) return false;  // size 2: unallocated here; size 3: unallocated
        a->load = a->sign = a->to32 = true;
        return true;
    }
}

// A SIMD&FP register from or to memory: a Q register as two 64-bit accesses (the register
// is written only after both have succeeded); a scalar load clears the rest of the register.
void access_simd(Ctx& c, unsigned scale, bool load, unsigned rt, Temp addr, unsigned mmu_idx) {
    if (scale == 4) {
        Temp addr2 = c.b.add(addr, c.imm(8));
        if (load) {
            Temp lo = c.b.ld(Type::I64, addr, ir::MO_64, mmu_idx);
            Temp hi = c.b.ld(Type::I64, addr2, ir::MO_64, mmu_idx);
            c.set_v(rt, lo, hi);
        } else {
            Temp lo = c.vlo(rt), hi = c.vhi(rt);
            c.b.st(addr, lo, ir::MO_64, mmu_idx);
            c.b.st(addr2, hi, ir::MO_64, mmu_idx);
        }
        return;
    }
    if (load) c.set_v64(rt, c.b.ld(Type::I64, addr, uint8_t(scale), mmu_idx));
    else c.b.st(addr, c.vlo(rt), uint8_t(scale), mmu_idx);
}

void access(Ctx& c, const Access1& a, unsigned rt, Temp addr, unsigned mmu_idx) {
    if (a.prefetch) return;
    if (a.simd) {
        access_simd(c, a.scale, a.load, rt, addr, mmu_idx);
        return;
    }
    if (!a.load) {
        c.b.st(addr, c.x(rt), a.memop, mmu_idx);
        return;
    }
    Temp v = c.b.ld(Type::I64, addr, uint8_t(a.memop | (a.sign ? ir::MO_SIGN : 0)), mmu_idx);
    c.set_x(rt, a.to32 ? c.w32(v) : v);
}

bool trans_ldr_lit(Ctx& c, uint32_t w) {
    unsigned opc = bits(w, 31, 30);
    Temp addr = c.imm(int64_t(c.pc + uint64_t(sext(bits(w, 23, 5), 19) * 4)));
    if (bits(w, 26, 26)) {  // S, D or Q
        if (opc == 3) return false;
        if (!c.fp_access()) return true;
        access_simd(c, opc + 2, true, rd(w), addr, c.mem_idx());
        return true;
    }
    if (opc == 3) return true;  // PRFM (literal)
    uint8_t mo = opc == 0 ? uint8_t(ir::MO_32) : opc == 1 ? uint8_t(ir::MO_64) : uint8_t(ir::MO_32 | ir::MO_SIGN);
    c.set_x(rd(w), c.b.ld(Type::I64, addr, mo, c.mem_idx()));
    return true;
}

bool trans_ldst_uimm(Ctx& c, uint32_t w) {
    unsigned size = bits(w, 31, 30);
    Access1 a;
    if (!classify(size, bits(w, 26, 26), bits(w, 23, 22), &a)) return false;
    if (a.simd && !c.fp_access()) return true;
    Temp addr = c.b.add(c.xsp(rn(w)), c.imm(int64_t(uint64_t(bits(w, 21, 10)) << a.scale)));
    access(c, a, rd(w), addr, c.mem_idx());
    return true;
}

// Unscaled (LDUR), post-index, unprivileged (LDTR), pre-index.
bool trans_ldst_imm9(Ctx& c, uint32_t w) {
    unsigned size = bits(w, 31, 30), mode = bits(w, 11, 10);
    Access1 a;
    if (!classify(size, bits(w, 26, 26), bits(w, 23, 22), &a)) return false;
    if ((mode != 0 && a.prefetch) || (mode == 2 && a.simd)) return false;  // PRFM: only PRFUM (unscaled)
    if (a.simd && !c.fp_access()) return true;
    int64_t off = sext(bits(w, 20, 12), 9);
    Temp base = c.xsp(rn(w));
    Temp addr = mode == 1 ? base : c.b.add(base, c.imm(off));
    unsigned idx = mode == 2 ? 0 : c.mem_idx();  // LDTR/STTR: as EL0
    access(c, a, rd(w), addr, idx);
    if (mode == 1) c.set_xsp(rn(w), c.b.add(base, c.imm(off)));
    if (mode == 3) c.set_xsp(rn(w), addr);
    return true;
}

bool trans_ldst_reg(Ctx& c, uint32_t w) {
    unsigned size = bits(w, 31, 30), option = bits(w, 15, 13);
    if (!(option & 2)) return false;  // UXTB/UXTH/SXTB/SXTH: reserved here
    Access1 a;
    if (!classify(size, bits(w, 26, 26), bits(w, 23, 22), &a)) return false;
    if (a.simd && !c.fp_access()) return true;
    Temp m = c.x(rm(w));
    if (option == 2) m = c.b.zext(Type::I64, m, 32);
    if (option == 6) m = c.b.sext(Type::I64, m, 32);
    if (bits(w, 12, 12)) m = c.b.shl(m, c.imm(a.scale));
    access(c, a, rd(w), c.b.add(c.xsp(rn(w)), m), c.mem_idx());
    return true;
}

// STP/LDP/LDPSW: signed offset, pre- and post-index, and the non-temporal STNP/LDNP.
// SIMD&FP pairs: S, D or Q by opc.
bool trans_ldst_pair_simd(Ctx& c, uint32_t w) {
    unsigned opc = bits(w, 31, 30), mode = bits(w, 24, 23);
    bool load = bits(w, 22, 22);
    if (opc == 3) return false;
    if (!c.fp_access()) return true;
    unsigned scale = opc + 2;
    int64_t off = sext(bits(w, 21, 15), 7) << scale;
    Temp base = c.xsp(rn(w));
    Temp addr = mode == 1 ? base : c.b.add(base, c.imm(off));
    Temp addr2 = c.b.add(addr, c.imm(1 << scale));
    unsigned t1 = rd(w), t2 = rt2(w);
    if (load) {  // both loads before either register is written
        Temp v[2][2];
        Temp a[2] = {addr, addr2};
        for (int k = 0; k < 2; k++) {
            v[k][0] = c.b.ld(Type::I64, a[k], uint8_t(scale == 4 ? unsigned(ir::MO_64) : scale), c.mem_idx());
            v[k][1] = scale == 4 ? c.b.ld(Type::I64, c.b.add(a[k], c.imm(8)), ir::MO_64, c.mem_idx()) : c.imm(0);
        }
        c.set_v(t1, v[0][0], v[0][1]);
        c.set_v(t2, v[1][0], v[1][1]);
    } else {
        access_simd(c, scale, false, t1, addr, c.mem_idx());
        access_simd(c, scale, false, t2, addr2, c.mem_idx());
    }
    if (mode == 1) c.set_xsp(rn(w), c.b.add(base, c.imm(off)));
    if (mode == 3) c.set_xsp(rn(w), addr);
    return true;
}

bool trans_ldst_pair(Ctx& c, uint32_t w) {
    if (bits(w, 26, 26)) return trans_ldst_pair_simd(c, w);
    unsigned opc = bits(w, 31, 30), mode = bits(w, 25, 23);
    bool load = bits(w, 22, 22);
    if (opc == 3 || (opc == 1 && (!load || mode == 0))) return false;
    bool is64 = opc == 2, sign = opc == 1;
    unsigned size = is64 ? 3 : 2;
    int64_t off = sext(bits(w, 21, 15), 7) << size;
    unsigned t1 = rd(w), t2 = rt2(w);
    Temp base = c.xsp(rn(w));
    Temp addr = mode == 1 ? base : c.b.add(base, c.imm(off));
    Temp addr2 = c.b.add(addr, c.imm(1 << size));
    uint8_t mo = uint8_t(size | (sign ? ir::MO_SIGN : 0));
    if (load) {
        Temp v1 = c.b.ld(Type::I64, addr, mo, c.mem_idx());
        Temp v2 = c.b.ld(Type::I64, addr2, mo, c.mem_idx());
        c.set_x(t1, v1);
        c.set_x(t2, v2);
    } else {
        Temp v1 = c.x(t1), v2 = c.x(t2);
        c.b.st(addr, v1, mo, c.mem_idx());
        c.b.st(addr2, v2, mo, c.mem_idx());
    }
    if (mode == 1) c.set_xsp(rn(w), c.b.add(base, c.imm(off)));
    if (mode == 3) c.set_xsp(rn(w), addr);
    return true;
}

// LDXR, STXR, LDAXR, STLXR, LDAR, STLR, and the exclusive pairs.
bool trans_excl(Ctx& c, uint32_t w) {
    unsigned size = bits(w, 31, 30);
    bool o2 = bits(w, 23, 23), load = bits(w, 22, 22), o1 = bits(w, 21, 21);
    Temp addr = c.xsp(rn(w));
    if (o1) {  // LDXP, LDAXP, STXP, STLXP: 32- or 64-bit elements
        if (size < 2 || o2) return false;
        uint64_t pdesc = uint64_t(size == 3 ? 8 : 4) << 8 | uint64_t(c.mem_idx()) << 16;
        if (load) {
            Temp v1 = c.b.call(&h_ldxp, addr, c.imm(int64_t(pdesc)));
            Temp v2 = c.b.ld_env(Type::I64, env_off(c.cpu, c.cpu.excl_val2));
            c.set_x(rd(w), v1);
            c.set_x(rt2(w), v2);
        } else {
            c.set_x(rm(w), c.b.call(&h_stxp, addr, c.x(rd(w)), c.x(rt2(w)), c.imm(int64_t(pdesc))));
        }
        return true;
    }
    uint64_t desc = uint64_t(1u << size) << 8 | uint64_t(c.mem_idx()) << 16;
    if (o2 && !bits(w, 15, 15)) return false;  // LDLAR/STLLR: LORegions (Armv8.1), not implemented
    if (o2) {  // LDAR / STLR: ordinary accesses, ordered (x86 keeps all orders but store-load)
        if (load) {
            c.set_x(rd(w), c.b.ld(Type::I64, addr, uint8_t(size | ir::MO_ALIGN), c.mem_idx()));
        } else {
            c.b.st(addr, c.x(rd(w)), uint8_t(size | ir::MO_ALIGN), c.mem_idx());
            c.b.fence(ir::FENCE_ST_LD);
        }
        return true;
    }
    if (load) {
        c.set_x(rd(w), c.b.call(&h_ldxr, addr, c.imm(int64_t(desc))));
    } else {
        Temp status = c.b.call(&h_stxr, addr, c.x(rd(w)), c.imm(int64_t(desc)));
        c.set_x(rm(w), status);
    }
    return true;
}

constexpr Pattern kTable[] = {
    pattern("ldr_lit", "oo 011 V 00 iiiiiiiiiiiiiiiiiii ttttt", trans_ldr_lit),
    pattern("ldst_uimm", "ss 111 V 01 oo iiiiiiiiiiii nnnnn ttttt", trans_ldst_uimm),
    pattern("ldst_imm9", "ss 111 V 00 oo 0 iiiiiiiii kk nnnnn ttttt", trans_ldst_imm9),
    pattern("ldst_reg", "ss 111 V 00 oo 1 mmmmm ooo S 10 nnnnn ttttt", trans_ldst_reg),
    pattern("ldst_pair", "oo 101 V 0 kk L iiiiiii uuuuu nnnnn ttttt", trans_ldst_pair),
    pattern("excl", "ss 001000 a L b mmmmm c uuuuu nnnnn ttttt", trans_excl),
};
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kLoadStorePatterns{kTable};

}  // namespace tessera::aarch64
