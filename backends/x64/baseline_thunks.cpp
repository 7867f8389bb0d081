// The baseline engine's code shared by every block, made once when the engine starts and
// kept across flushes: the C-convention entry trampoline and the TLB-miss thunks.
#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "backends/x64/assembler.h"
#include "backends/x64/baseline.h"
#include "backends/x64/reg_copies.h"

namespace tessera::x64 {

Baseline::Baseline(const Vcpu& cpu, size_t buffer_bytes, bool count_accesses)
    : lay_(cpu.code_layout()), buffer_(buffer_bytes), reserve_(std::min(size_t(1) << 20, buffer_bytes / 4)),
      count_accesses_(count_accesses) {
#if !defined(__x86_64__)
    throw std::runtime_error("the host is not x86-64");
#endif
    // enter(env, fn): save what C expects preserved (preserve_none code keeps nothing),
    // env into r12, call fn with the stack aligned as after a call.
    Assembler a;
    for (Reg r : {RBX, RBP, R12, R13, R14, R15}) a.push(r);
    a.alu(SUB, true, RSP, 8);
    a.mov(true, R12, RDI);
    a.call(RSI);
    a.alu(ADD, true, RSP, 8);
    for (Reg r : {R15, R14, R13, R12, RBP, RBX}) a.pop(r);
    a.ret();
    enter_ = reinterpret_cast<int64_t (*)(Vcpu*, jit::BlockFn)>(const_cast<uint8_t*>(buffer_.add(a.code.data(), a.code.size())));
    thunks_.load = miss_thunk(false);
    thunks_.store = miss_thunk(true);
    reserved_ = buffer_.used();
    perf_map_ = jit::perf_map_enabled();
}

// A TLB miss's slow path, shared by every block: entered by a call from the block (the
// stack aligned there), va in rsi, a store's value in rdx, edi = size | mmu index << 8. Keeps
// the guest register copies r9-r11 (the C function may clobber them) and returns with the
// flags of "exception pending != 0" (pops and ret leave them).
const uint8_t* Baseline::miss_thunk(bool is_store) {
    Assembler a;
    for (Reg r : RegCopies::kRegs) a.push(r);  // with the return address: aligned again
    if (is_store) {
        a.mov(true, RCX, RDX);  // the value
        a.mov(false, R8, RDI);
        a.shift(SHR, false, R8, 8);
    } else {
        a.mov(false, RCX, RDI);
        a.shift(SHR, false, RCX, 8);
    }
    a.movzx8(RDX, RDI);  // the size
    a.mov(true, RDI, R12);
    const void* fn = is_store ? reinterpret_cast<const void*>(&tessera_jit_store_slow)
                              : reinterpret_cast<const void*>(&tessera_jit_load_slow);
    a.mov_imm(RAX, uint64_t(reinterpret_cast<uintptr_t>(fn)));
    a.call(RAX);
    for (int i = int(std::size(RegCopies::kRegs)) - 1; i >= 0; i--) a.pop(RegCopies::kRegs[i]);
    a.cmp8(Mem{R12, int32_t(lay_.exception_pending)}, 0);
    a.ret();
    return buffer_.add(a.code.data(), a.code.size());
}

}  // namespace tessera::x64
