// See unicorn_session.h.
#include "tests/conformance/unicorn_session.h"

#include <cinttypes>
#include <cstdio>

namespace tessera::conformance {

namespace {

struct RunCtx {
    const std::function<void(uint64_t)>* on_insn;
    std::string exception;
    int pc_reg;
};

void on_code(uc_engine*, uint64_t address, uint32_t, void* user) {
    auto& c = *static_cast<RunCtx*>(user);
    (*c.on_insn)(address);
}

void on_intr(uc_engine* uc, uint32_t intno, void* user) {
    auto& c = *static_cast<RunCtx*>(user);
    uint64_t pc = 0;
    uc_reg_read(uc, c.pc_reg, &pc);
    char b[96];
    snprintf(b, sizeof b, "exception %u at pc=%#" PRIx64, intno, pc);
    c.exception = b;
    uc_emu_stop(uc);
}

}  // namespace

UnicornSession::UnicornSession(const UnicornArch& arch) : arch_(arch) {
    if (uc_open(arch.arch, arch.mode, &uc_) != UC_ERR_OK) uc_ = nullptr;
}

UnicornSession::~UnicornSession() {
    if (uc_) uc_close(uc_);
}

void UnicornSession::map(uint64_t base, uint64_t size) { uc_mem_map(uc_, base, size, UC_PROT_ALL); }
void UnicornSession::write(uint64_t addr, const void* data, size_t n) { uc_mem_write(uc_, addr, data, n); }
bool UnicornSession::read(uint64_t addr, void* data, size_t n) { return uc_mem_read(uc_, addr, data, n) == UC_ERR_OK; }

uint64_t UnicornSession::reg(int id) const {
    uint64_t v = 0;
    uc_reg_read(uc_, id, &v);
    return v;
}
void UnicornSession::set_reg(int id, uint64_t v) { uc_reg_write(uc_, id, &v); }

std::string UnicornSession::run(uint64_t start, uint64_t end, const std::function<void(uint64_t)>& on_insn,
                                uint64_t timeout_us) {
    RunCtx c{&on_insn, {}, arch_.pc_reg};
    uc_hook code_hook, intr_hook;
    uc_hook_add(uc_, &code_hook, UC_HOOK_CODE, reinterpret_cast<void*>(on_code), &c, start, end);
    uc_hook_add(uc_, &intr_hook, UC_HOOK_INTR, reinterpret_cast<void*>(on_intr), &c, 1, 0);
    uc_err err = uc_emu_start(uc_, start, end, timeout_us, 0);
    on_insn(end);
    uc_hook_del(uc_, code_hook);
    uc_hook_del(uc_, intr_hook);
    const uint64_t pc = reg(arch_.pc_reg);
    char b[128];
    if (err != UC_ERR_OK) {
        snprintf(b, sizeof b, "uc_emu_start: %s, pc=%#" PRIx64, uc_strerror(err), pc);
        return b;
    }
    if (!c.exception.empty()) return c.exception;
    if (pc != end) {
        snprintf(b, sizeof b, "stopped at pc=%#" PRIx64 " (time limit?)", pc);
        return b;
    }
    return "";
}

}  // namespace tessera::conformance
