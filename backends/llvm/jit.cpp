// The ORC engine: one LLJIT for the process, an optimisation pipeline in its IR
// transform layer, and one resource tracker per block so dead code can be freed.
#include "backends/llvm/jit.h"

#include <llvm-c/Disassembler.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/IPO/AlwaysInliner.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/Support/raw_ostream.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <algorithm>
#include <mutex>
#include <set>

#include <unistd.h>

#include "backends/llvm/helper_call.h"
#include "backends/llvm/lower.h"

// Slow paths called from compiled code (declared in jit.h).
extern "C" uint64_t tessera_jit_load_slow(tessera::Vcpu* env, uint64_t va, uint64_t size, uint64_t idx) {
    return env->load_slow(va, unsigned(size), unsigned(idx));
}
extern "C" void tessera_jit_store_slow(tessera::Vcpu* env, uint64_t va, uint64_t size, uint64_t val, uint64_t idx) {
    env->store_slow(va, unsigned(size), val, unsigned(idx));
}

namespace tessera::jit {

using namespace llvm;


namespace {
constexpr const char* kPipeline =
    "function(sroa,early-cse<memssa>,instcombine<no-verify-fixpoint>,simplifycfg,gvn,dse,instcombine<no-verify-fixpoint>,simplifycfg)";

void check(Error e) {
    if (e) throw std::runtime_error("LLVM JIT: " + toString(std::move(e)));
}
template <typename T>
T check(Expected<T> v) {
    if (!v) throw std::runtime_error("LLVM JIT: " + toString(v.takeError()));
    return std::move(*v);
}

std::string disassemble_bytes(const uint8_t* p, size_t n) {
    // One per thread: the vCPU (baseline code) and the compiler thread (LLVM's) both print.
    static thread_local LLVMDisasmContextRef dis =
        LLVMCreateDisasm(sys::getProcessTriple().c_str(), nullptr, 0, nullptr, nullptr);
    std::string out;
    size_t off = 0;
    while (off < n) {
        char line[128];
        size_t len = dis ? LLVMDisasmInstruction(dis, const_cast<uint8_t*>(p) + off, n - off, off, line, sizeof line) : 0;
        if (!len) break;
        char buf[160];
        snprintf(buf, sizeof buf, "  %04zx: %s\n", off, line);
        out += buf;
        off += len;
    }
    return out;
}

std::string disassemble_text(StringRef obj_bytes) {
    auto obj = object::ObjectFile::createObjectFile(MemoryBufferRef(obj_bytes, "block"));
    if (!obj) {
        consumeError(obj.takeError());
        return "<no object>\n";
    }
    std::string out;
    for (const object::SectionRef& s : (*obj)->sections()) {
        if (!s.isText()) continue;
        auto contents = s.getContents();
        if (!contents) {
            consumeError(contents.takeError());
            continue;
        }
        out += disassemble_bytes(reinterpret_cast<const uint8_t*>(contents->data()), contents->size());
    }
    return out;
}
}  // namespace

struct Jit::Impl {
    std::unique_ptr<orc::LLJIT> jit;
    EnvLayout layout;
    std::atomic<uint64_t> compiled{0}, bytes{0}, ns{0}, freed{0}, next_id{0};
    std::atomic<uint64_t> live_bytes{0}, live_batches{0};
    std::mutex release_mu;  // the vCPU and the compile thread both release code
    unsigned removed_since_sweep = 0;  // under release_mu
    std::mutex bitcode_mu;
    std::set<const ir::HelperBitcode*> externs_defined;  // under bitcode_mu

