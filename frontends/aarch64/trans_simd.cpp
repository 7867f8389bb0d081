// AdvSIMD integer: copies (DUP, INS, UMOV, SMOV), modified immediates (MOVI, MVNI, ORR, BIC,
// FMOV vector), EXT and the bitwise ops inline in IR; the arithmetic groups through the
// helpers of simd_helpers.cpp, which the LLVM tier inlines. The FP opcodes of the same groups
// are in trans_simd_fp.cpp: the patterns here name exact integer opcodes.
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

using simd::Desc;

bool q_of(uint32_t w) { return bits(w, 30, 30); }
bool u_of(uint32_t w) { return bits(w, 29, 29); }
unsigned size_of(uint32_t w) { return bits(w, 23, 22); }

void call(Ctx& c, const ir::Helper& h, const Desc& d) { c.b.call(&h, c.imm(int64_t(simd::pack(d)))); }

// Lane idx of 8 << size bits of register r, zero-extended.
Temp lane(Ctx& c, unsigned r, unsigned size, unsigned idx) {
    const unsigned bytes = 1u << size, half = idx * bytes / 8, sh = idx * bytes % 8 * 8;
    Temp v = c.b.ld_env(Type::I64, c.voff(r, half));
    if (sh) v = c.b.shr(v, c.imm(sh));
    if (size < 3) v = c.b.and_(v, c.imm(int64_t((1ull << (8 << size)) - 1)));
    return v;
}
void set_lane(Ctx& c, unsigned r, unsigned size, unsigned idx, Temp v) {
    const unsigned bytes = 1u << size, half = idx * bytes / 8, sh = idx * bytes % 8 * 8;
    if (size == 3) {
        c.b.st_env(v, c.voff(r, half));
        return;
    }
    const uint64_t mask = ((1ull << (8 << size)) - 1) << sh;
    Temp old = c.b.and_(c.b.ld_env(Type::I64, c.voff(r, half)), c.imm(int64_t(~mask)));
    Temp ins = c.b.and_(c.b.shl(v, c.imm(sh)), c.imm(int64_t(mask)));
    c.b.st_env(c.b.or_(old, ins), c.voff(r, half));
}
// v (zero-extended, 8 << size bits) repeated over 64 bits.
Temp replicate(Ctx& c, Temp v, unsigned size) {
    static constexpr uint64_t kSpread[4] = {0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull, 1};
    return size == 3 ? v : c.b.mul(v, c.imm(int64_t(kSpread[size])));
}

// ---- copies

bool trans_copy(Ctx& c, uint32_t w) {
    const unsigned imm5 = bits(w, 20, 16), imm4 = bits(w, 14, 11);
    const bool q = q_of(w), op = u_of(w);
    if (!(imm5 & 15)) return false;
    const unsigned size = unsigned(__builtin_ctz(imm5)), idx = imm5 >> (size + 1);
    if (op) {  // INS (element)
        if (!q) return false;
        if (!c.fp_access()) return true;
        set_lane(c, rd(w), size, idx, lane(c, rn(w), size, imm4 >> size));
        return true;
    }
    switch (imm4) {
    case 0:  // DUP (element)
    case 1: {  // DUP (general)
        if (size == 3 && !q) return false;
        if (!c.fp_access()) return true;
        Temp e = imm4 == 0 ? lane(c, rn(w), size, idx)
                           : (size == 3 ? c.x(rn(w)) : c.b.and_(c.x(rn(w)), c.imm(int64_t((1ull << (8 << size)) - 1))));
        Temp r = replicate(c, e, size);
        c.set_v(rd(w), r, q ? r : c.imm(0));
        return true;
    }
    case 3:  // INS (general)
        if (!q) return false;
        if (!c.fp_access()) return true;
        set_lane(c, rd(w), size, idx, c.x(rn(w)));
        return true;
    case 5: {  // SMOV
        if (size == 3 || (size == 2 && !q)) return false;
        if (!c.fp_access()) return true;
        Temp e = c.b.sext(Type::I64, lane(c, rn(w), size, idx), 8u << size);
        c.set_x(rd(w), q ? e : c.w32(e));
        return true;
    }
    case 7:  // UMOV
        if (q != (size == 3)) return false;
        if (!c.fp_access()) return true;
        c.set_x(rd(w), lane(c, rn(w), size, idx));
        return true;
    default: return false;
    }
}

