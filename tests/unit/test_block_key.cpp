// The block key: (physical pc, 64-bit flags, extra mode word). Blocks that differ only in
// the extra word, or only in a flag bit above 32, must never be taken for one another, by
// the block table, the jump cache or the indirect branch cache, in any executor.
#include <doctest/doctest.h>

#include "backends/exec/executor.h"
#include "fake_cpu.h"
#include "ir/builder.h"

using namespace tessera;

namespace {

constexpr uint64_t kJumper = 0x80000000;  // exit_ind to kWriter
constexpr uint64_t kWriter = 0x80000100;  // regs[1], regs[2] = the mode it was translated for

// A fake CPU whose blocks record the mode they were translated for.
class KeyedCpu : public test::FakeCpu {
public:
    using FakeCpu::FakeCpu;
    int translated = 0;
    bool translate_block(uint64_t pc, const TbMode& m, ir::Block& out, uint64_t*) override {
        translated++;
        ir::Builder b(out);
        out.guest_pc = pc;
        b.insn_start(pc);
        if (pc == kJumper) {
            b.exit_ind(b.movi(ir::Type::I64, kWriter));
        } else {
            b.st_env(b.movi(ir::Type::I64, m.flags), reg_off(1));
            b.st_env(b.movi(ir::Type::I64, m.extra), reg_off(2));
            b.exit_tb(pc + 0x100, 0);
        }
        out.guest_insns = 1;
        out.guest_bytes = 4;
        return true;
    }
};

struct Rig {
    AddressSpace as;
    KeyedCpu cpu{as};
    TbCache cache;
    std::unique_ptr<Executor> ex;
    explicit Rig(ExecOptions o) {
        as.add_ram("ram", 0x80000000, 1 << 16);
        o.max_blocks = 1;  // one trip through the executor's loop per run_one()
        ex = std::make_unique<Executor>(cpu, cache, o);
    }
    // Runs from pc in mode m until the loop has run one block (chains inside it continue).
    void run_one(uint64_t pc, TbMode m) {
        cpu.mode = m;
        cpu.pc = pc;
        ex->stats.blocks_executed = 0;
        ex->run();
    }
};

std::vector<std::pair<const char*, ExecOptions>> configs() {
    ExecOptions interp{};
    interp.mode = ExecMode::Interp;
    ExecOptions base{};
    base.mode = ExecMode::Jit;
    base.baseline = true;
    ExecOptions llvm{};
    llvm.mode = ExecMode::Jit;
    llvm.compile_ahead = false;
    return {{"interp", interp}, {"jit,baseline", base}, {"jit,llvm", llvm}};
}

}  // namespace

TEST_CASE("block key: blocks differing only in the extra word or a flag bit above 32 are different blocks") {
    const TbMode modes[] = {
        {1ull << 40 | 1, 0},
        {1ull << 40 | 1, 5},        // only the extra word differs from the first
        {1, 0},                     // only flag bit 40 differs from the first
        {1ull << 40 | 1, 1ull << 63},
    };
    for (auto& [name, opts] : configs()) {
        std::string config = name;
        CAPTURE(config);
        Rig r(opts);
        for (int round = 0; round < 2; round++)  // the second round finds every block cached
            for (const TbMode& m : modes) {
                r.cpu.regs[1] = r.cpu.regs[2] = ~0ull;
                r.run_one(kWriter, m);
                CHECK(r.cpu.regs[1] == m.flags);
                CHECK(r.cpu.regs[2] == m.extra);
            }
        CHECK(r.cpu.translated == 4);
        CHECK(r.cache.size() == 4);
    }
}

TEST_CASE("block key: the indirect branch cache never continues into a block of another extra word") {
    const TbMode plain{1ull << 33, 0}, other{1ull << 33, 9};  // same flags, extra words differ
    for (auto& [name, opts] : configs()) {
        std::string config = name;
        CAPTURE(config);
        Rig r(opts);
        r.run_one(kWriter, plain);  // kWriter in `plain` enters the indirect branch cache
        REQUIRE(r.cpu.regs[1] == plain.flags);

        // Control: the same jump in `plain` continues through the cache inside one loop trip.
        r.cpu.regs[1] = r.cpu.regs[2] = 0;
        r.run_one(kJumper, plain);
        CHECK(r.cpu.regs[1] == plain.flags);
        CHECK(r.cpu.pc == kWriter + 0x100);

        // In `other`, the jump must return to the loop instead of running plain's kWriter...
        r.cpu.regs[1] = r.cpu.regs[2] = 0;
        r.run_one(kJumper, other);
        CHECK(r.cpu.regs[1] == 0);
        CHECK(r.cpu.pc == kWriter);
        // ...which then finds (translates) kWriter for `other`.
        r.run_one(kWriter, other);
        CHECK(r.cpu.regs[1] == other.flags);
        CHECK(r.cpu.regs[2] == other.extra);
    }
}
