#include "frontends/common/translator_loop.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <stdexcept>

#include "util/log.h"

namespace tessera {

bool InsnFetcher::need(unsigned n) {
    if (n > kMaxInsnBytes) throw std::logic_error("InsnFetcher: instruction longer than kMaxInsnBytes");
    while (have_ < n) {
        uint64_t va = pc_ + have_;
        unsigned len = std::min<unsigned>(n - have_, unsigned(PAGE_SIZE - (va & ~PAGE_MASK)));
        bool second = ((va ^ pc_) & PAGE_MASK) != 0;
        // Translating ahead: the second page's walk could set accessed bits for code that
        // never runs, so it is not touched at all.
        if (second && cpu_.fetch_ahead) {
            refused_ = true;
            return false;
        }
        // Each piece on its own: it may lie past the end of a region inside the page, or on
        // a page that is not mapped.
        const uint8_t* p = cpu_.code_ptr(va, idx_, len);
        uint64_t pa2;
        if (!p || (second && !cpu_.code_phys(va, idx_, &pa2))) return false;
        if (second) {
            *page2_ = pa2 & PAGE_MASK;
            crossed_ = true;
        }
        memcpy(buf_ + have_, p, len);
        have_ += len;
    }
    return true;
}

static void log_insn(Vcpu& cpu, const InsnTranslator& t, uint64_t pc, const uint8_t* bytes, unsigned len) {
    char text[96], hex[2 * InsnFetcher::kMaxInsnBytes + 1] = {};
    cpu.disas(pc, text, sizeof text);
    if (t.log_as_word() && len <= 8) {
        uint64_t word = 0;
        memcpy(&word, bytes, len);  // little-endian host and guests
        snprintf(hex, sizeof hex, "%0*" PRIx64, int(len * 2), word);
    } else {
        for (unsigned k = 0; k < len; k++) snprintf(hex + 2 * k, 3, "%02x", bytes[k]);
    }
    log_printf("0x%016" PRIx64 ":  %s  %s\n", pc, hex, text);
}

bool translator_loop(Vcpu& cpu, InsnTranslator& t, ir::Builder& b, ir::Block& out, uint64_t start, unsigned fetch_idx,
                     uint64_t* page2, const TranslatorLimits& limits) {
    out.guest_pc = start;
    const unsigned max_bytes = std::min<unsigned>(cpu.max_insn_bytes, InsnFetcher::kMaxInsnBytes);
    uint64_t pc = start;
    unsigned n = 0;
    struct Loud {
        bool& quiet;
        ~Loud() { quiet = false; }
    } loud_after{cpu.quiet_faults};
    for (;;) {
        // A breakpoint (the debugger's or the ISA's trigger) starts a block of its own, which
        // calls h_debug_break before the instruction (softmmu/debug_points.h); a trigger may
        // still decide at run time not to fire, and then the instruction runs.
        bool stop_here = cpu.break_before(pc, limits.flags);
        if (stop_here && n > 0) {
            b.exit_tb(pc, 0);
            break;
        }
        // Only the first instruction's fault is the guest's now; a later one ends the block
        // and is raised (and logged) when a block starts there.
        cpu.quiet_faults = cpu.fetch_ahead || n > 0;
        InsnFetcher f(cpu, fetch_idx, pc, page2);
        unsigned len = t.min_insn_bytes();
        bool ok = f.need(len);
        while (ok && (len = t.insn_length(f.bytes(), f.have())) > f.have()) {
            if (len > max_bytes) throw std::logic_error("translator_loop: instruction longer than the CPU's max_insn_bytes");
            ok = f.need(len);
        }
        if (ok && len == 0) throw std::logic_error("translator_loop: an instruction of no bytes");
        if (!ok) {
            if (n == 0) return false;
            if (!f.refused()) cpu.exception_pending = false;  // raised again when it really runs
            b.exit_tb(pc, 0);
            break;
        }
        b.insn_start(pc);
        if (stop_here) b.call(&h_debug_break, b.movi(ir::Type::I64, pc));
        if (log_enabled(LOG_IN_ASM)) log_insn(cpu, t, pc, f.bytes(), len);
        bool ended = t.translate_insn(pc, f.bytes(), len, n);
        n++;
        pc += len;
        if (ended) break;
        if (n >= limits.max_insns || (pc & PAGE_MASK) != (start & PAGE_MASK) || f.crossed() ||
            out.temps.size() > ir::kMaxBlockTemps - limits.temps_headroom) {
            b.exit_tb(pc, 0);
            break;
        }
    }
    out.guest_insns = n;
    out.guest_bytes = unsigned(pc - start);
    if (log_enabled(LOG_IN_ASM)) log_printf("\n");
    return true;
}

}  // namespace tessera
