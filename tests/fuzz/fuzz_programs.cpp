// libFuzzer target: whole random programs, run block by block in lockstep (the interpreter
// against LLVM's code or the baseline's), on memory maps that vary with the input: RAM that
// ends inside a page, a ROM and a scratch device beside it, registers pointing into the code
// so random stores rewrite it. Any divergence aborts; ASan catches the rest.
//
// Input: byte 0 picks the configuration (bits 1-2 RAM size, bit 3 ROM and device, bits 4-6
// all set: LLVM's code, else the baseline's), byte 1 how many registers point into the program; the rest is the program,
// copied to the start of RAM (and to the ROM). Traps go to a handler at the end of RAM that
// skips the trapping instruction; a run ends after 48 blocks.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include "backends/exec/executor.h"
#include "frontends/riscv/cpu.h"
#include "softmmu/device.h"
#include "util/log.h"

using namespace tessera;

namespace {

constexpr uint64_t kRam = 0x80000000, kRom = 0x1000, kDev = 0x10000000;
constexpr uint64_t kRamSizes[] = {16 * 1024 + 1024, 64 * 1024, (1 << 20) + 6, 8 * 1024 + 2};
constexpr uint64_t kRomSize = 0x1800;  // ends inside its second page
constexpr uint64_t kMaxProgram = 8192;
// The trap handler, at the end of RAM: skips the instruction that trapped (2 or 4 bytes, by
// its low bits) and returns, so a random program runs on past its illegal instructions.
// csrr t6,mepc; lhu t5,0(t6); andi t5,t5,3; addi t6,t6,2; li t4,3; bne t5,t4,1f;
// addi t6,t6,2; 1: csrw mepc,t6; mret
constexpr uint32_t kSkipHandler[] = {0x34102ff3, 0x000fdf03, 0x003f7f13, 0x002f8f93, 0x00300e93,
                                     0x01df1463, 0x002f8f93, 0x341f9073, 0x30200073};
constexpr uint64_t kHandlerBytes = sizeof kSkipHandler;

// A device with a few registers: reads return what was written (and the offset elsewhere).
struct Scratch : Device {
    uint64_t regs[8] = {};
    const char* name() const override { return "scratch"; }
    uint64_t read(uint64_t off, unsigned size) override {
        uint64_t v = off < 64 ? regs[off / 8] >> (8 * (off % 8)) : off;
        return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
    }
    void write(uint64_t off, unsigned, uint64_t v) override {
        if (off < 64) regs[off / 8] = v;
    }
};

// One machine per configuration, kept across inputs: an LLVM engine takes a while to start.
struct Machine {
    AddressSpace as;
    Scratch dev;
    std::unique_ptr<riscv::RiscvCpu> cpu;
    TbCache cache;
    std::unique_ptr<Executor> exec;
    uint64_t ram_size;
    Machine(uint8_t cfg) : ram_size(kRamSizes[(cfg >> 1) & 3]) {
        as.add_ram("ram", kRam, ram_size);
        if (cfg & 8) {
            as.add_rom("rom", kRom, kRomSize);
            as.add_mmio("scratch", kDev, 0x100, &dev);
        }
        cpu = std::make_unique<riscv::RiscvCpu>(as, 0);
        cpu->read_time = [] { return uint64_t(12345); };
        ExecOptions eo;
        eo.mode = ExecMode::Lockstep;
        eo.baseline = cfg & 1;
        eo.max_blocks = 48;
        exec = std::make_unique<Executor>(*cpu, cache, eo);
        as.on_code_write = [this](uint64_t pa, uint64_t size) { return cache.invalidate_range(pa, size); };
        as.on_code_mark = [this](uint64_t page) { cpu->tlb_protect_code(page); };
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 6) return 0;
    static std::map<uint8_t, std::unique_ptr<Machine>> machines;
    // LLVM compiles take milliseconds (more under ASan), the baseline's microseconds: one
    // input in eight checks LLVM's code, the rest the baseline's.
    bool llvm = (data[0] & 0x70) == 0x70;
    uint8_t cfg = uint8_t((data[0] & 14) | (llvm ? 0 : 1));
    auto& slot = machines[cfg];
    if (!slot) slot = std::make_unique<Machine>(cfg);
    Machine& m = *slot;
    unsigned pointers = data[1] % 16;
    data += 2;
    size -= 2;

    m.exec->flush();
    m.exec->stats = ExecStats{};  // max_blocks counts from here
    memset(m.as.host_ptr(kRam, m.ram_size), 0, m.ram_size);
    uint64_t handler = (kRam + m.ram_size - kHandlerBytes - 8) & ~uint64_t(3);
    size_t n = std::min<size_t>({size, kMaxProgram, handler - kRam});
    m.as.write_phys(kRam, data, n);
    m.as.write_phys(handler, kSkipHandler, kHandlerBytes);
    if (cfg & 8) {
        memset(m.as.host_ptr(kRom, kRomSize), 0, kRomSize);
        m.as.write_phys(kRom, data, std::min<size_t>(n, kRomSize));
    }
    m.cpu->reset(kRam);
    m.cpu->mstatus_ |= riscv::mstatus::FS;  // let FP instructions run
    m.cpu->mtvec = handler;                  // traps skip the instruction
    // Registers into the program (and the last bytes of RAM), so stores rewrite code.
    for (unsigned r = 0; r < pointers; r++) {
        uint64_t at = r & 1 ? kRam + ((r * 131) % n) : kRam + m.ram_size - 8 * (r + 1);
        m.cpu->x[5 + r] = at;
    }
    m.exec->run();
    if (m.exec->diverged()) abort();  // the report is on stderr
    m.cpu->stop_requested = false;
    return 0;
}
