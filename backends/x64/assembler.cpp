#include "backends/x64/assembler.h"

#include <cstring>

namespace tessera::x64 {

static bool fits8(int64_t v) { return v >= -128 && v <= 127; }

// Byte by byte: an insert of a few bytes is a call into libc's memmove (millions per boot).
void Assembler::put32(uint32_t v) {
    for (int i = 0; i < 4; i++) code.push_back(uint8_t(v >> (8 * i)));
}

void Assembler::put64(uint64_t v) {
    for (int i = 0; i < 8; i++) code.push_back(uint8_t(v >> (8 * i)));
}

// REX is needed for 64-bit operands, registers r8-r15, and to reach sil/dil/spl/bpl as bytes.
void Assembler::rex(bool w, int reg, int index, int base, bool byte_regs) {
    uint8_t r = uint8_t(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index >= 0 && (index & 8)) ? 2 : 0) |
                        ((base >= 0 && (base & 8)) ? 1 : 0));
    bool need = r != 0x40 || (byte_regs && ((reg >= 4 && reg < 8) || (base >= 4 && base < 8)));
    if (need) code.push_back(r);
}

void Assembler::modrm_mem(int reg, const Mem& m) {
    int base = m.base & 7;
    // rbp/r13 as base have no disp-less form; rsp/r12 as base need a SIB byte.
    uint8_t mod = (m.disp == 0 && base != 5) ? 0 : fits8(m.disp) ? 1 : 2;
    if (m.index == NOREG && base != 4) {
        code.push_back(uint8_t(mod << 6 | (reg & 7) << 3 | base));
    } else {
        int index = m.index == NOREG ? 4 : (m.index & 7);
        code.push_back(uint8_t(mod << 6 | (reg & 7) << 3 | 4));
        code.push_back(uint8_t(m.scale << 6 | index << 3 | base));
    }
    if (mod == 1) code.push_back(uint8_t(int8_t(m.disp)));
    if (mod == 2) put32(uint32_t(m.disp));
}

void Assembler::op_mem(std::initializer_list<uint8_t> opc, bool w, Reg reg, const Mem& m, bool byte_reg) {
    uint8_t r = uint8_t(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((m.index != NOREG && (m.index & 8)) ? 2 : 0) |
                        ((m.base & 8) ? 1 : 0));
    if (r != 0x40 || (byte_reg && reg >= 4 && reg < 8)) code.push_back(r);
    for (uint8_t b : opc) code.push_back(b);
    modrm_mem(reg, m);
}

void Assembler::op_rr(std::initializer_list<uint8_t> opc, bool w, Reg reg, Reg rm, bool byte_regs) {
    rex(w, reg, -1, rm, byte_regs);
    for (uint8_t b : opc) code.push_back(b);
    code.push_back(uint8_t(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

void Assembler::load_zx(unsigned size, Reg dst, Mem src) {
    switch (size) {
    case 1: movzx8(dst, src); break;
    case 2: movzx16(dst, src); break;
    case 4: mov(false, dst, src); break;
    default: mov(true, dst, src); break;
    }
}

void Assembler::store_sized(unsigned size, Mem dst, Reg src) {
    switch (size) {
    case 1: mov8(dst, src); break;
    case 2: mov16(dst, src); break;
    case 4: mov(false, dst, src); break;
    default: mov(true, dst, src); break;
    }
}

void Assembler::mov_imm(Reg dst, uint64_t imm) {
    if (imm <= UINT32_MAX) {  // mov r32, imm32 zero-extends
        rex(false, 0, -1, dst, false);
        code.push_back(uint8_t(0xb8 + (dst & 7)));
        put32(uint32_t(imm));
    } else if (int64_t(imm) == int64_t(int32_t(imm))) {  // mov r64, simm32
        op_rr({0xc7}, true, Reg(0), dst);
        put32(uint32_t(imm));
    } else {
        rex(true, 0, -1, dst, false);
        code.push_back(uint8_t(0xb8 + (dst & 7)));
        put64(imm);
    }
}

void Assembler::mov_imm(Mem dst, int32_t imm) {
    op_mem({0xc7}, true, Reg(0), dst);
    put32(uint32_t(imm));
}

// The immediate ALU group: 0x83 with a sign-extended byte when the value fits, else 0x81.
void Assembler::alu(Alu op, bool w, Reg dst, int32_t imm) {
    op_rr({uint8_t(fits8(imm) ? 0x83 : 0x81)}, w, Reg(op), dst);
    put_imm8_or_32(imm);
}

void Assembler::alu(Alu op, bool w, Mem dst, int32_t imm) {
    op_mem({uint8_t(fits8(imm) ? 0x83 : 0x81)}, w, Reg(op), dst);
    put_imm8_or_32(imm);
}

void Assembler::put_imm8_or_32(int32_t imm) {
    if (fits8(imm)) code.push_back(uint8_t(int8_t(imm)));
    else put32(uint32_t(imm));
}

void Assembler::imul(bool w, Reg dst, Reg src, int32_t imm) {
    op_rr({0x69}, w, dst, src);
    put32(uint32_t(imm));
}

void Assembler::shift(Shift s, bool w, Reg r, uint8_t n) {
    op_rr({0xc1}, w, Reg(s), r);
    code.push_back(n);
}

void Assembler::rel32_to(Label& l) {
    if (l.pos >= 0) {
        put32(uint32_t(int32_t(l.pos - int64_t(here() + 4))));
    } else {
        int64_t prev = l.last;
        l.last = int64_t(here());
        put32(uint32_t(int32_t(prev)));
    }
}

void Assembler::jcc(Cc cc, Label& l) {
    code.push_back(0x0f);
    code.push_back(uint8_t(0x80 + cc));
    rel32_to(l);
}

void Assembler::jmp(Label& l) {
    code.push_back(0xe9);
    rel32_to(l);
}

void Assembler::bind(Label& l) {
    l.pos = int64_t(here());
    for (int64_t f = l.last; f >= 0;) {
        int32_t prev;
        memcpy(&prev, &code[size_t(f)], 4);
        int32_t rel = int32_t(l.pos - (f + 4));
        memcpy(&code[size_t(f)], &rel, 4);
        f = prev;
    }
    l.last = -1;
}

}  // namespace tessera::x64
