// One x86-64 template per planned op. Register use: r12 holds the CPU state (env) for the
// whole block (callee-saved in C, so helper calls keep it); rax, rcx, rdx, rsi, rdi and r8
// are scratch within one op. Temps that live between one definition and its uses with no
// label in between stay in rbx, r13, r14 or r15 (callee-saved: helpers and slow paths
// keep them) instead of the interpreter's frame. Guest state is always in memory; the
// block's most used guest registers are also copied in r9, r10 and r11 (write-through), so
// a value written by one instruction and read by the next is not reloaded. rbp is never
// touched: preserve_none callers (LLVM's code) expect it back.
#include "backends/x64/baseline.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <stdexcept>

#include "backends/interp/handlers.h"
#include "backends/x64/assembler.h"
#include "backends/x64/reg_copies.h"
#include "ir/fastfp.h"

// Every op of the table and every special handler needs a template: a missing case is an error.
#pragma GCC diagnostic error "-Wswitch"


namespace tessera::x64 {

bool g_host_fma = __builtin_cpu_supports("fma");

using interp::CInsn;
using namespace interp::detail;

static_assert(sizeof(TlbEntry) == 32 && offsetof(TlbEntry, tag_read) == 0 && offsetof(TlbEntry, tag_write) == 8 &&
              offsetof(TlbEntry, addend) == 24);
static_assert(sizeof(IbcEntry) == 64 && offsetof(IbcEntry, flags) == 8 && offsetof(IbcEntry, jit_fn) == 16);

namespace {

// mulh and division: rare enough for a call (op, a, b, bits).
// op_aux: the op in the low byte, the instruction's aux (the division-by-zero policy) above.
uint64_t arith(uint64_t op_aux, uint64_t a, uint64_t b, uint64_t bits) {
    Op o = Op(op_aux & 0xff);
    if (o == Op::mulhs || o == Op::mulhu || o == Op::mulhsu) return do_mulh(o, a, b, unsigned(bits));
    return do_div(o, a, b, unsigned(bits), uint8_t(op_aux >> 8));
}

// fastfp's fused kinds on a host without FMA3: the C++ definition.
uint64_t fastfp_call(uint64_t kind_format, uint64_t a, uint64_t b, uint64_t c) {
    return ir::fastfp(unsigned(kind_format & 0xff), unsigned(kind_format >> 8), a, b, c);
}

struct Unsupported {};

Cc cc_of(ir::Cond c) {
    switch (c) {
    case ir::Cond::EQ: return E;
    case ir::Cond::NE: return NE;
    case ir::Cond::LT: return L;
    case ir::Cond::GE: return GE;
    case ir::Cond::LTU: return B;
    case ir::Cond::GEU: return AE;
    case ir::Cond::LE: return LE;
    case ir::Cond::GT: return G;
    case ir::Cond::LEU: return BE;
    case ir::Cond::GTU: return A;
    case ir::Cond::ALWAYS: break;
    }
    throw std::logic_error("baseline: no condition code for ALWAYS");
}

bool fits32(int64_t v) { return v == int64_t(int32_t(v)); }

std::string hex(uint64_t v) {
    char b[20];
    snprintf(b, sizeof b, "%" PRIx64, v);
    return b;
}

}  // namespace

class Gen {
    // Out of line, after the body: the hot-count exit, the TLB-miss paths (calls of the
    // shared thunks), the fault paths (one per guest instruction and access count) and the
    // tail every way back to the executor ends in.
    struct Fault {
        unsigned guest, mem;
        Label label;
    };
    struct Miss {
        Label miss, join;
        size_t fault;  // index in faults_
        uint64_t mmu;
        uint8_t size;
        bool is_store;
    };

public:
    // The working vectors are swapped in from per-thread spares and back out after, so that
    // a block's compilation allocates nothing once the spares have grown (19K blocks a boot).
    Gen(const CodeLayout& lay, const interp::Code& code, const jit::ChainInfo* chain, bool count_accesses,
        const MissThunks& thunks)
        : lay_(lay), code_(code), chain_(chain), zero_(code.zero_off), count_accesses_(count_accesses), thunks_(thunks) {
        swap_spares();
        a.code.clear();
        a.code.reserve(64 * code.insns.size() + 256);  // about what a block takes: no regrowth
        labels_.assign(code.insns.size() + 1, Label{});
        faults_.clear();
        misses_.clear();
    }
    ~Gen() { swap_spares(); }
    Gen(const Gen&) = delete;
    Gen& operator=(const Gen&) = delete;

    void run(bool count_hot) {
        allocate();
        copies_.choose(code_, frame_off_, zero_);
        a.alu(SUB, true, RSP, 8);  // entered like a call: align the stack for helper calls
        if (count_hot) hot_check();
        for (size_t k = 0; k < code_.insns.size(); k++) {
            a.bind(labels_[k]);
            if ((*target_)[k]) forget_cached();  // reached from elsewhere too
            const CInsn& c = code_.insns[k];
            if (c.bits > 64) throw Unsupported{};
            k_ = k;
            emit(c);
        }
        if (hot_used_) {  // out of line: taken once per block at most
            a.bind(hot_);
            a.mov_imm(RDX, code_.insn_pc[0]);
            leave(RDX, interp::EXIT_NOCHAIN);
        }
        for (Miss& m : misses_) miss_path(m);
        for (Fault& f : faults_) fault_path(f.guest, f.mem, f.label);
        if (leave_used_) leave_tail();
        for (const Label& l : labels_)
            if (!Assembler::bound(l)) throw std::logic_error("baseline: branch to an unplaced label");
    }

    Assembler a;

private:
    Mem env(uint32_t off) const { return Mem{R12, int32_t(off)}; }

