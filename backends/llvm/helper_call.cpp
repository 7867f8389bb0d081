// Helper calls in LLVM code and the helper bitcode (ir::HelperBitcode) linked into modules.
#include "backends/llvm/helper_call.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Linker/Linker.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Transforms/IPO/Internalize.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace tessera::jit {

using namespace llvm;

namespace {

// What the optimiser may assume about a call (and, once inlined, nothing is needed).
void add_effect_attributes(CallBase& call, const ir::Helper& h) {
    switch (h.effect()) {
    case ir::HelperEffect::Pure: call.setMemoryEffects(MemoryEffects::none()); break;
    case ir::HelperEffect::ReadsCpu: call.setMemoryEffects(MemoryEffects::argMemOnly(ModRefInfo::Ref)); break;
    case ir::HelperEffect::WritesCpu:
        // Logging (-d int and the like) is the only other thing such a helper may do.
        call.setMemoryEffects(MemoryEffects::argMemOnly(ModRefInfo::ModRef) |
                              MemoryEffects::inaccessibleMemOnly(ModRefInfo::ModRef));
        break;
    case ir::HelperEffect::Any: return;
    }
    call.addFnAttr(Attribute::NoUnwind);
    call.addFnAttr(Attribute::WillReturn);
}

}  // namespace

Value* emit_helper_call(IRBuilder<>& b, Module& m, const ir::Helper& h, ArrayRef<Value*> args, bool use_bitcode) {
    LLVMContext& c = m.getContext();
    Type* i64 = Type::getInt64Ty(c);
    FunctionType* ft = FunctionType::get(i64, {PointerType::getUnqual(c), i64, i64, i64, i64}, false);
    CallInst* call;
    if (use_bitcode && h.bitcode && h.bitcode_symbol) {
        FunctionCallee f = m.getOrInsertFunction(h.bitcode_symbol, ft);
        call = b.CreateCall(f, args);
    } else {
        Value* callee = b.CreateIntToPtr(b.getInt64(uint64_t(reinterpret_cast<uintptr_t>(h.fn))), PointerType::getUnqual(c));
        call = b.CreateCall(ft, callee, args);
    }
    add_effect_attributes(*call, h);
    return call;
}

std::vector<const ir::HelperBitcode*> helper_bitcode_used(const std::vector<const ir::Block*>& blocks) {
    std::vector<const ir::HelperBitcode*> libs;
    for (const ir::Block* b : blocks)
        for (const ir::Insn& i : b->insns)
            if (i.op == ir::Op::call) {
                const auto* h = reinterpret_cast<const ir::Helper*>(i.imm);
                if (h->bitcode && h->bitcode_symbol && std::find(libs.begin(), libs.end(), h->bitcode) == libs.end())
                    libs.push_back(h->bitcode);
            }
    return libs;
}

void link_helper_bitcode(Module& m, const ir::HelperBitcode& lib) {
    // The functions m declares that lib may define: those get inlined.
    std::set<std::string> wanted;
    for (const Function& f : m.functions())
        if (f.isDeclaration() && !f.isIntrinsic()) wanted.insert(f.getName().str());
    auto buf = MemoryBuffer::getMemBuffer(StringRef(reinterpret_cast<const char*>(lib.data), lib.size), "helpers", false);
    Expected<std::unique_ptr<Module>> lazy = getOwningLazyBitcodeModule(std::move(buf), m.getContext());
    if (!lazy) throw std::runtime_error("helper bitcode: " + toString(lazy.takeError()));
    std::unique_ptr<Module> src = std::move(*lazy);
    // Compiled for whatever host runs us, like the blocks themselves.
    src->setTargetTriple(m.getTargetTriple());
    src->setDataLayout(m.getDataLayout());
    for (Function& f : *src) {
        f.removeFnAttr("target-cpu");
        f.removeFnAttr("target-features");
        f.removeFnAttr("tune-cpu");
    }
    bool failed = Linker::linkModules(m, std::move(src), Linker::LinkOnlyNeeded, [](Module& dst, const StringSet<>& linked) {
        internalizeModule(dst, [&](const GlobalValue& gv) { return !gv.hasName() || !linked.contains(gv.getName()); });
    });
    if (failed) throw std::runtime_error("helper bitcode: linking failed");
    for (Function& f : m)
        if (!f.isDeclaration() && wanted.count(f.getName().str())) {
            f.removeFnAttr(Attribute::NoInline);
            f.removeFnAttr(Attribute::OptimizeNone);
            f.addFnAttr(Attribute::AlwaysInline);
        }
}

}  // namespace tessera::jit
