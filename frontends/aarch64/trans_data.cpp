// Data processing, immediate and register forms: add/sub (with flags and carry), logical,
// moves, bitfields and extract, shifts, conditional select and compare, multiply, divide,
// and the bit operations (through a helper until the IR has them).
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

uint64_t ones(unsigned n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }
uint64_t ror_bits(uint64_t v, unsigned r, unsigned width) {
    r %= width;
    v &= ones(width);
    return r ? ((v >> r) | (v << (width - r))) & ones(width) : v;
}

// DecodeBitMasks: the wmask and tmask of a logical immediate or a bitfield instruction.
// False for a reserved encoding.
bool decode_bit_masks(unsigned n, unsigned imms, unsigned immr, bool immediate, unsigned datasize, uint64_t* wmask,
                      uint64_t* tmask) {
    unsigned combined = n << 6 | (~imms & 63);
    if (!combined) return false;
    unsigned len = 31 - unsigned(__builtin_clz(combined));
    if (len < 1 || (1u << len) > datasize) return false;
    unsigned levels = (1u << len) - 1;
    if (immediate && (imms & levels) == levels) return false;
    unsigned s = imms & levels, r = immr & levels, d = (s - r) & levels;
    unsigned esize = 1u << len;
    uint64_t welem = ror_bits(ones(s + 1), r, esize), telem = ones(d + 1);
    uint64_t w = 0, t = 0;
    for (unsigned i = 0; i < datasize; i += esize) {
        w |= welem << i;
        t |= telem << i;
    }
    *wmask = w & ones(datasize);
    *tmask = t & ones(datasize);
    return true;
}

// Rotate right by a constant or a temp amount, at the width.
Temp ror(Ctx& c, Temp v, Temp amount, bool is64) {
    unsigned width = is64 ? 64 : 32;
    Temp n = c.b.and_(amount, c.imm(width - 1));
    Temp r = c.b.or_(c.b.shr(v, n), c.b.shl(v, c.b.sub(c.imm(width), n)));
    return c.sized(r, is64);
}

// The shifted-register operand: Rm shifted by a constant (LSL, LSR, ASR, ROR).
Temp shifted(Ctx& c, uint32_t w, bool is64) {
    unsigned type = bits(w, 23, 22), amount = bits(w, 15, 10);
    Temp v = c.xr(rm(w), is64);
    if (!amount) return v;
    switch (type) {
    case 0: return c.sized(c.b.shl(v, c.imm(amount)), is64);
    case 1: return c.b.shr(v, c.imm(amount));
    case 2: return c.sized(c.b.sar(is64 ? v : c.b.sext(Type::I64, v, 32), c.imm(amount)), is64);
    default: return ror(c, v, c.imm(amount), is64);
    }
}

// The extended-register operand: Rm extended (UXTB ... SXTX), then shifted left by 0-4.
Temp extended(Ctx& c, uint32_t w, bool is64) {
    unsigned option = bits(w, 15, 13), shift = bits(w, 12, 10);
    Temp v = c.x(rm(w));
    unsigned from = 8u << (option & 3);
    if (from < 64) v = (option & 4) ? c.b.sext(Type::I64, v, from) : c.b.zext(Type::I64, v, from);
    return c.sized(c.b.shl(v, c.imm(shift)), is64);
}

// ADD, ADDS, SUB, SUBS of Rn (SP-able for the immediate and extended forms) and an operand.
bool add_sub(Ctx& c, uint32_t w, Temp operand, bool rn_sp, bool rd_sp) {
    bool is64 = sf(w), sub = bits(w, 30, 30), setflags = bits(w, 29, 29);
    Temp a = rn_sp ? c.xsp(rn(w)) : c.x(rn(w));  // add_sub reads the low 32 bits only when !is64
    Temp r;
    Ctx::Nzcv f = c.add_sub(a, operand, sub, is64, &r);
    if (setflags) {
        c.set_nzcv(f);
        c.set_x(rd(w), r);
    } else if (rd_sp) {
        c.set_xsp(rd(w), r);
    } else {
        c.set_x(rd(w), r);
    }
    return true;
}

