#include "ir/opt.h"

#include <algorithm>
#include <vector>

namespace tessera::ir {

namespace {
uint64_t mask_of(Type t) {
    unsigned bits = type_bits(t);
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

// What the passes know about CPU-state fields, by env offset. A block touches a few dozen
// fields, so a flat vector searched in order beats a tree (and allocates nothing once warm).
template <typename V>
struct FieldMap {
    struct Entry {
        int64_t off;
        V v;
    };
    std::vector<Entry> e;
    V* find(int64_t off) {
        for (Entry& x : e)
            if (x.off == off) return &x.v;
        return nullptr;
    }
    void set(int64_t off, V v) {
        if (V* p = find(off)) *p = v;
        else e.push_back({off, v});
    }
    template <typename Pred>
    void erase_if(Pred pred) {
        e.erase(std::remove_if(e.begin(), e.end(), pred), e.end());
    }
    void clear() { e.clear(); }
};

struct EnvValue {
    uint32_t temp;  // holds the field's current value
    Type type;
};

// Per-thread working arrays of optimize(): their capacity stays from block to block.
struct Scratch {
    std::vector<uint32_t> alias, ext_src;
    std::vector<uint8_t> is_const, dead, used;
    std::vector<uint64_t> value;
    std::vector<unsigned> ext_from;
    FieldMap<EnvValue> env;
    FieldMap<bool> is_reg;
    FieldMap<unsigned> overwritten;
};
}  // namespace

bool fold_binary(Op op, Type t, uint64_t a, uint64_t b, uint64_t* out) {
    unsigned bits = type_bits(t);
    uint64_t m = mask_of(t);
    unsigned sh = unsigned(b & (bits - 1));
    int64_t sa = int64_t(a << (64 - bits)) >> (64 - bits);
    switch (op) {
    case Op::add: *out = (a + b) & m; return true;
    case Op::sub: *out = (a - b) & m; return true;
    case Op::mul: *out = (a * b) & m; return true;
    case Op::and_: *out = a & b; return true;
    case Op::or_: *out = a | b; return true;
    case Op::xor_: *out = a ^ b; return true;
    case Op::shl: *out = (a << sh) & m; return true;
    case Op::shr: *out = (a & m) >> sh; return true;
    case Op::sar: *out = uint64_t(sa >> sh) & m; return true;
    case Op::uaddo:
    case Op::saddo:
    case Op::usubo:
    case Op::ssubo: *out = eval_overflow(op, a, b, bits); return true;
    default: return false;
    }
}

bool fold_unary(Op op, Type t, int64_t imm, uint64_t a, uint64_t* out) {
    uint64_t m = mask_of(t);
    switch (op) {
    case Op::mov: *out = a & m; return true;
    case Op::neg: *out = (0 - a) & m; return true;
    case Op::not_: *out = ~a & m; return true;
    case Op::zext: *out = a & (imm >= 64 ? ~0ull : (1ull << imm) - 1) & m; return true;
    case Op::sext: *out = uint64_t(int64_t(a << (64 - imm)) >> (64 - imm)) & m; return true;
    default: return false;
    }
}

void optimize(Block& b) {
    const size_t nt = b.temps.size();
    thread_local Scratch sc;
    auto& alias = sc.alias;
    alias.resize(nt);
    for (uint32_t t = 0; t < nt; t++) alias[t] = t;
    auto& is_const = sc.is_const;
    is_const.assign(nt, 0);
    auto& value = sc.value;
    value.assign(nt, 0);
    // env offset -> (temp holding the current value, its type), valid until a helper
    // that writes CPU state or a join point.
    auto& env = sc.env;
    env.clear();
    auto& is_reg = sc.is_reg;  // offsets accessed as ENV_REG: helpers never touch them
    is_reg.clear();
    auto forget_overlap = [&](int64_t off, unsigned size) {
        env.erase_if([&](const auto& x) {
            unsigned s = type_bits(x.v.type) / 8;
            return x.off < off + int64_t(size) && off < x.off + int64_t(s);
        });
    };
    // Temps made by sext/zext: the source and the width extended from.
    auto& ext_src = sc.ext_src;
    ext_src.assign(nt, NO_TEMP);
    auto& ext_from = sc.ext_from;
    ext_from.assign(nt, 0);
    auto& dead = sc.dead;
    dead.assign(b.insns.size(), 0);
    for (size_t n = 0; n < b.insns.size(); n++) {
        Insn& i = b.insns[n];
        for (uint32_t& s : i.src)
            if (s != NO_TEMP) s = alias[s];
        // An operand read only in its low bits, which an extension copied from another temp,
        // reads that temp: "zext from 32" of an AArch64 W register feeding a 32-bit compare
        // or truncation costs nothing.
        const char* sig = op_info(i.op).sig;
        for (unsigned k = 0; k < op_info(i.op).nsrc; k++) {
            unsigned want = i.op == Op::sext || i.op == Op::zext ? unsigned(i.imm)
                            : sig[op_info(i.op).ndst + 1 + k] == 'W' ? type_bits(i.type) : 0;
            uint32_t& s = i.src[k];
            auto copies = [&](uint32_t t) {  // t's low `want` bits are those of ext_src[t]
                return t != NO_TEMP && ext_src[t] != NO_TEMP && ext_from[t] >= want && type_bits(b.temps[ext_src[t]]) >= want;
            };
            while (want && copies(s)) s = ext_src[s];
        }
        if ((i.op == Op::sext || i.op == Op::zext) && i.dst != NO_TEMP) {
            ext_src[i.dst] = i.src[0];
            ext_from[i.dst] = unsigned(i.imm);
        }
        switch (i.op) {
        case Op::movi:
            is_const[i.dst] = true;
            value[i.dst] = uint64_t(i.imm) & mask_of(i.type);
            break;
        case Op::ld_env: {
            if (i.aux & ENV_REG) is_reg.set(i.imm, true);
            const EnvValue* known = env.find(i.imm);
            if (known && known->type == i.type) {
                alias[i.dst] = known->temp;
                dead[n] = true;
            } else {
                forget_overlap(i.imm, type_bits(i.type) / 8);
                env.set(i.imm, {i.dst, i.type});
            }
            break;
        }
        case Op::st_env:
            if (i.aux & ENV_REG) is_reg.set(i.imm, true);
            forget_overlap(i.imm, type_bits(i.type) / 8);
            env.set(i.imm, {i.src[0], i.type});
            break;
        case Op::call:
            // A helper may write CPU state, but never a guest register (ENV_REG).
            if (reinterpret_cast<const Helper*>(i.imm)->flags & HF_WRITES_ENV)
                env.erase_if([&](const auto& x) { return !is_reg.find(x.off); });
            break;
        case Op::label: env.clear(); break;
        default:
            if ((op_info(i.op).flags & OPF_PURE) && i.dst != NO_TEMP) {
                const OpInfo& info = op_info(i.op);
                uint64_t r;
                bool folded = info.nsrc == 2 && is_const[i.src[0]] && is_const[i.src[1]] &&
                              fold_binary(i.op, i.type, value[i.src[0]], value[i.src[1]], &r);
                folded = folded || (info.nsrc == 1 && is_const[i.src[0]] && fold_unary(i.op, i.type, i.imm, value[i.src[0]], &r));
                if (folded) {
                    i.op = Op::movi;
                    i.type = b.temps[i.dst];  // a flag's destination may be wider than the op
                    i.imm = int64_t(r);
                    i.src[0] = i.src[1] = NO_TEMP;
                    is_const[i.dst] = true;
                    value[i.dst] = r;
                    break;
                }
            }
            // x + 0, x | 0, x ^ 0, x - 0, x << 0, x >> 0, x & ~0, x * 1: the value itself
            if (op_info(i.op).nsrc == 2 && i.dst != NO_TEMP) {
                auto identity = [&](unsigned k) {  // is source k the identity for the other one?
                    if (i.src[0] == NO_TEMP || i.src[1] == NO_TEMP) return false;
                    if (!is_const[i.src[k]] || b.temps[i.src[1 - k]] != i.type) return false;
                    uint64_t v = value[i.src[k]];
                    switch (i.op) {
                    case Op::add: case Op::or_: case Op::xor_: return v == 0;
                    case Op::sub: case Op::shl: case Op::shr: case Op::sar: return k == 1 && v == 0;
                    case Op::and_: return v == mask_of(i.type);
                    case Op::mul: return v == 1;
                    default: return false;
                    }
                };
                for (unsigned k = 0; k < 2; k++)
                    if (identity(k)) {
                        alias[i.dst] = i.src[1 - k];
                        dead[n] = true;
                        break;
                    }
            }
            break;
        }
    }
    // Dead code: pure ops and state loads whose results nobody uses, and state stores that a
    // later store of the same field overwrites before anything can see it: a load of the
    // field, a helper, an access that may fault (its exception must see the state the earlier
    // instructions left), a branch, a label or an exit. Flags that the next flag-setting
    // instruction overwrites thus cost nothing, nor what computed them.
    auto& used = sc.used;
    used.assign(nt, 0);
    auto& overwritten = sc.overwritten;  // env offset -> bytes a later store writes there
    overwritten.clear();
    for (size_t n = b.insns.size(); n-- > 0;) {
        Insn& i = b.insns[n];
        if (dead[n]) continue;
        const OpInfo& info = op_info(i.op);
        bool removable = (info.flags & OPF_PURE) || i.op == Op::ld_env;
        if (removable && info.ndst && !used[i.dst]) {
            dead[n] = true;
            continue;
        }
        unsigned bytes = type_bits(i.type) / 8;
        if (i.op == Op::st_env) {
            unsigned* later = overwritten.find(i.imm);
            if (later && *later >= bytes) {
                dead[n] = true;
                continue;
            }
            overwritten.set(i.imm, std::max(bytes, later ? *later : 0u));
        } else if (i.op == Op::ld_env) {
            overwritten.erase_if([&](const auto& x) { return x.off < i.imm + int64_t(bytes) && i.imm < x.off + int64_t(x.v); });
        } else if (info.flags & (OPF_TERM | OPF_BRANCH | OPF_LABEL | OPF_FAULT | OPF_CALL)) {
            overwritten.clear();
        }
        for (uint32_t s : i.src)
            if (s != NO_TEMP) used[s] = true;
    }
    size_t out = 0;
    for (size_t n = 0; n < b.insns.size(); n++)
        if (!dead[n]) b.insns[out++] = b.insns[n];
    b.insns.resize(out);
}

}  // namespace tessera::ir
