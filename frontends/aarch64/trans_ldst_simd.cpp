// Structure loads and stores of SIMD&FP registers: LD1-LD4 and ST1-ST4 (multiple structures),
// their single-lane forms, and LD1R-LD4R, each with or without post-index. (Single registers
// and pairs are in trans_ldst.cpp.) Memory is accessed by IR loads and stores, so faults and
// watchpoints work as for any access; LD2-LD4 and ST2-ST4 stage the bytes in
// Aarch64Cpu::ldst_buf, which a helper (de)interleaves.
#include "frontends/aarch64/translate.h"

namespace tessera::aarch64 {

namespace {

// The post-index writeback: Rm = 31 means by the bytes transferred, else by Xm.
void post_index(Ctx& c, uint32_t w, Temp base, unsigned bytes) {
    if (!bits(w, 23, 23)) return;
    Temp inc = rm(w) == 31 ? c.imm(bytes) : c.x(rm(w));
    c.set_xsp(rn(w), c.b.add(base, inc));
}

// LD1-LD4 / ST1-ST4 (multiple structures). opcode: 0000 LD4, 0010 LD1 x4, 0100 LD3,
// 0110 LD1 x3, 0111 LD1 x1, 1000 LD2, 1010 LD1 x2.
bool trans_ldst_multi(Ctx& c, uint32_t w) {
    const bool q = bits(w, 30, 30), load = bits(w, 22, 22);
    const unsigned opcode = bits(w, 15, 12), size = bits(w, 11, 10), t = rd(w);
    unsigned regs, selem;
    switch (opcode) {
    case 0x0: regs = 4, selem = 4; break;
    case 0x2: regs = 4, selem = 1; break;
    case 0x4: regs = 3, selem = 3; break;
    case 0x6: regs = 3, selem = 1; break;
    case 0x7: regs = 1, selem = 1; break;
    case 0x8: regs = 2, selem = 2; break;
    case 0xa: regs = 2, selem = 1; break;
    default: return false;
    }
    if (selem > 1 && size == 3 && !q) return false;
    if (!bits(w, 23, 23) && rm(w) != 0) return false;
    if (!c.fp_access()) return true;
    const unsigned words = q ? 2 : 1, bytes = regs * 8 * words;
    Temp base = c.xsp(rn(w));
    if (selem == 1) {  // consecutive registers, each a plain 64- or 128-bit transfer
        if (load) {
            Temp v[4][2];
            for (unsigned r = 0; r < regs; r++)
                for (unsigned h = 0; h < words; h++)
                    v[r][h] = c.b.ld(Type::I64, c.b.add(base, c.imm((r * words + h) * 8)), ir::MO_64, c.mem_idx());
            for (unsigned r = 0; r < regs; r++) c.set_v((t + r) % 32, v[r][0], q ? v[r][1] : c.imm(0));
        } else {
            for (unsigned r = 0; r < regs; r++)
                for (unsigned h = 0; h < words; h++)
                    c.b.st(c.b.add(base, c.imm((r * words + h) * 8)), c.b.ld_env(Type::I64, c.voff((t + r) % 32, h)),
                           ir::MO_64, c.mem_idx());
        }
    } else {
        const simd::Desc d{t, 0, 0, size, q, load, 0, 0, selem, 0};
        const unsigned nwords = bytes / 8;
        if (load) {
            Temp v[8];
            for (unsigned k = 0; k < nwords; k++)
                v[k] = c.b.ld(Type::I64, c.b.add(base, c.imm(k * 8)), ir::MO_64, c.mem_idx());
            for (unsigned k = 0; k < nwords; k++) c.b.st_env(v[k], env_off(c.cpu, c.cpu.ldst_buf[k]));
            c.b.call(&h_simd_ldst_struct, c.imm(int64_t(simd::pack(d))));
        } else {
            c.b.call(&h_simd_ldst_struct, c.imm(int64_t(simd::pack(d))));
            for (unsigned k = 0; k < nwords; k++)
                c.b.st(c.b.add(base, c.imm(k * 8)), c.b.ld_env(Type::I64, env_off(c.cpu, c.cpu.ldst_buf[k])), ir::MO_64,
                       c.mem_idx());
        }
    }
    post_index(c, w, base, bytes);
    return true;
}

// Single structure (one lane of 1-4 registers) and replicate (LDnR).
bool trans_ldst_single(Ctx& c, uint32_t w) {
    const bool q = bits(w, 30, 30), load = bits(w, 22, 22);
    const unsigned r = bits(w, 21, 21), opcode = bits(w, 15, 13), s = bits(w, 12, 12), size = bits(w, 11, 10);
    const unsigned selem = ((opcode & 1) << 1 | r) + 1, t = rd(w);
    if (!bits(w, 23, 23) && rm(w) != 0) return false;
    unsigned esize, index = 0;
    bool replicate = false;
    switch (opcode >> 1) {
    case 0: esize = 0, index = q << 3 | s << 2 | size; break;
    case 1:
        if (size & 1) return false;
        esize = 1, index = q << 2 | s << 1 | size >> 1;
        break;
    case 2:
        if (size >= 2 || (size == 1 && s)) return false;
        esize = size == 0 ? 2 : 3;
        index = size == 0 ? (q << 1 | s) : q;
        break;
    default:
        if (!load || s) return false;
        esize = size, replicate = true;
        break;
    }
    if (!c.fp_access()) return true;
    const unsigned ebytes = 1u << esize;
    Temp base = c.xsp(rn(w));
    if (load) {
        Temp v[4];
        for (unsigned k = 0; k < selem; k++)
            v[k] = c.b.ld(Type::I64, c.b.add(base, c.imm(k * ebytes)), uint8_t(esize), c.mem_idx());
        for (unsigned k = 0; k < selem; k++) {
            const unsigned reg = (t + k) % 32;
            if (replicate) {
                static constexpr uint64_t kSpread[4] = {0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull, 1};
                Temp rep = esize == 3 ? v[k] : c.b.mul(v[k], c.imm(int64_t(kSpread[esize])));
                c.set_v(reg, rep, q ? rep : c.imm(0));
                continue;
            }
            const unsigned half = index * ebytes / 8, sh = index * ebytes % 8 * 8;
            if (esize == 3) {
                c.b.st_env(v[k], c.voff(reg, half));
                continue;
            }
            const uint64_t mask = ((1ull << (8 << esize)) - 1) << sh;
            Temp old = c.b.and_(c.b.ld_env(Type::I64, c.voff(reg, half)), c.imm(int64_t(~mask)));
            c.b.st_env(c.b.or_(old, c.b.shl(v[k], c.imm(sh))), c.voff(reg, half));
        }
    } else {
        for (unsigned k = 0; k < selem; k++) {
            const unsigned reg = (t + k) % 32, half = index * ebytes / 8, sh = index * ebytes % 8 * 8;
            Temp e = c.b.ld_env(Type::I64, c.voff(reg, half));
            if (sh) e = c.b.shr(e, c.imm(sh));
            c.b.st(c.b.add(base, c.imm(k * ebytes)), e, uint8_t(esize), c.mem_idx());
        }
    }
    post_index(c, w, base, selem * ebytes);
    return true;
}

// Letters: Q, p post-index, L load, m Rm, o opcode, s size, n Rn, t Rt, R and S lane bits.
constexpr Pattern kTable[] = {
    pattern("ldst_multi", "0 Q 001100 p L 0 mmmmm oooo ss nnnnn ttttt", trans_ldst_multi),
    pattern("ldst_single", "0 Q 001101 p L R mmmmm ooo S ss nnnnn ttttt", trans_ldst_single),
};
static_assert(decode::table_is_unambiguous(std::span<const Pattern>(kTable)));

}  // namespace

const std::span<const Pattern> kLoadStoreSimdPatterns{kTable};

}  // namespace tessera::aarch64