    // ---- frame slots in registers ----
    // Not rbp: LLVM's preserve_none keeps rsp and rbp callee-saved, and LLVM's code (its
    // entry trampoline, its chains) may run ours and rely on rbp afterwards.
    static constexpr Reg kSlotRegs[] = {RBX, R13, R14, R15};
    static constexpr int8_t kInMemory = -1, kDead = -2;
    static bool is_branch(const CInsn& c) {
        if (c.kind == uint8_t(Op::br) || c.kind == uint8_t(Op::brcond)) return true;
        if (c.kind < interp::kKindSpecial) return false;
        Special s = Special(c.kind - interp::kKindSpecial);
        return s >= BR_EQ && s <= BR_GEU;
    }
    // The register of a frame slot, kInMemory, or kDead (written, never read: no store).
    int8_t slot_home(uint32_t off) const {
        if (off < frame_off_ || off >= zero_ || (off - frame_off_) % 8) return kInMemory;
        size_t i = (off - frame_off_) / 8;
        return i < home_.size() ? home_[i] : kInMemory;
    }
    // Linear scan over the plan: a slot with one definition, read only after it and with no
    // branch target between, gets a register free from its definition to its last read.
    void allocate() {
        frame_off_ = zero_ - 8 * (Vcpu::kInterpFrameSlots - 1);
        const size_t n = code_.insns.size();
        struct Range {
            int def = -1, defs = 0, first_use = INT32_MAX, last_use = -1;
        };
        thread_local std::vector<Range> r;
        r.clear();
        auto slot = [&](uint32_t off) -> Range* {
            if (off < frame_off_ || off >= zero_ || (off - frame_off_) % 8) return nullptr;
            size_t i = (off - frame_off_) / 8;
            if (i >= r.size()) r.resize(i + 1);
            return &r[i];
        };
        thread_local std::vector<int> targets_upto;  // branch targets at indices < k
        targets_upto.assign(n + 2, 0);
        thread_local std::vector<uint8_t> target;
        target.assign(n + 1, 0);
        for (size_t k = 0; k < n; k++) {
            const CInsn& c = code_.insns[k];
            if (is_branch(c) && size_t(c.imm) <= n) target[size_t(c.imm)] = 1;
            for (uint32_t off : {c.a, c.b, c.c, c.e})
                if (Range* s = slot(off)) {
                    s->first_use = std::min(s->first_use, int(k));
                    s->last_use = int(k);
                }
            if (Range* s = slot(c.d)) {
                s->def = int(k);
                s->defs++;
            }
        }
        for (size_t k = 0; k <= n; k++) targets_upto[k + 1] = targets_upto[k] + target[k];
        target_ = &target;
        home_.assign(r.size(), kInMemory);
        int busy_until[std::size(kSlotRegs)];  // last read of the slot it holds
        std::fill(std::begin(busy_until), std::end(busy_until), -1);
        for (size_t k = 0; k < n; k++) {
            Range* s = slot(code_.insns[k].d);
            if (!s || s->defs != 1) continue;
            size_t i = (code_.insns[k].d - frame_off_) / 8;
            if (s->last_use < 0) {
                home_[i] = kDead;
                continue;
            }
            // Read before it is written (a loop), or across a label: the frame.
            if (s->first_use <= s->def || targets_upto[size_t(s->last_use) + 1] != targets_upto[size_t(s->def) + 1]) continue;
            // Free: its slot's last read is this op or came before. Templates read their
            // operands before writing the destination (dst_reg() says where that needs care).
            for (size_t h = 0; h < std::size(busy_until); h++)
                if (busy_until[h] <= int(k)) {
                    busy_until[h] = s->last_use;
                    home_[i] = int8_t(h);
                    break;
                }
        }
    }

    // ---- guest registers copied in r9-r11 (backends/x64/reg_copies.h) ----
    bool in_env(uint32_t off) const { return RegCopies::in_env(off, frame_off_, zero_); }
    int cached(uint32_t off) const { return copies_.find(off); }
    void forget_cached() { copies_.forget(); }
    Reg cache_read(int i) { return copies_.read(a, i); }
    void env_written(uint32_t off, unsigned bytes, Reg r) { copies_.written(a, off, bytes, r); }

