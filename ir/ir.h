// Tessera IR: typed temps, ops from ops.def, one translation block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::ir {

enum class Type : uint8_t { I1, I8, I16, I32, I64, I128, F32, F64, V128 };
inline unsigned type_bits(Type t) {  // inline: every pass asks, for every instruction
    constexpr uint8_t bits[] = {1, 8, 16, 32, 64, 128, 32, 64, 128};
    return size_t(t) < sizeof bits ? bits[size_t(t)] : 0;
}
const char* type_name(Type t);

enum OpFlags : uint32_t {
    OPF_PURE = 1,
    OPF_ENV = 2,
    OPF_MEM = 4,
    OPF_FAULT = 8,
    OPF_TERM = 16,
    OPF_BRANCH = 32,
    OPF_LABEL = 64,
    OPF_CALL = 128,
};

enum class Op : uint8_t {
#define X(name, sig, fl) name,
#include "ir/ops.def"
#undef X
    COUNT
};

struct OpInfo {
    const char* name;
    const char* sig;  // "D:SSSS" from ops.def: what the verifier checks each operand against
    uint8_t ndst, nsrc;
    uint32_t flags;
};
extern const OpInfo kOpTable[];
inline const OpInfo& op_info(Op op) { return kOpTable[size_t(op)]; }
// The types every executor (interpreter, baseline, LLVM) implements; the verifier rejects
// the others, and the executors refuse them rather than guess.
inline bool type_implemented(Type t) { return t == Type::I8 || t == Type::I16 || t == Type::I32 || t == Type::I64; }
struct Block;
// The first temp or instruction of b whose type no executor implements: "" if none. Executors
// call it before they lay out slots of 8 bytes (a v128 would not fit).
std::string unsupported_type(const Block& b);

enum class Cond : uint8_t { EQ, NE, LT, GE, LTU, GEU, LE, GT, LEU, GTU, ALWAYS };
const char* cond_name(Cond c);
// The condition that holds exactly when c does not (ALWAYS has none: it stays).
inline Cond invert(Cond c) {
    static const Cond inv[] = {Cond::NE, Cond::EQ, Cond::GE, Cond::LT, Cond::GEU, Cond::LTU,
                               Cond::GT, Cond::LE, Cond::GTU, Cond::LEU, Cond::ALWAYS};
    return inv[size_t(c)];
}
inline bool eval_cond(Cond c, uint64_t a, uint64_t b, unsigned bits) {
    unsigned sh = 64 - bits;
    int64_t sa = int64_t(a << sh) >> sh, sb = int64_t(b << sh) >> sh;
    uint64_t ua = (a << sh) >> sh, ub = (b << sh) >> sh;
    switch (c) {
    case Cond::EQ: return ua == ub;
    case Cond::NE: return ua != ub;
    case Cond::LT: return sa < sb;
    case Cond::GE: return sa >= sb;
    case Cond::LTU: return ua < ub;
    case Cond::GEU: return ua >= ub;
    case Cond::LE: return sa <= sb;
    case Cond::GT: return sa > sb;
    case Cond::LEU: return ua <= ub;
    case Cond::GTU: return ua > ub;
    case Cond::ALWAYS: return true;
    }
    return false;
}

// uaddo, saddo, usubo, ssubo (ops.def) on the low `bits` of a and b. Shifted to the top of
// 64 bits, a narrow operation carries, borrows and overflows exactly when the 64-bit one does.
inline bool eval_overflow(Op op, uint64_t a, uint64_t b, unsigned bits) {
    unsigned sh = 64 - bits;
    uint64_t ua = a << sh, ub = b << sh, r;
    int64_t s;
    switch (op) {
    case Op::uaddo: return __builtin_add_overflow(ua, ub, &r);
    case Op::usubo: return __builtin_sub_overflow(ua, ub, &r);
    case Op::saddo: return __builtin_add_overflow(int64_t(ua), int64_t(ub), &s);
    case Op::ssubo: return __builtin_sub_overflow(int64_t(ua), int64_t(ub), &s);
    default: return false;
    }
}
inline bool is_overflow_op(Op op) { return op == Op::uaddo || op == Op::saddo || op == Op::usubo || op == Op::ssubo; }

// ld_env/st_env aux flag: the field is a guest register that helpers never read or write.
constexpr uint8_t ENV_REG = 1;

// divs/divu/rems/remu aux: what a zero divisor gives. The remainder by zero is the dividend
// either way, and MIN / -1 wraps to MIN; x86 raises #DE in its frontend before dividing.
enum DivZero : uint8_t {
    DIV0_ONES = 0,  // quotient all ones (RISC-V)
    DIV0_ZERO = 1,  // quotient zero (AArch64 SDIV/UDIV)
};

// fastfp: the operation in imm, the format in aux (ir/fastfp.h has the semantics).
enum FastFpKind : uint8_t { FF_ADD, FF_SUB, FF_MUL, FF_DIV, FF_SQRT, FF_MADD, FF_MSUB, FF_NMSUB, FF_NMADD, FF_KINDS };
enum FastFpFormat : uint8_t {
    FF_F64 = 0,
    FF_F32 = 1,    // binary32 in the low 32 bits, the result zero-extended (AArch64, x86)...
    FF_BOXED = 2,  // ...or NaN-boxed (RISC-V): all-ones upper halves, else the operand is refused
    FF_FORMATS = 4,  // bound for checks (FF_BOXED alone is not a format)
};
constexpr uint64_t FASTFP_REFUSED = ~0ull;  // never an accepted result (a NaN in every format)
inline unsigned fastfp_operands(unsigned kind) { return kind == FF_SQRT ? 1 : kind >= FF_MADD ? 3 : 2; }

