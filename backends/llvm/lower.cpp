// Lowering of each IR op to LLVM IR. The switch is generated from ir/ops.def: an op
// without a lower_<name> member fails to compile.
#include "backends/llvm/lower.h"

#include "backends/llvm/jit.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "backends/llvm/helper_call.h"
#include "backends/llvm/jit.h"
#include "softmmu/vcpu.h"

namespace tessera::jit {

using namespace llvm;
using ir::Op;

static_assert(sizeof(TlbEntry) == 32 && offsetof(TlbEntry, tag_write) == 8 && offsetof(TlbEntry, addend) == 24);

namespace {

class Lowering {
public:
    Lowering(const std::vector<const ir::Block*>& blocks, const EnvLayout& lay, LLVMContext& ctx, Module& m,
             const std::string& name, const std::vector<ChainInfo>* chains)
        : blocks_(blocks), chains_(chains), lay_(lay), C(ctx), M(m), B(ctx) {
        i8 = Type::getInt8Ty(C);
        i64 = Type::getInt64Ty(C);
        ptr = PointerType::getUnqual(C);
        F = Function::Create(FunctionType::get(i64, {ptr}, false), Function::ExternalLinkage, name, M);
        env_ = F->getArg(0);
        F->addParamAttr(0, Attribute::NoAlias);
        F->setCallingConv(CallingConv::PreserveNone);
        MDBuilder md(C);
        MDNode* root = md.createTBAARoot("tessera");
        // Guest memory and the CPU state never alias: lets LLVM keep guest registers in
        // host registers across guest loads and stores.
        tbaa_env_ = md.createTBAAStructTagNode(md.createTBAAScalarTypeNode("env", root),
                                               md.createTBAAScalarTypeNode("env", root), 0);
        MDNode* g = md.createTBAAScalarTypeNode("guest", root);
        tbaa_guest_ = md.createTBAAStructTagNode(g, g, 0);
        likely_ = md.createBranchWeights(2000, 1);
    }