    // Absent operands read 0 (the interpreter's zero slot; a helper without a result
    // writes there, so it is not read here).
    void load(Reg r, uint32_t off) {
        if (off == zero_) a.alu(XOR, false, r, r);
        else if (int8_t h = slot_home(off); h >= 0) {
            if (kSlotRegs[h] != r) a.mov(true, r, kSlotRegs[h]);
        }
        else if (int i = cached(off); i >= 0) a.mov(true, r, cache_read(i));
        else a.mov(true, r, env(off));
    }
    void load32(Reg r, uint32_t off) {
        if (off == zero_) a.alu(XOR, false, r, r);
        else if (int8_t h = slot_home(off); h >= 0) a.mov(false, r, kSlotRegs[h]);
        else if (int i = cached(off); i >= 0) a.mov(false, r, cache_read(i));
        else a.mov(false, r, env(off));
    }
    void store(uint32_t off, Reg r) {
        if (off == zero_) return;
        int8_t h = slot_home(off);
        if (h >= 0) {
            if (kSlotRegs[h] != r) a.mov(true, kSlotRegs[h], r);
        }
        else if (h != kDead) {
            a.mov(true, env(off), r);
            if (in_env(off)) env_written(off, 8, r);
        }
    }
    // Where an op computes its result: the destination's own register when it has one, so
    // no copy follows. A template writes it only after reading the operands other than `a`
    // (unless all_read_first: it reads every operand before); if one of those shares the
    // register (its last read is this op), rax it is.
    Reg dst_reg(const CInsn& c, bool all_read_first = false) const {
        int8_t h = slot_home(c.d);
        if (h < 0 || c.d == zero_) return RAX;
        if (!all_read_first)
            for (uint32_t off : {c.b, c.c, c.e})
                if (off != c.a && slot_home(off) == h) return RAX;
        return kSlotRegs[h];
    }
    // The register already holding the operand at off (its home, or a guest register's
    // copy), or NOREG.
    Reg in_reg(uint32_t off) {
        if (off == zero_) return NOREG;
        if (int8_t h = slot_home(off); h >= 0) return kSlotRegs[h];
        if (int i = cached(off); i >= 0) return cache_read(i);
        return NOREG;
    }
    // The operand in a register: the one holding it, or `scratch` loaded.
    Reg operand(uint32_t off, Reg scratch) {
        Reg r = in_reg(off);
        if (r != NOREG) return r;
        load(scratch, off);
        return scratch;
    }
    void zext(Reg r, unsigned from) {
        if (from >= 64) return;
        if (from == 32) a.mov(false, r, r);
        else if (from == 16) a.movzx16(r, r);
        else if (from == 8) a.movzx8(r, r);
        else if (from < 32) a.alu(AND, false, r, int32_t((1u << from) - 1));
        else {
            a.shift(SHL, true, r, uint8_t(64 - from));
            a.shift(SHR, true, r, uint8_t(64 - from));
        }
    }
    void sext(Reg r, unsigned from) {
        if (from >= 64) return;
        if (from == 32) a.movsxd(r, r);
        else if (from == 16) a.movsx16(r, r);
        else if (from == 8) a.movsx8(r, r);
        else {
            a.shift(SHL, true, r, uint8_t(64 - from));
            a.shift(SAR, true, r, uint8_t(64 - from));
        }
    }
    // dst op= the operand at off (64-bit).
    void alu_src(Alu op, bool w, Reg dst, uint32_t off) {
        if (off == zero_) a.alu(op, w, dst, 0);
        else if (int8_t h = slot_home(off); h >= 0) a.alu(op, w, dst, kSlotRegs[h]);
        else if (int i = cached(off); i >= 0) a.alu(op, w, dst, cache_read(i));
        else a.alu(op, w, dst, env(off));
    }
    void alu_imm(Alu op, Reg dst, int64_t imm) {
        if (fits32(imm)) {
            a.alu(op, true, dst, int32_t(imm));
        } else {
            a.mov_imm(RCX, uint64_t(imm));
            a.alu(op, true, dst, RCX);
        }
    }

    // ---- ways out ----
    void count_retired(int64_t insns, uint64_t mem) {
        if (insns) a.alu(ADD, true, env(lay_.insn_count), int32_t(insns));
        if (mem && count_accesses_) a.alu(ADD, true, env(lay_.mem_accesses), int32_t(mem));
    }
    // Back to the executor: pc from pc_reg, this block named, exit code ret. The block's
    // ways out share one tail (leave_tail), out of line: each is the pc and the code.
    void leave(Reg pc_reg, int64_t ret) {
        if (pc_reg != RDX) a.mov(true, RDX, pc_reg);
        a.mov_imm(RAX, uint64_t(ret));
        a.jmp(leave_);
        leave_used_ = true;
    }
    void leave_tail() {
        a.bind(leave_);
        a.mov(true, env(lay_.pc), RDX);
        a.mov_imm(RCX, uint64_t(reinterpret_cast<uintptr_t>(code_.tb)));
        a.mov(true, env(lay_.last_block), RCX);
        a.alu(ADD, true, RSP, 8);
        a.ret();
    }
    // Continue in the code at rax unless it is null or someone asked the loop to look.
    void tail_jump_unless_requested(Label& back) {
        a.test(true, RAX, RAX);
        a.jcc(E, back);
        a.alu(CMP, true, env(lay_.exit_word), 0);
        a.jcc(NE, back);
        a.alu(ADD, true, RSP, 8);
        a.jmp(RAX);
    }
    void hot_check() {
        Label body;
        hot_used_ = true;
        a.mov_imm(RAX, uint64_t(reinterpret_cast<uintptr_t>(&code_.entries)));
        a.alu(ADD, false, Mem{RAX}, 1);
        a.mov(false, RCX, Mem{RAX, int32_t(reinterpret_cast<const char*>(&code_.hot) - reinterpret_cast<const char*>(&code_.entries))});
        a.test(false, RCX, RCX);
        a.jcc(E, body);
        a.alu(CMP, false, Mem{RAX}, RCX);
        a.jcc(AE, hot_);
        a.bind(body);
    }
    // The fault path of the current op: the state the interpreter leaves (shared per
    // guest instruction and access count).
    // Its index in faults_ (a reference would not survive the vector's growth).
    size_t fault() {
        unsigned g = code_.guest_index[k_], mem = code_.mem_upto[k_];
        for (size_t i = faults_.size(); i-- > 0;)
            if (faults_[i].guest == g && faults_[i].mem == mem) return i;
        faults_.push_back(Fault{g, mem, {}});
        return faults_.size() - 1;
    }
    void check_exception() {
        a.cmp8(env(lay_.exception_pending), 0);
        a.jcc(NE, faults_[fault()].label);
    }
    void fault_path(unsigned g, unsigned mem, Label& l) {
        a.bind(l);
        count_retired(g, mem);
        a.mov_imm(RDX, code_.insn_pc[g]);
        leave(RDX, interp::EXIT_EXCEPTION);
    }

