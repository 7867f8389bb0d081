// AdvSIMD integer operations, one helper per encoding group (simd_helpers.h). Compiled twice
// from this source: natively (the interpreter and the baseline call these functions) and to
// LLVM bitcode, which the LLVM tier inlines; the descriptor is then a constant and each
// helper folds to its instruction's loop. Only the CPU state is touched: V registers, FPSR.QC
// and the structure buffer.
//
// Elements are handled as 64-bit words (zero-extended), arithmetic as 128-bit integers, so
// one definition serves every element size, and saturation is a clamp of the exact result.
// Everything below a helper is always inlined into it: with the descriptor constant, the
// LLVM tier then keeps only the instruction's own loop (a call left behind would keep the
// whole switch at run time).
#include <cstring>

#include "frontends/aarch64/cpu.h"
#include "frontends/aarch64/simd_helpers.h"

namespace tessera::aarch64::simd {

namespace {

using i128 = __int128;
constexpr uint64_t kQc = 1u << 27;  // FPSR.QC: cumulative saturation

struct V {
    uint64_t d[2];
};

Aarch64Cpu& cpu_of(void* env) { return *static_cast<Aarch64Cpu*>(static_cast<Vcpu*>(env)); }
V get(const Aarch64Cpu& c, unsigned r) { return V{{c.v[r & 31][0], c.v[r & 31][1]}}; }
// A 64-bit result (q = 0, or a scalar) clears the upper half.
void put(Aarch64Cpu& c, unsigned r, const V& v, bool q) {
    c.v[r & 31][0] = v.d[0];
    c.v[r & 31][1] = q ? v.d[1] : 0;
}

constexpr unsigned ebits(unsigned size) { return 8u << size; }
constexpr uint64_t ones(unsigned size) { return size == 3 ? ~0ull : (1ull << ebits(size)) - 1; }
constexpr uint64_t trunc(uint64_t x, unsigned size) { return x & ones(size); }
// Element i of a register seen as elements of 8 << size bits.
[[gnu::always_inline]] inline uint64_t elem(const V& v, unsigned size, unsigned i) {
    const unsigned per = 8u >> size;
    return trunc(v.d[(i / per) & 1] >> ((i % per) * ebits(size) % 64), size);
}
[[gnu::always_inline]] inline void set_elem(V& v, unsigned size, unsigned i, uint64_t x) {
    const unsigned per = 8u >> size, sh = (i % per) * ebits(size) % 64;
    uint64_t& w = v.d[(i / per) & 1];
    w = (w & ~(ones(size) << sh)) | (trunc(x, size) << sh);
}
// An element's value, signed or unsigned.
[[gnu::always_inline]] inline i128 val(uint64_t x, unsigned size, bool is_signed) {
    if (!is_signed) return i128(x);
    const unsigned sh = 64 - ebits(size);
    return i128(int64_t(x << sh) >> sh);
}
// The exact x clamped to the element's range (signed or unsigned), noting saturation.
[[gnu::always_inline]] inline uint64_t sat(i128 x, unsigned size, bool is_signed, bool& qc) {
    const unsigned b = ebits(size);
    const i128 lo = is_signed ? -(i128(1) << (b - 1)) : 0;
    const i128 hi = is_signed ? (i128(1) << (b - 1)) - 1 : (i128(1) << b) - 1;
    if (x < lo) {
        qc = true;
        x = lo;
    } else if (x > hi) {
        qc = true;
        x = hi;
    }
    return trunc(uint64_t(x), size);
}
[[gnu::always_inline]] inline i128 absv(i128 x) { return x < 0 ? -x : x; }

// x shifted left by sh (right when negative), as SSHL/SRSHL/SQSHL/SQRSHL and their unsigned
// forms do; the result is exact, the caller truncates or saturates it.
[[gnu::always_inline]] inline i128 shift_by(i128 x, int sh, bool round, unsigned size) {
    const int b = int(ebits(size));
    if (sh >= 0) {
        if (sh >= b) return x == 0 ? 0 : (x < 0 ? -(i128(1) << 100) : i128(1) << 100);  // beyond any range
        return x << sh;
    }
    int n = -sh;
    if (round) {
        if (n > b) return 0;
        return (x + (i128(1) << (n - 1))) >> n;
    }
    return x >> (n > 127 ? 127 : n);
}

[[gnu::always_inline]] inline uint64_t cmp(bool t, unsigned size) { return t ? ones(size) : 0; }

// Polynomial (carry-less) multiplication of two bytes.
[[gnu::always_inline]] inline uint64_t pmul8(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    for (int i = 0; i < 8; i++)
        if (b >> i & 1) r ^= a << i;
    return r;
}

// One element of a three-same operation (opcodes 0x00-0x17 but the logical 0x03). d is the
// destination's old element, for the accumulating forms.
[[gnu::always_inline]] inline uint64_t same_elem(unsigned u, unsigned op, unsigned size, uint64_t a, uint64_t b, uint64_t d, bool& qc) {
    const bool s = !u;
    const i128 x = val(a, size, s), y = val(b, size, s);
    const int sh = int(int8_t(uint8_t(b)));
    switch (op) {
    case 0x00: return trunc(uint64_t((x + y) >> 1), size);      // SHADD/UHADD
    case 0x01: return sat(x + y, size, s, qc);                  // SQADD/UQADD
    case 0x02: return trunc(uint64_t((x + y + 1) >> 1), size);  // SRHADD/URHADD
    case 0x04: return trunc(uint64_t((x - y) >> 1), size);      // SHSUB/UHSUB
    case 0x05: return sat(x - y, size, s, qc);                  // SQSUB/UQSUB
    case 0x06: return cmp(x > y, size);                         // CMGT/CMHI
    case 0x07: return cmp(x >= y, size);                        // CMGE/CMHS
    case 0x08: return trunc(uint64_t(shift_by(x, sh, false, size)), size);  // SSHL/USHL
    case 0x09: return sat(shift_by(x, sh, false, size), size, s, qc);      // SQSHL/UQSHL
    case 0x0a: return trunc(uint64_t(shift_by(x, sh, true, size)), size);   // SRSHL/URSHL
    case 0x0b: return sat(shift_by(x, sh, true, size), size, s, qc);       // SQRSHL/UQRSHL
    case 0x0c: case 0x14: return x > y ? a : b;                 // SMAX/UMAX(P)
    case 0x0d: case 0x15: return x < y ? a : b;                 // SMIN/UMIN(P)
    case 0x0e: return trunc(uint64_t(absv(x - y)), size);       // SABD/UABD
    case 0x0f: return trunc(d + uint64_t(absv(x - y)), size);   // SABA/UABA
    case 0x10: return trunc(u ? a - b : a + b, size);           // ADD/SUB
    case 0x11: return cmp(u ? a == b : (a & b) != 0, size);     // CMTST/CMEQ
    case 0x12: return trunc(u ? d - a * b : d + a * b, size);   // MLA/MLS
    case 0x13: return trunc(u ? pmul8(a, b) : a * b, size);     // MUL/PMUL
    case 0x16: {                                                // SQDMULH/SQRDMULH
        const i128 p = 2 * val(a, size, true) * val(b, size, true) + (u ? i128(1) << (ebits(size) - 1) : 0);
        return sat(p >> ebits(size), size, true, qc);
    }
    case 0x17: return trunc(a + b, size);  // ADDP
    default: return 0;
    }
}

[[gnu::always_inline]] inline V three_same_kernel(const Desc& x, const V& a, const V& b, const V& d, bool& qc) {
    V r{};
    const unsigned n = x.scalar ? 1 : (x.q ? 16u : 8u) >> x.size;
    if (x.op == 0x14 || x.op == 0x15 || x.op == 0x17) {  // pairwise: a's pairs, then b's
        for (unsigned i = 0; i < n; i++) {
            const V& src = i < n / 2 ? a : b;
            const unsigned j = (i % (n / 2)) * 2;
            set_elem(r, x.size, i, same_elem(x.u, x.op, x.size, elem(src, x.size, j), elem(src, x.size, j + 1), 0, qc));
        }
        return r;
    }
    for (unsigned i = 0; i < n; i++)
        set_elem(r, x.size, i, same_elem(x.u, x.op, x.size, elem(a, x.size, i), elem(b, x.size, i), elem(d, x.size, i), qc));
    return r;
}

// Three different: long (narrow sources, wide result), wide (a wide, b narrow) and narrowing
// high half (wide sources, narrow result). size is the narrow element size; q picks the
// upper half of narrow sources ("2" forms) or of the narrow result.
[[gnu::always_inline]] inline V three_diff_kernel(const Desc& x, const V& a, const V& b, const V& d, bool& qc) {
    const unsigned ns = x.size, ws = x.size + 1, n = 8u >> ns, part = x.q && !x.scalar ? n : 0;
    const bool s = !x.u;
    V r = x.op == 0x4 || x.op == 0x6 ? d : V{};
    if (x.op == 0x4 || x.op == 0x6) {  // ADDHN/RADDHN, SUBHN/RSUBHN
        if (!x.q) r = V{};
        for (unsigned i = 0; i < n; i++) {
            uint64_t wa = elem(a, ws, i), wb = elem(b, ws, i);
            uint64_t t = x.op == 0x4 ? wa + wb : wa - wb;
            if (x.u) t += 1ull << (ebits(ns) - 1);
            set_elem(r, ns, part + i, trunc(t, ws) >> ebits(ns));
        }
        return r;
    }
    const unsigned cnt = x.scalar ? 1 : n;
    for (unsigned i = 0; i < cnt; i++) {
        const i128 na = val(elem(a, ns, part + i), ns, s), nb = val(elem(b, ns, part + i), ns, s);
        const i128 acc = val(elem(d, ws, i), ws, s);
        i128 v = 0;
        uint64_t out;
        switch (x.op) {
        case 0x0: v = na + nb; break;                                                  // ADDL
        case 0x1: v = val(elem(a, ws, i), ws, s) + nb; break;                           // ADDW
        case 0x2: v = na - nb; break;                                                  // SUBL
        case 0x3: v = val(elem(a, ws, i), ws, s) - nb; break;                           // SUBW
        case 0x5: v = acc + absv(na - nb); break;                                      // ABAL
        case 0x7: v = absv(na - nb); break;                                            // ABDL
        case 0x8: v = acc + na * nb; break;                                            // MLAL
        case 0xa: v = acc - na * nb; break;                                            // MLSL
        case 0xc: v = na * nb; break;                                                  // MULL
        case 0xe: v = i128(pmul8(elem(a, ns, part + i), elem(b, ns, part + i))); break;  // PMULL (bytes)
        case 0x9: case 0xb: case 0xd: {                                                // SQDMLAL/SLSL/MULL
            const i128 p = val(sat(2 * na * nb, ws, true, qc), ws, true);
            out = x.op == 0xd ? trunc(uint64_t(p), ws) : sat(x.op == 0x9 ? acc + p : acc - p, ws, true, qc);
            set_elem(r, ws, i, out);
            continue;
        }
        default: break;
        }
        set_elem(r, ws, i, trunc(uint64_t(v), ws));
    }
    return r;
}

[[gnu::always_inline]] inline uint64_t clz_elem(uint64_t x, unsigned size) {
    const unsigned b = ebits(size);
    unsigned n = 0;
    for (int i = int(b) - 1; i >= 0 && !(x >> i & 1); i--) n++;
    return n;
}

// Two-register miscellaneous (integer opcodes) on vectors or one scalar element.
[[gnu::always_inline]] inline V misc_kernel(const Desc& x, const V& a, const V& d, bool& qc) {
    const unsigned size = x.size, n = x.scalar ? 1 : (x.q ? 16u : 8u) >> size;
    const bool s = !x.u;
    V r{};
    switch (x.op) {
    case 0x00: case 0x01: {  // REV64, REV32 (U), REV16: reverse elements within groups
        const unsigned group = x.op == 1 ? 16 : x.u ? 32 : 64, per = group / ebits(size);
        for (unsigned i = 0; i < n; i++) set_elem(r, size, i, elem(a, size, (i / per) * per + (per - 1 - i % per)));
        return r;
    }
    case 0x02: case 0x06:  // SADDLP/UADDLP, SADALP/UADALP
        for (unsigned i = 0; i < n / 2; i++) {
            i128 v = val(elem(a, size, 2 * i), size, s) + val(elem(a, size, 2 * i + 1), size, s);
            if (x.op == 0x06) v += i128(elem(d, size + 1, i));
            set_elem(r, size + 1, i, trunc(uint64_t(v), size + 1));
        }
        return r;
    case 0x12: case 0x14: {  // XTN / SQXTUN, SQXTN / UQXTN: wide elements to narrow
        const unsigned cnt = x.scalar ? 1 : 8u >> size, part = x.q && !x.scalar ? cnt : 0;
        r = x.q && !x.scalar ? d : V{};
        for (unsigned i = 0; i < cnt; i++) {
            const uint64_t w = elem(a, size + 1, i);
            uint64_t v;
            if (x.op == 0x12 && !x.u) v = trunc(w, size);                          // XTN
            else if (x.op == 0x12) v = sat(val(w, size + 1, true), size, false, qc);  // SQXTUN
            else v = sat(val(w, size + 1, s), size, s, qc);                         // SQXTN/UQXTN
            set_elem(r, size, part + i, v);
        }
        return r;
    }
    case 0x13: {  // SHLL: widen, shifted by the element size
        const unsigned cnt = 8u >> size, part = x.q ? cnt : 0;
        for (unsigned i = 0; i < cnt; i++) set_elem(r, size + 1, i, elem(a, size, part + i) << ebits(size));
        return r;
    }
    default: break;
    }
    for (unsigned i = 0; i < n; i++) {
        const uint64_t e = elem(a, size, i);
        const i128 v = val(e, size, true);  // the compares, ABS, NEG, SQABS, SQNEG are signed for either U
        uint64_t out = 0;
        switch (x.op) {
        case 0x03:  // SUQADD: signed d + unsigned a; USQADD: unsigned d + signed a
            out = x.u ? sat(val(elem(d, size, i), size, false) + val(e, size, true), size, false, qc)
                      : sat(val(elem(d, size, i), size, true) + val(e, size, false), size, true, qc);
            break;
        case 0x04:  // CLS / CLZ
            out = x.u ? clz_elem(e, size) : clz_elem(trunc(e ^ (v < 0 ? ~0ull : 0), size), size) - 1;
            break;
        case 0x05:  // CNT, NOT, RBIT: bytes (imm: the encoding's size, NOT 0 or RBIT 1)
            if (!x.u) out = uint64_t(__builtin_popcountll(e));
            else if (x.imm == 0) out = trunc(~e, 0);
            else {
                out = 0;
                for (int k = 0; k < 8; k++) out |= ((e >> k) & 1) << (7 - k);
            }
            break;
        case 0x07: out = sat(x.u ? -v : absv(v), size, true, qc); break;  // SQABS/SQNEG
        case 0x08: out = cmp(x.u ? v >= 0 : v > 0, size); break;           // CMGE/CMGT zero
        case 0x09: out = cmp(x.u ? v <= 0 : v == 0, size); break;          // CMLE/CMEQ zero
        case 0x0a: out = cmp(v < 0, size); break;                         // CMLT zero
        case 0x0b: out = trunc(uint64_t(x.u ? -v : absv(v)), size); break;  // NEG/ABS
        default: break;
        }
        set_elem(r, size, i, out);
    }
    return r;
}

[[gnu::always_inline]] inline V shift_imm_kernel(const Desc& x, const V& a, const V& d, bool& qc) {
    const unsigned size = x.size, sh = x.imm;
    const bool s = !x.u;
    V r{};
    if (x.op >= 0x10 && x.op <= 0x13) {  // narrowing: wide sources of size + 1
        const unsigned cnt = x.scalar ? 1 : 8u >> size, part = x.q && !x.scalar ? cnt : 0;
        const bool round = x.op & 1;
        r = x.q && !x.scalar ? d : V{};
        for (unsigned i = 0; i < cnt; i++) {
            // SHRN/RSHRN and SQSHRUN/SQRSHRUN read signed for the U = 1 forms of 0x10/0x11.
            const bool src_signed = x.op <= 0x11 ? x.u : s;
            i128 v = val(elem(a, size + 1, i), size + 1, src_signed);
            if (round) v += i128(1) << (sh - 1);
            v >>= sh;
            uint64_t out;
            if (x.op <= 0x11 && !x.u) out = trunc(uint64_t(v), size);  // SHRN/RSHRN
            else if (x.op <= 0x11) out = sat(v, size, false, qc);     // SQSHRUN/SQRSHRUN
            else out = sat(v, size, s, qc);                           // SQSHRN/UQSHRN, ..R..
            set_elem(r, size, part + i, out);
        }
        return r;
    }
    if (x.op == 0x14) {  // SSHLL/USHLL
        const unsigned cnt = 8u >> size, part = x.q ? cnt : 0;
        for (unsigned i = 0; i < cnt; i++)
            set_elem(r, size + 1, i, trunc(uint64_t(val(elem(a, size, part + i), size, s) << sh), size + 1));
        return r;
    }
    const unsigned n = x.scalar ? 1 : (x.q ? 16u : 8u) >> size;
    for (unsigned i = 0; i < n; i++) {
        const uint64_t e = elem(a, size, i), old = elem(d, size, i);
        const i128 v = val(e, size, s);
        uint64_t out = 0;
        switch (x.op) {
        case 0x00: out = trunc(uint64_t(v >> sh), size); break;                                  // SSHR/USHR
        case 0x02: out = trunc(old + uint64_t(v >> sh), size); break;                            // SSRA/USRA
        case 0x04: out = trunc(uint64_t((v + (i128(1) << (sh - 1))) >> sh), size); break;        // SRSHR/URSHR
        case 0x06: out = trunc(old + uint64_t((v + (i128(1) << (sh - 1))) >> sh), size); break;  // SRSRA/URSRA
        case 0x08: {  // SRI
            const uint64_t m = sh >= ebits(size) ? 0 : ones(size) >> sh;
            out = (old & ~m) | ((sh >= ebits(size) ? 0 : e >> sh) & m);
            break;
        }
        case 0x0a:  // SHL / SLI
            out = x.u ? trunc((old & ~(ones(size) << sh)) | (e << sh), size) : trunc(e << sh, size);
            break;
        case 0x0c: out = sat(val(e, size, true) << sh, size, false, qc); break;  // SQSHLU
        case 0x0e: out = sat(v << sh, size, s, qc); break;                       // SQSHL/UQSHL
        default: break;
        }
        set_elem(r, size, i, out);
    }
    return r;
}

void note_qc(Aarch64Cpu& c, bool qc) {
    if (qc) c.fpsr |= kQc;
}

}  // namespace
}  // namespace tessera::aarch64::simd