    // What a helper library's linked code calls outside itself: defined in the JIT once.
    void define_externs(const ir::HelperBitcode& lib) {
        std::lock_guard<std::mutex> g(bitcode_mu);
        if (!externs_defined.insert(&lib).second) return;
        orc::SymbolMap syms;
        for (size_t k = 0; k < lib.num_externs; k++)
            syms[jit->mangleAndIntern(lib.externs[k].name)] = {orc::ExecutorAddr::fromPtr(lib.externs[k].addr),
                                                               JITSymbolFlags::Exported | JITSymbolFlags::Callable};
        check(jit->getMainJITDylib().define(orc::absoluteSymbols(std::move(syms))));
    }
};

static thread_local std::string* t_last_object = nullptr;  // the object of the compile on this thread

namespace {
std::mutex g_perf_mu;
FILE* g_perf_map = nullptr;
// Writes one line per function of the batch, with its size from the object's symbols.
void perf_map_add(const std::string& object, const std::vector<std::string>& names, const std::vector<BlockFn>& fns) {
    auto obj = object::ObjectFile::createObjectFile(MemoryBufferRef(object, "batch"));
    if (!obj) {
        consumeError(obj.takeError());
        return;
    }
    std::lock_guard<std::mutex> g(g_perf_mu);
    for (const object::SymbolRef& sym : (*obj)->symbols()) {
        auto name = sym.getName();
        if (!name) {
            consumeError(name.takeError());
            continue;
        }
        for (size_t k = 0; k < names.size(); k++)
            if (*name == names[k])
                fprintf(g_perf_map, "%" PRIxPTR " %" PRIx64 " %s\n", reinterpret_cast<uintptr_t>(fns[k]),
                        object::ELFSymbolRef(sym).getSize(), names[k].c_str());
    }
    fflush(g_perf_map);
}
}  // namespace

bool perf_map_enabled() {
    std::lock_guard<std::mutex> g(g_perf_mu);
    return g_perf_map != nullptr;
}

void perf_map_add(const void* start, size_t size, const std::string& name) {
    std::lock_guard<std::mutex> g(g_perf_mu);
    if (!g_perf_map) return;
    fprintf(g_perf_map, "%" PRIxPTR " %zx %s\n", reinterpret_cast<uintptr_t>(start), size, name.c_str());
    fflush(g_perf_map);
}

std::string disassemble_host(const uint8_t* code, size_t n) {
    static std::once_flag init;
    std::call_once(init, [] {
        InitializeNativeTarget();
        InitializeNativeTargetDisassembler();
    });
    return disassemble_bytes(code, n);
}

void enable_perf_map() {
    std::lock_guard<std::mutex> g(g_perf_mu);
    if (g_perf_map) return;
    std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
    g_perf_map = fopen(path.c_str(), "w");
    if (!g_perf_map) throw std::runtime_error("-perfmap: cannot create " + path);
}

Jit::Jit(const Vcpu& cpu, bool count_accesses, bool helper_bitcode) : impl_(std::make_unique<Impl>()) {
    impl_->layout.count_accesses = count_accesses;
    impl_->layout.helper_bitcode = helper_bitcode;
    static std::once_flag init;
    std::call_once(init, [] {
        InitializeNativeTarget();
        InitializeNativeTargetAsmPrinter();
        InitializeNativeTargetDisassembler();
    });
    static_cast<CodeLayout&>(impl_->layout) = cpu.code_layout();

    auto jtmb = check(orc::JITTargetMachineBuilder::detectHost());
    jtmb.setCodeGenOptLevel(CodeGenOptLevel::Default);
    impl_->jit = check(orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(jtmb)).create());
    // Helpers and slow paths are host symbols of this process.
    auto gen = check(orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
        impl_->jit->getDataLayout().getGlobalPrefix()));
    impl_->jit->getMainJITDylib().addGenerator(std::move(gen));
    impl_->jit->getMainJITDylib().getExecutionSession().setErrorReporter([](Error e) {
        logAllUnhandledErrors(std::move(e), errs(), "tessera jit: ");
    });

    impl_->jit->getIRTransformLayer().setTransform(
        [](orc::ThreadSafeModule tsm, orc::MaterializationResponsibility&) -> Expected<orc::ThreadSafeModule> {
            tsm.withModuleDo([](Module& m) {
                LoopAnalysisManager lam;
                FunctionAnalysisManager fam;
                CGSCCAnalysisManager cgam;
                ModuleAnalysisManager mam;
                PassBuilder pb;
                pb.registerModuleAnalyses(mam);
                pb.registerCGSCCAnalyses(cgam);
                pb.registerFunctionAnalyses(fam);
                pb.registerLoopAnalyses(lam);
                pb.crossRegisterProxies(lam, fam, cgam, mam);
                // A block is one function without loops: the scalar clean-up that matters
                // (promote temps, forward guest-register loads across guest memory
                // accesses via TBAA, fold, drop dead stores) without the whole O2 pipeline.
                ModulePassManager mpm;
                // Helpers linked from bitcode are inlined first, so the clean-up sees through them.
                bool inline_helpers = false;
                for (const Function& f : m) inline_helpers |= f.hasFnAttribute(Attribute::AlwaysInline);
                if (inline_helpers) mpm.addPass(AlwaysInlinerPass());
                if (auto err = pb.parsePassPipeline(mpm, kPipeline)) {
                    errs() << "tessera jit: bad pipeline: " << toString(std::move(err)) << "\n";
                    return;
                }
                mpm.run(m, mam);
            });
            return tsm;
        });
    {  // the C-convention trampoline into preserve_none block code
        auto ctx = std::make_unique<LLVMContext>();
        auto m = std::make_unique<Module>("tessera_enter", *ctx);
        Type* i64 = Type::getInt64Ty(*ctx);
        PointerType* p = PointerType::getUnqual(*ctx);
        Function* f = Function::Create(FunctionType::get(i64, {p, p}, false), Function::ExternalLinkage, "tessera_enter", *m);
        IRBuilder<> b(BasicBlock::Create(*ctx, "entry", f));
        CallInst* call = b.CreateCall(FunctionType::get(i64, {p}, false), f->getArg(1), {f->getArg(0)});
        call->setCallingConv(CallingConv::PreserveNone);
        b.CreateRet(call);
        // TLB-miss trampolines: preserve_most, so compiled blocks keep their registers
        // across a miss; the trampoline saves what the C slow path may clobber.
        auto trampoline = [&](const char* name, FunctionType* ft, const void* c_fn) {
            Function* t = Function::Create(ft, Function::ExternalLinkage, name, *m);
            t->setCallingConv(CallingConv::PreserveMost);
            IRBuilder<> tb(BasicBlock::Create(*ctx, "entry", t));
            std::vector<Value*> args;
            for (Argument& a : t->args()) args.push_back(&a);
            Value* fn = tb.CreateIntToPtr(tb.getInt64(uint64_t(reinterpret_cast<uintptr_t>(c_fn))), p);
            CallInst* c = tb.CreateCall(ft, fn, args);
            if (ft->getReturnType()->isVoidTy()) tb.CreateRetVoid();
            else tb.CreateRet(c);
        };
        Type* v = Type::getVoidTy(*ctx);
        trampoline("tessera_load_slow_pm", FunctionType::get(i64, {p, i64, i64, i64}, false),
                   reinterpret_cast<const void*>(&tessera_jit_load_slow));
        trampoline("tessera_store_slow_pm", FunctionType::get(v, {p, i64, i64, i64, i64}, false),
                   reinterpret_cast<const void*>(&tessera_jit_store_slow));
        check(impl_->jit->addIRModule(orc::ThreadSafeModule(std::move(m), std::move(ctx))));
        enter_ = check(impl_->jit->lookup("tessera_enter")).toPtr<int64_t (*)(Vcpu*, BlockFn)>();
        impl_->layout.load_slow = check(impl_->jit->lookup("tessera_load_slow_pm")).getValue();
        impl_->layout.store_slow = check(impl_->jit->lookup("tessera_store_slow_pm")).getValue();
    }
    impl_->jit->getObjTransformLayer().setTransform(
        [this](std::unique_ptr<MemoryBuffer> obj) -> Expected<std::unique_ptr<MemoryBuffer>> {
            impl_->bytes += obj->getBufferSize();
            if (t_last_object) *t_last_object = obj->getBuffer().str();
            return obj;
        });
}

