// The op table, differentially: every pure op of ir/ops.def at every integer type, over edge
// values, through the interpreter, the baseline x86-64 code and LLVM's code; all three must
// compute the same result. Generated from the table (its signatures say what each operand is),
// so a new op is covered when it is added, and a change to one executor's case for one op
// fails here.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/interp/handlers.h"
#include "backends/interp/interp.h"
#include "backends/llvm/jit.h"
#include "backends/x64/baseline.h"
#include "fake_cpu.h"
#include "ir/builder.h"
#include "ir/fastfp.h"

#if defined(__x86_64__)  // the baseline runs only there

using namespace tessera;
using namespace tessera::ir;

namespace {

const uint64_t kEdges[] = {0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
                           0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
                           0x8000000000000000ull, ~0ull - 1, ~0ull, 0x123456789abcdef0ull, 0xfedcba9876543210ull};
// fastfp's inputs: binary64 values, NaN-boxed binary32 values (and some badly boxed ones),
// so that every format meets normal, subnormal, zero, infinite and NaN operands and results.
const uint64_t kFpEdges[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull /* 1 */, 0xbff0000000000000ull /* -1 */, 0x3ff8000000000000ull,
    0x4008000000000000ull /* 3 */, 0x3fb999999999999aull /* 0.1 */, 0x7fefffffffffffffull /* max */,
    0x0010000000000000ull /* min normal */, 0x0018000000000000ull, 0x0000000000000001ull /* subnormal */,
    0x800fffffffffffffull, 0x7ff0000000000000ull /* inf */, 0xfff0000000000000ull, 0x7ff8000000000000ull /* qNaN */,
    0x7ff0000000000001ull /* sNaN */, 0x2000000000000000ull /* 2^-511 */, 0x5fe0000000000000ull /* 2^511 */,
    0xffffffff00000000ull /* boxed +0 */, 0xffffffff80000000ull, 0xffffffff3f800000ull /* boxed 1 */,
    0xffffffffbf800000ull, 0xffffffff40400000ull /* 3 */, 0xffffffff3dcccccdull /* 0.1 */,
    0xffffffff7f7fffffull /* max */, 0xffffffff00800000ull /* min normal */, 0xffffffff00000001ull,
    0xffffffff7f800000ull /* inf */, 0xffffffff7fc00000ull /* qNaN */, 0xffffffff1f800000ull /* 2^-64 */,
    0xffffffff5f800000ull /* 2^64 */, 0x000000003f800000ull /* unboxed 1 */, 0x7fffffff40400000ull /* half-boxed 3 */};
const Type kTypes[] = {Type::I8, Type::I16, Type::I32, Type::I64};
const Cond kConds[] = {Cond::EQ, Cond::NE, Cond::LT, Cond::GE, Cond::LTU, Cond::GEU, Cond::LE, Cond::GT, Cond::LEU, Cond::GTU};

// One instance of an op: its type and the immediate or condition it needs.
struct Variant {
    Op op;
    Type type;
    int64_t imm = 0;
    Cond cond = Cond::ALWAYS;
    uint8_t aux = 0;
    bool wide = false;  // 'W' sources and an 'I' destination of type i64 (the op narrower)
    std::string name() const {
        std::string s = std::string(op_info(op).name) + "." + type_name(type);
        if (op == Op::setcond) s += std::string(" ") + cond_name(cond);
        if (op == Op::sext || op == Op::zext || op == Op::fastfp) s += " " + std::to_string(imm);
        if (aux) s += " aux " + std::to_string(aux);
        if (wide) s += " wide";
        return s;
    }
};

bool has_wide_operands(Op op) { return std::string(op_info(op).sig).find('W') != std::string::npos; }

std::vector<Variant> variants() {
    std::vector<Variant> out;
    for (size_t k = 0; k < size_t(Op::COUNT); k++) {
        Op op = Op(k);
        const OpInfo& info = op_info(op);
        if (!(info.flags & OPF_PURE)) continue;
        if (op == Op::fastfp) {  // i64 only; every operation in every format
            for (int64_t kind = 0; kind < FF_KINDS; kind++)
                for (uint8_t format : {uint8_t(FF_F64), uint8_t(FF_F32), uint8_t(FF_F32 | FF_BOXED)})
                    out.push_back({op, Type::I64, kind, Cond::ALWAYS, format});
            continue;
        }
        for (Type t : kTypes) {
            if (op == Op::setcond) {
                for (Cond c : kConds) out.push_back({op, t, 0, c});
                if (t != Type::I64)
                    for (Cond c : kConds) out.push_back({op, t, 0, c, 0, true});
            } else if (has_wide_operands(op)) {
                out.push_back({op, t});
                if (t != Type::I64) out.push_back({op, t, 0, Cond::ALWAYS, 0, true});
            } else if (op == Op::divs || op == Op::divu || op == Op::rems || op == Op::remu) {
                for (uint8_t zero : {DIV0_ONES, DIV0_ZERO}) out.push_back({op, t, 0, Cond::ALWAYS, zero});
            } else if (op == Op::sext || op == Op::zext) {
                for (int64_t w : {1, 7, 8, 16, 31, 32, 63})
                    if (w <= int64_t(type_bits(t))) out.push_back({op, t, w});
            } else {
                out.push_back({op, t});
            }
        }
    }
    return out;
}

// ld_env each source from regs[0..2], the op, the result zero-extended into regs[3]. movi
// takes its constant from the first input instead (one block per constant).
Block build(const Variant& v, const test::FakeCpu& cpu, uint64_t movi_value) {
    Block blk;
    blk.guest_pc = 0x1000;
    Builder b{blk};
    b.insn_start(0x1000);
    const OpInfo& info = op_info(v.op);
    const char* srcs = info.sig + info.ndst + 1;
    Insn in{};
    in.op = v.op;
    in.type = v.type;
    in.cond = v.cond;
    in.aux = v.aux;
    in.imm = v.op == Op::movi ? int64_t(movi_value) : v.imm;
    for (unsigned s = 0; s < info.nsrc; s++) {
        // 'I' operands at the op's own type, 'W' ones at i64 in the wide variant
        Type st = srcs[s] == 'A' || (srcs[s] == 'W' && v.wide) ? Type::I64 : v.type;
        in.src[s] = b.ld_env(st, cpu.reg_off(s)).id;
    }
    Temp d = b.temp(v.wide && info.sig[0] == 'I' ? Type::I64 : v.type);
    in.dst = d.id;
    blk.insns.push_back(in);
    Type dt = blk.temps[d.id];
    b.st_env(dt == Type::I64 ? d : b.zext(Type::I64, d, type_bits(dt)), cpu.reg_off(3));
    b.exit_tb(0x2000, 0);
    return blk;
}

// The flag ops written out at each width with exact (128-bit) arithmetic: the reference the
// executors must match, independent of ir::eval_overflow.
template <typename S, typename U>
uint64_t flag_of(Op op, uint64_t a, uint64_t b) {
    U ua = U(a), ub = U(b);
    S sa = S(ua), sb = S(ub);
    __int128 s = op == Op::saddo ? __int128(sa) + sb : __int128(sa) - sb;
    switch (op) {
    case Op::uaddo: return (unsigned __int128)ua + ub > std::numeric_limits<U>::max();
    case Op::usubo: return ua < ub;
    default: return s < std::numeric_limits<S>::min() || s > std::numeric_limits<S>::max();
    }
}
std::optional<uint64_t> reference(const Variant& v, uint64_t a, uint64_t b) {
    if (!is_overflow_op(v.op)) return std::nullopt;
    switch (v.type) {
    case Type::I8: return flag_of<int8_t, uint8_t>(v.op, a, b);
    case Type::I16: return flag_of<int16_t, uint16_t>(v.op, a, b);
    case Type::I32: return flag_of<int32_t, uint32_t>(v.op, a, b);
    default: return flag_of<int64_t, uint64_t>(v.op, a, b);
    }
}

// The three executors on one fake CPU: a block compiled by each, run by any.
struct Executors {
    AddressSpace as;
    test::FakeCpu cpu{as};
    jit::Jit llvm{cpu};
    x64::Baseline baseline{cpu, 8 << 20};
    Executors() { as.add_ram("ram", 0x80000000, 1 << 16); }
    struct Compiled {
        std::unique_ptr<interp::Code> code;
        jit::BlockFn baseline = nullptr;
        jit::CompiledBlock llvm;
    };
    Compiled compile(const Block& blk) {
        Compiled c;
        c.code = interp::compile(blk, interp::frame_offset(cpu));
        c.baseline = baseline.compile(*c.code, nullptr, false);
        REQUIRE(reinterpret_cast<const void*>(c.baseline) != nullptr);
        c.llvm = llvm.compile(blk, false, false);
        return c;
    }
    // e: 0 the interpreter, 1 the baseline, 2 LLVM.
    void run(const Compiled& c, int e) {
        if (e == 0) interp::run(*c.code, cpu);
        else if (e == 1) baseline.enter(c.baseline, &cpu);
        else llvm.enter(c.llvm.fn, &cpu);
    }
    void release(Compiled& c) {
        llvm.release(c.llvm);
        if (baseline.nearly_full()) baseline.reset();
    }
};

// Runs each variant that `want` picks through the three executors over edge values; returns
// the number of input sets compared.
template <typename Want>
size_t compare_executors(Executors& ex, Want want) {
    test::FakeCpu& cpu = ex.cpu;
    size_t checked = 0;
    for (const Variant& v : variants()) {
        if (!want(v)) continue;
        CAPTURE(v.name());
        const bool fp = v.op == Op::fastfp;
        const uint64_t* edges = fp ? kFpEdges : kEdges;
        const size_t nedges = fp ? std::size(kFpEdges) : std::size(kEdges);
        const OpInfo& info = op_info(v.op);
        std::vector<uint64_t> constants = {0};
        if (v.op == Op::movi) constants.assign(std::begin(kEdges), std::end(kEdges));
        for (uint64_t c : constants) {
            Block blk = build(v, cpu, c);
            REQUIRE(verify(blk) == "");
            Executors::Compiled compiled = ex.compile(blk);
            // Inputs: every pair of edge values for two operands (the third, select's, cycles).
            size_t n = info.nsrc == 0 ? 1 : nedges;
            size_t m = info.nsrc < 2 ? 1 : nedges;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < m; j++) {
                    uint64_t in[3] = {edges[i], edges[j], edges[(i * 7 + j) % nedges]};
                    uint64_t out[3];
                    for (int e = 0; e < 3; e++) {
                        memcpy(cpu.regs, in, sizeof in);
                        cpu.regs[3] = 0xdeadbeef;
                        cpu.exception_pending = false;
                        ex.run(compiled, e);
                        out[e] = cpu.regs[3];
                    }
                    std::optional<uint64_t> ref = reference(v, in[0], in[1]);
                    if (out[0] != out[1] || out[0] != out[2] || (ref && out[0] != *ref)) {
                        INFO("inputs " << std::hex << in[0] << " " << in[1] << " " << in[2]);
                        INFO("interpreter " << out[0] << " baseline " << out[1] << " LLVM " << out[2]);
                        CHECK(out[0] == out[1]);
                        CHECK(out[0] == out[2]);
                        if (ref) CHECK(out[0] == *ref);
                    }
                    checked++;
                }
            ex.release(compiled);
        }
    }
    return checked;
}

}  // namespace

