// -d in_asm: RISC-V disassembly through LLVM's MC disassembler (Capstone has no RISC-V).
#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "frontends/riscv/cpu.h"

namespace tessera::riscv {

namespace {
LLVMDisasmContextRef context() {
    static LLVMDisasmContextRef ctx = [] {
        LLVMInitializeRISCVTargetInfo();
        LLVMInitializeRISCVTargetMC();
        LLVMInitializeRISCVDisassembler();
        return LLVMCreateDisasmCPUFeatures("riscv64-unknown-elf", "generic-rv64", "+m,+a,+f,+d,+c,+zicsr,+zifencei",
                                           nullptr, 0, nullptr, nullptr);
    }();
    return ctx;
}
}  // namespace

unsigned RiscvCpu::disas(uint64_t addr, char* out, size_t outlen) {
    out[0] = 0;
    bool was_quiet = quiet_faults;
    quiet_faults = true;  // looking, not running
    const uint8_t* p = code_ptr(addr, priv);
    quiet_faults = was_quiet;
    if (!p) {
        exception_pending = false;
        snprintf(out, outlen, "<unmapped>");
        return 0;
    }
    uint8_t bytes[4];
    size_t avail = PAGE_SIZE - (addr & ~PAGE_MASK);
    memcpy(bytes, p, avail < 4 ? avail : 4);
    LLVMDisasmContextRef ctx = context();
    if (!ctx) {
        snprintf(out, outlen, "<no disassembler>");
        return 0;
    }
    size_t n = LLVMDisasmInstruction(ctx, bytes, avail < 4 ? avail : 4, addr, out, outlen);
    if (!n) snprintf(out, outlen, "<illegal>");
    // LLVM indents with a tab; keep the log compact.
    if (out[0] == '\t') memmove(out, out + 1, strlen(out));
    for (char* c = out; *c; c++)
        if (*c == '\t') *c = ' ';
    return unsigned(n);
}

}  // namespace tessera::riscv