// DUP (element) to a scalar: MOV Bd/Hd/Sd/Dd, Vn.T[i].
bool trans_scalar_dup(Ctx& c, uint32_t w) {
    const unsigned imm5 = bits(w, 20, 16);
    if (!(imm5 & 15)) return false;
    const unsigned size = unsigned(__builtin_ctz(imm5));
    if (!c.fp_access()) return true;
    c.set_v64(rd(w), lane(c, rn(w), size, imm5 >> (size + 1)));
    return true;
}

// ---- modified immediate

// AdvSIMDExpandImm for cmode and op (the FMOV forms included).
uint64_t expand_imm(unsigned op, unsigned cmode, uint64_t imm8) {
    auto rep32 = [](uint64_t v) { return v | v << 32; };
    auto rep16 = [](uint64_t v) { return v * 0x0001000100010001ull; };
    switch (cmode >> 1) {
    case 0: return rep32(imm8);
    case 1: return rep32(imm8 << 8);
    case 2: return rep32(imm8 << 16);
    case 3: return rep32(imm8 << 24);
    case 4: return rep16(imm8);
    case 5: return rep16(imm8 << 8);
    case 6: return rep32(cmode & 1 ? imm8 << 16 | 0xffff : imm8 << 8 | 0xff);
    default:
        if (!(cmode & 1)) {
            if (!op) return imm8 * 0x0101010101010101ull;
            uint64_t r = 0;
            for (int i = 0; i < 8; i++)
                if (imm8 >> i & 1) r |= 0xffull << (8 * i);
            return r;
        }
        const uint64_t a = imm8 >> 7 & 1, b = imm8 >> 6 & 1, cdefgh = imm8 & 0x3f;
        if (!op) {  // FMOV (vector, single): a:NOT(b):Replicate(b,5):cdefgh:Zeros(19)
            uint64_t f = a << 31 | (b ^ 1) << 30 | (b ? 0x1full : 0) << 25 | cdefgh << 19;
            return rep32(f);
        }
        // FMOV (vector, double): a:NOT(b):Replicate(b,8):cdefgh:Zeros(48)
        return a << 63 | (b ^ 1) << 62 | (b ? 0xffull : 0) << 54 | cdefgh << 48;
    }
}

bool trans_modimm(Ctx& c, uint32_t w) {
    const bool q = q_of(w), op = u_of(w);
    const unsigned cmode = bits(w, 15, 12);
    if (bits(w, 11, 11)) return false;               // o2: the half-precision FMOV (FEAT_FP16)
    if (op && cmode == 15 && !q) return false;       // FMOV (double) needs Q
    if (!c.fp_access()) return true;
    const uint64_t imm8 = bits(w, 18, 16) << 5 | bits(w, 9, 5);
    uint64_t imm = expand_imm(op, cmode, imm8);
    const bool logical = cmode < 12 && (cmode & 1);  // ORR / BIC
    if (!logical) {
        if (op && cmode < 14) imm = ~imm;  // MVNI
        Temp v = c.imm(int64_t(imm));
        c.set_v(rd(w), v, q ? v : c.imm(0));
        return true;
    }
    auto apply = [&](Temp x) { return op ? c.b.and_(x, c.imm(int64_t(~imm))) : c.b.or_(x, c.imm(int64_t(imm))); };
    Temp lo = apply(c.vlo(rd(w)));
    c.set_v(rd(w), lo, q ? apply(c.vhi(rd(w))) : c.imm(0));
    return true;
}

// ---- bitwise three-same (opcode 00011): AND BIC ORR ORN EOR BSL BIT BIF, per 64-bit half