    // ---- guest memory: the TLB hit check inline, the miss out of line ----
    // rsi = va; on a hit rcx = the host addend, else a jump to miss. Clobbers rax.
    void tlb_check(const CInsn& c, unsigned size, unsigned tag_field, Label& miss) {
        load(RSI, c.a);
        if (c.imm2) alu_imm(ADD, RSI, c.imm2);
        static_assert(PAGE_BITS >= 5);
        a.mov(true, RAX, RSI);
        a.shift(SHR, true, RAX, PAGE_BITS - 5);  // (page number mod TLB_SIZE) * 32
        a.alu(AND, false, RAX, int32_t((TLB_SIZE - 1) << 5));
        a.mov(true, RCX, RSI);
        a.alu(AND, true, RCX, int32_t(int64_t(PAGE_MASK | (size - 1))));
        int32_t base = int32_t(lay_.tlb + uint64_t(c.imm) * TLB_SIZE * sizeof(TlbEntry));
        a.alu(CMP, true, RCX, Mem{R12, base + int32_t(tag_field), RAX});
        a.jcc(NE, miss);
        a.mov(true, RCX, Mem{R12, base + int32_t(offsetof(TlbEntry, addend)), RAX});
    }
    // A guest access: the TLB hit check and the access itself inline (the host address is
    // [rsi + rcx]); on a miss, out of line (miss_path), the slow path, then back to the join,
    // or to the fault path if it raised. The value stored is in rdx; a load's is left in rax.
    void access(const CInsn& c, unsigned size, bool is_store) {
        uint64_t mmu = slow_idx(unsigned(c.imm), c.aux);  // the slow path checks alignment
        size_t flt = fault();
        Miss& m = misses_.emplace_back(Miss{{}, {}, flt, mmu, uint8_t(size), is_store});
        tlb_check(c, size, is_store ? offsetof(TlbEntry, tag_write) : offsetof(TlbEntry, tag_read), m.miss);
        if (is_store) a.store_sized(size, Mem{RSI, 0, RCX}, RDX);
        else a.load_zx(size, RAX, Mem{RSI, 0, RCX});
        a.bind(m.join);
    }
    // fn(env, va in rsi, size, mmu index) for a load; fn(env, va, size, value, mmu index) for a store.
    // The slow path through the engine's shared thunk (Baseline::miss_thunk): va in rsi, a
    // store's value in rdx, size and mmu index packed in edi; it keeps r9-r11 and returns
    // with ZF clear if the access raised.
    void miss_path(Miss& m) {
        a.bind(m.miss);
        a.mov_imm(RDI, m.size | m.mmu << 8);
        a.mov_imm(RAX, uint64_t(reinterpret_cast<uintptr_t>(m.is_store ? thunks_.store : thunks_.load)));
        a.call(RAX);
        a.jcc(NE, faults_[m.fault].label);
        a.jmp(m.join);
    }
    void load_op(const CInsn& c, unsigned size, bool sign) {
        access(c, size, false);
        if (sign) sext(RAX, size * 8);  // the slow path returns the value zero-extended too
        zext(RAX, c.bits);
        store(c.d, RAX);
    }
    void store_op(const CInsn& c, unsigned size) {
        load(RDX, c.b);
        access(c, size, true);
    }