TEST_CASE("op table: interpreter, baseline and LLVM agree on every pure op at every type") {
    Executors ex;
    size_t checked = compare_executors(ex, [](const Variant&) { return true; });
    CHECK(checked > 20000);
    MESSAGE("op-table differential: " << variants().size() << " op variants, " << checked << " input sets");
}

TEST_CASE("op table: fastfp's fused kinds agree without the host's FMA3 too (the baseline's call)") {
    Executors ex;
    bool saved = x64::g_host_fma;
    x64::g_host_fma = false;
    size_t checked = compare_executors(ex, [](const Variant& v) { return v.op == Op::fastfp && v.imm >= FF_MADD; });
    x64::g_host_fma = saved;
    CHECK(checked == 4 * 3 * std::size(kFpEdges) * std::size(kFpEdges));
}

TEST_CASE("fastfp: the host's result when it is ordinary, refused otherwise") {
    auto d = [](double x) { return std::bit_cast<uint64_t>(x); };
    auto f = [](float x) { return 0xffffffff00000000ull | std::bit_cast<uint32_t>(x); };
    CHECK(fastfp(FF_ADD, FF_F64, d(1.0), d(2.0), 0) == d(3.0));
    CHECK(fastfp(FF_SUB, FF_F64, d(1.5), d(1.5), 0) == d(0.0));                           // exact cancellation
    CHECK(fastfp(FF_MUL, FF_F64, d(-0.0), d(5.0), 0) == d(-0.0));                         // zero operand: exact
    CHECK(fastfp(FF_MUL, FF_F64, d(1e-200), d(1e-200), 0) == FASTFP_REFUSED);             // underflow to zero
    CHECK(fastfp(FF_MUL, FF_F64, d(1e200), d(1e200), 0) == FASTFP_REFUSED);               // overflow
    CHECK(fastfp(FF_DIV, FF_F64, d(1.0), d(0.0), 0) == FASTFP_REFUSED);                   // division by zero
    CHECK(fastfp(FF_DIV, FF_F64, d(1.0), d(INFINITY), 0) == FASTFP_REFUSED);              // inexact zero
    CHECK(fastfp(FF_SQRT, FF_F64, d(-4.0), 0, 0) == FASTFP_REFUSED);
    CHECK(fastfp(FF_SQRT, FF_F64, d(2.25), 0, 0) == d(1.5));
    CHECK(fastfp(FF_MADD, FF_F64, d(2.0), d(3.0), d(1.0)) == d(7.0));
    CHECK(fastfp(FF_NMADD, FF_F64, d(2.0), d(3.0), d(1.0)) == d(-7.0));
    CHECK(fastfp(FF_MSUB, FF_F64, d(2.0), d(3.0), d(6.0)) == FASTFP_REFUSED);  // a zero from a fused op: refused
    CHECK(fastfp(FF_ADD, FF_F32 | FF_BOXED, f(1.0f), f(2.0f), 0) == f(3.0f));
    CHECK(fastfp(FF_ADD, FF_F32 | FF_BOXED, 0x3f800000, f(2.0f), 0) == FASTFP_REFUSED);  // not boxed
    CHECK(fastfp(FF_ADD, FF_F32, 0x3f800000, 0x40000000, 0) == 0x40400000);
    CHECK(fastfp(FF_MUL, FF_F32 | FF_BOXED, f(1e-30f), f(1e-30f), 0) == FASTFP_REFUSED);
}

