// SiFive PLIC ("sifive,plic-1.0.0", "riscv,plic0") with QEMU virt's layout.
#pragma once
#include <cstdint>
#include <vector>

#include "core/irq.h"
#include "softmmu/device.h"

namespace tessera {

class Plic : public Device, public IrqSink {
public:
    static constexpr unsigned kNumSources = 96;  // source 0 is "no interrupt"; riscv,ndev = 95
    static constexpr unsigned kMaxPriority = 7;
    static constexpr uint64_t kPendingBase = 0x1000;
    static constexpr uint64_t kEnableBase = 0x2000, kEnableStride = 0x80;
    static constexpr uint64_t kContextBase = 0x200000, kContextStride = 0x1000;
    static uint64_t region_size(unsigned contexts) {
        return kContextBase + kContextStride * contexts;
    }

    // Context 2h is hart h's M-mode (MEIP), 2h+1 its S-mode (SEIP).
    // outputs.size() must be 2 * harts (throws std::invalid_argument otherwise).
    Plic(unsigned harts, std::vector<IrqLine> outputs);

    const char* name() const override { return "plic"; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    void reset() override;

    // Source inputs, level-triggered.
    void set_irq(unsigned source, bool level) override;

    unsigned contexts() const { return num_contexts_; }
    bool output_level(unsigned ctx) const { return ctx < num_contexts_ && out_level_[ctx]; }

private:
    static constexpr unsigned kWords = kNumSources / 32;

    struct Context {
        uint32_t enable[kWords] = {};
        uint32_t threshold = 0;
    };

    static bool bit(const uint32_t* words, unsigned src) {
        return (words[src / 32] >> (src % 32)) & 1;
    }
    static void set_bit(uint32_t* words, unsigned src, bool on);
    unsigned best_claimable(unsigned ctx) const;
    uint32_t claim(unsigned ctx);
    void complete(unsigned ctx, uint32_t src);
    uint64_t read_context(unsigned ctx, uint64_t reg);
    void write_context(unsigned ctx, uint64_t reg, uint32_t value);
    void update();

    unsigned num_contexts_;
    std::vector<IrqLine> outputs_;
    std::vector<bool> out_level_;
    std::vector<Context> ctx_;
    uint32_t priority_[kNumSources] = {};
    uint32_t pending_[kWords] = {};
    uint32_t claimed_[kWords] = {};
    uint32_t input_[kWords] = {};  // current source line levels, resampled on complete
};

}  // namespace tessera