    void run() {
        BasicBlock* entry = BasicBlock::Create(C, "entry", F);
        std::vector<BasicBlock*> bodies;
        for (const ir::Block* b : blocks_) {
            bodies.push_back(BasicBlock::Create(C, "block", F));
            region_.emplace(b->guest_pc, bodies.back());
        }
        IRBuilder<> eb(entry);  // every temp of every member is an alloca here
        // A block that loops to itself keeps, per load and store site, the page tag and
        // host addend of its last TLB hit: in the next iteration an access to the same page
        // then needs no TLB lookup, which takes the TLB load off the loop's dependency chain.
        // The cache lives for one call of the function. Whatever can remap memory (CSR
        // writes, sfence.vma, mret/sret) ends its block with a return to the executor, and
        // every helper call that may touch more than the CPU state (HelperEffect::Any) resets
        // the cache besides. Only self-loops, and only a few sites: each cached site holds two
        // registers across the loop.
        constexpr size_t kMaxCachedSites = 6;
        size_t cached = 0;
        for (const ir::Block* b : blocks_) {
            bool self_loop = false;
            if (chains_)
                for (const ir::Insn& i : b->insns)
                    if (i.op == Op::exit_tb && i.aux < ir::kChainSlots && uint64_t(i.imm) == b->guest_pc) self_loop = true;
            for (const ir::Insn& i : b->insns) {
                if (i.op != Op::ld && i.op != Op::st) continue;
                if (!self_loop || cached >= kMaxCachedSites) {
                    site_cache_.push_back({nullptr, nullptr});
                    continue;
                }
                AllocaInst* tag = eb.CreateAlloca(i64);
                AllocaInst* add = eb.CreateAlloca(i64);
                eb.CreateStore(cst(i64, ~0ull), tag);  // matches no address
                eb.CreateStore(cst(i64, 0), add);
                site_cache_.push_back({tag, add});
                cached++;
            }
        }
        // Guest registers (ENV_REG) live in locals for the whole function: loaded once on
        // entry, written back on every way out (returns, tail calls, faults), so LLVM keeps
        // them in host registers across the blocks and loops of a region.
        for (const ir::Block* b : blocks_)
            for (const ir::Insn& i : b->insns)
                if ((i.op == Op::ld_env || i.op == Op::st_env) && (i.aux & ir::ENV_REG) && i.type == ir::Type::I64 &&
                    !reg_.count(i.imm))
                    cache_field(eb, i.imm);
        for (const ir::Block* b : blocks_)
            for (const ir::Insn& i : b->insns)
                if (i.op == Op::st_env && reg_.count(i.imm)) written_.insert(i.imm);
        leave_pc_ = eb.CreateAlloca(i64);
        leave_code_ = eb.CreateAlloca(i64);
        leave_tb_ = eb.CreateAlloca(ptr);
        leave_bb_ = BasicBlock::Create(C, "leave", F);
        // The retired-instruction count is a local too: loops inside the function then
        // count in a host register instead of a read-modify-write of memory per iteration.
        count_ = cache_field(eb, lay_.insn_count);
        written_.insert(lay_.insn_count);
        // Likewise the memory-access count (-d stats' TLB hit rate), when asked for.
        if (lay_.count_accesses) {
            mem_count_ = cache_field(eb, lay_.mem_accesses);
            written_.insert(lay_.mem_accesses);
        }
        for (size_t m = 0; m < blocks_.size(); m++) {
            blk_ = blocks_[m];
            chain_ = chains_ ? &(*chains_)[m] : nullptr;
            temps_.clear();
            temp_ty_.clear();
            fastfp_ok_.clear();
            movi_.clear();
            labels_.clear();
            fault_.clear();
            guest_ = -1;
            mem_seen_ = 0;
            for (ir::Type t : blk_->temps) {
                temp_ty_.push_back(ty(t));
                temps_.push_back(eb.CreateAlloca(ty(t)));
            }
            for (uint32_t l = 0; l < blk_->labels; l++) labels_.push_back(BasicBlock::Create(C, "L" + std::to_string(l), F));
            B.SetInsertPoint(bodies[m]);
            for (const ir::Insn& i : blk_->insns) {
                cur_ = &i;
                switch (i.op) {
#define X(name, sig, fl)  \
    case Op::name:           \
        lower_##name(i);     \
        break;
#include "ir/ops.def"
#undef X
                case Op::COUNT: break;
                }
            }
            if (!B.GetInsertBlock()->getTerminator()) B.CreateUnreachable();
        }
        emit_leave_block();
        if (blocks_.size() > 1) {
            // Multi-entry: the trampolines say where to start; the word is cleared for the next call.
            Value* at = eb.CreateConstInBoundsGEP1_64(i8, env_, lay_.region_entry);
            LoadInst* k = eb.CreateLoad(Type::getInt32Ty(C), at);
            k->setMetadata(LLVMContext::MD_tbaa, tbaa_env_);
            eb.CreateStore(eb.getInt32(0), at)->setMetadata(LLVMContext::MD_tbaa, tbaa_env_);
            SwitchInst* sw = eb.CreateSwitch(k, bodies[0], unsigned(blocks_.size() - 1));
            for (size_t m = 1; m < blocks_.size(); m++) sw->addCase(eb.getInt32(uint32_t(m)), bodies[m]);
            emit_entry_trampolines();
        } else {
            eb.CreateBr(bodies[0]);
        }
        std::string err;
        raw_string_ostream os(err);
        if (verifyFunction(*F, &os)) throw std::runtime_error("JIT lowering produced invalid LLVM IR: " + os.str());
    }

private:
    Type* ty(ir::Type t) { return Type::getIntNTy(C, ir::type_bits(t)); }
    Value* get(uint32_t t) { return B.CreateLoad(temp_ty_[t], temps_[t]); }
    Value* arg(uint32_t t) { return t == ir::NO_TEMP ? ConstantInt::get(i64, 0) : get(t); }
    void set(uint32_t t, Value* v) {
        fastfp_ok_.erase(t);
        movi_.erase(t);
        B.CreateStore(v, temps_[t]);
    }
    Value* cst(Type* t, uint64_t v) { return ConstantInt::get(t, v); }
    Value* env_at(Value* off) { return B.CreateInBoundsGEP(i8, env_, off); }
    Value* env_at(uint64_t off) { return B.CreateConstInBoundsGEP1_64(i8, env_, off); }
    LoadInst* env_load(Type* t, Value* p) {
        LoadInst* l = B.CreateLoad(t, p);
        l->setMetadata(LLVMContext::MD_tbaa, tbaa_env_);
        return l;
    }
    void env_store(Value* v, Value* p) { B.CreateStore(v, p)->setMetadata(LLVMContext::MD_tbaa, tbaa_env_); }
    unsigned bits() const { return ir::type_bits(cur_->type); }
    Type* cur_ty() { return ty(cur_->type); }
    void new_block(const char* name) { B.SetInsertPoint(BasicBlock::Create(C, name, F)); }

    // A 64-bit CPU-state field kept in a local for the whole function (see reg_).
    AllocaInst* cache_field(IRBuilder<>& eb, int64_t off) {
        AllocaInst* a = eb.CreateAlloca(i64);
        LoadInst* init = eb.CreateLoad(i64, eb.CreateConstInBoundsGEP1_64(i8, env_, uint64_t(off)));
        init->setMetadata(LLVMContext::MD_tbaa, tbaa_env_);
        eb.CreateStore(init, a);
        reg_.emplace(off, a);
        return a;
    }

