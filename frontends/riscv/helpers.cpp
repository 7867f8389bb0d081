// Helpers called from translated code (interpreter and JIT alike): the rare and
// privileged parts of RISC-V that depend on run-time state.
#include "frontends/riscv/amo.h"
#include "frontends/riscv/csr.h"
#include "frontends/riscv/fpu.h"
#include "frontends/riscv/fpu_helpers.h"
#include "frontends/riscv/translate.h"
#include "util/log.h"

// The embedded bitcode of fpu_helpers.cpp (generated: build/riscv_helpers_bc.cpp).
extern const unsigned char tessera_riscv_helpers_bc[];
extern const size_t tessera_riscv_helpers_bc_size;

namespace tessera::riscv {

namespace {

RiscvCpu& cpu_of(void* env) { return *static_cast<RiscvCpu*>(static_cast<Vcpu*>(env)); }

uint64_t raise(void* env, uint64_t cause, uint64_t tval, uint64_t, uint64_t) {
    cpu_of(env).raise(cause, tval);
    return 0;
}

uint64_t csr(void* env, uint64_t desc, uint64_t value, uint64_t index, uint64_t insn) {
    RiscvCpu& c = cpu_of(env);
    uint32_t num = desc & 0xfff;
    auto op = CsrOp((desc >> 12) & 3);
    bool reads = (desc >> 14) & 1, writes = (desc >> 15) & 1;
    if (!csr_accessible(c, num, writes)) {
        c.raise(EXC_ILLEGAL, insn);
        return 0;
    }
    uint64_t old = 0;
    if ((reads || op != CsrOp::Write) && !csr_read(c, num, index, &old)) {
        c.raise(EXC_ILLEGAL, insn);
        return 0;
    }
    if (writes) {
        uint64_t nv = op == CsrOp::Write ? value : op == CsrOp::Set ? (old | value) : (old & ~value);
        if (!csr_write(c, num, nv, index)) {
            c.raise(EXC_ILLEGAL, insn);
            return 0;
        }
    }
    return old;
}

uint64_t mret(void* env, uint64_t insn, uint64_t, uint64_t, uint64_t) {
    RiscvCpu& c = cpu_of(env);
    if (c.priv != PRV_M) {
        c.raise(EXC_ILLEGAL, insn);
        return 0;
    }
    uint64_t s = c.mstatus_;
    unsigned mpp = unsigned((s & mstatus::MPP) >> mstatus::MPP_SHIFT);
    s = (s & ~mstatus::MIE) | ((s & mstatus::MPIE) ? mstatus::MIE : 0);
    s |= mstatus::MPIE;
    s &= ~mstatus::MPP;
    if (mpp != PRV_M) s &= ~mstatus::MPRV;
    c.priv = uint8_t(mpp);
    c.set_mstatus(s);
    c.irq_check = true;
    return c.mepc;
}

uint64_t sret(void* env, uint64_t insn, uint64_t, uint64_t, uint64_t) {
    RiscvCpu& c = cpu_of(env);
    if (c.priv < PRV_S || (c.priv == PRV_S && (c.mstatus_ & mstatus::TSR))) {
        c.raise(EXC_ILLEGAL, insn);
        return 0;
    }
    uint64_t s = c.mstatus_;
    unsigned spp = (s & mstatus::SPP) ? PRV_S : PRV_U;
    s = (s & ~mstatus::SIE) | ((s & mstatus::SPIE) ? mstatus::SIE : 0);
    s |= mstatus::SPIE;
    s &= ~mstatus::SPP;
    s &= ~mstatus::MPRV;  // returning below M
    c.priv = uint8_t(spp);
    c.set_mstatus(s);
    c.irq_check = true;
    return c.sepc;
}

uint64_t wfi(void* env, uint64_t insn, uint64_t, uint64_t, uint64_t) {
    RiscvCpu& c = cpu_of(env);
    if (c.priv == PRV_U || (c.priv == PRV_S && (c.mstatus_ & mstatus::TW))) {
        c.raise(EXC_ILLEGAL, insn);
        return 0;
    }
    c.wfi = true;
    return 0;
}

uint64_t sfence_vma(void* env, uint64_t va, uint64_t asid, uint64_t insn, uint64_t) {
    (void)asid;  // the TLB holds one address space at a time: flushing by ASID = flushing
    RiscvCpu& c = cpu_of(env);
    if (c.priv == PRV_U || (c.priv == PRV_S && (c.mstatus_ & mstatus::TVM))) {
        c.raise(EXC_ILLEGAL, insn);
        return 0;
    }
    c.tlb_flush();
    (void)va;
    return 0;
}

uint64_t mark_fs_dirty(void* env, uint64_t, uint64_t, uint64_t, uint64_t) {
    RiscvCpu& c = cpu_of(env);
    c.mstatus_ |= mstatus::FS | mstatus::SD;
    return 0;
}

uint64_t sext_result(uint64_t v, unsigned bytes) { return bytes == 4 ? uint64_t(int64_t(int32_t(uint32_t(v)))) : v; }

uint64_t amo(void* env, uint64_t va, uint64_t val, uint64_t desc, uint64_t) {
    RiscvCpu& c = cpu_of(env);
    auto op = AmoOp(desc & 0xff);
    unsigned bytes = (desc >> 8) & 0xff, idx = unsigned(desc >> 16);
    if (va & (bytes - 1)) {
        c.raise(EXC_STORE_MISALIGNED, va);
        return 0;
    }
    if (!c.probe_store(va, idx)) return 0;  // AMOs fault as stores
    uint64_t old = c.load_slow(va, bytes, idx);
    if (c.exception_pending) return 0;
    uint64_t so = sext_result(old, bytes), sv = sext_result(val, bytes);
    uint64_t mask = bytes == 4 ? 0xffffffffull : ~0ull;
    uint64_t uo = old & mask, uv = val & mask, nv = 0;
    switch (op) {
    case AmoOp::Swap: nv = val; break;
    case AmoOp::Add: nv = old + val; break;
    case AmoOp::Xor: nv = old ^ val; break;
    case AmoOp::And: nv = old & val; break;
    case AmoOp::Or: nv = old | val; break;
    case AmoOp::Min: nv = int64_t(so) < int64_t(sv) ? old : val; break;
    case AmoOp::Max: nv = int64_t(so) > int64_t(sv) ? old : val; break;
    case AmoOp::MinU: nv = uo < uv ? old : val; break;
    case AmoOp::MaxU: nv = uo > uv ? old : val; break;
    }
    c.store_slow(va, bytes, nv & mask, idx);
    return so;
}

uint64_t lr(void* env, uint64_t va, uint64_t desc, uint64_t, uint64_t) {
    RiscvCpu& c = cpu_of(env);
    unsigned bytes = (desc >> 8) & 0xff, idx = unsigned(desc >> 16);
    if (va & (bytes - 1)) {
        c.raise(EXC_LOAD_MISALIGNED, va);
        return 0;
    }
    uint64_t v = c.load_slow(va, bytes, idx);
    if (c.exception_pending) return 0;
    c.res_addr = va;
    c.res_val = v;
    return sext_result(v, bytes);
}

uint64_t sc(void* env, uint64_t va, uint64_t val, uint64_t desc, uint64_t) {
    RiscvCpu& c = cpu_of(env);
    unsigned bytes = (desc >> 8) & 0xff, idx = unsigned(desc >> 16);
    if (va & (bytes - 1)) {
        c.raise(EXC_STORE_MISALIGNED, va);
        return 0;
    }
    bool reserved = c.res_addr == va;
    c.res_addr = ~0ull;
    if (!reserved) return 1;
    if (!c.probe_store(va, idx)) return 0;
    uint64_t cur = c.load_slow(va, bytes, idx);
    if (c.exception_pending) return 0;
    if (cur != c.res_val) return 1;  // someone (a device, DMA) changed it since the LR
    uint64_t mask = bytes == 4 ? 0xffffffffull : ~0ull;
    c.store_slow(va, bytes, val & mask, idx);
    return 0;
}

}  // namespace

// The generic F/D path (fpu_helpers.h): soft-float for any op and rounding mode.
extern "C" uint64_t tessera_rv_fp_slow(void* env, uint64_t desc, uint64_t a, uint64_t b, uint64_t d) {
    RiscvCpu& c = cpu_of(env);
    auto op = fp::FpOp(desc & 0xff);
    unsigned rm = (desc >> 8) & 7;
    if (rm == 7) rm = c.frm;
    if (rm > 4) {
        c.raise(EXC_ILLEGAL, desc >> 32);
        return 0;
    }
    uint32_t flags = 0;
    uint64_t r = fp::fp_exec(op, a, b, d, int(rm), &flags);
    if (flags) {
        c.fflags |= flags;
        c.mstatus_ |= mstatus::FS | mstatus::SD;
    }
    return r;
}

using namespace ir;
const Helper h_raise{"raise", raise, HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_csr{"csr", csr, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_COUNTERS};
const Helper h_mret{"mret", mret, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_ENDS_BLOCK};
const Helper h_sret{"sret", sret, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_ENDS_BLOCK};
const Helper h_wfi{"wfi", wfi, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_ENDS_BLOCK};
const Helper h_sfence_vma{"sfence_vma", sfence_vma, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_ENDS_BLOCK};

// The F/D helpers: native code from fpu_helpers.cpp, and the same source as bitcode
// (riscv_helpers_bc.cpp, generated) for the LLVM tier to inline.
const Helper h_fp{"fp", tessera_rv_fp_slow, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_CPU_ONLY};
const HelperBitcode kFpBitcode = [] {
    static const HelperBitcode::Extern externs[] = {{"tessera_rv_fp_slow", reinterpret_cast<const void*>(&tessera_rv_fp_slow)}};
    return HelperBitcode{tessera_riscv_helpers_bc, tessera_riscv_helpers_bc_size, externs, 1};
}();

const Helper* fp_helper_for(fp::FpOp op) {
    constexpr uint32_t kArith = HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE | HF_CPU_ONLY;
    constexpr uint32_t kPure = HF_CPU_ONLY;
#define FP_HELPER(o, fl) static const Helper h_##o{"fp_" #o, tessera_rv_##o, fl, "tessera_rv_" #o, &kFpBitcode};
#define FP_ARITH(o) FP_HELPER(o, kArith)
#define FP_PURE(o) FP_HELPER(o, kPure)
#define FP_CASE(o) case fp::FpOp::o: return &h_##o;
    TESSERA_RV_FP_ARITH_HELPERS(FP_ARITH)
    TESSERA_RV_FP_MISC_HELPERS(FP_ARITH)
    TESSERA_RV_FP_PURE_HELPERS(FP_PURE)
    switch (op) {
        TESSERA_RV_FP_ARITH_HELPERS(FP_CASE)
        TESSERA_RV_FP_MISC_HELPERS(FP_CASE)
        TESSERA_RV_FP_PURE_HELPERS(FP_CASE)
    case fp::FpOp::COUNT: break;
    }
    return &h_fp;
#undef FP_CASE
#undef FP_PURE
#undef FP_ARITH
#undef FP_HELPER
}
const Helper h_amo{"amo", amo, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_lr{"lr", lr, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_sc{"sc", sc, HF_READS_ENV | HF_WRITES_ENV | HF_MAY_RAISE};
const Helper h_mark_fs_dirty{"mark_fs_dirty", mark_fs_dirty, HF_WRITES_ENV};

}  // namespace tessera::riscv