Jit::~Jit() = default;

CompiledBlock Jit::compile(const ir::Block& b, bool keep_ir, bool keep_asm, const ChainInfo* chain) {
    std::vector<ChainInfo> chains;
    if (chain) chains.push_back(*chain);
    return std::move(compile_batch({Region{{&b}, chains}}, keep_ir, keep_asm)[0]);
}

namespace {
// The code of one batch: freed when its last block is released.
struct SharedCode {
    orc::ResourceTrackerSP rt;
    size_t users = 0;
    uint64_t bytes = 0;
};
}  // namespace

std::vector<CompiledBlock> Jit::compile_batch(const std::vector<Region>& regions, bool keep_ir, bool keep_asm) {
    auto t0 = std::chrono::steady_clock::now();
    auto ctx = std::make_unique<LLVMContext>();
    uint64_t id = impl_->next_id++;
    auto mod = std::make_unique<Module>("batch_" + std::to_string(id), *ctx);
    std::vector<const ir::HelperBitcode*> libs;
    std::vector<std::string> names;
    std::vector<CompiledBlock> out(regions.size());
    for (size_t k = 0; k < regions.size(); k++) {
        const Region& r = regions[k];
        char name[64];
        snprintf(name, sizeof name, "tb_%" PRIx64 "_%" PRIu64 "_%zu", r.blocks[0]->guest_pc, id, k);
        names.push_back(name);
        lower_region(r.blocks, impl_->layout, *mod, name, r.chains.empty() ? nullptr : &r.chains);
        if (impl_->layout.helper_bitcode)
            for (const ir::HelperBitcode* lib : helper_bitcode_used(r.blocks))
                if (std::find(libs.begin(), libs.end(), lib) == libs.end()) libs.push_back(lib);
        if (keep_ir) {
            raw_string_ostream os(out[k].llvm_ir);
            mod->getFunction(name)->print(os, nullptr);
        }
    }
    if (!libs.empty()) {  // the helper bitcode is linked into a module of the same target
        mod->setDataLayout(impl_->jit->getDataLayout());
        mod->setTargetTriple(impl_->jit->getTargetTriple().str());
    }
    for (const ir::HelperBitcode* lib : libs) {
        impl_->define_externs(*lib);
        link_helper_bitcode(*mod, *lib);
    }
    auto& dylib = impl_->jit->getMainJITDylib();
    auto shared = std::make_unique<SharedCode>();
    shared->rt = dylib.createResourceTracker();
    check(impl_->jit->addIRModule(shared->rt, orc::ThreadSafeModule(std::move(mod), std::move(ctx))));
    std::string object;
    bool perf_map = g_perf_map != nullptr;
    t_last_object = keep_asm || perf_map ? &object : nullptr;
    uint64_t before = impl_->bytes;
    auto lookup = [&](const std::string& n) {
        auto addr = impl_->jit->lookup(n);  // the first lookup compiles the whole module
        if (!addr) {
            t_last_object = nullptr;
            consumeError(shared->rt->remove());
            throw std::runtime_error("LLVM JIT: " + toString(addr.takeError()));
        }
        return addr->toPtr<BlockFn>();
    };
    std::vector<BlockFn> fns;
    for (const std::string& n : names) fns.push_back(lookup(n));
    t_last_object = nullptr;
    uint64_t bytes = impl_->bytes - before;
    std::string text = keep_asm ? disassemble_text(object) : std::string();
    if (perf_map) perf_map_add(object, names, fns);
    // Other members' entry trampolines: each is released on its own, like a block.
    size_t users = 0;
    for (size_t k = 0; k < regions.size(); k++) {
        out[k].entries.push_back(fns[k]);
        for (size_t m = 1; m < regions[k].blocks.size(); m++) out[k].entries.push_back(lookup(names[k] + "_e" + std::to_string(m)));
        users += out[k].entries.size();
    }
    shared->users = users;
    shared->bytes = bytes;
    impl_->live_bytes += bytes;
    impl_->live_batches++;
    SharedCode* handle = shared.release();
    for (size_t k = 0; k < regions.size(); k++) {
        out[k].fn = fns[k];
        out[k].code_bytes = bytes / regions.size();
        if (keep_asm) out[k].host_asm = text;
        out[k].handle = handle;
    }
    impl_->compiled += regions.size();
    impl_->ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
    return out;
}