    // Exit paths.
    // n guest instructions retire, with the memory accesses made so far in this block.
    void retire(uint64_t n, uint64_t mem) {
        if (n) B.CreateStore(B.CreateAdd(B.CreateLoad(i64, count_), cst(i64, n)), count_);
        if (mem && mem_count_) B.CreateStore(B.CreateAdd(B.CreateLoad(i64, mem_count_), cst(i64, mem)), mem_count_);
    }
    void store_pc(Value* pc) { env_store(pc, env_at(lay_.pc)); }
    BasicBlock* fault_block() {
        // One per guest instruction (and access count): the state a fault leaves is exactly
        // the interpreter's.
        unsigned g = guest_ < 0 ? 0 : unsigned(guest_);
        BasicBlock*& f = fault_[{g, mem_seen_}];
        if (!f) {
            IRBuilderBase::InsertPointGuard guard(B);
            f = BasicBlock::Create(C, "fault" + std::to_string(g), F);
            B.SetInsertPoint(f);
            retire(g, mem_seen_);
            leave(cst(i64, guest_pc_), uint64_t(-2));
        }
        return f;
    }
    void check_exception() {
        Value* pending = env_load(i8, env_at(lay_.exception_pending));
        BasicBlock* ok = BasicBlock::Create(C, "ok", F);
        B.CreateCondBr(B.CreateICmpNE(pending, cst(i8, 0)), fault_block(), ok, md_unlikely());
        B.SetInsertPoint(ok);
    }
    // Every way back to the executor goes through one shared block that stores pc, writes
    // the cached registers back, says which block it leaves from (chains may have run
    // several) and returns the exit code: one copy of that code per function, not per exit.
    void leave(Value* pc, uint64_t code) {
        B.CreateStore(pc, leave_pc_);
        B.CreateStore(cst(i64, code), leave_code_);
        if (chain_) B.CreateStore(host_ptr_const(chain_->block), leave_tb_);
        B.CreateBr(leave_bb_);
    }
    // name_e<k>: set region_entry = k and continue in the region function.
    void emit_entry_trampolines() {
        for (size_t m = 1; m < blocks_.size(); m++) {
            Function* tramp = Function::Create(F->getFunctionType(), Function::ExternalLinkage,
                                              F->getName() + "_e" + std::to_string(m), M);
            tramp->setCallingConv(CallingConv::PreserveNone);
            IRBuilder<> sb(BasicBlock::Create(C, "entry", tramp));
            Value* at = sb.CreateConstInBoundsGEP1_64(i8, tramp->getArg(0), lay_.region_entry);
            sb.CreateStore(sb.getInt32(uint32_t(m)), at)->setMetadata(LLVMContext::MD_tbaa, tbaa_env_);
            CallInst* r = sb.CreateCall(F, {tramp->getArg(0)});
            r->setTailCallKind(CallInst::TCK_MustTail);
            r->setCallingConv(CallingConv::PreserveNone);
            sb.CreateRet(r);
        }
    }
    void emit_leave_block() {
        B.SetInsertPoint(leave_bb_);
        store_pc(B.CreateLoad(i64, leave_pc_));
        write_back();
        if (chains_) env_store(B.CreateLoad(ptr, leave_tb_), env_at(lay_.last_block));
        B.CreateRet(B.CreateLoad(i64, leave_code_));
    }
    Value* host_ptr_const(const void* p) { return B.CreateIntToPtr(cst(i64, uint64_t(reinterpret_cast<uintptr_t>(p))), ptr); }
    MDNode* md_unlikely() { return MDBuilder(C).createBranchWeights(1, 2000); }

    Value* binop_masked_shift(Instruction::BinaryOps op, const ir::Insn& i) {
        Value* count = B.CreateAnd(get(i.src[1]), cst(cur_ty(), bits() - 1));
        return B.CreateBinOp(op, get(i.src[0]), count);
    }
    Value* mulh(const ir::Insn& i, bool sa, bool sb) {
        Type* wide = Type::getIntNTy(C, 2 * bits());
        Value* a = sa ? B.CreateSExt(get(i.src[0]), wide) : B.CreateZExt(get(i.src[0]), wide);
        Value* b = sb ? B.CreateSExt(get(i.src[1]), wide) : B.CreateZExt(get(i.src[1]), wide);
        return B.CreateTrunc(B.CreateLShr(B.CreateMul(a, b), bits()), cur_ty());
    }
    // Total division as ops.def defines it: x/0 = all ones, x%0 = x, MIN/-1 = MIN.
    Value* div(const ir::Insn& i, bool sign, bool rem) {
        Value *a = get(i.src[0]), *b = get(i.src[1]);
        Type* t = cur_ty();
        Value* zero = B.CreateICmpEQ(b, cst(t, 0));
        Value* unsafe = zero;
        if (sign) {
            Value* ovf = B.CreateAnd(B.CreateICmpEQ(a, ConstantInt::get(t, APInt::getSignedMinValue(bits()))),
                                     B.CreateICmpEQ(b, ConstantInt::getSigned(t, -1)));
            unsafe = B.CreateOr(zero, ovf);
        }
        Value* safe_b = B.CreateSelect(unsafe, cst(t, 1), b);  // MIN/1 = MIN and MIN%1 = 0, as required
        Value* r = sign ? (rem ? B.CreateSRem(a, safe_b) : B.CreateSDiv(a, safe_b))
                        : (rem ? B.CreateURem(a, safe_b) : B.CreateUDiv(a, safe_b));
        Value* by_zero = rem ? a : i.aux == ir::DIV0_ZERO ? cst(t, 0) : ConstantInt::getAllOnesValue(t);
        return B.CreateSelect(zero, by_zero, r);
    }
    Value* compare(ir::Cond c, Value* a, Value* b) {
        switch (c) {
        case ir::Cond::EQ: return B.CreateICmpEQ(a, b);
        case ir::Cond::NE: return B.CreateICmpNE(a, b);
        case ir::Cond::LT: return B.CreateICmpSLT(a, b);
        case ir::Cond::GE: return B.CreateICmpSGE(a, b);
        case ir::Cond::LTU: return B.CreateICmpULT(a, b);
        case ir::Cond::GEU: return B.CreateICmpUGE(a, b);
        case ir::Cond::LE: return B.CreateICmpSLE(a, b);
        case ir::Cond::GT: return B.CreateICmpSGT(a, b);
        case ir::Cond::LEU: return B.CreateICmpULE(a, b);
        case ir::Cond::GTU: return B.CreateICmpUGT(a, b);
        case ir::Cond::ALWAYS: return B.getTrue();
        }
        return B.getTrue();
    }