// "op.i32 (trunc x), (trunc y or a constant); sext or zext.i64 from 32": the interpreter and
// the baseline run it as one fused W handler; all three executors must agree with each other
// and with the 32-bit arithmetic written out here.
TEST_CASE("fused 32-bit forms: sign- and zero-extending W ops agree in every executor") {
    using interp::detail::Special;
    Executors ex;
    test::FakeCpu& cpu = ex.cpu;
    auto op32 = [](Op op, uint32_t x, uint32_t y) -> uint32_t {
        switch (op) {
        case Op::add: return x + y;
        case Op::sub: return x - y;
        case Op::mul: return x * y;
        case Op::shl: return x << (y & 31);
        case Op::shr: return x >> (y & 31);
        default: return uint32_t(int32_t(x) >> (y & 31));  // sar
        }
    };
    const uint64_t kImms[] = {0, 1, 5, 31, 0x7fffffff, 0x80000000, 0xffffffff};
    size_t fused = 0, checked = 0;
    for (Op op : {Op::add, Op::sub, Op::mul, Op::shl, Op::shr, Op::sar})
        for (bool zext : {false, true})
            for (int form = 0; form <= int(std::size(kImms)); form++) {  // form 0: register operand
                bool ri = form > 0;
                uint64_t imm = ri ? kImms[form - 1] : 0;
                CAPTURE(op_info(op).name);
                CAPTURE(zext);
                CAPTURE(imm);
                Block blk;
                blk.guest_pc = 0x1000;
                Builder b{blk};
                b.insn_start(0x1000);
                Temp x = b.sext(Type::I32, b.ld_env(Type::I64, cpu.reg_off(0)), 32);
                Temp y = ri ? b.movi(Type::I32, imm) : b.sext(Type::I32, b.ld_env(Type::I64, cpu.reg_off(1)), 32);
                Temp t = b.binop(op, x, y);
                b.st_env(zext ? b.zext(Type::I64, t, 32) : b.sext(Type::I64, t, 32), cpu.reg_off(3));
                b.exit_tb(0x2000, 0);
                REQUIRE(verify(blk) == "");
                Executors::Compiled compiled = ex.compile(blk);
                // The plan holds the fused handler for this op and extension.
                Special want = interp::detail::w_form(op, ri && interp::detail::w_form(op, true) != Special::NSPECIAL, zext);
                REQUIRE(want != Special::NSPECIAL);
                CHECK(interp::detail::w_zero_extends(want) == zext);
                bool picked = false;
                for (const interp::CInsn& c : compiled.code->insns) picked |= c.kind == interp::kKindSpecial + want;
                CHECK(picked);
                fused += picked;
                for (uint64_t in0 : kEdges)
                    for (uint64_t in1 : kEdges) {
                        uint32_t r32 = op32(op, uint32_t(in0), uint32_t(ri ? imm : in1));
                        uint64_t want_v = zext ? uint64_t(r32) : uint64_t(int64_t(int32_t(r32)));
                        for (int e = 0; e < 3; e++) {
                            cpu.regs[0] = in0;
                            cpu.regs[1] = in1;
                            cpu.regs[3] = 0xdeadbeef;
                            ex.run(compiled, e);
                            if (cpu.regs[3] != want_v) {
                                INFO("executor " << e << " inputs " << std::hex << in0 << " " << in1);
                                CHECK(cpu.regs[3] == want_v);
                            }
                            checked++;
                        }
                    }
                ex.release(compiled);
            }
    CHECK(fused == 2 * 6 * (1 + std::size(kImms)));
    MESSAGE("fused W forms: " << fused << " blocks, " << checked << " runs");
}