CompiledBlock Jit::share_entry(const CompiledBlock& region, size_t k) {
    CompiledBlock c;
    c.fn = region.entries.at(k);
    c.handle = region.handle;  // counted among the users when the batch was compiled
    return c;
}

void Jit::release_unused(CompiledBlock& region) {
    for (size_t k = 1; k < region.entries.size(); k++) {
        CompiledBlock c = share_entry(region, k);
        release(c);
    }
    release(region);
}

void Jit::release(CompiledBlock& cb) {
    if (!cb.handle) return;
    auto* shared = static_cast<SharedCode*>(cb.handle);
    cb.handle = nullptr;
    cb.fn = nullptr;
    impl_->freed++;
    std::lock_guard<std::mutex> g(impl_->release_mu);
    if (--shared->users) return;
    check(shared->rt->remove());
    impl_->live_bytes -= shared->bytes;
    impl_->live_batches--;
    delete shared;
    // The removed symbols' names stay interned until the pool is swept.
    if (++impl_->removed_since_sweep >= 1024) {
        impl_->removed_since_sweep = 0;
        impl_->jit->getExecutionSession().getSymbolStringPool()->clearDeadEntries();
    }
}

JitStats Jit::stats() const {
    return JitStats{impl_->compiled.load(), impl_->bytes.load(),        impl_->ns.load(),
                    impl_->freed.load(),    impl_->live_bytes.load(), impl_->live_batches.load()};
}

}  // namespace tessera::jit