bool trans_logic(Ctx& c, uint32_t w) {
    const bool q = q_of(w), u = u_of(w);
    const unsigned opc = size_of(w);
    if (!c.fp_access()) return true;
    auto half = [&](unsigned h) {
        Temp n = c.b.ld_env(Type::I64, c.voff(rn(w), h)), m = c.b.ld_env(Type::I64, c.voff(rm(w), h));
        if (!u) {
            switch (opc) {
            case 0: return c.b.and_(n, m);
            case 1: return c.b.and_(n, c.b.not_(m));
            case 2: return c.b.or_(n, m);
            default: return c.b.or_(n, c.b.not_(m));
            }
        }
        if (opc == 0) return c.b.xor_(n, m);
        Temp d = c.b.ld_env(Type::I64, c.voff(rd(w), h));
        switch (opc) {
        case 1: return c.b.xor_(m, c.b.and_(c.b.xor_(m, n), d));             // BSL
        case 2: return c.b.xor_(d, c.b.and_(c.b.xor_(d, n), m));             // BIT
        default: return c.b.xor_(d, c.b.and_(c.b.xor_(d, n), c.b.not_(m)));  // BIF
        }
    };
    Temp lo = half(0);
    Temp hi = q ? half(1) : c.imm(0);
    c.set_v(rd(w), lo, hi);
    return true;
}

// ---- EXT: bytes imm4.. of the pair Vm:Vn

bool trans_ext(Ctx& c, uint32_t w) {
    const bool q = q_of(w);
    const unsigned pos = bits(w, 14, 11);
    if (!q && pos >= 8) return false;
    if (!c.fp_access()) return true;
    // The source as 64-bit words, lowest first: n.lo, (n.hi), m.lo, (m.hi).
    Temp words[4];
    unsigned nw = 0;
    words[nw++] = c.vlo(rn(w));
    if (q) words[nw++] = c.vhi(rn(w));
    words[nw++] = c.vlo(rm(w));
    if (q) words[nw++] = c.vhi(rm(w));
    auto word_at = [&](unsigned byte) {  // 64 bits starting at byte (byte % 8 may be 0)
        const unsigned k = byte / 8, sh = byte % 8 * 8;
        if (!sh) return words[k];
        Temp lo = c.b.shr(words[k], c.imm(sh));
        if (k + 1 >= nw) return lo;
        return c.b.or_(lo, c.b.shl(words[k + 1], c.imm(64 - sh)));
    };
    Temp lo = word_at(pos);
    Temp hi = q ? word_at(pos + 8) : c.imm(0);
    c.set_v(rd(w), lo, hi);
    return true;
}

// ---- integer ADD, SUB, MUL, MLA, MLS on lanes packed in 64-bit halves (no helper call:
// glibc and compiled loops use them in their inner loops)

// Lanes of 8 << size bits added or subtracted without carries between them: the lanes' top
// bits are set aside so nothing crosses, then put back with the sum's own top bit.
Temp lanes_add(Ctx& c, unsigned size, Temp a, Temp b, bool sub) {
    if (size == 3) return sub ? c.b.sub(a, b) : c.b.add(a, b);
    static const uint64_t kTop[3] = {0x8080808080808080ull, 0x8000800080008000ull, 0x8000000080000000ull};
    Temp top = c.imm(int64_t(kTop[size])), rest = c.imm(int64_t(~kTop[size]));
    if (!sub) return c.b.xor_(c.b.add(c.b.and_(a, rest), c.b.and_(b, rest)), c.b.and_(c.b.xor_(a, b), top));
    Temp diff = c.b.sub(c.b.or_(a, top), c.b.and_(b, rest));  // no borrow leaves a lane
    return c.b.xor_(diff, c.b.and_(c.b.xor_(a, c.b.not_(b)), top));
}

// Lane products, modulo the lane: a lane's low bits depend only on the factors' low bits.
Temp lanes_mul(Ctx& c, unsigned size, Temp a, Temp b) {
    const unsigned w = 8u << size;
    const int64_t mask = int64_t((1ull << w) - 1);
    Temp r = c.b.and_(c.b.mul(a, b), c.imm(mask));
    for (unsigned at = w; at < 64; at += w) {
        Temp p = c.b.mul(c.b.shr(a, c.imm(at)), c.b.shr(b, c.imm(at)));
        if (at + w < 64) p = c.b.and_(p, c.imm(mask));
        r = c.b.or_(r, c.b.shl(p, c.imm(at)));
    }
    return r;
}