// A constant second operand: the interpreter (and the baseline, from its plan) takes it as an
// immediate (UADDO_RI, ...); the result must still be the reference's at every width.
TEST_CASE("flag ops with a constant operand agree with the reference in every executor") {
    using interp::detail::Special;
    Executors ex;
    test::FakeCpu& cpu = ex.cpu;
    const uint64_t kConsts[] = {0, 1, 0x7f, 0x80, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffull,
                                0x8000000000000000ull, ~0ull};
    size_t checked = 0;
    for (Op op : {Op::uaddo, Op::saddo, Op::usubo, Op::ssubo})
        for (Type t : kTypes)
            for (bool wide : {false, true})
                for (uint64_t k : kConsts) {
                    if (wide && t == Type::I64) continue;
                    Variant v{op, t, 0, Cond::ALWAYS, 0, wide};
                    CAPTURE(v.name());
                    CAPTURE(k);
                    Type st = wide ? Type::I64 : t;
                    Block blk;
                    blk.guest_pc = 0x1000;
                    Builder b{blk};
                    b.insn_start(0x1000);
                    Insn in{};
                    in.op = op;
                    in.type = t;
                    in.src[0] = b.ld_env(st, cpu.reg_off(0)).id;
                    in.src[1] = b.movi(st, k).id;
                    in.dst = b.temp(Type::I64).id;
                    blk.insns.push_back(in);
                    b.st_env(Temp{in.dst}, cpu.reg_off(3));
                    b.exit_tb(0x2000, 0);
                    REQUIRE(verify(blk) == "");
                    Executors::Compiled compiled = ex.compile(blk);
                    bool picked = false;
                    for (const interp::CInsn& c : compiled.code->insns)
                        picked |= c.kind == interp::kKindSpecial + interp::detail::ri_form(op);
                    CHECK(picked);
                    for (uint64_t x : kEdges)
                        for (int e = 0; e < 3; e++) {
                            cpu.regs[0] = x;
                            cpu.regs[3] = 0xdeadbeef;
                            ex.run(compiled, e);
                            uint64_t want = *reference(v, x, k);
                            if (cpu.regs[3] != want) {
                                INFO("executor " << e << " input " << std::hex << x);
                                CHECK(cpu.regs[3] == want);
                            }
                            checked++;
                        }
                    ex.release(compiled);
                }
    MESSAGE("flag ops with constants: " << checked << " runs");
}