// fence aux: which earlier accesses must be ordered before which later ones.
enum FenceKind : uint8_t {
    FENCE_LD_LD = 1,
    FENCE_LD_ST = 2,
    FENCE_ST_LD = 4,  // the one a TSO host (x86) must enforce itself
    FENCE_ST_ST = 8,
    FENCE_ALL = 15,
};

// Memory-op descriptor: log2 size in bits 0-1, sign-extend in bit 2, must be naturally aligned
// in bit 3 (a misaligned address raises the ISA's misalignment fault; without the flag the
// access is made, split across pages if need be).
enum MemOp : uint8_t { MO_8 = 0, MO_16 = 1, MO_32 = 2, MO_64 = 3, MO_SIZE = 3, MO_SIGN = 4, MO_ALIGN = 8, MO_ALL = 15 };
inline unsigned memop_bytes(uint8_t mo) { return 1u << (mo & MO_SIZE); }

// Helper calls: fn(env, a, b, c, d). Effects are declared so backends know what to
// spill and whether a guest exception may follow.
enum HelperFlags : uint32_t {
    HF_READS_ENV = 1,
    HF_WRITES_ENV = 2,
    HF_MAY_RAISE = 4,   // may leave a pending guest exception in the CPU state
    HF_ENDS_BLOCK = 8,  // the translator ends the block right after this call
    HF_COUNTERS = 16,   // reads or writes Vcpu::insn_count (counter CSRs): compiled code syncs it
    HF_CPU_ONLY = 32,   // touches nothing but the CPU state through env: no guest memory, TLB,
                        // device or global (what READS/WRITES_ENV then say is all it does)
};
using HelperFn = uint64_t (*)(void* env, uint64_t, uint64_t, uint64_t, uint64_t);

// A helper's effect class, for code generators that tell their optimiser (LLVM's memory
// attributes): derived from the flags, so it is declared once.
enum class HelperEffect : uint8_t {
    Pure,       // a function of its arguments (HF_CPU_ONLY without READS/WRITES_ENV)
    ReadsCpu,   // reads the CPU state through env, writes nothing
    WritesCpu,  // reads and writes the CPU state through env, nothing else
    Any,        // anything (guest memory, the TLB, devices): no HF_CPU_ONLY
};

// LLVM bitcode of some helpers, embedded in the binary (a generated array). The LLVM tier
// links the functions it needs into its modules so they can be inlined; the interpreter and
// the baseline call the native build of the same source. Whatever the bitcode leaves
// undefined is listed in externs (name -> native address).
struct HelperBitcode {
    struct Extern {
        const char* name;
        const void* addr;
    };
    const unsigned char* data;
    size_t size;
    const Extern* externs;
    size_t num_externs;
};

struct Helper {
    const char* name;
    HelperFn fn;
    uint32_t flags;
    // Optional: the name of this helper's definition in `bitcode` (the same function as fn).
    const char* bitcode_symbol = nullptr;
    const HelperBitcode* bitcode = nullptr;

    HelperEffect effect() const {
        if (!(flags & HF_CPU_ONLY)) return HelperEffect::Any;
        if (flags & HF_WRITES_ENV) return HelperEffect::WritesCpu;
        return flags & HF_READS_ENV ? HelperEffect::ReadsCpu : HelperEffect::Pure;
    }
};

struct Temp {
    uint32_t id = UINT32_MAX;
    bool valid() const { return id != UINT32_MAX; }
};
struct Label {
    uint32_t id = UINT32_MAX;
};

constexpr uint32_t NO_TEMP = UINT32_MAX;
// exit_tb chain slots: 0..kChainSlots-1 may be chained to the successor; kNoChainSlot never is
// (the successor must be looked up under a possibly new mode).
constexpr unsigned kChainSlots = 4;
constexpr uint8_t kNoChainSlot = 255;
// Frontends end a block before it needs more temps than this; executors rely on it.
constexpr uint32_t kMaxBlockTemps = 6000;

struct Insn {
    Op op;
    Type type = Type::I64;
    Cond cond = Cond::ALWAYS;
    uint8_t aux = 0;  // memop, chain slot
    uint32_t dst = NO_TEMP;
    uint32_t src[4] = {NO_TEMP, NO_TEMP, NO_TEMP, NO_TEMP};
    int64_t imm = 0;  // constant, env offset, label, guest pc, mmu index, Helper*
};

struct Block {
    uint64_t guest_pc = 0;       // virtual pc of the first instruction
    uint32_t guest_insns = 0;    // number of guest instructions
    uint32_t guest_bytes = 0;    // bytes of guest code covered
    uint64_t return_pc = 0;      // the block ends in a call: where it will likely return (a hint)
    std::vector<Type> temps;
    uint32_t labels = 0;
    std::vector<Insn> insns;
    // Empty again, keeping the vectors' capacity (a block reused for translation after translation).
    void clear() {
        guest_pc = return_pc = 0;
        guest_insns = guest_bytes = labels = 0;
        temps.clear();
        insns.clear();
    }
};

// Checks the block against the op table: operand counts, temp types, labels defined
// once, terminator at the end. Returns an empty string when valid, else the problem.
std::string verify(const Block& b);
std::string print(const Block& b);
std::string print_insn(const Block& b, const Insn& i);

}  // namespace tessera::ir
