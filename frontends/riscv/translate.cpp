// Block translation: the shared fetch loop (frontends/common/translator_loop.h) with the
// RISC-V part: an instruction's length from its low bits, decode through the table, the
// handler.
#include <algorithm>
#include <cstring>

#include "frontends/common/translator_loop.h"
#include "frontends/riscv/translate.h"

namespace tessera::riscv {

static constexpr unsigned kMaxBlockInsns = 128;

namespace {

class RiscvInsns final : public InsnTranslator {
public:
    explicit RiscvInsns(Ctx& c) : c_(c) {}
    unsigned min_insn_bytes() const override { return 2; }
    unsigned insn_length(const uint8_t* p, unsigned) override { return riscv::insn_length(uint32_t(p[0]) | uint32_t(p[1]) << 8); }
    bool translate_insn(uint64_t pc, const uint8_t* p, unsigned len, unsigned index) override {
        uint32_t insn = 0;
        memcpy(&insn, p, len);
        c_.pc = pc;
        c_.insn = insn;
        c_.len = len;
        c_.index = index;
        Args args;
        const Pattern* pat = decode(insn, &args);
        if (!pat || !pat->handler(c_, args)) c_.illegal();
        return c_.ended;
    }

private:
    Ctx& c_;
};

}  // namespace

bool RiscvCpu::translate_block(uint64_t start, const TbMode& mode, ir::Block& out, uint64_t* page2) {
    ir::Builder b(out);
    Ctx c{*this, b, mode.flags};
    c.mem_idx = (mode.flags >> tbf::MEM_SHIFT) & 3;
    unsigned fetch_idx = unsigned(mode.flags & tbf::PRIV_MASK);
    RiscvInsns insns(c);
    TranslatorLimits limits;
    limits.max_insns = block_insn_limit ? std::min(block_insn_limit, kMaxBlockInsns) : kMaxBlockInsns;
    limits.flags = mode.flags;
    return translator_loop(*this, insns, b, out, start, fetch_idx, page2, limits);
}

}  // namespace tessera::riscv
