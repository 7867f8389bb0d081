// The Tessera side of the conformance harness.
#include <cinttypes>
#include <cstdio>

#include "frontends/riscv/cpu.h"
#include "ir/ir.h"
#include "tests/conformance/rv_runners.h"
#include "tests/conformance/run_streams.h"

namespace tessera::conformance {

namespace {


// Guest memory with the stream, the trap loop and the data buffer.
void load_memory(AddressSpace& as, const Stream& s, const InitialState& init) {
    as.add_ram("conformance", kRamBase, kRamSize);
    std::vector<uint8_t> code = s.code();
    as.write_phys(kCodeBase, code.data(), code.size());
    auto trap = trap_loop_words();
    as.write_phys(kTrapBase, trap.data(), sizeof trap);
    as.write_phys(kDataBase, init.data.data(), init.data.size());
}

std::string hex(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "%#" PRIx64, v);
    return b;
}

}  // namespace

FinalState run_on_tessera(const Stream& s, const InitialState& init, ExecMode mode, bool baseline) {
    AddressSpace as;
    load_memory(as, s, init);
    riscv::RiscvCpu cpu(as, 0);
    cpu.reset(kCodeBase);
    for (int i = 1; i < 32; i++) cpu.x[i] = init.x[i];
    for (int i = 0; i < 32; i++) cpu.f[i] = init.f[i];
    cpu.frm = init.frm;
    cpu.fflags = init.fflags;
    cpu.mtvec = kTrapBase;
    cpu.set_mstatus(cpu.mstatus_ | riscv::mstatus::FS);

    const RunOutcome run = run_stream(cpu, as, mode, baseline);
    const bool timed_out = run.timed_out, diverged = run.diverged;

    FinalState out;
    for (int i = 0; i < 32; i++) out.x[i] = cpu.x[i];
    for (int i = 0; i < 32; i++) out.f[i] = cpu.f[i];
    out.fflags = cpu.fflags;
    out.data.resize(kDataSize);
    as.read_phys(kDataBase, out.data.data(), kDataSize);
    if (diverged) {
        out.problem = "lockstep: the interpreter and the JIT diverged (report above), pc=" + hex(cpu.pc);
    } else if (timed_out) {
        out.problem = "did not finish within the time limit, pc=" + hex(cpu.pc);
    } else if (cpu.mcause != riscv::EXC_ECALL_M || cpu.mepc != s.end_pc) {
        out.problem = "trapped: mcause=" + hex(cpu.mcause) + " mepc=" + hex(cpu.mepc) + " mtval=" + hex(cpu.mtval);
    } else {
        out.completed = true;
    }
    return out;
}

std::vector<std::string> disassemble(const Stream& s) {
    AddressSpace as;
    InitialState none;
    none.data.assign(kDataSize, 0);
    load_memory(as, s, none);
    riscv::RiscvCpu cpu(as, 0);
    std::vector<std::string> out;
    for (const Insn& in : s.insns) {
        char text[128];
        cpu.disas(in.addr, text, sizeof text);
        out.push_back(text);
    }
    return out;
}

std::string ir_of(const Stream& s, size_t index) {
    AddressSpace as;
    InitialState none;
    none.data.assign(kDataSize, 0);
    load_memory(as, s, none);
    // The instruction alone: an ecall right after it ends the block.
    const Insn& in = s.insns[index];
    uint32_t ecall = ecall_word();
    as.write_phys(in.addr + in.pat->len(), &ecall, 4);
    riscv::RiscvCpu cpu(as, 0);
    cpu.reset(in.addr);
    cpu.set_mstatus(cpu.mstatus_ | riscv::mstatus::FS);
    ir::Block b;
    uint64_t page2 = ~0ull;
    if (!cpu.translate_block(cpu.pc, cpu.tb_mode(), b, &page2)) return "(translation faulted)\n";
    return ir::print(b);
}

}  // namespace tessera::conformance
