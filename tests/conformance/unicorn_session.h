// One Unicorn engine for one differential run, for any ISA: the ISA gives its arch,
// mode and program-counter register, maps its state onto Unicorn's register ids and
// watches instructions through on_insn (where it corrects documented deviations).
#pragma once
#include <unicorn/unicorn.h>

#include <cstdint>
#include <functional>
#include <string>

namespace tessera::conformance {

struct UnicornArch {
    uc_arch arch;
    uc_mode mode;
    int pc_reg;
};

class UnicornSession {
public:
    explicit UnicornSession(const UnicornArch& arch);
    ~UnicornSession();
    UnicornSession(const UnicornSession&) = delete;
    UnicornSession& operator=(const UnicornSession&) = delete;

    bool ok() const { return uc_ != nullptr; }
    uc_engine* engine() const { return uc_; }
    void map(uint64_t base, uint64_t size);
    void write(uint64_t addr, const void* data, size_t n);
    bool read(uint64_t addr, void* data, size_t n);
    uint64_t reg(int id) const;
    void set_reg(int id, uint64_t v);

    // Runs from start until the pc reaches end. on_insn(pc) is called before each
    // instruction in [start, end) and once more at the end (pc = end), so a correction
    // of the last instruction's result can be applied. Returns "" when the run reached
    // end, otherwise what happened instead.
    std::string run(uint64_t start, uint64_t end, const std::function<void(uint64_t pc)>& on_insn,
                    uint64_t timeout_us = 10 * 1000 * 1000);

private:
    UnicornArch arch_;
    uc_engine* uc_ = nullptr;
};

}  // namespace tessera::conformance
