// libFuzzer target: arbitrary bytes as RISC-V code. Decoding, translation to IR, the IR
// verifier and a few blocks of interpretation must never crash, hang or produce invalid IR.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "backends/interp/interp.h"
#include "frontends/riscv/cpu.h"
#include "ir/ir.h"

using namespace tessera;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static AddressSpace* as = [] {
        auto* a = new AddressSpace;
        a->add_ram("ram", 0x80000000, 1 << 20);
        return a;
    }();
    constexpr uint64_t base = 0x80000000;
    size_t n = size < 4096 ? size : 4096;
    as->write_phys(base, data, n);
    riscv::RiscvCpu cpu(*as, 0);
    cpu.pc = base;
    cpu.mstatus_ |= riscv::mstatus::FS;  // let FP instructions translate
    for (int blocks = 0; blocks < 16; blocks++) {
        ir::Block b;
        uint64_t page2 = ~0ull;
        TbMode mode = cpu.tb_mode();
        if (!cpu.translate_block(cpu.pc, mode, b, &page2)) {
            cpu.do_exception();
            continue;
        }
        std::string err = ir::verify(b);
        if (!err.empty()) {
            fprintf(stderr, "invalid IR: %s\n%s", err.c_str(), ir::print(b).c_str());
            abort();
        }
        auto code = interp::compile(b, interp::frame_offset(cpu));
        if (interp::run(*code, cpu) == interp::EXIT_EXCEPTION) cpu.do_exception();
        cpu.halted();
    }
    memset(as->host_ptr(base, n), 0, n);
    return 0;
}
