// A small x86-64 assembler: the instruction forms the baseline code generator needs,
// encoded into a byte vector, with labels for forward and backward jumps.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace tessera::x64 {

enum Reg : int8_t { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15, NOREG = -1 };

// x86 condition codes (the low nibble of Jcc/SETcc/CMOVcc).
enum Cc : uint8_t { O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G };

// [base + index*2^scale + disp]
struct Mem {
    Reg base;
    int32_t disp = 0;
    Reg index = NOREG;
    uint8_t scale = 0;
};

// The two-operand integer ALU group (opcode extension = its number).
enum Alu : uint8_t { ADD = 0, OR = 1, AND = 4, SUB = 5, XOR = 6, CMP = 7 };
enum Shift : uint8_t { SHL = 4, SHR = 5, SAR = 7 };

// The rel32 fields waiting for an unbound label form a chain through the fields themselves
// (each holds the position of the previous one, -1 ending it): no allocation per jump.
struct Label {
    int64_t pos = -1;    // bound position, or -1
    int64_t last = -1;   // the last rel32 field waiting for it, or -1
};

class Assembler {
public:
    std::vector<uint8_t> code;
    size_t here() const { return code.size(); }

    // Moves. w: 64-bit operand size (else 32-bit, which zero-extends into the register).
    void mov(bool w, Reg dst, Mem src) { op_mem({0x8b}, w, dst, src); }
    void mov(bool w, Mem dst, Reg src) { op_mem({0x89}, w, src, dst); }
    void mov(bool w, Reg dst, Reg src) { op_rr({0x89}, w, src, dst); }
    void mov8(Mem dst, Reg src) { op_mem({0x88}, false, src, dst, true); }
    void mov16(Mem dst, Reg src) { prefix16(); op_mem({0x89}, false, src, dst); }
    void movzx8(Reg dst, Mem src) { op_mem({0x0f, 0xb6}, false, dst, src); }
    void movzx16(Reg dst, Mem src) { op_mem({0x0f, 0xb7}, false, dst, src); }
    void movzx8(Reg dst, Reg src) { op_rr({0x0f, 0xb6}, false, dst, src, true); }
    void movzx16(Reg dst, Reg src) { op_rr({0x0f, 0xb7}, false, dst, src); }
    void movsx8(Reg dst, Reg src) { op_rr({0x0f, 0xbe}, true, dst, src, true); }
    void movsx16(Reg dst, Reg src) { op_rr({0x0f, 0xbf}, true, dst, src); }
    void movsxd(Reg dst, Reg src) { op_rr({0x63}, true, dst, src); }
    // size bytes (1, 2, 4 or 8) from memory, zero-extended into dst; and the low size bytes of src to memory.
    void load_zx(unsigned size, Reg dst, Mem src);
    void store_sized(unsigned size, Mem dst, Reg src);
    void mov_imm(Reg dst, uint64_t imm);             // shortest form of a 64-bit constant
    void mov_imm(Mem dst, int32_t imm);              // qword [dst] = sign-extended imm
    void lea(Reg dst, Mem src) { op_mem({0x8d}, true, dst, src); }