// op 0x10 ADD/SUB (any size), 0x12 MLA/MLS and 0x13 MUL with 16- or 32-bit lanes (the checks
// of trans_three_same done). False: the helper does it.
bool three_same_int_inline(Ctx& c, uint32_t w, unsigned op, unsigned size, bool q, bool u) {
    if (op != 0x10 && !((op == 0x12 || (op == 0x13 && !u)) && (size == 1 || size == 2))) return false;
    auto half = [&](unsigned h) {
        Temp n = c.b.ld_env(Type::I64, c.voff(rn(w), h)), m = c.b.ld_env(Type::I64, c.voff(rm(w), h));
        if (op == 0x10) return lanes_add(c, size, n, m, u);
        Temp p = lanes_mul(c, size, n, m);
        if (op == 0x13) return p;
        return lanes_add(c, size, c.b.ld_env(Type::I64, c.voff(rd(w), h)), p, u);
    };
    Temp lo = half(0);
    Temp hi = q ? half(1) : c.imm(0);
    c.set_v(rd(w), lo, hi);
    return true;
}

// ---- the helper groups

bool trans_three_same(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 15, 11), size = size_of(w);
    const bool q = q_of(w), u = u_of(w);
    if (op == 0x03) return trans_logic(c, w);
    switch (op) {
    case 0x00: case 0x02: case 0x04: case 0x0c: case 0x0d: case 0x0e: case 0x0f: case 0x12: case 0x14: case 0x15:
        if (size == 3) return false;
        break;
    case 0x13:
        if (size == 3 || (u && size != 0)) return false;
        break;
    case 0x16:
        if (size == 0 || size == 3) return false;
        break;
    case 0x17:
        if (u || (size == 3 && !q)) return false;
        break;
    default:
        if (size == 3 && !q) return false;
        break;
    }
    if (!c.fp_access()) return true;
    if (three_same_int_inline(c, w, op, size, q, u)) return true;
    call(c, h_simd_three_same, Desc{rd(w), rn(w), rm(w), size, q, u, op, 0, 0, 0});
    return true;
}

bool trans_scalar_three_same(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 15, 11), size = size_of(w);
    const bool u = u_of(w);
    switch (op) {
    case 0x01: case 0x05: case 0x09: case 0x0b: break;  // saturating: any size
    case 0x06: case 0x07: case 0x08: case 0x0a: case 0x10: case 0x11:
        if (size != 3) return false;
        break;
    case 0x16:
        if (size == 0 || size == 3) return false;
        break;
    default: return false;
    }
    if (!c.fp_access()) return true;
    call(c, h_simd_three_same, Desc{rd(w), rn(w), rm(w), size, 0, u, op, 1, 0, 0});
    return true;
}

bool sqdml_op(unsigned op) { return op == 0x9 || op == 0xb || op == 0xd; }

bool trans_three_diff(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 15, 12), size = size_of(w);
    const bool q = q_of(w), u = u_of(w);
    if (size == 3 || op == 0xf) return false;
    if (sqdml_op(op) && (u || size == 0)) return false;
    if (op == 0xe && (u || size != 0)) return false;  // PMULL: bytes (the 64-bit form is FEAT_PMULL)
    if (!c.fp_access()) return true;
    call(c, h_simd_three_diff, Desc{rd(w), rn(w), rm(w), size, q, u, op, 0, 0, 0});
    return true;
}

bool trans_scalar_three_diff(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 15, 12), size = size_of(w);
    if (!sqdml_op(op) || u_of(w) || size == 0 || size == 3) return false;
    if (!c.fp_access()) return true;
    call(c, h_simd_three_diff, Desc{rd(w), rn(w), rm(w), size, 0, 0, op, 1, 0, 0});
    return true;
}

