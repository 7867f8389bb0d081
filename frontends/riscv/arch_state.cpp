// The hart's architectural state as bytes, and a readable diff of two snapshots
// (lockstep and conformance reports).
#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "frontends/common/arch_diff.h"
#include "frontends/riscv/cpu.h"

namespace tessera::riscv {

namespace {
// Snapshot layout: pc, insn_count, exception_pending, then the RiscvCpu block x..exc_tval.
constexpr size_t kHead = 8 + 8 + 1;
size_t block_size(const RiscvCpu& c) {
    return size_t(reinterpret_cast<const char*>(&c.exc_tval + 1) - reinterpret_cast<const char*>(&c.x[0]));
}
const char* const kAbi[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
                              "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                              "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
}  // namespace

void RiscvCpu::save_arch(std::vector<uint8_t>& out) const {
    out.resize(kHead + block_size(*this));
    memcpy(out.data(), &pc, 8);
    memcpy(out.data() + 8, &insn_count, 8);
    out[16] = exception_pending;
    memcpy(out.data() + kHead, &x[0], block_size(*this));
}

void RiscvCpu::load_arch(const std::vector<uint8_t>& in) {
    // Interrupt lines belong to the devices, which may have moved them meanwhile.
    uint64_t lines = mip_hw;
    memcpy(&pc, in.data(), 8);
    memcpy(&insn_count, in.data() + 8, 8);
    exception_pending = in[16];
    memcpy(&x[0], in.data() + kHead, block_size(*this));
    mip_hw = lines;
}

std::string RiscvCpu::diff_arch(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) const {
    ArchDiff d(a, b);
    auto member = [&](const char* name, const auto& m) {
        size_t off = kHead + size_t(reinterpret_cast<const char*>(&m) - reinterpret_cast<const char*>(&x[0]));
        d.field(name, off, sizeof m);
    };
    d.field("pc", 0, 8);
    d.field("instret", 8, 8);
    d.field("exc_pend", 16, 1);
    for (int i = 1; i < 32; i++) member(kAbi[i], x[i]);
    char fname[8];
    for (int i = 0; i < 32; i++) {
        snprintf(fname, sizeof fname, "f%d", i);
        member(fname, f[i]);
    }
    member("fflags", fflags);
    member("frm", frm);
    member("priv", priv);
    member("wfi", wfi);
    member("mstatus", mstatus_);
    member("mie", mie);
    member("mip_sw", mip_sw);
    member("mtvec", mtvec);
    member("mscratch", mscratch);
    member("mepc", mepc);
    member("mcause", mcause);
    member("mtval", mtval);
    member("stvec", stvec);
    member("sscratch", sscratch);
    member("sepc", sepc);
    member("scause", scause);
    member("stval", stval);
    member("satp", satp);
    member("res_addr", res_addr);
    member("res_val", res_val);
    member("exc_cause", exc_cause);
    member("exc_tval", exc_tval);
    return d.finish();  // anything else (counters, delegation, PMP) as raw bytes
}

}  // namespace tessera::riscv