    // ---- integer ops ----
    // At 32 bits the x86 op itself leaves the result zero-extended (operands are kept
    // zero-extended to their width, so AND, OR and XOR need no mask at any width).
    void binop(const CInsn& c, Alu op, bool masked) {
        uint32_t x = c.a, y = c.b;
        Reg r = dst_reg(c);
        if (r == RAX && op != SUB && slot_home(c.d) >= 0 && slot_home(c.d) == slot_home(y)) {
            std::swap(x, y);  // commutative: d takes over b's register, a is added to it
            r = kSlotRegs[slot_home(c.d)];
        }
        bool w = c.bits != 32;
        load(r, x);
        alu_src(op, w, r, y);
        if (masked && w) zext(r, c.bits);
        store(c.d, r);
    }
    void binop_ri(const CInsn& c, Alu op) {
        Reg r = dst_reg(c);
        load(r, c.a);
        if (c.bits == 32) {
            a.alu(op, false, r, int32_t(c.imm2));  // the constant's low word
        } else {
            alu_imm(op, r, c.imm2);
            zext(r, c.bits);
        }
        store(c.d, r);
    }
    void mul(const CInsn& c, bool imm) {
        Reg r = dst_reg(c);
        if (imm && fits32(c.imm2)) {
            a.imul(true, r, operand(c.a, RAX), int32_t(c.imm2));
        } else {
            if (imm) a.mov_imm(RCX, uint64_t(c.imm2));
            else load(RCX, c.b);
            load(r, c.a);
            a.imul(true, r, RCX);
        }
        zext(r, c.bits);
        store(c.d, r);
    }
    void shift_op(const CInsn& c, Shift s, bool imm) {
        unsigned bits = c.bits;
        if (!imm) load(RCX, c.b);  // first: the count is then read before r is written
        Reg r = dst_reg(c, true);
        load(r, c.a);
        if (bits == 64 || bits == 32) {  // the hardware masks the count the same way
            if (imm) a.shift(s, bits == 64, r, uint8_t(uint64_t(c.imm2) & (bits - 1)));
            else a.shift_cl(s, bits == 64, r);
        } else {
            if (s == SHR) zext(r, bits);
            if (s == SAR) sext(r, bits);
            if (imm) {
                a.shift(s, true, r, uint8_t(uint64_t(c.imm2) & (bits - 1)));
            } else {
                a.alu(AND, false, RCX, int32_t(bits - 1));
                a.shift_cl(s, true, r);
            }
            zext(r, bits);
        }
        store(c.d, r);
    }
    void unary(const CInsn& c, bool negate) {
        Reg r = dst_reg(c);
        load(r, c.a);
        if (negate) a.neg(true, r);
        else a.not_(true, r);
        zext(r, c.bits);
        store(c.d, r);
    }
    void call_arith(const CInsn& c, Op op) {
        load(RSI, c.a);
        load(RDX, c.b);
        a.mov_imm(RDI, uint64_t(op) | uint64_t(c.aux) << 8);
        a.mov_imm(RCX, c.bits);
        a.mov_imm(RAX, uint64_t(reinterpret_cast<uintptr_t>(&arith)));
        a.call(RAX);
        forget_cached();  // r9-r11 are the callee's
        store(c.d, RAX);
    }
    // Flags for "a cond b" at the op's width: both shifted to the top, where signed and
    // unsigned order are those of the narrow values.
    // (At 64 and 32 bits x86 compares at the width, the operands where they are.)
    void compare(const CInsn& c, bool imm) {
        if (c.bits == 64 || c.bits == 32) {
            bool w = c.bits == 64;
            Reg ra = operand(c.a, RAX);
            if (imm && (!w || fits32(c.imm2))) {
                a.alu(CMP, w, ra, int32_t(c.imm2));  // a 32-bit compare takes the constant's low word
            } else if (imm) {
                a.mov_imm(RCX, uint64_t(c.imm2));
                a.alu(CMP, true, ra, RCX);
            } else {
                alu_src(CMP, w, ra, c.b);
            }
            return;
        }
        load(RAX, c.a);
        if (imm) a.mov_imm(RCX, uint64_t(c.imm2));
        else load(RCX, c.b);
        a.shift(SHL, true, RAX, uint8_t(64 - c.bits));
        a.shift(SHL, true, RCX, uint8_t(64 - c.bits));
        a.alu(CMP, true, RAX, RCX);
    }
    void setcond(const CInsn& c, bool imm) {
        ir::Cond cond = ir::Cond(c.cond);
        Reg r = dst_reg(c, true);
        if (cond == ir::Cond::ALWAYS) {
            a.mov_imm(r, 1);
        } else {
            compare(c, imm);
            a.setcc(cc_of(cond), r);
            a.movzx8(r, r);
        }
        store(c.d, r);
    }
    // uaddo, saddo, usubo, ssubo: the x86 add or sub at the op's width, then CF or OF. i8
    // and i16 operands go to the top of 64 bits first, where the flags are the narrow ones.
    void overflow(const CInsn& c, Op op, bool imm) {
        Alu alu = op == Op::usubo || op == Op::ssubo ? SUB : ADD;
        bool w = c.bits == 64;
        load(RAX, c.a);
        if (c.bits < 32) {
            if (imm) a.mov_imm(RCX, uint64_t(c.imm2));
            else load(RCX, c.b);
            a.shift(SHL, true, RAX, uint8_t(64 - c.bits));
            a.shift(SHL, true, RCX, uint8_t(64 - c.bits));
            a.alu(alu, true, RAX, RCX);
        } else if (!imm) {
            alu_src(alu, w, RAX, c.b);
        } else if (!w || fits32(c.imm2)) {
            a.alu(alu, w, RAX, int32_t(c.imm2));  // a 32-bit op takes the low word of the constant
        } else {
            a.mov_imm(RCX, uint64_t(c.imm2));
            a.alu(alu, true, RAX, RCX);
        }
        Reg r = dst_reg(c, true);
        a.setcc(op == Op::uaddo || op == Op::usubo ? B : O, r);
        a.movzx8(r, r);
        store(c.d, r);
    }
    void branch64(const CInsn& c, Cc cc) {
        alu_src(CMP, true, operand(c.a, RAX), c.b);
        a.jcc(cc, labels_[size_t(c.imm)]);
    }
    // Fused W ops: op() works on eax, which holds the low word of a. The result is
    // sign-extended (RV64), or zero-extended, which a 32-bit x86 op has done already.
    // op(r) works on r, the destination's register or rax.
    template <class F>
    void w_form(const CInsn& c, F&& op) {
        Reg r = dst_reg(c);
        load32(r, c.a);
        op(r);
        if (!w_zero_extends(Special(c.kind - interp::kKindSpecial))) a.movsxd(r, r);
        store(c.d, r);
    }
    void w_op(const CInsn& c, Alu op) {
        w_form(c, [&](Reg r) { alu_src(op, false, r, c.b); });
    }
    void w_shift(const CInsn& c, Shift s, bool imm) {
        if (!imm) load(RCX, c.b);  // before r is written: r may be where b is
        w_form(c, [&](Reg r) {
            if (imm) a.shift(s, false, r, uint8_t(uint64_t(c.imm2) & 31));
            else a.shift_cl(s, false, r);
        });
    }
    // ld_env/st_env move bits/8 bytes (none for I1, as the interpreter's memcpy).
    void env_load(const CInsn& c) {
        unsigned bytes = c.bits / 8;
        Reg r = dst_reg(c, true);
        if (int i = bytes == 8 ? cached(uint32_t(c.imm)) : -1; i >= 0) a.mov(true, r, cache_read(i));
        else if (bytes) a.load_zx(bytes, r, env(uint32_t(c.imm)));
        else a.alu(XOR, false, r, r);
        store(c.d, r);
    }
    void env_store(const CInsn& c) {
        unsigned bytes = c.bits / 8;
        if (!bytes) return;
        Reg r = operand(c.a, RAX);
        a.store_sized(bytes, env(uint32_t(c.imm)), r);
        env_written(uint32_t(c.imm), bytes, r);
    }
    void helper_call(const CInsn& c, bool may_raise) {
        load(RSI, c.a);
        load(RDX, c.b);
        load(RCX, c.c);
        load(R8, c.e);
        a.mov(true, RDI, R12);
        a.mov_imm(RAX, uint64_t(c.imm));
        a.call(RAX);
        forget_cached();  // r9-r11 are the callee's, and it may write guest registers
        store(c.d, RAX);
        if (may_raise) check_exception();
    }