    // The fast paths of a guest access, inline: the site's cached page (self-loops, see
    // site_cache_), then the TLB hit check. access(host) emits the load or store at the host
    // address and returns the loaded value (null for a store); each fast path then branches
    // to join. Returns the (value, block) pairs for join's phi and leaves the builder in
    // miss, where the tag did not match.
    using Fast = std::vector<std::pair<Value*, BasicBlock*>>;
    Fast fast_paths(Value* va, unsigned size, unsigned mmu, unsigned tag_off, BasicBlock* miss, BasicBlock* join,
                    const std::function<Value*(Value*)>& access) {
        Fast out;
        const SiteCache& sc = site_cache_[site_++];
        Value* want = B.CreateAnd(va, cst(i64, PAGE_MASK | (size - 1)));
        if (sc.tag) {
            BasicBlock *cached = BasicBlock::Create(C, "mem.cached", F), *lookup = BasicBlock::Create(C, "mem.tlb", F);
            B.CreateCondBr(B.CreateICmpEQ(want, B.CreateLoad(i64, sc.tag)), cached, lookup, likely_);
            B.SetInsertPoint(cached);
            out.push_back({access(B.CreateIntToPtr(B.CreateAdd(va, B.CreateLoad(i64, sc.addend)), ptr)), cached});
            B.CreateBr(join);
            B.SetInsertPoint(lookup);
        }
        // entry = env + (va >> PAGE_BITS & mask) * 32; the fields are constant displacements
        // from it, so each access is one x86 addressing mode (base + index + disp).
        Value* idx = B.CreateAnd(B.CreateLShr(va, PAGE_BITS), TLB_SIZE - 1);
        Value* entry = env_at(B.CreateMul(idx, cst(i64, sizeof(TlbEntry))));
        uint64_t tlb = lay_.tlb + uint64_t(mmu) * TLB_SIZE * sizeof(TlbEntry);
        Value* tag = env_load(i64, B.CreateConstInBoundsGEP1_64(i8, entry, tlb + tag_off));
        BasicBlock* hit = BasicBlock::Create(C, "mem.hit", F);
        B.CreateCondBr(B.CreateICmpEQ(want, tag), hit, miss, likely_);
        B.SetInsertPoint(hit);
        Value* addend = env_load(i64, B.CreateConstInBoundsGEP1_64(i8, entry, tlb + offsetof(TlbEntry, addend)));
        if (sc.tag) {
            B.CreateStore(want, sc.tag);
            B.CreateStore(addend, sc.addend);
        }
        out.push_back({access(B.CreateIntToPtr(B.CreateAdd(va, addend), ptr)), hit});
        B.CreateBr(join);
        B.SetInsertPoint(miss);
        return out;
    }
    // Host functions are called through their addresses: nothing to resolve by name.
    FunctionCallee host_fn(FunctionType* ft, const void* fn) {
        return FunctionCallee(ft, B.CreateIntToPtr(cst(i64, uint64_t(reinterpret_cast<uintptr_t>(fn))), ptr));
    }
    FunctionType* slow_load_ty() { return FunctionType::get(i64, {ptr, i64, i64, i64}, false); }
    FunctionType* slow_store_ty() { return FunctionType::get(Type::getVoidTy(C), {ptr, i64, i64, i64, i64}, false); }
    CallInst* call_slow(FunctionType* ft, uint64_t trampoline, const void* c_fn, ArrayRef<Value*> args) {
        FunctionCallee f = host_fn(ft, trampoline ? reinterpret_cast<const void*>(trampoline) : c_fn);
        CallInst* c = B.CreateCall(f, args);
        if (trampoline) c->setCallingConv(CallingConv::PreserveMost);
        c->addFnAttr(Attribute::Cold);
        return c;
    }

public:
    // ---- one member per op in ops.def ----
    void lower_movi(const ir::Insn& i) {
        set(i.dst, cst(cur_ty(), uint64_t(i.imm)));
        movi_[i.dst] = uint64_t(i.imm);
    }
    void lower_mov(const ir::Insn& i) { set(i.dst, get(i.src[0])); }
    void lower_add(const ir::Insn& i) { set(i.dst, B.CreateAdd(get(i.src[0]), get(i.src[1]))); }
    void lower_sub(const ir::Insn& i) { set(i.dst, B.CreateSub(get(i.src[0]), get(i.src[1]))); }
    void lower_mul(const ir::Insn& i) { set(i.dst, B.CreateMul(get(i.src[0]), get(i.src[1]))); }
    void lower_and_(const ir::Insn& i) { set(i.dst, B.CreateAnd(get(i.src[0]), get(i.src[1]))); }
    void lower_or_(const ir::Insn& i) { set(i.dst, B.CreateOr(get(i.src[0]), get(i.src[1]))); }
    void lower_xor_(const ir::Insn& i) { set(i.dst, B.CreateXor(get(i.src[0]), get(i.src[1]))); }
    void lower_shl(const ir::Insn& i) { set(i.dst, binop_masked_shift(Instruction::Shl, i)); }
    void lower_shr(const ir::Insn& i) { set(i.dst, binop_masked_shift(Instruction::LShr, i)); }
    void lower_sar(const ir::Insn& i) { set(i.dst, binop_masked_shift(Instruction::AShr, i)); }
    void lower_neg(const ir::Insn& i) { set(i.dst, B.CreateNeg(get(i.src[0]))); }
    void lower_not_(const ir::Insn& i) { set(i.dst, B.CreateNot(get(i.src[0]))); }
    void lower_mulhs(const ir::Insn& i) { set(i.dst, mulh(i, true, true)); }
    void lower_mulhu(const ir::Insn& i) { set(i.dst, mulh(i, false, false)); }
    void lower_mulhsu(const ir::Insn& i) { set(i.dst, mulh(i, true, false)); }
    void lower_divs(const ir::Insn& i) { set(i.dst, div(i, true, false)); }
    void lower_divu(const ir::Insn& i) { set(i.dst, div(i, false, false)); }
    void lower_rems(const ir::Insn& i) { set(i.dst, div(i, true, true)); }
    void lower_remu(const ir::Insn& i) { set(i.dst, div(i, false, true)); }
    // A 'W' operand at the op's width (a wider one truncated), and a 0/1 result in the
    // destination's type ('I').
    Value* at_width(uint32_t t) {
        Value* v = get(t);
        return v->getType() == cur_ty() ? v : B.CreateTrunc(v, cur_ty());
    }
    void set_flag(const ir::Insn& i, Value* bit) { set(i.dst, B.CreateZExt(bit, temp_ty_[i.dst])); }
    void lower_setcond(const ir::Insn& i) { set_flag(i, compare(i.cond, at_width(i.src[0]), at_width(i.src[1]))); }
    // Only the overflow bit is used: LLVM's x86 backend merges the intrinsic with the plain
    // add or sub of the same operands into one instruction and a SETcc or branch.
    void overflow(const ir::Insn& i, Intrinsic::ID id) {
        Value* r = B.CreateBinaryIntrinsic(id, at_width(i.src[0]), at_width(i.src[1]));
        set_flag(i, B.CreateExtractValue(r, 1));
    }
    void lower_uaddo(const ir::Insn& i) { overflow(i, Intrinsic::uadd_with_overflow); }
    void lower_saddo(const ir::Insn& i) { overflow(i, Intrinsic::sadd_with_overflow); }
    void lower_usubo(const ir::Insn& i) { overflow(i, Intrinsic::usub_with_overflow); }
    void lower_ssubo(const ir::Insn& i) { overflow(i, Intrinsic::ssub_with_overflow); }
    void lower_select(const ir::Insn& i) {
        Value* c = get(i.src[0]);
        set(i.dst, B.CreateSelect(B.CreateICmpNE(c, Constant::getNullValue(c->getType())), get(i.src[1]), get(i.src[2])));
    }
    void ext(const ir::Insn& i, bool sign) {
        Value* v = get(i.src[0]);
        Type* narrow = Type::getIntNTy(C, unsigned(i.imm));
        if (v->getType() != narrow) v = B.CreateTrunc(v, narrow);
        if (narrow != cur_ty()) v = sign ? B.CreateSExt(v, cur_ty()) : B.CreateZExt(v, cur_ty());
        set(i.dst, v);
    }
    void lower_sext(const ir::Insn& i) { ext(i, true); }
    void lower_zext(const ir::Insn& i) { ext(i, false); }
    // fastfp (ir/fastfp.h): the IEEE operation, its result classified by integer tests as there.
    void lower_fastfp(const ir::Insn& i) {
        unsigned kind = unsigned(i.imm);
        bool f32 = i.aux & ir::FF_F32, boxed = i.aux & ir::FF_BOXED;
        unsigned n = ir::fastfp_operands(kind);
        Type* ft = f32 ? B.getFloatTy() : B.getDoubleTy();
        Type* it = f32 ? B.getInt32Ty() : i64;
        uint64_t abs_mask = f32 ? 0x7fffffffull : 0x7fffffffffffffffull;
        uint64_t inf = f32 ? 0x7f800000ull : 0x7ff0000000000000ull, min_normal = f32 ? 0x00800000ull : 0x0010000000000000ull;
        Value* ok = B.getTrue();
        Value *x[3], *is_zero[3];
        for (unsigned k = 0; k < 3; k++) {
            Value* v = get(i.src[k]);
            if (f32) {
                if (boxed && k < n) ok = B.CreateAnd(ok, B.CreateICmpEQ(B.CreateLShr(v, 32), cst(i64, 0xffffffff)));
                v = B.CreateTrunc(v, it);
            }
            is_zero[k] = B.CreateICmpEQ(B.CreateAnd(v, cst(it, abs_mask)), cst(it, 0));
            x[k] = B.CreateBitCast(v, ft);
        }
        Value* r = nullptr;
        Value* ok_zero = B.getFalse();
        auto fma = [&](bool neg_product, bool neg_addend) {
            Value* a = neg_product ? B.CreateFNeg(x[0]) : x[0];
            Value* c = neg_addend ? B.CreateFNeg(x[2]) : x[2];
            return B.CreateIntrinsic(Intrinsic::fma, {ft}, {a, x[1], c});
        };
        switch (kind) {
        case ir::FF_ADD: r = B.CreateFAdd(x[0], x[1]); ok_zero = B.getTrue(); break;
        case ir::FF_SUB: r = B.CreateFSub(x[0], x[1]); ok_zero = B.getTrue(); break;
        case ir::FF_MUL: r = B.CreateFMul(x[0], x[1]); ok_zero = B.CreateOr(is_zero[0], is_zero[1]); break;
        case ir::FF_DIV: r = B.CreateFDiv(x[0], x[1]); ok_zero = is_zero[0]; break;
        case ir::FF_SQRT: r = B.CreateUnaryIntrinsic(Intrinsic::sqrt, x[0]); ok_zero = is_zero[0]; break;
        case ir::FF_MADD: r = fma(false, false); break;
        case ir::FF_MSUB: r = fma(false, true); break;
        case ir::FF_NMSUB: r = fma(true, false); break;
        case ir::FF_NMADD: r = fma(true, true); break;
        default: throw std::logic_error("llvm: unknown fastfp operation");
        }
        Value* bits = B.CreateBitCast(r, it);
        Value* abs = B.CreateAnd(bits, cst(it, abs_mask));
        Value* normal = B.CreateICmpULT(B.CreateSub(abs, cst(it, min_normal)), cst(it, inf - min_normal));
        Value* exact_zero = B.CreateAnd(ok_zero, B.CreateICmpEQ(abs, cst(it, 0)));
        ok = B.CreateAnd(ok, B.CreateOr(normal, exact_zero));
        Value* v = f32 ? B.CreateZExt(bits, i64) : bits;
        if (boxed) v = B.CreateOr(v, cst(i64, 0xffffffff00000000ull));
        set(i.dst, B.CreateSelect(ok, v, cst(i64, ir::FASTFP_REFUSED)));
        fastfp_ok_[i.dst] = ok;
    }
    // "brcond r ==/!= FASTFP_REFUSED" right after r's fastfp: the test is fastfp's own `ok`
    // (an accepted result is never all ones, which LLVM cannot see through the select), or null.
    Value* fastfp_test(const ir::Insn& i) {
        if (i.cond != ir::Cond::EQ && i.cond != ir::Cond::NE) return nullptr;
        auto ok = fastfp_ok_.find(i.src[0]);
        auto c = movi_.find(i.src[1]);
        if (ok == fastfp_ok_.end() || c == movi_.end() || c->second != ir::FASTFP_REFUSED) return nullptr;
        auto* inst = dyn_cast<Instruction>(ok->second);  // (a constant when the operands were)
        if (inst && inst->getParent() != B.GetInsertBlock()) return nullptr;
        return i.cond == ir::Cond::NE ? ok->second : B.CreateNot(ok->second);
    }
    void lower_ld_env(const ir::Insn& i) {
        auto r = reg_.find(i.imm);
        if (r != reg_.end() && i.type == ir::Type::I64) set(i.dst, B.CreateLoad(i64, r->second));
        else set(i.dst, env_load(cur_ty(), env_at(uint64_t(i.imm))));
    }
    void lower_st_env(const ir::Insn& i) {
        auto r = reg_.find(i.imm);
        if (r != reg_.end() && i.type == ir::Type::I64) B.CreateStore(get(i.src[0]), r->second);
        else env_store(get(i.src[0]), env_at(uint64_t(i.imm)));
    }
    // Cached guest registers back into the CPU state, before anything outside may look.
    void write_back() {
        for (int64_t off : written_) env_store(B.CreateLoad(i64, reg_.at(off)), env_at(uint64_t(off)));
    }