    // ALU: dst op= src.
    void alu(Alu op, bool w, Reg dst, Reg src) { op_rr({uint8_t(op * 8 + 1)}, w, src, dst); }
    void alu(Alu op, bool w, Reg dst, Mem src) { op_mem({uint8_t(op * 8 + 3)}, w, dst, src); }
    void alu(Alu op, bool w, Mem dst, Reg src) { op_mem({uint8_t(op * 8 + 1)}, w, src, dst); }
    void alu(Alu op, bool w, Reg dst, int32_t imm);
    void alu(Alu op, bool w, Mem dst, int32_t imm);
    void imul(bool w, Reg dst, Reg src) { op_rr({0x0f, 0xaf}, w, dst, src); }
    void imul(bool w, Reg dst, Mem src) { op_mem({0x0f, 0xaf}, w, dst, src); }
    void imul(bool w, Reg dst, Reg src, int32_t imm);
    // rdx:rax = rax * src, unsigned (mul1) or signed (imul1).
    void mul1(bool w, Reg src) { op_rr({0xf7}, w, Reg(4), src); }
    void imul1(bool w, Reg src) { op_rr({0xf7}, w, Reg(5), src); }
    void neg(bool w, Reg r) { op_rr({0xf7}, w, Reg(3), r); }
    void not_(bool w, Reg r) { op_rr({0xf7}, w, Reg(2), r); }
    void shift_cl(Shift s, bool w, Reg r) { op_rr({0xd3}, w, Reg(s), r); }
    void shift(Shift s, bool w, Reg r, uint8_t n);
    void test(bool w, Reg a, Reg b) { op_rr({0x85}, w, b, a); }
    void cmp8(Mem m, uint8_t imm) {
        op_mem({0x80}, false, Reg(7), m);
        code.push_back(imm);
    }
    void push(Reg r) { rex(false, 0, -1, r, false); code.push_back(uint8_t(0x50 + (r & 7))); }
    void pop(Reg r) { rex(false, 0, -1, r, false); code.push_back(uint8_t(0x58 + (r & 7))); }
    void setcc(Cc cc, Reg r8) { op_rr({0x0f, uint8_t(0x90 + cc)}, false, Reg(0), r8, true); }
    void cmov(Cc cc, bool w, Reg dst, Reg src) { op_rr({0x0f, uint8_t(0x40 + cc)}, w, dst, src); }

    // Scalar SSE on xmm0-xmm7: prefix F2 (double) or F3 (single), opcode after 0F
    // (10 load, 51 sqrt, 58 add, 59 mul, 5C sub, 5E div): xmm op= memory or xmm.
    void sse(uint8_t prefix, uint8_t opc, int xmm, Mem src) {
        code.push_back(prefix);
        op_mem({0x0f, opc}, false, Reg(xmm), src);
    }
    void sse(uint8_t prefix, uint8_t opc, int xmm, int xmm_src) {
        code.push_back(prefix);
        op_rr({0x0f, opc}, false, Reg(xmm), Reg(xmm_src));
    }
    // movq/movd between a general register and xmm0-7 (w: 64 bits, else 32, zero-extended).
    void mov_to_xmm(bool w, int xmm, Reg src) {
        code.push_back(0x66);
        op_rr({0x0f, 0x6e}, w, Reg(xmm), src);
    }
    void mov_from_xmm(bool w, Reg dst, int xmm) {
        code.push_back(0x66);
        op_rr({0x0f, 0x7e}, w, Reg(xmm), dst);
    }
    // FMA3 on xmm0-7, the 231 form: dst = +-(src1 * src2) +- dst. opc: B9 vfmadd, BB vfmsub,
    // BD vfnmadd, BF vfnmsub (the sd form with w, else ss).
    void vfma231(uint8_t opc, bool w, int dst, int src1, int src2) {
        code.insert(code.end(), {0xc4, 0xe2, uint8_t((w ? 0x80 : 0) | (~src1 & 15) << 3 | 1), opc,
                                 uint8_t(0xc0 | (dst & 7) << 3 | (src2 & 7))});
    }

    // Control flow.
    void jcc(Cc cc, Label& l);
    void jmp(Label& l);
    void jmp(Reg r) { op_rr({0xff}, false, Reg(4), r); }
    void call(Reg r) { op_rr({0xff}, false, Reg(2), r); }
    void ret() { code.push_back(0xc3); }
    void mfence() { code.insert(code.end(), {0x0f, 0xae, 0xf0}); }
    void bind(Label& l);
    // True when every label used was bound (an unbound one would jump to garbage).
    static bool bound(const Label& l) { return l.pos >= 0 || l.last < 0; }

private:
    void prefix16() { code.push_back(0x66); }
    void rex(bool w, int reg, int index, int base, bool byte_regs);
    void modrm_mem(int reg, const Mem& m);
    void op_mem(std::initializer_list<uint8_t> opc, bool w, Reg reg, const Mem& m, bool byte_reg = false);
    void op_rr(std::initializer_list<uint8_t> opc, bool w, Reg reg, Reg rm, bool byte_regs = false);
    void rel32_to(Label& l);
    void put32(uint32_t v);
    void put_imm8_or_32(int32_t imm);
    void put64(uint64_t v);
};

}  // namespace tessera::x64