    // fastfp (ir/fastfp.h): the SSE operation on the operands (in rsi, rdx, r8), then the
    // same tests on the result's bits: a biased exponent in [1, max-1] is normal; a zero
    // passes where an operand makes it exact.
    void fastfp(const CInsn& c) {
        unsigned kind = unsigned(c.imm);
        bool f32 = c.aux & ir::FF_F32, boxed = c.aux & ir::FF_BOXED, w = !f32;
        unsigned n = ir::fastfp_operands(kind);
        load(RSI, c.a);
        load(RDX, c.b);
        load(R8, c.c);
        if (kind >= ir::FF_MADD && !g_host_fma) {
            a.mov(true, RCX, R8);
            a.mov_imm(RDI, kind | uint64_t(c.aux) << 8);
            a.mov_imm(RAX, uint64_t(reinterpret_cast<uintptr_t>(&fastfp_call)));
            a.call(RAX);
            forget_cached();
            store(c.d, RAX);
            return;
        }
        Label refuse, ok, done;
        const Reg ops[3] = {RSI, RDX, R8};
        if (boxed)
            for (unsigned k = 0; k < n; k++) {
                a.mov(true, RCX, ops[k]);
                a.shift(SHR, true, RCX, 32);
                a.alu(CMP, false, RCX, -1);
                a.jcc(NE, refuse);
            }
        for (unsigned k = 0; k < n; k++) a.mov_to_xmm(w, int(k), ops[k]);
        const uint8_t pfx = f32 ? 0xf3 : 0xf2;
        int res = 0;
        switch (kind) {
        case ir::FF_ADD: a.sse(pfx, 0x58, 0, 1); break;
        case ir::FF_SUB: a.sse(pfx, 0x5c, 0, 1); break;
        case ir::FF_MUL: a.sse(pfx, 0x59, 0, 1); break;
        case ir::FF_DIV: a.sse(pfx, 0x5e, 0, 1); break;
        case ir::FF_SQRT: a.sse(pfx, 0x51, 0, 0); break;
        // xmm2 = +-(a * b) +- c
        case ir::FF_MADD: a.vfma231(0xb9, w, 2, 0, 1); res = 2; break;
        case ir::FF_MSUB: a.vfma231(0xbb, w, 2, 0, 1); res = 2; break;
        case ir::FF_NMSUB: a.vfma231(0xbd, w, 2, 0, 1); res = 2; break;
        case ir::FF_NMADD: a.vfma231(0xbf, w, 2, 0, 1); res = 2; break;
        default: throw std::logic_error("baseline: unknown fastfp operation");
        }
        a.mov_from_xmm(w, RAX, res);
        a.mov(w, RCX, RAX);  // the biased exponent, minus one, below max-1?
        a.shift(SHL, w, RCX, 1);
        a.shift(SHR, w, RCX, f32 ? 24 : 53);
        a.alu(SUB, false, RCX, 1);
        a.alu(CMP, false, RCX, f32 ? 0xfe : 0x7fe);
        a.jcc(B, ok);
        a.mov(w, RCX, RAX);  // a zero (either sign)...
        a.shift(SHL, w, RCX, 1);
        a.jcc(NE, refuse);
        auto zero_operand_ok = [&](Reg r) {  // ...made exact by a zero operand
            a.mov(w, RCX, r);
            a.shift(SHL, w, RCX, 1);
            a.jcc(E, ok);
        };
        switch (kind) {
        case ir::FF_ADD:
        case ir::FF_SUB: a.jmp(ok); break;
        case ir::FF_MUL: zero_operand_ok(RSI); zero_operand_ok(RDX); break;
        case ir::FF_DIV:
        case ir::FF_SQRT: zero_operand_ok(RSI); break;
        default: break;
        }
        a.bind(refuse);
        a.mov_imm(RAX, ir::FASTFP_REFUSED);
        a.jmp(done);
        a.bind(ok);
        if (boxed) {
            a.mov_imm(RCX, 0xffffffff00000000ull);
            a.alu(OR, true, RAX, RCX);
        }
        a.bind(done);
        store(c.d, RAX);
    }

public:
    // ---- one member per op in ops.def ----
    void op_movi(const CInsn& c) {
        if (cached(c.d) >= 0) {
            a.mov_imm(RAX, uint64_t(c.imm));
            store(c.d, RAX);
        } else if (int8_t h = slot_home(c.d); h >= 0) {
            a.mov_imm(kSlotRegs[h], uint64_t(c.imm));
        } else if (fits32(c.imm) && c.d != zero_ && h == kInMemory) {
            a.mov_imm(env(c.d), int32_t(c.imm));
        } else {
            a.mov_imm(RAX, uint64_t(c.imm));
            store(c.d, RAX);
        }
    }
    void op_mov(const CInsn& c) {
        Reg r = dst_reg(c);
        load(r, c.a);
        store(c.d, r);
    }
    void op_add(const CInsn& c) { binop(c, ADD, true); }
    void op_sub(const CInsn& c) { binop(c, SUB, true); }
    void op_mul(const CInsn& c) { mul(c, false); }
    void op_and_(const CInsn& c) { binop(c, AND, false); }
    void op_or_(const CInsn& c) { binop(c, OR, false); }
    void op_xor_(const CInsn& c) { binop(c, XOR, false); }
    void op_shl(const CInsn& c) { shift_op(c, SHL, false); }
    void op_shr(const CInsn& c) { shift_op(c, SHR, false); }
    void op_sar(const CInsn& c) { shift_op(c, SAR, false); }
    void op_neg(const CInsn& c) { unary(c, true); }
    void op_not_(const CInsn& c) { unary(c, false); }
    // The high half of a product: x86's widening multiply at 64 bits; at 32, the 64-bit
    // product of the extended operands. Other widths call the interpreter's definition.
    void mulh(const CInsn& c, bool sign) {
        if (c.bits != 64 && c.bits != 32) return call_arith(c, sign ? Op::mulhs : Op::mulhu);
        load(RAX, c.a);
        load(RCX, c.b);
        if (c.bits == 64) {
            if (sign) a.imul1(true, RCX);
            else a.mul1(true, RCX);
            store(c.d, RDX);
            return;
        }
        if (sign) {
            a.movsxd(RAX, RAX);
            a.movsxd(RCX, RCX);
        } else {
            a.mov(false, RAX, RAX);
            a.mov(false, RCX, RCX);
        }
        a.imul(true, RAX, RCX);
        a.shift(SHR, true, RAX, 32);
        store(c.d, RAX);
    }
    void op_mulhs(const CInsn& c) { mulh(c, true); }
    void op_mulhu(const CInsn& c) { mulh(c, false); }
    void op_mulhsu(const CInsn& c) { call_arith(c, Op::mulhsu); }
    void op_divs(const CInsn& c) { call_arith(c, Op::divs); }
    void op_divu(const CInsn& c) { call_arith(c, Op::divu); }
    void op_rems(const CInsn& c) { call_arith(c, Op::rems); }
    void op_remu(const CInsn& c) { call_arith(c, Op::remu); }
    void op_setcond(const CInsn& c) { setcond(c, false); }
    void op_uaddo(const CInsn& c) { overflow(c, Op::uaddo, false); }
    void op_saddo(const CInsn& c) { overflow(c, Op::saddo, false); }
    void op_usubo(const CInsn& c) { overflow(c, Op::usubo, false); }
    void op_ssubo(const CInsn& c) { overflow(c, Op::ssubo, false); }
    // d = a ? b : c, every operand read before the destination's register is written.
    void op_select(const CInsn& c) {
        Reg r = dst_reg(c, true);
        Reg cond = operand(c.a, RDX);
        Reg yes = operand(c.b, RCX);
        if (r == yes && r != cond) {
            Reg no = operand(c.c, RAX);
            a.test(true, cond, cond);
            a.cmov(E, true, r, no);
        } else {
            if (r == cond) r = RAX;  // rax holds none of the operands
            load(r, c.c);            // (may be an xor: before the test)
            a.test(true, cond, cond);
            a.cmov(NE, true, r, yes);
        }
        store(c.d, r);
    }
    void op_sext(const CInsn& c) {
        Reg r = dst_reg(c);
        load(r, c.a);
        sext(r, unsigned(c.imm));
        zext(r, c.bits);
        store(c.d, r);
    }
    void op_zext(const CInsn& c) {
        Reg r = dst_reg(c);
        load(r, c.a);
        zext(r, unsigned(c.imm));
        store(c.d, r);
    }
    void op_fastfp(const CInsn& c) { fastfp(c); }
    void op_ld_env(const CInsn& c) { env_load(c); }
    void op_st_env(const CInsn& c) { env_store(c); }
    // The interpreter's plan has no plain ld/st, labels or insn_start (specialised or dropped).
    void op_ld(const CInsn&) { throw std::logic_error("baseline: unplanned ld"); }
    void op_st(const CInsn&) { throw std::logic_error("baseline: unplanned st"); }
    void op_label(const CInsn&) { throw std::logic_error("baseline: label in a plan"); }
    void op_insn_start(const CInsn&) { throw std::logic_error("baseline: insn_start in a plan"); }
    // x86 keeps every order but store-load by itself (TSO).
    void op_fence(const CInsn& c) {
        if (c.aux & ir::FENCE_ST_LD) a.mfence();
    }
    void op_call(const CInsn& c) { helper_call(c, false); }
    void op_br(const CInsn& c) { a.jmp(labels_[size_t(c.imm)]); }
    void op_brcond(const CInsn& c) {
        ir::Cond cond = ir::Cond(c.cond);
        if (cond == ir::Cond::ALWAYS) {
            a.jmp(labels_[size_t(c.imm)]);
            return;
        }
        compare(c, false);
        a.jcc(cc_of(cond), labels_[size_t(c.imm)]);
    }
    void op_exit_tb(const CInsn& c) {
        count_retired(c.imm2, c.mask);
        const uint64_t target = uint64_t(c.imm);
        if (chain_ && c.aux < ir::kChainSlots && ((target ^ code_.insn_pc[0]) & PAGE_MASK) && chain_->ibc) {
            // Never chained (another page may map elsewhere next time): the indirect branch
            // cache, whose entries go when their page's mapping does. Its slot is known now.
            Label back;
            const size_t idx = (target >> chain_->ibc_shift) & chain_->ibc_mask;
            a.mov_imm(RSI, target);
            a.mov_imm(RCX, uint64_t(reinterpret_cast<uintptr_t>(&chain_->ibc[idx])));
            ibc_probe(back);
            a.mov_imm(RDX, target);
            leave(RDX, c.aux);
            return;
        }
        if (chain_ && c.aux < ir::kChainSlots) {
            Label back;
            a.mov_imm(RAX, uint64_t(reinterpret_cast<uintptr_t>(&chain_->jit_chain[c.aux])));
            a.mov(true, RAX, Mem{RAX});  // unlinked when the successor is invalidated
            tail_jump_unless_requested(back);
            a.bind(back);
        }
        a.mov_imm(RDX, target);
        leave(RDX, c.aux);
    }
    void op_exit_ind(const CInsn& c) {
        load(RSI, c.a);
        count_retired(c.imm2, c.mask);
        if (chain_ && chain_->ibc && !c.aux) {  // the indirect branch cache, same mode only
            Label back;
            a.mov(true, RAX, RSI);
            if (chain_->ibc_shift) a.shift(SHR, true, RAX, chain_->ibc_shift);
            a.alu(AND, false, RAX, int32_t(chain_->ibc_mask));
            a.shift(SHL, true, RAX, 6);  // sizeof(IbcEntry)
            a.mov_imm(RCX, uint64_t(reinterpret_cast<uintptr_t>(chain_->ibc)));
            a.alu(ADD, true, RCX, RAX);
            ibc_probe(back);
        }
        leave(RSI, interp::EXIT_NOCHAIN);
    }
    // The indirect branch cache entry at rcx for the pc in rsi, in this block's mode and the
    // context of the pc's half of the address space: continue in its code, or fall through at back.
    void ibc_probe(Label& back) {
        a.alu(CMP, true, RSI, Mem{RCX, int32_t(offsetof(IbcEntry, pc))});
        a.jcc(NE, back);
        a.mov_imm(RAX, chain_->flags);
        a.alu(CMP, true, RAX, Mem{RCX, int32_t(offsetof(IbcEntry, flags))});
        a.jcc(NE, back);
        a.mov(true, RAX, RSI);
        a.shift(SHR, true, RAX, 63);
        a.mov(true, RAX, Mem{R12, int32_t(lay_.pc_context), RAX, 3});  // env: r12
        a.alu(CMP, true, RAX, Mem{RCX, int32_t(offsetof(IbcEntry, context))});
        a.jcc(NE, back);
        a.mov(true, RAX, Mem{RCX, int32_t(offsetof(IbcEntry, jit_fn))});
        tail_jump_unless_requested(back);
        a.bind(back);
    }

private:
    void emit(const CInsn& c) {
        if (c.kind < interp::kKindSpecial) {
            switch (Op(c.kind)) {
#define X(name, sig, fl) \
    case Op::name: op_##name(c); return;
#include "ir/ops.def"
#undef X
            case Op::COUNT: break;
            }
            throw std::logic_error("baseline: bad op kind");
        }
        switch (Special(c.kind - interp::kKindSpecial)) {
        case LD_U8: return load_op(c, 1, false);
        case LD_S8: return load_op(c, 1, true);
        case LD_U16: return load_op(c, 2, false);
        case LD_S16: return load_op(c, 2, true);
        case LD_U32: return load_op(c, 4, false);
        case LD_S32: return load_op(c, 4, true);
        case LD_64: return load_op(c, 8, false);
        case ST_8: return store_op(c, 1);
        case ST_16: return store_op(c, 2);
        case ST_32: return store_op(c, 4);
        case ST_64: return store_op(c, 8);
        case LD_ENV64: return env_load(c);
        case ST_ENV64: return env_store(c);
        case CALL_RAISE: return helper_call(c, true);
        case ADD_RI: return binop_ri(c, ADD);
        case SUB_RI: return binop_ri(c, SUB);
        case MUL_RI: return mul(c, true);
        case AND_RI: return binop_ri(c, AND);
        case OR_RI: return binop_ri(c, OR);
        case XOR_RI: return binop_ri(c, XOR);
        case SHL_RI: return shift_op(c, SHL, true);
        case SHR_RI: return shift_op(c, SHR, true);
        case SAR_RI: return shift_op(c, SAR, true);
        case SETCOND_RI: return setcond(c, true);
        case UADDO_RI: return overflow(c, Op::uaddo, true);
        case SADDO_RI: return overflow(c, Op::saddo, true);
        case USUBO_RI: return overflow(c, Op::usubo, true);
        case SSUBO_RI: return overflow(c, Op::ssubo, true);
        case BR_EQ: return branch64(c, E);
        case BR_NE: return branch64(c, NE);
        case BR_LT: return branch64(c, L);
        case BR_GE: return branch64(c, GE);
        case BR_LTU: return branch64(c, B);
        case BR_GEU: return branch64(c, AE);
        case ADDW: case ADDWZ: return w_op(c, ADD);
        case SUBW: case SUBWZ: return w_op(c, SUB);
        case MULW: case MULWZ:
            return w_form(c, [&](Reg r) {
                if (c.b == zero_) a.alu(XOR, false, r, r);
                else if (int8_t h = slot_home(c.b); h >= 0) a.imul(false, r, kSlotRegs[h]);
                else a.imul(false, r, env(c.b));
            });
        case SHLW: case SHLWZ: return w_shift(c, SHL, false);
        case SHRW: case SHRWZ: return w_shift(c, SHR, false);
        case SARW: case SARWZ: return w_shift(c, SAR, false);
        case ADDW_RI: case ADDWZ_RI:  // only the low 32 bits of the sum count
            return w_form(c, [&](Reg r) { a.alu(ADD, false, r, int32_t(c.imm2)); });
        case SUBW_RI: case SUBWZ_RI: return w_form(c, [&](Reg r) { a.alu(SUB, false, r, int32_t(c.imm2)); });
        case SHLW_RI: case SHLWZ_RI: return w_shift(c, SHL, true);
        case SHRW_RI: case SHRWZ_RI: return w_shift(c, SHR, true);
        case SARW_RI: case SARWZ_RI: return w_shift(c, SAR, true);
        case NSPECIAL: break;
        }
        throw std::logic_error("baseline: bad special kind");
    }