using namespace tessera::aarch64;
using namespace tessera::aarch64::simd;

extern "C" {

uint64_t tessera_a64_simd_three_same(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    bool qc = false;
    V r = three_same_kernel(x, get(c, x.n), get(c, x.m), get(c, x.d), qc);
    put(c, x.d, r, x.q && !x.scalar);
    note_qc(c, qc);
    return 0;
}

uint64_t tessera_a64_simd_three_diff(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    bool qc = false;
    V r = three_diff_kernel(x, get(c, x.n), get(c, x.m), get(c, x.d), qc);
    const bool narrow = x.op == 0x4 || x.op == 0x6;
    put(c, x.d, r, !x.scalar && (!narrow || x.q));
    note_qc(c, qc);
    return 0;
}

uint64_t tessera_a64_simd_misc(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    bool qc = false;
    V r = misc_kernel(x, get(c, x.n), get(c, x.d), qc);
    // SHLL always fills 128 bits; a narrowing "2" form keeps the lower half it was given.
    put(c, x.d, r, !x.scalar && (x.q || x.op == 0x13));
    note_qc(c, qc);
    return 0;
}

// Across lanes: ADDV, SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV into a scalar.
uint64_t tessera_a64_simd_across(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    const V a = get(c, x.n);
    const unsigned n = (x.q ? 16u : 8u) >> x.size;
    const bool s = !x.u;
    i128 acc = val(elem(a, x.size, 0), x.size, s);
    for (unsigned i = 1; i < n; i++) {
        const i128 v = val(elem(a, x.size, i), x.size, s);
        if (x.op == 0x03 || x.op == 0x1b) acc += v;
        else if (x.op == 0x0a) acc = v > acc ? v : acc;
        else acc = v < acc ? v : acc;
    }
    const unsigned rsize = x.op == 0x03 ? x.size + 1 : x.size;
    c.v[x.d][0] = trunc(uint64_t(acc), rsize);
    c.v[x.d][1] = 0;
    return 0;
}

// ZIP1/2, UZP1/2, TRN1/2 (op = bits 14:12).
uint64_t tessera_a64_simd_permute(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    const V a = get(c, x.n), b = get(c, x.m);
    const unsigned n = (x.q ? 16u : 8u) >> x.size, half = n / 2, hi = x.op >> 2;
    V r{};
    for (unsigned i = 0; i < n; i++) {
        uint64_t e = 0;
        switch (x.op & 3) {
        case 1: {  // UZP: even (or odd) elements of a, then of b
            const unsigned j = 2 * i + hi;
            e = j < n ? elem(a, x.size, j) : elem(b, x.size, j - n);
            break;
        }
        case 2: e = elem(i & 1 ? b : a, x.size, (i & ~1u) + hi); break;     // TRN
        case 3: e = elem(i & 1 ? b : a, x.size, i / 2 + hi * half); break;  // ZIP
        default: break;
        }
        set_elem(r, x.size, i, e);
    }
    put(c, x.d, r, x.q);
    return 0;
}

// TBL/TBX (u) with imm registers of table starting at n.
uint64_t tessera_a64_simd_tbl(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    uint8_t table[64];
    for (unsigned k = 0; k < x.imm && k < 4; k++) memcpy(table + 16 * k, c.v[(x.n + k) & 31], 16);
    const V idx = get(c, x.m);
    V r = x.u ? get(c, x.d) : V{};
    const unsigned n = x.q ? 16 : 8, len = 16 * (x.imm < 4 ? x.imm : 4);
    for (unsigned i = 0; i < n; i++) {
        const uint64_t j = elem(idx, 0, i);
        if (j < len) set_elem(r, 0, i, table[j]);
    }
    put(c, x.d, r, x.q);
    return 0;
}

uint64_t tessera_a64_simd_shift_imm(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    bool qc = false;
    V r = shift_imm_kernel(x, get(c, x.n), get(c, x.d), qc);
    // SSHLL always fills 128 bits; a narrowing "2" form keeps the lower half it was given.
    put(c, x.d, r, !x.scalar && (x.q || x.op == 0x14));
    note_qc(c, qc);
    return 0;
}

// By element: the element m[imm] broadcast, then the three-same (imm2 = 0) or three-different
// (imm2 = 1) operation op.
uint64_t tessera_a64_simd_by_elem(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    const V m = get(c, x.m);
    const uint64_t e = elem(m, x.size, x.imm);
    V b{};
    for (unsigned i = 0; i < (16u >> x.size); i++) set_elem(b, x.size, i, e);
    bool qc = false;
    if (x.imm2) {
        V r = three_diff_kernel(x, get(c, x.n), b, get(c, x.d), qc);
        put(c, x.d, r, !x.scalar);
    } else {
        V r = three_same_kernel(x, get(c, x.n), b, get(c, x.d), qc);
        put(c, x.d, r, x.q && !x.scalar);
    }
    note_qc(c, qc);
    return 0;
}

// LD2-LD4 (u = 1) and ST2-ST4: imm structures of elements of 8 << size bits, registers d,
// d+1, ... (mod 32), interleaved in ldst_buf as they are in memory.
uint64_t tessera_a64_simd_ldst_struct(void* env, uint64_t desc, uint64_t, uint64_t, uint64_t) {
    Aarch64Cpu& c = cpu_of(env);
    const Desc x = unpack(desc);
    const unsigned n = (x.q ? 16u : 8u) >> x.size, selem = x.imm < 4 ? x.imm : 4;
    V buf[4];
    memcpy(buf, c.ldst_buf, sizeof buf);
    V regs[4] = {};
    for (unsigned s = 0; s < selem; s++) regs[s] = get(c, x.d + s);
    for (unsigned e = 0; e < n; e++)
        for (unsigned s = 0; s < selem; s++) {
            const unsigned k = e * selem + s, per = 16u >> x.size;
            if (x.u) set_elem(regs[s], x.size, e, elem(buf[k / per], x.size, k % per));
            else set_elem(buf[k / per], x.size, k % per, elem(regs[s], x.size, e));
        }
    if (x.u)
        for (unsigned s = 0; s < selem; s++) put(c, x.d + s, regs[s], x.q);
    else
        memcpy(c.ldst_buf, buf, sizeof buf);
    return 0;
}

}  // extern "C"
