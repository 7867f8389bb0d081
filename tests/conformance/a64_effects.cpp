// See a64_effects.h.
#include "tests/conformance/a64_effects.h"

#include <cstring>

#include "frontends/aarch64/translate.h"
#include "tests/conformance/a64_stream_gen.h"

namespace tessera::conformance::a64 {

namespace {

// One CPU for translating words one at a time (the generator is single-threaded per case;
// thread_local keeps parallel callers apart).
struct Translator {
    AddressSpace as;
    aarch64::Aarch64Cpu cpu{as};
    Translator() {
        as.add_ram("conformance-probe", kRamBase, kRamSize);
        cpu.reset(kCodeBase);
        cpu.cpacr_el1 = 3ull << 20;
    }
};

Translator& translator() {
    thread_local Translator t;
    return t;
}

}  // namespace

Effects effects_of(uint32_t word, uint64_t pc) {
    Translator& t = translator();
    aarch64::Aarch64Cpu& cpu = t.cpu;
    Effects e;
    const aarch64::Pattern* p = aarch64::decode(word);
    if (!p) return e;
    ir::Block block;
    ir::Builder b(block);
    aarch64::Ctx c{cpu, b, cpu.tb_mode().flags};
    c.pc = pc;
    c.insn = word;
    if (!p->handler(c, word)) return e;
    e.accepted = true;
    const int64_t x0 = aarch64::env_off(cpu, cpu.x[0]), sp0 = aarch64::env_off(cpu, cpu.sp_el[0]);
    for (const ir::Insn& i : block.insns) {
        if (i.op == ir::Op::call && i.imm == int64_t(reinterpret_cast<intptr_t>(&aarch64::h_raise))) e.raises = true;
        if (i.op != ir::Op::st_env) continue;
        if (i.imm >= x0 && i.imm < x0 + 31 * 8) e.writes_x |= 1u << ((i.imm - x0) / 8);
        if (i.imm >= sp0 && i.imm < sp0 + 2 * 8) e.writes_sp = true;
    }
    return e;
}

std::string disassemble_word(uint32_t word, uint64_t pc) {
    Translator& t = translator();
    t.as.write_phys(pc, &word, 4);
    char text[128];
    t.cpu.disas(pc, text, sizeof text);
    return text;
}

}  // namespace tessera::conformance::a64