bool trans_misc(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 16, 12), size = size_of(w);
    const bool q = q_of(w), u = u_of(w);
    switch (op) {
    case 0x00:
        if (size >= (u ? 2u : 3u)) return false;
        break;
    case 0x01:
        if (u || size != 0) return false;
        break;
    case 0x02: case 0x04: case 0x06: case 0x12: case 0x14:
        if (size == 3) return false;
        break;
    case 0x05:
        if (u ? size > 1 : size != 0) return false;
        break;
    case 0x0a:
        if (u || (size == 3 && !q)) return false;
        break;
    case 0x03: case 0x07: case 0x08: case 0x09: case 0x0b:
        if (size == 3 && !q) return false;
        break;
    case 0x13:
        if (!u || size == 3) return false;
        break;
    default: return false;
    }
    if (!c.fp_access()) return true;
    if (op == 0x05) {  // bytes whatever the size field, which tells NOT from RBIT
        call(c, h_simd_misc, Desc{rd(w), rn(w), 0, 0, q, u, op, 0, size, 0});
        return true;
    }
    call(c, h_simd_misc, Desc{rd(w), rn(w), 0, size, q, u, op, 0, 0, 0});
    return true;
}

bool trans_scalar_misc(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 16, 12), size = size_of(w);
    const bool u = u_of(w);
    switch (op) {
    case 0x03: case 0x07: break;
    case 0x08: case 0x09: case 0x0b:
        if (size != 3) return false;
        break;
    case 0x0a:
        if (u || size != 3) return false;
        break;
    case 0x12:
        if (!u || size == 3) return false;
        break;
    case 0x14:
        if (size == 3) return false;
        break;
    default: return false;
    }
    if (!c.fp_access()) return true;
    call(c, h_simd_misc, Desc{rd(w), rn(w), 0, size, 0, u, op, 1, 0, 0});
    return true;
}

bool trans_across(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 16, 12), size = size_of(w);
    const bool q = q_of(w), u = u_of(w);
    if (size == 3 || (size == 2 && !q) || (op == 0x1b && u)) return false;
    if (!c.fp_access()) return true;
    call(c, h_simd_across, Desc{rd(w), rn(w), 0, size, q, u, op, 0, 0, 0});
    return true;
}

bool trans_permute(Ctx& c, uint32_t w) {
    const unsigned op = bits(w, 14, 12), size = size_of(w);
    const bool q = q_of(w);
    if ((op & 3) == 0 || (size == 3 && !q)) return false;
    if (!c.fp_access()) return true;
    call(c, h_simd_permute, Desc{rd(w), rn(w), rm(w), size, q, 0, op, 0, 0, 0});
    return true;
}

bool trans_tbl(Ctx& c, uint32_t w) {
    if (!c.fp_access()) return true;
    call(c, h_simd_tbl, Desc{rd(w), rn(w), rm(w), 0, q_of(w), bits(w, 12, 12), 0, 0, bits(w, 14, 13) + 1, 0});
    return true;
}

// Shift by immediate, vector (scalar = false) and scalar. immh (bits 22:19) is never 0 here.
bool shift_imm(Ctx& c, uint32_t w, bool scalar) {
    const unsigned immh = bits(w, 22, 19), imm7 = bits(w, 22, 16), op = bits(w, 15, 11);
    const unsigned size = 31 - unsigned(__builtin_clz(immh)), esize = 8u << size;
    const bool q = q_of(w), u = u_of(w);
    const bool narrow = op >= 0x10 && op <= 0x13, left = op == 0x0a || op == 0x0c || op == 0x0e || op == 0x14;
    if ((narrow || op == 0x14) && size == 3) return false;
    if ((op == 0x08 || op == 0x0c) && !u) return false;
    if (scalar) {
        if (op == 0x14 || (op <= 0x11 && narrow && !u)) return false;
        if (!narrow && op != 0x0c && op != 0x0e && size != 3) return false;
    } else if (!narrow && op != 0x14 && size == 3 && !q) {
        return false;
    }
    const unsigned sh = left ? imm7 - esize : 2 * esize - imm7;
    if (!c.fp_access()) return true;
    call(c, h_simd_shift_imm, Desc{rd(w), rn(w), 0, size, q, u, op, scalar, sh, 0});
    return true;
}
bool trans_shift_imm(Ctx& c, uint32_t w) { return shift_imm(c, w, false); }
bool trans_scalar_shift_imm(Ctx& c, uint32_t w) { return shift_imm(c, w, true); }