// brcond compares at its type operands of that type or wider ('W'): every condition at every
// width, both ways, in every executor, against the compare written out at the width.
template <typename S, typename U>
bool cond_of(Cond c, uint64_t a, uint64_t b) {
    U ua = U(a), ub = U(b);
    S sa = S(ua), sb = S(ub);
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
    default: return ua > ub;  // GTU
    }
}
TEST_CASE("op table: brcond at every type, with operands of its type or wider, in every executor") {
    Executors ex;
    test::FakeCpu& cpu = ex.cpu;
    size_t checked = 0;
    for (Type t : kTypes)
        for (bool wide : {false, true})
            for (Cond cond : kConds) {
                if (wide && t == Type::I64) continue;
                CAPTURE(type_name(t));
                CAPTURE(wide);
                CAPTURE(cond_name(cond));
                Type st = wide ? Type::I64 : t;
                Block blk;
                blk.guest_pc = 0x1000;
                Builder b{blk};
                b.insn_start(0x1000);
                Label taken = b.new_label();
                b.brcond(cond, t, b.ld_env(st, cpu.reg_off(0)), b.ld_env(st, cpu.reg_off(1)), taken);
                b.st_env(b.movi(Type::I64, 0), cpu.reg_off(3));
                b.exit_tb(0x2000, 0);
                b.label(taken);
                b.st_env(b.movi(Type::I64, 1), cpu.reg_off(3));
                b.exit_tb(0x3000, 1);
                REQUIRE(verify(blk) == "");
                Executors::Compiled compiled = ex.compile(blk);
                for (uint64_t x : kEdges)
                    for (uint64_t y : kEdges) {
                        bool want = t == Type::I8    ? cond_of<int8_t, uint8_t>(cond, x, y)
                                    : t == Type::I16 ? cond_of<int16_t, uint16_t>(cond, x, y)
                                    : t == Type::I32 ? cond_of<int32_t, uint32_t>(cond, x, y)
                                                     : cond_of<int64_t, uint64_t>(cond, x, y);
                        for (int e = 0; e < 3; e++) {
                            cpu.regs[0] = x;
                            cpu.regs[1] = y;
                            cpu.regs[3] = 0xdeadbeef;
                            ex.run(compiled, e);
                            if (cpu.regs[3] != want) {
                                INFO("executor " << e << " inputs " << std::hex << x << " " << y);
                                CHECK(cpu.regs[3] == want);
                            }
                            checked++;
                        }
                    }
                ex.release(compiled);
            }
    MESSAGE("brcond: " << checked << " runs");
}