    void lower_ld(const ir::Insn& i) {
        mem_seen_++;
        unsigned size = ir::memop_bytes(i.aux);
        Type* n = Type::getIntNTy(C, size * 8);
        Value* va = get(i.src[0]);
        BasicBlock *miss = BasicBlock::Create(C, "ld.miss", F), *join = BasicBlock::Create(C, "ld.join", F);
        Fast fast = fast_paths(va, size, unsigned(i.imm), offsetof(TlbEntry, tag_read), miss, join, [&](Value* host) {
            LoadInst* v = B.CreateAlignedLoad(n, host, Align(1));
            v->setMetadata(LLVMContext::MD_tbaa, tbaa_guest_);
            return v;
        });
        Value* slow = call_slow(slow_load_ty(), lay_.load_slow, reinterpret_cast<const void*>(&tessera_jit_load_slow),
                                {env_, va, cst(i64, size), cst(i64, slow_idx(unsigned(i.imm), i.aux))});
        check_exception();
        fast.push_back({B.CreateTrunc(slow, n), B.GetInsertBlock()});
        B.CreateBr(join);
        B.SetInsertPoint(join);
        PHINode* v = B.CreatePHI(n, unsigned(fast.size()));
        for (auto [val, from] : fast) v->addIncoming(val, from);
        Value* r = v;
        if (n != cur_ty()) r = (i.aux & ir::MO_SIGN) ? B.CreateSExt(v, cur_ty()) : B.CreateZExt(v, cur_ty());
        set(i.dst, r);
    }
    void lower_st(const ir::Insn& i) {
        mem_seen_++;
        unsigned size = ir::memop_bytes(i.aux);
        Type* n = Type::getIntNTy(C, size * 8);
        Value* va = get(i.src[0]);
        Value* val = get(i.src[1]);
        Value* narrow = val->getType() == n ? val : B.CreateTrunc(val, n);
        BasicBlock *miss = BasicBlock::Create(C, "st.miss", F), *join = BasicBlock::Create(C, "st.join", F);
        // A page cached for writing stays writable (no code on it) for the rest of this call:
        // blocks are translated only between calls.
        fast_paths(va, size, unsigned(i.imm), offsetof(TlbEntry, tag_write), miss, join, [&](Value* host) -> Value* {
            B.CreateAlignedStore(narrow, host, Align(1))->setMetadata(LLVMContext::MD_tbaa, tbaa_guest_);
            return nullptr;
        });
        Value* wide = val->getType() == i64 ? val : B.CreateZExt(val, i64);
        call_slow(slow_store_ty(), lay_.store_slow, reinterpret_cast<const void*>(&tessera_jit_store_slow),
                  {env_, va, cst(i64, size), wide, cst(i64, slow_idx(unsigned(i.imm), i.aux))});
        check_exception();
        B.CreateBr(join);
        B.SetInsertPoint(join);
    }
    void lower_call(const ir::Insn& i) {
        const auto* h = reinterpret_cast<const ir::Helper*>(i.imm);
        // Counter CSRs read the count as of this block's start (plus their index) and may set it.
        if (h->flags & ir::HF_COUNTERS) env_store(B.CreateLoad(i64, count_), env_at(lay_.insn_count));
        Value* r = emit_helper_call(B, M, *h, {env_, arg(i.src[0]), arg(i.src[1]), arg(i.src[2]), arg(i.src[3])},
                                    lay_.helper_bitcode);
        if (h->flags & ir::HF_COUNTERS) B.CreateStore(env_load(i64, env_at(lay_.insn_count)), count_);
        // A helper that touches only the CPU state cannot change what a TLB lookup gives.
        if (h->effect() == ir::HelperEffect::Any)
            for (const SiteCache& c : site_cache_)
                if (c.tag) B.CreateStore(cst(i64, ~0ull), c.tag);
        set(i.dst, r);
        if (h->flags & ir::HF_MAY_RAISE) check_exception();
    }
    void lower_label(const ir::Insn& i) {
        BasicBlock* l = labels_[size_t(i.imm)];
        if (!B.GetInsertBlock()->getTerminator()) B.CreateBr(l);
        B.SetInsertPoint(l);
    }
    void lower_br(const ir::Insn& i) {
        B.CreateBr(labels_[size_t(i.imm)]);
        new_block("dead");
    }
    void lower_brcond(const ir::Insn& i) {
        BasicBlock* next = BasicBlock::Create(C, "cont", F);
        Value* test = fastfp_test(i);
        B.CreateCondBr(test ? test : compare(i.cond, at_width(i.src[0]), at_width(i.src[1])), labels_[size_t(i.imm)], next);
        B.SetInsertPoint(next);
    }
    void lower_fence(const ir::Insn& i) {
        B.CreateFence(i.aux & ir::FENCE_ST_LD ? AtomicOrdering::SequentiallyConsistent : AtomicOrdering::AcquireRelease);
    }
    void lower_insn_start(const ir::Insn& i) {
        guest_++;
        guest_pc_ = uint64_t(i.imm);
    }
    // Continue in the next block's code directly unless someone asked the loop to look
    // (Vcpu::exit_pending: one 64-bit load). Only the way back to the executor stores pc:
    // code reached by a chain knows its own pc, and faults store theirs.
    // target: a region member's body to branch to, or null to tail-call fn. valid: that
    // member's TB::valid, for members other than the running block (which, if a store
    // invalidates it, sets code_changed in the exit word instead).
    // check: test the exit word. A forward direct chain (to a higher pc) may skip it: every
    // cycle of chained blocks has an edge back to a pc no higher than its source block's,
    // and that edge checks, so requests are still seen within one pass through a page.
    void tail_call_unless_requested(Value* fn, uint64_t ret_code, Value* pc, BasicBlock* target = nullptr,
                                    const bool* valid = nullptr, bool check = true) {
        BasicBlock *call = BasicBlock::Create(C, "chain", F), *back = BasicBlock::Create(C, "to_loop", F);
        Value* go = B.getTrue();
        if (check) {
            LoadInst* req = B.CreateLoad(i64, env_at(lay_.exit_word));
            req->setVolatile(true);  // set by other threads and by helpers
            go = B.CreateICmpEQ(req, cst(i64, 0));
        }
        if (fn) go = B.CreateAnd(go, B.CreateICmpNE(fn, ConstantPointerNull::get(ptr)));
        if (valid) {  // another member may sit on a second page that was invalidated alone
            LoadInst* v = B.CreateLoad(i8, host_ptr_const(valid));
            v->setVolatile(true);
            go = B.CreateAnd(go, B.CreateICmpNE(v, cst(i8, 0)));
        }
        B.CreateCondBr(go, call, back, likely_);
        B.SetInsertPoint(call);
        if (target) {
            B.CreateBr(target);  // inside the region: a branch, not a call
        } else {
            write_back();
            CallInst* r = B.CreateCall(FunctionType::get(i64, {ptr}, false), fn, {env_});
            r->setTailCallKind(CallInst::TCK_MustTail);
            r->setCallingConv(CallingConv::PreserveNone);
            B.CreateRet(r);
        }
        B.SetInsertPoint(back);
        leave(pc, ret_code);
    }
    void lower_exit_tb(const ir::Insn& i) {
        Value* pc = cst(i64, uint64_t(i.imm));
        retire(uint64_t(guest_ + 1), mem_seen_);
        auto member = region_.find(uint64_t(i.imm));
        if (chain_ && i.aux < ir::kChainSlots && member != region_.end()) {
            // A member of this region (possibly this very block: a loop).
            size_t m = 0;
            while (blocks_[m]->guest_pc != uint64_t(i.imm)) m++;
            const bool* valid = blocks_[m] == blk_ ? nullptr : (*chains_)[m].valid;
            tail_call_unless_requested(nullptr, i.aux, pc, member->second, valid);
        } else if (chain_ && i.aux < ir::kChainSlots && ((uint64_t(i.imm) ^ blk_->guest_pc) & PAGE_MASK) && chain_->ibc) {
            // Never chained (another page may map elsewhere next time): the indirect branch
            // cache, whose entries go when their page's mapping does.
            tail_call_unless_requested(ibc_probe(pc), i.aux, pc);
        } else if (chain_ && i.aux < ir::kChainSlots) {
            Value* fn = B.CreateLoad(ptr, host_ptr_const(&chain_->jit_chain[i.aux]));
            cast<LoadInst>(fn)->setVolatile(true);  // unlinked by invalidation
            tail_call_unless_requested(fn, i.aux, pc, nullptr, nullptr, uint64_t(i.imm) <= blk_->guest_pc);
        } else {
            leave(pc, i.aux);
        }
        new_block("dead");
    }
    void lower_exit_ind(const ir::Insn& i) {
        Value* target = get(i.src[0]);
        retire(uint64_t(guest_ + 1), mem_seen_);
        if (chain_ && chain_->ibc && !i.aux) {
            tail_call_unless_requested(ibc_probe(target), uint64_t(-1), target);
        } else {
            leave(target, uint64_t(-1));
        }
        new_block("dead");
    }

