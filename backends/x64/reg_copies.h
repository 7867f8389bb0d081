// The baseline's copies of guest registers in r9, r10 and r11: the block's three most used
// guest registers (8-byte fields its plan reads in place). Write-through: memory always holds
// the value, so exits, fault paths and helpers need nothing written back, and a read takes the
// copy. The code generator drops the copies where a register may have changed behind the
// block's back (a helper, which may also clobber r9-r11) or where control joins (a branch
// target); the TLB-miss thunks keep r9-r11 across their call.
#pragma once
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

#include "backends/interp/handlers.h"
#include "backends/x64/assembler.h"

namespace tessera::x64 {

class RegCopies {
public:
    static constexpr Reg kRegs[] = {R9, R10, R11};
    // A field of the CPU state proper: outside the interpreter's frame [frame_off, zero].
    static bool in_env(uint32_t off, uint32_t frame_off, uint32_t zero) { return off < frame_off || off > zero; }

    // Chooses from the plan: fields outside the interpreter's frame [frame_off, zero] that are
    // read at least once and used twice (a single read gains nothing over a memory operand).
    void choose(const interp::Code& code, uint32_t frame_off, uint32_t zero) {
        using interp::CInsn;
        struct Use {
            uint32_t off;
            unsigned reads, writes;
        };
        thread_local std::vector<Use> use;  // a block names a few registers: a flat list
        use.clear();
        auto field = [&](uint32_t off) { return in_env(off, frame_off, zero); };
        auto note = [&](uint32_t off, bool write) {
            auto it = std::find_if(use.begin(), use.end(), [&](const Use& u) { return u.off == off; });
            if (it == use.end()) it = use.insert(use.end(), Use{off, 0, 0});
            (write ? it->writes : it->reads)++;
        };
        for (const CInsn& c : code.insns) {
            for (uint32_t off : {c.a, c.b, c.c, c.e})
                if (field(off)) note(off, false);
            if (is_env64(c, ir::Op::ld_env, interp::detail::LD_ENV64)) note(uint32_t(c.imm), false);
            if (field(c.d)) note(c.d, true);
            if (is_env64(c, ir::Op::st_env, interp::detail::ST_ENV64)) note(uint32_t(c.imm), true);
        }
        std::erase_if(use, [](const Use& u) { return u.reads < 1 || u.reads + u.writes < 2 || u.off % 8; });
        std::sort(use.begin(), use.end(), [](const Use& x, const Use& y) {
            unsigned nx = x.reads + x.writes, ny = y.reads + y.writes;
            return nx > ny || (nx == ny && x.off < y.off);
        });
        for (size_t i = 0; i < std::size(kRegs) && i < use.size(); i++) off_[i] = use[i].off;
        any_ = !use.empty();
    }
    bool any() const { return any_; }
    // The copy of the field at env offset off, or -1.
    int find(uint32_t off) const {
        for (size_t i = 0; i < std::size(kRegs); i++)
            if (off_[i] == off) return int(i);
        return -1;
    }
    void forget() {
        for (bool& v : valid_) v = false;
    }
    // The register holding copy i, loaded from the CPU state (r12) first if it is not yet.
    Reg read(Assembler& a, int i) {
        if (!valid_[i]) {
            a.mov(true, kRegs[i], Mem{R12, int32_t(off_[i])});
            valid_[i] = true;
        }
        return kRegs[i];
    }
    // A store of `bytes` bytes at env offset off has been emitted; r holds the value (8 bytes).
    void written(Assembler& a, uint32_t off, unsigned bytes, Reg r) {
        for (size_t i = 0; i < std::size(kRegs); i++) {
            if (off_[i] == UINT32_MAX || off >= off_[i] + 8 || off_[i] >= off + bytes) continue;
            if (off == off_[i] && bytes == 8) {
                a.mov(true, kRegs[i], r);
                valid_[i] = true;
            } else {
                valid_[i] = false;
            }
        }
    }

private:
    static bool is_env64(const interp::CInsn& c, ir::Op op, interp::detail::Special sp) {
        return (c.kind == uint8_t(op) && c.bits == 64) || c.kind == uint8_t(interp::kKindSpecial + sp);
    }
    uint32_t off_[3] = {UINT32_MAX, UINT32_MAX, UINT32_MAX};
    bool valid_[3] = {false, false, false};
    bool any_ = false;
};

}  // namespace tessera::x64