// By element: H elements index H:L:M with Vm in 0-15, S elements index H:L with Vm in 0-31.
bool by_elem(Ctx& c, uint32_t w, bool scalar) {
    const unsigned op = bits(w, 15, 12), size = size_of(w);
    const bool q = q_of(w), u = u_of(w);
    if (size != 1 && size != 2) return false;
    const unsigned h = bits(w, 11, 11), l = bits(w, 21, 21), m = bits(w, 20, 20);
    const unsigned idx = size == 1 ? (h << 2 | l << 1 | m) : (h << 1 | l);
    const unsigned vm = size == 1 ? bits(w, 19, 16) : bits(w, 20, 16);
    unsigned gop;
    bool wide;
    bool gu = u;
    switch (op) {
    case 0x0: case 0x4:  // MLA, MLS
        if (!u || scalar) return false;
        gop = 0x12, wide = false, gu = op == 0x4;
        break;
    case 0x8:  // MUL
        if (u || scalar) return false;
        gop = 0x13, wide = false;
        break;
    case 0x2: case 0x6: case 0xa:  // SMLAL/UMLAL, SMLSL/UMLSL, SMULL/UMULL
        if (scalar) return false;
        gop = op == 0x2 ? 0x8 : op == 0x6 ? 0xa : 0xc, wide = true;
        break;
    case 0x3: case 0x7: case 0xb:  // SQDMLAL, SQDMLSL, SQDMULL
        if (u) return false;
        gop = op == 0x3 ? 0x9 : op == 0x7 ? 0xb : 0xd, wide = true;
        break;
    case 0xc: case 0xd:  // SQDMULH, SQRDMULH
        if (u) return false;
        gop = 0x16, wide = false, gu = op == 0xd;
        break;
    default: return false;
    }
    if (!c.fp_access()) return true;
    call(c, h_simd_by_elem, Desc{rd(w), rn(w), vm, size, q, gu, gop, scalar, idx, wide});
    return true;
}
bool trans_by_elem(Ctx& c, uint32_t w) { return by_elem(c, w, false); }
bool trans_scalar_by_elem(Ctx& c, uint32_t w) { return by_elem(c, w, true); }

// ADDP (scalar): the two D elements summed.
bool trans_scalar_addp(Ctx& c, uint32_t w) {
    if (size_of(w) != 3) return false;
    if (!c.fp_access()) return true;
    c.set_v64(rd(w), c.b.add(c.vlo(rn(w)), c.vhi(rn(w))));
    return true;
}

// Letters: Q, U, s size, m Rm, o opcode, n Rn, d Rd, h immh, b immb, i/j immediates,
// L/M/H index bits, l table length, p op, a/c/e modified-immediate fields.
#define SHIFT_IMM_PATTERNS(name, prefix, fn)                                  \
    pattern(name, prefix "0001 bbb 0ooo0 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "001h bbb 0ooo0 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "01hh bbb 0ooo0 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "1hhh bbb 0ooo0 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "0001 bbb 100oo 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "001h bbb 100oo 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "01hh bbb 100oo 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "1hhh bbb 100oo 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "0001 bbb 10100 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "001h bbb 10100 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "01hh bbb 10100 1 nnnnn ddddd", fn),                 \
    pattern(name, prefix "1hhh bbb 10100 1 nnnnn ddddd", fn)

