// See a64_ldst.h. Bit positions follow the Arm ARM's encoding tables.
#include "tests/conformance/a64_ldst.h"

namespace tessera::conformance::a64 {

namespace {

// Bytes of one register of a single-register or pair access (0: unallocated).
unsigned single_bytes(unsigned size, unsigned opc, bool vector) {
    if (!vector) return 1u << size;
    if (opc & 2) return size == 0 ? 16 : 0;  // 128-bit only with size 00
    return 1u << size;
}

bool simd_structures(uint32_t w, LdSt* o) {
    const bool q = field(w, 30, 30), post = field(w, 23, 23);
    o->vector = true;
    o->load = field(w, 22, 22);
    o->writeback = o->post = post;
    o->offset = post ? LsOffset::PostReg : LsOffset::None;
    if (field(w, 29, 24) == 0b001100) {  // multiple structures
        o->kind = LsKind::SimdMulti;
        unsigned regs;
        switch (field(w, 15, 12)) {
        case 0b0000: case 0b0010: regs = 4; break;  // LD4/ST4, LD1/ST1 x4
        case 0b0100: case 0b0110: regs = 3; break;
        case 0b0111: regs = 1; break;
        case 0b1000: case 0b1010: regs = 2; break;
        default: regs = 4; break;  // unallocated: the handler rejects it
        }
        o->total = regs * (q ? 16 : 8);
        return true;
    }
    o->kind = LsKind::SimdSingle;  // single structure
    const unsigned opcode = field(w, 15, 13), size = field(w, 11, 10);
    const unsigned selem = ((opcode & 1) << 1 | field(w, 21, 21)) + 1;
    unsigned esize;
    switch (opcode >> 1) {
    case 0: esize = 1; break;
    case 1: esize = 2; break;
    case 2: esize = size & 1 ? 8 : 4; break;
    default: esize = 1u << size; break;  // LDnR
    }
    o->total = selem * esize;
    return true;
}

}  // namespace

bool analyse_ldst(uint32_t w, LdSt* o) {
    *o = LdSt{};
    if (!is_ldst_group(w)) return false;
    const bool v = field(w, 26, 26);
    const unsigned op29_27 = field(w, 29, 27);
    if (op29_27 == 0b001 && v) {  // AdvSIMD structures (bit 31 = 0)
        if (field(w, 31, 31)) return false;
        return simd_structures(w, o);
    }
    if (field(w, 29, 24) == 0b001000) {  // exclusives, acquire/release, (LSE: CAS, CASP)
        o->kind = LsKind::Exclusive;
        o->offset = LsOffset::None;
        o->load = field(w, 22, 22);
        const unsigned bytes = 1u << field(w, 31, 30);
        o->total = field(w, 21, 21) ? 2 * bytes : bytes;
        o->scale = o->total;
        return true;
    }
    if (op29_27 == 0b011 && field(w, 25, 24) == 0) {  // literal
        o->kind = LsKind::Literal;
        o->offset = LsOffset::Imm19;
        o->vector = v;
        o->load = true;
        const unsigned opc = field(w, 31, 30);
        static const unsigned gpr[] = {4, 8, 4, 8}, fp[] = {4, 8, 16, 16};  // PRFM: as 8
        o->total = v ? fp[opc] : gpr[opc];
        o->scale = 4;
        return true;
    }
    if (op29_27 == 0b101) {  // pairs
        o->kind = LsKind::Pair;
        o->offset = LsOffset::Imm7;
        o->vector = v;
        o->load = field(w, 22, 22);
        const unsigned mode = field(w, 24, 23), opc = field(w, 31, 30);
        o->writeback = mode == 1 || mode == 3;
        o->post = mode == 1;
        static const unsigned gpr[] = {4, 4, 8, 8}, fp[] = {4, 8, 16, 16};
        o->scale = v ? fp[opc] : gpr[opc];
        o->total = 2 * o->scale;
        return true;
    }
    if (op29_27 != 0b111) return false;
    o->kind = LsKind::Single;
    o->vector = v;
    const unsigned size = field(w, 31, 30), opc = field(w, 23, 22);
    o->load = opc != 0 && !(v && opc == 2);
    o->scale = single_bytes(size, opc, v);
    if (!o->scale) o->scale = 16;
    o->total = o->scale;
    if (field(w, 24, 24)) {
        o->offset = LsOffset::Uimm12;
        return true;
    }
    if (!field(w, 21, 21)) {
        o->offset = LsOffset::Imm9;
        const unsigned mode = field(w, 11, 10);
        o->writeback = mode == 1 || mode == 3;
        o->post = mode == 1;
        return true;
    }
    if (field(w, 11, 10) == 0b10) {
        o->offset = LsOffset::Reg;
        return true;
    }
    return false;  // LSE atomics (op4 = 00), LDRAA/LDRAB (op4 = x1)
}

}  // namespace tessera::conformance::a64