    // Indirect branch cache: the code for target in this block's mode and the current address
    // space (pc, flags and context; IbcEntry),
    // or null.
    Value* ibc_probe(Value* target) {
        Value* idx = B.CreateAnd(B.CreateLShr(target, chain_->ibc_shift), cst(i64, chain_->ibc_mask));
        Value* e = B.CreateInBoundsGEP(i8, host_ptr_const(chain_->ibc), B.CreateMul(idx, cst(i64, sizeof(IbcEntry))));
        Value* epc = B.CreateLoad(i64, e);
        Value* eflags = B.CreateLoad(i64, B.CreateConstInBoundsGEP1_64(i8, e, offsetof(IbcEntry, flags)));
        Value* ectx = B.CreateLoad(i64, B.CreateConstInBoundsGEP1_64(i8, e, offsetof(IbcEntry, context)));
        Value* efn = B.CreateLoad(ptr, B.CreateConstInBoundsGEP1_64(i8, e, offsetof(IbcEntry, jit_fn)));
        // The context of the target's half of the address space: pc_context[target >> 63].
        Value* half = B.CreateMul(B.CreateLShr(target, 63), cst(i64, 8));
        Value* ctx = B.CreateLoad(i64, B.CreateInBoundsGEP(i8, env_at(lay_.pc_context), half));
        Value* hit = B.CreateAnd(B.CreateAnd(B.CreateICmpEQ(epc, target), B.CreateICmpEQ(eflags, cst(i64, chain_->flags))),
                                 B.CreateICmpEQ(ectx, ctx));
        return B.CreateSelect(hit, efn, ConstantPointerNull::get(ptr));
    }

private:
    const std::vector<const ir::Block*>& blocks_;
    const std::vector<ChainInfo>* chains_;
    const ir::Block* blk_ = nullptr;     // the member being lowered
    const ChainInfo* chain_ = nullptr;   // its chaining information, if any
    std::unordered_map<uint64_t, BasicBlock*> region_;  // member pc -> its body
    std::map<int64_t, AllocaInst*> reg_;                // cached guest registers by env offset
    std::set<int64_t> written_;                         // ...and those the function writes
    AllocaInst* count_ = nullptr;                       // the cached Vcpu::insn_count
    AllocaInst* mem_count_ = nullptr;                   // the cached Vcpu::mem_accesses
    unsigned mem_seen_ = 0;                             // loads and stores so far in the member
    std::map<std::pair<unsigned, unsigned>, BasicBlock*> fault_;  // by (guest insn, accesses)
    AllocaInst *leave_pc_ = nullptr, *leave_code_ = nullptr, *leave_tb_ = nullptr;  // what leave() passes on
    BasicBlock* leave_bb_ = nullptr;
    struct SiteCache {
        AllocaInst *tag, *addend;
    };
    std::vector<SiteCache> site_cache_;  // per load and store site, in lowering order (null: none)
    size_t site_ = 0;
    const EnvLayout& lay_;
    LLVMContext& C;
    Module& M;
    IRBuilder<> B;
    Function* F = nullptr;
    Value* env_ = nullptr;
    Type *i8 = nullptr, *i64 = nullptr;
    PointerType* ptr = nullptr;
    MDNode *tbaa_env_ = nullptr, *tbaa_guest_ = nullptr, *likely_ = nullptr;
    std::vector<Type*> temp_ty_;
    std::vector<AllocaInst*> temps_;
    std::unordered_map<uint32_t, Value*> fastfp_ok_;  // temp -> its fastfp's acceptance (i1), until set again
    std::unordered_map<uint32_t, uint64_t> movi_;     // temp -> the constant its movi set, until set again
    std::vector<BasicBlock*> labels_;
    const ir::Insn* cur_ = nullptr;
    int guest_ = -1;
    uint64_t guest_pc_ = 0;
};

}  // namespace

void lower_region(const std::vector<const ir::Block*>& blocks, const EnvLayout& env, Module& m,
                  const std::string& name, const std::vector<ChainInfo>* chains) {
    for (const ir::Block* b : blocks)
        if (std::string bad = ir::unsupported_type(*b); !bad.empty()) throw std::logic_error("LLVM lowering: " + bad);
    Lowering(blocks, env, m.getContext(), m, name, chains).run();
}

}  // namespace tessera::jit
