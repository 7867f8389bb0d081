// -d in_asm: A64 disassembly through LLVM's MC disassembler (already linked for the JIT).
#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>

#include <cstdio>
#include <cstring>

#include "frontends/aarch64/cpu.h"

namespace tessera::aarch64 {

namespace {
LLVMDisasmContextRef context() {
    static LLVMDisasmContextRef ctx = [] {
        LLVMInitializeAArch64TargetInfo();
        LLVMInitializeAArch64TargetMC();
        LLVMInitializeAArch64Disassembler();
        return LLVMCreateDisasmCPUFeatures("aarch64-unknown-linux-gnu", "cortex-a57", "", nullptr, 0, nullptr, nullptr);
    }();
    return ctx;
}
}  // namespace

unsigned Aarch64Cpu::disas(uint64_t addr, char* out, size_t outlen) {
    out[0] = 0;
    bool was_quiet = quiet_faults;
    quiet_faults = true;  // looking, not running
    const uint8_t* p = code_ptr(addr, unsigned(el));
    quiet_faults = was_quiet;
    if (!p) {
        exception_pending = false;
        snprintf(out, outlen, "<unmapped>");
        return 0;
    }
    uint8_t bytes[4];
    memcpy(bytes, p, 4);  // 4-byte aligned: never crosses a page
    LLVMDisasmContextRef ctx = context();
    if (!ctx) {
        snprintf(out, outlen, "<no disassembler>");
        return 0;
    }
    size_t n = LLVMDisasmInstruction(ctx, bytes, 4, addr, out, outlen);
    if (!n) snprintf(out, outlen, "<undefined>");
    if (out[0] == '\t') memmove(out, out + 1, strlen(out));
    for (char* c = out; *c; c++)
        if (*c == '\t') *c = ' ';
    return n ? 4 : 0;
}

}  // namespace tessera::aarch64
