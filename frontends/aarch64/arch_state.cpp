// The CPU's architectural state as bytes, and a readable diff of two snapshots (lockstep and
// conformance reports).
#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "frontends/aarch64/cpu.h"
#include "frontends/common/arch_diff.h"

namespace tessera::aarch64 {

namespace {
// Snapshot layout: pc, insn_count, exception_pending, then the block x .. mpidr_el1.
constexpr size_t kHead = 8 + 8 + 1;
size_t block_size(const Aarch64Cpu& c) {
    return size_t(reinterpret_cast<const char*>(&c.mpidr_el1 + 1) - reinterpret_cast<const char*>(&c.x[0]));
}
}  // namespace

void Aarch64Cpu::save_arch(std::vector<uint8_t>& out) const {
    out.resize(kHead + block_size(*this));
    memcpy(out.data(), &pc, 8);
    memcpy(out.data() + 8, &insn_count, 8);
    out[16] = exception_pending;
    memcpy(out.data() + kHead, &x[0], block_size(*this));
}

void Aarch64Cpu::load_arch(const std::vector<uint8_t>& in) {
    memcpy(&pc, in.data(), 8);
    memcpy(&insn_count, in.data() + 8, 8);
    exception_pending = in[16];
    memcpy(&x[0], in.data() + kHead, block_size(*this));
}

std::string Aarch64Cpu::diff_arch(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) const {
    ArchDiff d(a, b);
    auto member = [&](const char* name, const auto& m) {
        d.field(name, kHead + size_t(reinterpret_cast<const char*>(&m) - reinterpret_cast<const char*>(&x[0])), sizeof m);
    };
    d.field("pc", 0, 8);
    d.field("instret", 8, 8);
    d.field("exc_pend", 16, 1);
    char name[8];
    for (int i = 0; i < 31; i++) {
        snprintf(name, sizeof name, "x%d", i);
        member(name, x[i]);
    }
    member("sp_el0", sp_el[0]);
    member("sp_el1", sp_el[1]);
    member("N", nf);
    member("Z", zf);
    member("C", cf);
    member("V", vf);
    member("el", el);
    member("spsel", spsel);
    member("daif", daif);
    member("elr_el1", elr_el1);
    member("spsr_el1", spsr_el1);
    member("esr_el1", esr_el1);
    member("far_el1", far_el1);
    member("vbar_el1", vbar_el1);
    member("sctlr_el1", sctlr_el1);
    member("excl_addr", excl_addr);
    member("fpcr", fpcr);
    member("fpsr", fpsr);
    for (int i = 0; i < 32; i++) {
        snprintf(name, sizeof name, "v%d.lo", i);
        member(name, v[i][0]);
        snprintf(name, sizeof name, "v%d.hi", i);
        member(name, v[i][1]);
    }
    return d.finish();  // anything else as raw bytes
}

}  // namespace tessera::aarch64
