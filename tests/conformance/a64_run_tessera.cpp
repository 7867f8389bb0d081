// The Tessera side of the A64 conformance harness.
#include <cinttypes>
#include <cstring>

#include "frontends/aarch64/cpu.h"
#include "ir/ir.h"
#include "tests/conformance/a64_effects.h"
#include "tests/conformance/a64_runners.h"
#include "tests/conformance/run_streams.h"

namespace tessera::conformance::a64 {

namespace {

constexpr uint64_t kSyncCurrentSpx = 0x200;  // the vector an exception at EL1h takes

void load_memory(AddressSpace& as, const Stream& s, const InitialState& init) {
    as.add_ram("conformance", kRamBase, kRamSize);
    std::vector<uint8_t> code = s.code();
    as.write_phys(kCodeBase, code.data(), code.size());
    std::vector<uint32_t> vectors(0x800 / 4, wfi_word());
    as.write_phys(kVbar, vectors.data(), 0x800);
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
    aarch64::Aarch64Cpu cpu(as);
    cpu.reset(kCodeBase);
    for (int i = 0; i < 31; i++) cpu.x[i] = init.x[i];
    cpu.sp() = init.sp;
    cpu.set_nzcv(init.nzcv);
    memcpy(cpu.v, init.v, sizeof cpu.v);
    cpu.fpcr = init.fpcr;
    cpu.fpsr = init.fpsr;
    cpu.tpidr_el0 = init.tpidr_el0;
    cpu.cpacr_el1 = 3ull << 20;  // FPEN: FP and AdvSIMD do not trap
    cpu.vbar_el1 = kVbar;

    const RunOutcome run = run_stream(cpu, as, mode, baseline);
    const bool timed_out = run.timed_out, diverged = run.diverged;

    FinalState out;
    for (int i = 0; i < 31; i++) out.x[i] = cpu.x[i];
    out.sp = cpu.sp();
    out.nzcv = uint32_t(cpu.nzcv());
    memcpy(out.v, cpu.v, sizeof out.v);
    out.fpcr = cpu.fpcr;
    out.fpsr = cpu.fpsr;
    out.tpidr_el0 = cpu.tpidr_el0;
    out.data.resize(kDataSize);
    as.read_phys(kDataBase, out.data.data(), kDataSize);
    const unsigned ec = unsigned(cpu.esr_el1 >> 26);
    if (diverged) {
        out.problem = "lockstep: the interpreter and the JIT diverged (report above), pc=" + hex(cpu.pc);
    } else if (timed_out) {
        out.problem = "did not finish within the time limit, pc=" + hex(cpu.pc);
    } else if (cpu.pc == s.end_pc + 4) {
        out.completed = true;
    } else if (cpu.pc == kVbar + kSyncCurrentSpx + 4 && ec == aarch64::EC_UNKNOWN) {
        out.undefined = true;
        out.undefined_pc = cpu.elr_el1;
    } else {
        out.problem = "exception: pc=" + hex(cpu.pc) + " esr=" + hex(cpu.esr_el1) + " elr=" + hex(cpu.elr_el1) +
                      " far=" + hex(cpu.far_el1);
    }
    return out;
}

std::vector<std::string> disassemble(const Stream& s) {
    std::vector<std::string> out;
    for (const Insn& in : s.insns) out.push_back(disassemble_word(in.word, in.addr));
    return out;
}

std::string ir_of(const Stream& s, size_t index) {
    AddressSpace as;
    InitialState none;
    none.data.assign(kDataSize, 0);
    load_memory(as, s, none);
    // The instruction alone: a WFI right after it ends the block.
    const Insn& in = s.insns[index];
    const uint32_t wfi = wfi_word();
    as.write_phys(in.addr + 4, &wfi, 4);
    aarch64::Aarch64Cpu cpu(as);
    cpu.reset(in.addr);
    cpu.cpacr_el1 = 3ull << 20;
    ir::Block b;
    uint64_t page2 = ~0ull;
    if (!cpu.translate_block(cpu.pc, cpu.tb_mode(), b, &page2)) return "(translation faulted)\n";
    return ir::print(b);
}

}  // namespace tessera::conformance::a64
