// Block translation: fetch, decode through the table, call the handler, until a branch,
// a mode change, the end of the page, or the block size limit.
#include <cinttypes>
#include <cstring>

#include "frontends/riscv/translate.h"
#include "util/log.h"

namespace tessera::riscv {

static constexpr unsigned kMaxBlockInsns = 128;

bool RiscvCpu::translate_block(uint64_t start, const TbMode& mode, ir::Block& out, uint64_t* page2) {
    ir::Builder b(out);
    out.guest_pc = start;
    uint64_t flags = mode.flags;
    Ctx c{*this, b, flags};
    c.mem_idx = (flags >> tbf::MEM_SHIFT) & 3;
    unsigned fetch_idx = flags & tbf::PRIV_MASK;
    uint64_t pc_cur = start;
    unsigned n = 0;
    struct Loud {
        bool& quiet;
        ~Loud() { quiet = false; }
    } loud_after{quiet_faults};
    for (;;) {
        // Only the first instruction's fault is the guest's now; a later one ends the block
        // and is raised (and logged) when a block starts there.
        quiet_faults = fetch_ahead || n > 0;
        const uint8_t* p = code_ptr(pc_cur, fetch_idx);
        if (!p) {
            if (n == 0) return false;
            exception_pending = false;  // raised again when this instruction really runs
            c.exit_to(pc_cur, 0);
            break;
        }
        uint16_t lo;
        memcpy(&lo, p, 2);
        uint32_t insn = lo;
        if ((lo & 3) == 3) {
            bool straddles = (pc_cur & ~PAGE_MASK) == PAGE_SIZE - 2;
            if (straddles && fetch_ahead) {
                if (n == 0) return false;
                c.exit_to(pc_cur, 0);
                break;
            }
            // The upper parcel is fetched on its own: it may lie on the next page, or past
            // the end of a region that ends inside this page.
            uint64_t pa2;
            const uint8_t* p2 = code_ptr(pc_cur + 2, fetch_idx);
            if (!p2 || (straddles && !code_phys(pc_cur + 2, fetch_idx, &pa2))) {
                if (n == 0) return false;
                exception_pending = false;
                c.exit_to(pc_cur, 0);
                break;
            }
            if (straddles) *page2 = pa2 & PAGE_MASK;
            uint16_t hi;
            memcpy(&hi, p2, 2);
            insn |= uint32_t(hi) << 16;
        }
        c.pc = pc_cur;
        c.insn = insn;
        c.len = insn_length(insn);
        c.index = n;
        b.insn_start(pc_cur);
        if (log_enabled(LOG_IN_ASM)) {
            char text[96];
            disas(pc_cur, text, sizeof text);
            log_printf("0x%016" PRIx64 ":  %0*x  %s\n", pc_cur, c.len * 2, insn, text);
        }
        Args args;
        const Pattern* pat = decode(insn, &args);
        if (!pat || !pat->handler(c, args)) c.illegal();
        n++;
        pc_cur += c.len;
        if (c.ended) break;
        if (n >= kMaxBlockInsns || (pc_cur & PAGE_MASK) != (start & PAGE_MASK) || *page2 != ~0ull ||
            out.temps.size() > ir::kMaxBlockTemps - 200) {
            c.exit_to(pc_cur, 0);
            break;
        }
    }
    out.guest_insns = n;
    out.guest_bytes = unsigned(pc_cur - start);
    if (log_enabled(LOG_IN_ASM)) log_printf("\n");
    return true;
}

}  // namespace tessera::riscv
