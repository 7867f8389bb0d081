// An A64 CPU with 64 KiB of RAM and the three executors, for unit tests that translate a few
// instructions into a block and run it in each.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "backends/llvm/jit.h"
#include "backends/x64/baseline.h"
#include "frontends/aarch64/cpu.h"
#include "ir/opt.h"

namespace a64_test {

constexpr uint64_t kRam = 0x40000000;

struct Rig {
    tessera::AddressSpace as;
    tessera::aarch64::Aarch64Cpu cpu{as, 0};
    tessera::jit::Jit llvm{cpu};
    tessera::x64::Baseline baseline{cpu, 8 << 20};
    Rig() {
        as.add_ram("ram", kRam, 1 << 16);
        cpu.reset(kRam);
    }
    // The block of these instructions at the start of RAM, optimised as the executor does.
    tessera::ir::Block translate(std::initializer_list<uint32_t> words) {
        std::vector<uint32_t> code(words);
        as.write_phys(kRam, code.data(), code.size() * 4);
        tessera::ir::Block blk;
        uint64_t page2 = ~0ull;
        REQUIRE(cpu.translate_block(kRam, cpu.tb_mode(), blk, &page2));
        tessera::ir::optimize(blk);
        REQUIRE(tessera::ir::verify(blk) == "");
        return blk;
    }
    uint32_t off(const uint64_t& f) { return tessera::aarch64::env_off(cpu, f); }
};

}  // namespace a64_test
