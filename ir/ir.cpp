#include "ir/ir.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <set>

namespace tessera::ir {

namespace {
constexpr uint8_t sig_dsts(const char* sig) { return sig[0] == ':' ? 0 : 1; }
constexpr uint8_t sig_srcs(const char* sig) {
    while (*sig != ':') sig++;
    uint8_t n = 0;
    for (sig++; *sig; sig++) n++;
    return n;
}
}  // namespace

const OpInfo kOpTable[] = {
#define X(name, sig, fl) {#name, sig, sig_dsts(sig), sig_srcs(sig), fl},
#include "ir/ops.def"
#undef X
};
static_assert(sizeof(kOpTable) / sizeof(kOpTable[0]) == size_t(Op::COUNT));

const char* type_name(Type t) {
    static const char* n[] = {"i1", "i8", "i16", "i32", "i64", "i128", "f32", "f64", "v128"};
    return n[size_t(t)];
}

const char* cond_name(Cond c) {
    static const char* n[] = {"eq", "ne", "lt", "ge", "ltu", "geu", "le", "gt", "leu", "gtu", "always"};
    return n[size_t(c)];
}


namespace {
// Does an operand of type t fit signature letter c, for an instruction of type insn?
bool fits(char c, Type t, Type insn) {
    switch (c) {
    case 'T': return t == insn;
    case 'I':
    case 'i': return type_implemented(t);
    case 'W': return type_implemented(t) && type_bits(t) >= type_bits(insn);
    case 'A': return t == Type::I64;
    }
    return false;
}
}  // namespace

std::string unsupported_type(const Block& b) {
    for (size_t t = 0; t < b.temps.size(); t++)
        if (!type_implemented(b.temps[t])) return "temp " + std::to_string(t) + " has type " + type_name(b.temps[t]);
    for (size_t n = 0; n < b.insns.size(); n++)
        if (!type_implemented(b.insns[n].type))
            return "insn " + std::to_string(n) + " has type " + type_name(b.insns[n].type);
    return {};
}

std::string verify(const Block& b) {
    char buf[200];
    auto fail = [&](size_t idx, const char* what) {
        snprintf(buf, sizeof buf, "insn %zu (%s): %s", idx, op_info(b.insns[idx].op).name, what);
        return std::string(buf);
    };
    if (b.insns.empty()) return "empty block";
    if (std::string bad = unsupported_type(b); !bad.empty()) return bad + ", which the executors do not implement";
    std::set<int64_t> defined;
    std::set<int64_t> used;
    for (size_t n = 0; n < b.insns.size(); n++) {
        const Insn& i = b.insns[n];
        if (size_t(i.op) >= size_t(Op::COUNT)) return "unknown op";
        const OpInfo& info = op_info(i.op);
        if (info.ndst && (i.dst >= b.temps.size())) return fail(n, "missing destination temp");
        if (!info.ndst && i.dst != NO_TEMP) return fail(n, "unexpected destination");
        if (info.ndst && !fits(info.sig[0], b.temps[i.dst], i.type)) return fail(n, "destination type differs from op type");
        const char* src_sig = info.sig + info.ndst + 1;
        for (unsigned s = 0; s < 4; s++) {
            bool present = i.src[s] != NO_TEMP;
            bool optional = s < info.nsrc && src_sig[s] == 'i';
            if (s < info.nsrc && !present && !optional) return fail(n, "missing source operand");
            if (s >= info.nsrc && present) return fail(n, "too many source operands");
            if (present && i.src[s] >= b.temps.size()) return fail(n, "source is not a temp");
            if (present && !fits(src_sig[s], b.temps[i.src[s]], i.type)) {
                snprintf(buf, sizeof buf, "insn %zu (%s): source %u has type %s, the signature %s wants %c", n, info.name, s,
                         type_name(b.temps[i.src[s]]), info.sig, src_sig[s]);
                return buf;
            }
        }
        switch (i.op) {
        case Op::sext:
        case Op::zext:
            if (i.imm <= 0 || i.imm > 64 || unsigned(i.imm) > type_bits(i.type)) return fail(n, "bad extension width");
            break;
        case Op::ld:
        case Op::st:
            if (memop_bytes(i.aux) * 8 > type_bits(i.type)) return fail(n, "access wider than its value");
            if (i.aux & ~MO_ALL) return fail(n, "unknown memory-op bits");
            break;
        case Op::call:
            if (!i.imm) return fail(n, "call without helper");
            break;
        case Op::divs:
        case Op::divu:
        case Op::rems:
        case Op::remu:
            if (i.aux != DIV0_ONES && i.aux != DIV0_ZERO) return fail(n, "unknown division-by-zero policy");
            break;
        case Op::fastfp:
            if (i.type != Type::I64) return fail(n, "fastfp works on i64 values");
            if (uint64_t(i.imm) >= FF_KINDS || i.aux >= FF_FORMATS || i.aux == FF_BOXED)
                return fail(n, "unknown fastfp operation or format");
            break;
        case Op::fence:
            if (!i.aux || (i.aux & ~FENCE_ALL)) return fail(n, "a fence orders nothing or something unknown");
            break;
        case Op::label:
            if (uint64_t(i.imm) >= b.labels || !defined.insert(i.imm).second) return fail(n, "label undeclared or defined twice");
            break;
        case Op::br:
        case Op::brcond:
            if (uint64_t(i.imm) >= b.labels) return fail(n, "branch to undeclared label");
            used.insert(i.imm);
            break;
        default: break;
        }
    }
    for (int64_t l : used)
        if (!defined.count(l)) return "branch to a label that is never placed";
    if (!(op_info(b.insns.back().op).flags & OPF_TERM)) return "block does not end with an exit";
    return {};
}

namespace {
struct Line {
    char buf[200];
    int n = 0;
    void put(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        va_list ap;
        va_start(ap, fmt);
        if (n < int(sizeof buf)) n += vsnprintf(buf + n, sizeof buf - size_t(n), fmt, ap);
        va_end(ap);
    }
};
}  // namespace

std::string print_insn(const Block& b, const Insn& i) {
    (void)b;
    const OpInfo& info = op_info(i.op);
    Line line;
    char* buf = line.buf;
    if (i.op == Op::insn_start) {
        line.put(" ---- %016" PRIx64, uint64_t(i.imm));
        return buf;
    }
    if (i.op == Op::label) {
        line.put("L%" PRId64 ":", i.imm);
        return buf;
    }
    line.put("  %s.%s", info.name, type_name(i.type));
    if (info.ndst) line.put(" t%u =", i.dst);
    for (unsigned s = 0; s < 4; s++)
        if (i.src[s] != NO_TEMP) line.put(" t%u", i.src[s]);
    switch (i.op) {
    case Op::movi: line.put(" 0x%" PRIx64, uint64_t(i.imm)); break;
    case Op::setcond: line.put(" %s", cond_name(i.cond)); break;
    case Op::brcond: line.put(" %s L%" PRId64, cond_name(i.cond), i.imm); break;
    case Op::br: line.put(" L%" PRId64, i.imm); break;
    case Op::sext:
    case Op::zext: line.put(" from %" PRId64, i.imm); break;
    case Op::ld_env:
    case Op::st_env: line.put(" env+%" PRId64 "%s", i.imm, i.aux & ENV_REG ? " reg" : ""); break;
    case Op::ld:
    case Op::st:
        line.put(" %s%u%s mmu%" PRId64, (i.aux & MO_SIGN) ? "s" : "u", memop_bytes(i.aux) * 8,
                 (i.aux & MO_ALIGN) ? " align" : "", i.imm);
        break;
    case Op::call: line.put(" %s", reinterpret_cast<const Helper*>(i.imm)->name); break;
    case Op::exit_tb: line.put(" 0x%" PRIx64 " slot %u", uint64_t(i.imm), i.aux); break;
    case Op::exit_ind: if (i.aux) line.put(" mode-change"); break;
    case Op::divs:
    case Op::divu:
        if (i.aux == DIV0_ZERO) line.put(" x/0=0");
        break;
    case Op::fastfp: {
        static const char* const kinds[] = {"add", "sub", "mul", "div", "sqrt", "madd", "msub", "nmsub", "nmadd"};
        line.put(" %s.%s", uint64_t(i.imm) < FF_KINDS ? kinds[i.imm] : "?",
                 i.aux & FF_BOXED ? "f32boxed" : i.aux & FF_F32 ? "f32" : "f64");
        break;
    }
    case Op::fence:
        line.put(" %s%s%s%s", i.aux & FENCE_LD_LD ? " ld-ld" : "", i.aux & FENCE_LD_ST ? " ld-st" : "",
                 i.aux & FENCE_ST_LD ? " st-ld" : "", i.aux & FENCE_ST_ST ? " st-st" : "");
        break;
    default: break;
    }
    return buf;
}

std::string print(const Block& b) {
    std::string out;
    char head[96];
    snprintf(head, sizeof head, "IR block pc=0x%" PRIx64 " insns=%u temps=%zu\n", b.guest_pc, b.guest_insns, b.temps.size());
    out += head;
    for (const Insn& i : b.insns) {
        out += print_insn(b, i);
        out += '\n';
    }
    return out;
}

}  // namespace tessera::ir