TEST_CASE("op table: a fence runs in every executor and orders nothing away") {
    Executors ex;
    test::FakeCpu& cpu = ex.cpu;
    for (uint8_t kinds : {uint8_t(FENCE_ALL), uint8_t(FENCE_LD_LD), uint8_t(FENCE_ST_LD), uint8_t(FENCE_LD_ST | FENCE_ST_ST)}) {
        Block blk;
        blk.guest_pc = 0x1000;
        Builder b{blk};
        b.insn_start(0x1000);
        Temp a = b.ld_env(Type::I64, cpu.reg_off(0));
        b.st_env(a, cpu.reg_off(1));
        b.fence(kinds);
        b.st_env(b.add(b.ld_env(Type::I64, cpu.reg_off(1)), b.movi(Type::I64, 1)), cpu.reg_off(2));
        b.exit_tb(0x2000, 0);
        REQUIRE(verify(blk) == "");
        CHECK(print(blk).find("fence") != std::string::npos);
        Executors::Compiled compiled = ex.compile(blk);
        for (int e = 0; e < 3; e++) {
            cpu.regs[0] = 41;
            cpu.regs[1] = cpu.regs[2] = 0;
            ex.run(compiled, e);
            CHECK(cpu.regs[1] == 41);
            CHECK(cpu.regs[2] == 42);
        }
        ex.release(compiled);
    }
    Block bad;
    Builder b{bad};
    b.fence(0);
    b.exit_tb(0, 0);
    CHECK(verify(bad).find("fence") != std::string::npos);
}