bool trans_add_imm(Ctx& c, uint32_t w) {
    uint64_t imm = uint64_t(bits(w, 21, 10)) << (bits(w, 22, 22) ? 12 : 0);
    return add_sub(c, w, c.imm(int64_t(imm)), true, !bits(w, 29, 29));
}
bool trans_add_shifted(Ctx& c, uint32_t w) {
    if (bits(w, 23, 22) == 3 || (!sf(w) && bits(w, 15, 15))) return false;
    return add_sub(c, w, shifted(c, w, sf(w)), false, false);
}
bool trans_add_extended(Ctx& c, uint32_t w) {
    if (bits(w, 12, 10) > 4) return false;
    return add_sub(c, w, extended(c, w, sf(w)), true, !bits(w, 29, 29));
}
bool trans_adc(Ctx& c, uint32_t w) {
    bool is64 = sf(w), sub = bits(w, 30, 30), setflags = bits(w, 29, 29);
    Temp a = c.xr(rn(w), is64), m = c.xr(rm(w), is64);
    Temp r;
    Ctx::Nzcv f = c.add_with_carry(a, sub ? c.sized(c.b.not_(m), is64) : m, c.flag(c.cpu.cf), is64, &r);
    if (setflags) c.set_nzcv(f);
    c.set_x(rd(w), r);
    return true;
}

// AND, ORR, EOR, ANDS (opc 0-3) of Rn and an operand (already inverted for BIC, ORN, EON, BICS).
bool logical(Ctx& c, uint32_t w, Temp operand, bool rd_sp) {
    bool is64 = sf(w);
    unsigned opc = bits(w, 30, 29);
    Temp a = c.xr(rn(w), is64), r;
    switch (opc) {
    case 0: case 3: r = c.b.and_(a, operand); break;
    case 1: r = c.b.or_(a, operand); break;
    default: r = c.b.xor_(a, operand); break;
    }
    if (opc == 3) {
        c.set_nzcv(c.nz_of(r, is64));
        c.set_x(rd(w), r);
    } else if (rd_sp) {
        c.set_xsp(rd(w), r);
    } else {
        c.set_x(rd(w), r);
    }
    return true;
}
bool trans_logic_imm(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned n = bits(w, 22, 22);
    if (!is64 && n) return false;
    uint64_t wmask, tmask;
    if (!decode_bit_masks(n, bits(w, 15, 10), bits(w, 21, 16), true, is64 ? 64 : 32, &wmask, &tmask)) return false;
    return logical(c, w, c.imm(int64_t(wmask)), bits(w, 30, 29) != 3);
}
bool trans_logic_shifted(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    if (!is64 && bits(w, 15, 15)) return false;
    Temp m = shifted(c, w, is64);
    if (bits(w, 21, 21)) m = c.sized(c.b.not_(m), is64);  // BIC, ORN, EON, BICS
    return logical(c, w, m, false);
}

bool trans_movw(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned opc = bits(w, 30, 29), hw = bits(w, 22, 21);
    if (opc == 1 || (!is64 && hw >= 2)) return false;
    unsigned shift = hw * 16;
    uint64_t imm = uint64_t(bits(w, 20, 5)) << shift;
    if (opc == 0) c.set_x(rd(w), c.imm(int64_t(is64 ? ~imm : ~imm & 0xffffffffull)));  // MOVN
    else if (opc == 2) c.set_x(rd(w), c.imm(int64_t(imm)));                               // MOVZ
    else c.set_x(rd(w), c.b.or_(c.b.and_(c.x(rd(w)), c.imm(int64_t(~(0xffffull << shift) & ones(is64 ? 64 : 32)))),
                                c.imm(int64_t(imm))));                                   // MOVK
    return true;
}

bool trans_adr(Ctx& c, uint32_t w) {
    int64_t imm = sext(bits(w, 23, 5) << 2 | bits(w, 30, 29), 21);
    uint64_t v = bits(w, 31, 31) ? (c.pc & ~0xfffull) + uint64_t(imm << 12) : c.pc + uint64_t(imm);
    c.set_x(rd(w), c.imm(int64_t(v)));
    return true;
}