constexpr Pattern kTable[] = {
    pattern("simd_copy", "0 Q p 01110000 iiiii 0 jjjj 1 nnnnn ddddd", trans_copy),
    pattern("simd_modimm", "0 Q p 0111100000 aaa cccc o 1 eeeee ddddd", trans_modimm),
    pattern("simd_ext", "0 Q 1 01110 00 0 mmmmm 0 iiii 0 nnnnn ddddd", trans_ext),
    pattern("simd_tbl", "0 Q 0 01110 00 0 mmmmm 0 ll p 00 nnnnn ddddd", trans_tbl),
    pattern("simd_permute", "0 Q 0 01110 ss 0 mmmmm 0 ooo 10 nnnnn ddddd", trans_permute),
    pattern("simd_three_same", "0 Q U 01110 ss 1 mmmmm 0oooo 1 nnnnn ddddd", trans_three_same),
    pattern("simd_three_same", "0 Q U 01110 ss 1 mmmmm 10ooo 1 nnnnn ddddd", trans_three_same),
    pattern("simd_three_diff", "0 Q U 01110 ss 1 mmmmm oooo 00 nnnnn ddddd", trans_three_diff),
    pattern("simd_misc", "0 Q U 01110 ss 10000 00ooo 10 nnnnn ddddd", trans_misc),
    pattern("simd_misc", "0 Q U 01110 ss 10000 010oo 10 nnnnn ddddd", trans_misc),
    pattern("simd_misc", "0 Q U 01110 ss 10000 100oo 10 nnnnn ddddd", trans_misc),
    pattern("simd_misc", "0 Q U 01110 ss 10000 10100 10 nnnnn ddddd", trans_misc),
    pattern("simd_across", "0 Q U 01110 ss 11000 00011 10 nnnnn ddddd", trans_across),
    pattern("simd_across", "0 Q U 01110 ss 11000 01010 10 nnnnn ddddd", trans_across),
    pattern("simd_across", "0 Q U 01110 ss 11000 1101o 10 nnnnn ddddd", trans_across),
    SHIFT_IMM_PATTERNS("simd_shift_imm", "0 Q U 011110 ", trans_shift_imm),
    pattern("simd_by_elem", "0 Q U 01111 ss L M mmmm 0o00 H 0 nnnnn ddddd", trans_by_elem),
    pattern("simd_by_elem", "0 Q U 01111 ss L M mmmm 0o1o H 0 nnnnn ddddd", trans_by_elem),
    pattern("simd_by_elem", "0 Q U 01111 ss L M mmmm 1000 H 0 nnnnn ddddd", trans_by_elem),
    pattern("simd_by_elem", "0 Q U 01111 ss L M mmmm 101o H 0 nnnnn ddddd", trans_by_elem),
    pattern("simd_by_elem", "0 Q U 01111 ss L M mmmm 110o H 0 nnnnn ddddd", trans_by_elem),
    pattern("scalar_dup", "01 0 11110000 iiiii 0 0000 1 nnnnn ddddd", trans_scalar_dup),
    pattern("scalar_addp", "01 0 11110 ss 11000 11011 10 nnnnn ddddd", trans_scalar_addp),
    pattern("scalar_three_same", "01 U 11110 ss 1 mmmmm 0oooo 1 nnnnn ddddd", trans_scalar_three_same),
    pattern("scalar_three_same", "01 U 11110 ss 1 mmmmm 10ooo 1 nnnnn ddddd", trans_scalar_three_same),
    pattern("scalar_three_diff", "01 U 11110 ss 1 mmmmm oooo 00 nnnnn ddddd", trans_scalar_three_diff),
    pattern("scalar_misc", "01 U 11110 ss 10000 00ooo 10 nnnnn ddddd", trans_scalar_misc),
    pattern("scalar_misc", "01 U 11110 ss 10000 010oo 10 nnnnn ddddd", trans_scalar_misc),
    pattern("scalar_misc", "01 U 11110 ss 10000 100oo 10 nnnnn ddddd", trans_scalar_misc),
    pattern("scalar_misc", "01 U 11110 ss 10000 10100 10 nnnnn ddddd", trans_scalar_misc),
    SHIFT_IMM_PATTERNS("scalar_shift_imm", "01 U 111110 ", trans_scalar_shift_imm),
    pattern("scalar_by_elem", "01 U 11111 ss L M mmmm 0o11 H 0 nnnnn ddddd", trans_scalar_by_elem),
    pattern("scalar_by_elem", "01 U 11111 ss L M mmmm 1011 H 0 nnnnn ddddd", trans_scalar_by_elem),
    pattern("scalar_by_elem", "01 U 11111 ss L M mmmm 110o H 0 nnnnn ddddd", trans_scalar_by_elem),
};
#undef SHIFT_IMM_PATTERNS
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kSimdPatterns{kTable};

}  // namespace tessera::aarch64