TEST_CASE("memory ops: MO_ALIGN faults a misaligned access in every executor, before any effect") {
    Executors ex;
    test::FakeCpu& cpu = ex.cpu;
    AddressSpace& as = ex.as;
    for (bool store : {false, true})
        for (uint8_t mo : {uint8_t(MO_32), uint8_t(MO_32 | MO_ALIGN), uint8_t(MO_64 | MO_ALIGN), uint8_t(MO_16 | MO_SIGN | MO_ALIGN)})
            for (uint64_t addr : {0x80000100ull, 0x80000102ull, 0x80000101ull, 0x80000ffeull}) {
                CAPTURE(store);
                CAPTURE(int(mo));
                CAPTURE(addr);
                Block blk;
                blk.guest_pc = 0x1000;
                Builder b{blk};
                b.insn_start(0x1000);
                Temp va = b.ld_env(Type::I64, cpu.reg_off(0));
                if (store) b.st(va, b.ld_env(Type::I64, cpu.reg_off(1)), mo, 0);
                else b.st_env(b.ld(Type::I64, va, mo, 0), cpu.reg_off(2));
                b.exit_tb(0x2000, 0);
                REQUIRE(verify(blk) == "");
                Executors::Compiled compiled = ex.compile(blk);
                unsigned bytes = memop_bytes(mo);
                bool faults = (mo & MO_ALIGN) && (addr & (bytes - 1));
                for (int e = 0; e < 3; e++) {
                    CAPTURE(e);
                    uint8_t pattern[16];
                    for (unsigned k = 0; k < 16; k++) pattern[k] = uint8_t(0xa0 + k);
                    as.write_phys(addr & ~7ull, pattern, 16);
                    cpu.regs[0] = addr;
                    cpu.regs[1] = 0x1122334455667788ull;
                    cpu.regs[2] = 0;
                    cpu.exception_pending = false;
                    cpu.misaligned = 0;
                    ex.run(compiled, e);
                    CHECK(cpu.misaligned == (faults ? 1 : 0));
                    CHECK(cpu.exception_pending == faults);
                    uint8_t after[16];
                    as.read_phys(addr & ~7ull, after, 16);
                    if (faults) {
                        CHECK(memcmp(after, pattern, 16) == 0);  // precise: nothing written
                        CHECK(cpu.regs[2] == 0);
                    } else if (!store) {
                        uint64_t want = 0;
                        memcpy(&want, pattern + (addr & 7), bytes);
                        if ((mo & MO_SIGN) && bytes < 8) want = uint64_t(int64_t(want << (64 - 8 * bytes)) >> (64 - 8 * bytes));
                        CHECK(cpu.regs[2] == want);
                    }
                }
                ex.release(compiled);
            }
}

#endif