// SBFM, BFM, UBFM (opc 0-2). The aliases compilers emit (LSL, LSR, ASR, UBFX, SBFX, UBFIZ,
// SBFIZ, UXTB/H, SXTB/H/W, BFI, BFXIL) are one or two shifts and a mask each, the field of
// S - R + 1 bits at R taken down (S >= R) or S + 1 bits put up at width - R (S < R).
bool trans_bitfield(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned opc = bits(w, 30, 29), n = bits(w, 22, 22), immr = bits(w, 21, 16), imms = bits(w, 15, 10);
    unsigned width = is64 ? 64 : 32;
    if (opc == 3 || n != unsigned(is64) || (!is64 && (immr >= 32 || imms >= 32))) return false;
    uint64_t wmask, tmask;
    if (!decode_bit_masks(n, imms, immr, false, width, &wmask, &tmask)) return false;
    const bool down = imms >= immr;
    const unsigned len = down ? imms - immr + 1 : imms + 1;  // the field's width
    const unsigned pos = down ? 0 : width - immr;             // where it lands
    Temp src = c.x(rn(w));
    Temp r;
    if (opc == 2) {  // UBFM
        if (down) {
            Temp v = immr ? c.b.shr(c.sized(src, is64), c.imm(immr)) : src;
            r = (immr && imms == width - 1) || len == 64 ? v : c.b.zext(Type::I64, v, len);  // LSR: no mask
        } else {
            Temp v = len + pos >= width ? src : c.b.zext(Type::I64, src, len);  // LSL needs none
            r = c.sized(c.b.shl(v, c.imm(pos)), is64);
        }
    } else if (opc == 0) {  // SBFM: the field sign-extended from its top bit
        Temp v = imms == 63 ? src : c.b.sext(Type::I64, src, imms + 1);
        if (down && immr) v = c.b.sar(v, c.imm(immr));
        if (!down) v = c.b.shl(v, c.imm(pos));
        r = c.sized(v, is64);
    } else {  // BFM: the field inserted into the destination, the rest of it kept
        Temp field = down && immr ? c.b.shr(c.sized(src, is64), c.imm(immr)) : src;
        if (len < 64) field = c.b.and_(field, c.imm(int64_t(ones(len))));
        if (pos) field = c.b.shl(field, c.imm(pos));
        uint64_t keep = ~(ones(len) << pos) & ones(width);
        r = c.b.or_(c.b.and_(c.xr(rd(w), is64), c.imm(int64_t(keep))), field);
    }
    c.set_x(rd(w), r);
    return true;
}

bool trans_extr(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned lsb = bits(w, 15, 10);
    if (bits(w, 22, 22) != unsigned(is64) || (!is64 && lsb >= 32)) return false;
    Temp hi = c.xr(rn(w), is64), lo = c.xr(rm(w), is64);
    if (!lsb) {
        c.set_x(rd(w), lo);
        return true;
    }
    unsigned width = is64 ? 64 : 32;
    c.set_x(rd(w), c.sized(c.b.or_(c.b.shr(lo, c.imm(lsb)), c.b.shl(hi, c.imm(width - lsb))), is64));
    return true;
}

// CSEL, CSINC, CSINV, CSNEG.
bool trans_csel(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned op = bits(w, 30, 30), op2 = bits(w, 10, 10);
    Temp a = c.xr(rn(w), is64), m = c.xr(rm(w), is64);
    if (op2) m = op ? c.b.neg(m) : c.b.add(m, c.imm(1));
    else if (op) m = c.b.not_(m);
    c.set_x(rd(w), c.sized(c.b.select(c.cond(bits(w, 15, 12)), a, m), is64));
    return true;
}

// CCMN, CCMP (register or immediate): the comparison's flags if the condition holds, else #nzcv.
bool trans_ccmp(Ctx& c, uint32_t w) {
    bool is64 = sf(w), sub = bits(w, 30, 30);
    Temp m = bits(w, 11, 11) ? c.imm(bits(w, 20, 16)) : c.x(rm(w));
    Temp r;
    Ctx::Nzcv f = c.add_sub(c.x(rn(w)), m, sub, is64, &r);
    Temp holds = c.cond(bits(w, 15, 12));
    unsigned nzcv = bits(w, 3, 0);
    c.set_nzcv({c.b.select(holds, f.n, c.imm((nzcv >> 3) & 1)), c.b.select(holds, f.z, c.imm((nzcv >> 2) & 1)),
                c.b.select(holds, f.c, c.imm((nzcv >> 1) & 1)), c.b.select(holds, f.v, c.imm(nzcv & 1))});
    return true;
}

// UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32(C).
bool trans_dp2(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned op = bits(w, 15, 10), width = is64 ? 64 : 32;
    Temp a = c.xr(rn(w), is64), m = c.xr(rm(w), is64), r;
    switch (op) {
    case 2: r = c.b.div(ir::Op::divu, a, m, ir::DIV0_ZERO); break;
    case 3:
        if (is64) r = c.b.div(ir::Op::divs, a, m, ir::DIV0_ZERO);
        else r = c.w32(c.b.div(ir::Op::divs, c.b.sext(Type::I64, a, 32), c.b.sext(Type::I64, m, 32), ir::DIV0_ZERO));
        break;
    case 8: r = c.sized(c.b.shl(a, c.b.and_(m, c.imm(width - 1))), is64); break;
    case 9: r = c.b.shr(a, c.b.and_(m, c.imm(width - 1))); break;
    case 10: r = c.sized(c.b.sar(is64 ? a : c.b.sext(Type::I64, a, 32), c.b.and_(m, c.imm(width - 1))), is64); break;
    case 11: r = ror(c, a, m, is64); break;
    case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23: {  // CRC32, CRC32C
        unsigned sz = op & 3;
        if ((sz == 3) != is64) return false;  // X forms only with sf = 1, the others only without
        Temp data = sz == 3 ? c.x(rm(w)) : c.b.zext(Type::I64, c.x(rm(w)), 8u << sz);
        r = c.b.call(&h_crc32, c.imm(int64_t((1u << sz) | ((op & 4) ? 0x100 : 0))), c.w32(c.x(rn(w))), data);
        break;
    }
    default: return false;
    }
    c.set_x(rd(w), r);
    return true;
}

// RBIT, REV16, REV32, REV, CLZ, CLS: one helper for now (the IR has no such ops yet).
bool trans_dp1(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned op = bits(w, 15, 10);
    if (op > 5 || (op == 3 && !is64)) return false;
    c.set_x(rd(w), c.b.call(&h_bitop, c.imm(op | (is64 ? 8 : 0)), c.xr(rn(w), is64)));
    return true;
}

// MADD, MSUB, SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH.
bool trans_dp3(Ctx& c, uint32_t w) {
    bool is64 = sf(w);
    unsigned op31 = bits(w, 23, 21), o0 = bits(w, 15, 15);
    Temp n = c.x(rn(w)), m = c.x(rm(w)), product;
    switch (op31) {
    case 0: product = c.b.mul(n, m); break;
    case 1: case 5:
        if (!is64) return false;
        product = op31 == 1 ? c.b.mul(c.b.sext(Type::I64, n, 32), c.b.sext(Type::I64, m, 32))
                            : c.b.mul(c.b.zext(Type::I64, n, 32), c.b.zext(Type::I64, m, 32));
        break;
    case 2: case 6:
        if (!is64 || o0 || bits(w, 14, 10) != 31) return false;
        c.set_x(rd(w), c.b.binop(op31 == 2 ? ir::Op::mulhs : ir::Op::mulhu, n, m));
        return true;
    default: return false;
    }
    Temp acc = c.x(bits(w, 14, 10));
    c.set_x(rd(w), c.sized(o0 ? c.b.sub(acc, product) : c.b.add(acc, product), is64));
    return true;
}

constexpr Pattern kTable[] = {
    pattern("adr", "p ii 10000 iiiiiiiiiiiiiiiiiii ddddd", trans_adr),
    pattern("add_imm", "s o S 100010 h iiiiiiiiiiii nnnnn ddddd", trans_add_imm),
    pattern("logic_imm", "s oo 100100 N rrrrrr ssssss nnnnn ddddd", trans_logic_imm),
    pattern("movw", "s oo 100101 hh iiiiiiiiiiiiiiii ddddd", trans_movw),
    pattern("bitfield", "s oo 100110 N rrrrrr ssssss nnnnn ddddd", trans_bitfield),
    pattern("extr", "s 00 100111 N 0 mmmmm ssssss nnnnn ddddd", trans_extr),
    pattern("logic_shifted", "s oo 01010 hh N mmmmm iiiiii nnnnn ddddd", trans_logic_shifted),
    pattern("add_shifted", "s o S 01011 hh 0 mmmmm iiiiii nnnnn ddddd", trans_add_shifted),
    pattern("add_extended", "s o S 01011 00 1 mmmmm ooo iii nnnnn ddddd", trans_add_extended),
    pattern("adc", "s o S 11010000 mmmmm 000000 nnnnn ddddd", trans_adc),
    pattern("ccmp", "s o 1 11010010 mmmmm cccc i 0 nnnnn 0 ffff", trans_ccmp),
    pattern("csel", "s o 0 11010100 mmmmm cccc 0 p nnnnn ddddd", trans_csel),
    pattern("dp2", "s 0 0 11010110 mmmmm oooooo nnnnn ddddd", trans_dp2),
    pattern("dp1", "s 1 0 11010110 00000 oooooo nnnnn ddddd", trans_dp1),
    pattern("dp3", "s 00 11011 ooo mmmmm o aaaaa nnnnn ddddd", trans_dp3),
};
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kDataPatterns{kTable};

}  // namespace tessera::aarch64