    const CodeLayout& lay_;
    const interp::Code& code_;
    const MissThunks& thunks_;
    const jit::ChainInfo* chain_;
    uint32_t zero_;
    bool count_accesses_;
    uint32_t frame_off_ = 0;
    std::vector<int8_t> home_;              // per frame slot: a kSlotRegs index, kInMemory or kDead
    const std::vector<uint8_t>* target_ = nullptr;  // per planned op: a branch target (allocate()'s)
    RegCopies copies_;
    std::vector<Label> labels_;             // per planned op: branch targets
    std::vector<Fault> faults_;
    std::vector<Miss> misses_;
    void swap_spares() {
        thread_local std::vector<uint8_t> code;
        thread_local std::vector<Label> labels;
        thread_local std::vector<int8_t> home;
        thread_local std::vector<Fault> faults;
        thread_local std::vector<Miss> misses;
        a.code.swap(code);
        labels_.swap(labels);
        home_.swap(home);
        faults_.swap(faults);
        misses_.swap(misses);
    }
    Label hot_, leave_;
    bool hot_used_ = false, leave_used_ = false;
    size_t k_ = 0;                          // the op being emitted
};

jit::BlockFn Baseline::compile(const interp::Code& code, const jit::ChainInfo* chain, bool count_hot, std::string* asm_text) {
    auto t0 = std::chrono::steady_clock::now();
    Gen g(lay_, code, chain, count_accesses_, thunks_);
    try {
        g.run(count_hot);
    } catch (const Unsupported&) {
        stats_.unsupported++;
        return nullptr;
    }
    const uint8_t* p = buffer_.add(g.a.code.data(), g.a.code.size());
    if (!p) return nullptr;
    if (asm_text) *asm_text = jit::disassemble_host(p, g.a.code.size());
    if (perf_map_) jit::perf_map_add(p, g.a.code.size(), "tb_" + hex(code.insn_pc[0]) + "_base_" + std::to_string(stats_.blocks));
    stats_.blocks++;
    stats_.bytes += g.a.code.size();
    stats_.ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
    return reinterpret_cast<jit::BlockFn>(const_cast<uint8_t*>(p));
}

}  // namespace tessera::x64
