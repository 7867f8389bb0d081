// A minimal ISA for unit tests: identity translation with configurable permissions,
// and recorded faults.
#pragma once
#include "softmmu/vcpu.h"

namespace tessera::test {

class FakeCpu : public Vcpu {
public:
    using Vcpu::Vcpu;
    uint64_t regs[4] = {};
    bool allow_write = true;
    uint64_t deny_page = ~0ull;  // translate() faults for this page
    int faults = 0;
    uint64_t fault_va = 0;
    int translations = 0;

    bool translate(uint64_t va, Access acc, unsigned, Translation* out) override {
        translations++;
        if ((va & PAGE_MASK) == deny_page || (acc == Access::Store && !allow_write)) {
            faults++;
            fault_va = va;
            exception_pending = true;
            return false;
        }
        *out = Translation{va, true, allow_write, true};
        return true;
    }
    void raise_bus_fault(uint64_t va, Access) override {
        faults++;
        fault_va = va;
        exception_pending = true;
    }
    int misaligned = 0;
    void raise_misaligned(uint64_t va, Access acc) override {
        misaligned++;
        raise_bus_fault(va, acc);
    }
    TbMode mode;  // what tb_mode() reports
    TbMode tb_mode() override { return mode; }
    unsigned fetch_mmu_idx() override { return 0; }
    bool fetch_walks_page_tables(unsigned) override { return false; }
    bool translate_block(uint64_t, const TbMode&, ir::Block&, uint64_t*) override { return false; }
    void do_exception() override { exception_pending = false; }
    bool do_interrupt() override { return false; }
    bool halted() override { return false; }
    unsigned disas(uint64_t, char* out, size_t) override {
        out[0] = 0;
        return 0;
    }
    void save_arch(std::vector<uint8_t>& out) const override {
        out.assign(reinterpret_cast<const uint8_t*>(regs), reinterpret_cast<const uint8_t*>(regs + 4));
    }
    void load_arch(const std::vector<uint8_t>& in) override { memcpy(regs, in.data(), sizeof regs); }
    std::string diff_arch(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) const override {
        return a == b ? "" : "regs differ";
    }
    uint32_t reg_off(unsigned i) const {
        return uint32_t(reinterpret_cast<const char*>(&regs[i]) - reinterpret_cast<const char*>(static_cast<const Vcpu*>(this)));
    }
};

}  // namespace tessera::test
