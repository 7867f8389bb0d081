// ARM Generic Interrupt Controller v2 (IHI0048B) without the Security Extensions, as QEMU's
// aarch64 virt has it by default: a distributor (4 KiB) and a CPU interface (8 KiB), 5
// priority bits like the GIC-400, up to 8 CPUs.
//
// Both register blocks are banked by CPU. On virt every CPU sees them at the same address,
// so distributor() and cpu_interface() ask current_cpu() who is accessing; the fixed views
// distributor(cpu) and cpu_interface(cpu) are for tests and boards with per-CPU mappings.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/irq.h"
#include "softmmu/device.h"

namespace tessera {

class GicV2 : public IrqSink {
public:
    static constexpr unsigned kMaxCpus = 8;
    static constexpr unsigned kMaxIrqs = 1020;  // IDs 1020..1023 are special
    static constexpr uint64_t kDistSize = 0x1000, kCpuSize = 0x2000;
    static constexpr unsigned kSpurious = 1023, kSpuriousGroup1 = 1022;
    static constexpr unsigned kPrioBits = 5;
    static constexpr uint8_t kPrioMask = static_cast<uint8_t>(0xff << (8 - kPrioBits));

    // num_irqs: interrupt IDs, 32 + 32k (QEMU's virt: 288); IDs stop below 1020, so at most 992.
    // irq[c] / fiq[c]: CPU c's IRQ and FIQ pins; fiq may be empty (no FIQ wired).
    // current_cpu: index of the accessing CPU (empty: always 0).
    // Throws std::invalid_argument on a bad configuration.
    GicV2(unsigned num_cpus, unsigned num_irqs, std::vector<IrqLine> irq,
          std::vector<IrqLine> fiq, std::function<unsigned()> current_cpu = {});
    GicV2(const GicV2&) = delete;
    GicV2& operator=(const GicV2&) = delete;

    Device& distributor() { return dist_view_; }
    Device& cpu_interface() { return cpu_view_; }
    Device& distributor(unsigned cpu) { return dist_views_[cpu < num_cpus_ ? cpu : 0]; }
    Device& cpu_interface(unsigned cpu) { return cpu_views_[cpu < num_cpus_ ? cpu : 0]; }

    void reset();

    // Device lines: an SPI (32 <= line < num_irqs), or a PPI by ppi_line(cpu, id).
    void set_irq(unsigned line, bool level) override;
    static constexpr unsigned ppi_line(unsigned cpu, unsigned id) {
        return kPpiLineBase + cpu * 32 + id;
    }
    void set_ppi(unsigned cpu, unsigned id, bool level);  // id 16..31

    unsigned num_cpus() const { return num_cpus_; }
    unsigned num_irqs() const { return num_irqs_; }
    bool irq_level(unsigned cpu) const { return cpu < num_cpus_ && out_irq_[cpu]; }
    bool fiq_level(unsigned cpu) const { return cpu < num_cpus_ && out_fiq_[cpu]; }
    // One line for a state report (SIGUSR1): the controls, and the IDs input high, pending,
    // active and enabled as this CPU sees them.
    std::string describe(unsigned cpu) const;

private:
    static constexpr unsigned kPpiLineBase = 0x10000;

    // A bitmap over interrupt IDs: word 0 (SGIs and PPIs) is banked per CPU.
    struct Bits {
        std::array<uint32_t, kMaxCpus> banked{};
        std::vector<uint32_t> shared;  // index = id / 32; entry 0 unused
        uint32_t& word(unsigned cpu, unsigned w) { return w ? shared[w] : banked[cpu]; }
        uint32_t word(unsigned cpu, unsigned w) const { return w ? shared[w] : banked[cpu]; }
        bool test(unsigned cpu, unsigned id) const { return (word(cpu, id / 32) >> (id % 32)) & 1; }
        void set(unsigned cpu, unsigned id, bool on);
        void clear_all();
    };

    struct CpuIf {
        uint32_t ctlr = 0, pmr = 0, bpr = 0, abpr = 0;
        uint32_t apr = 0, nsapr = 0;  // active priorities, group 0 / group 1: bit = prio >> 3
        uint8_t prio[32] = {};        // banked priorities of SGIs and PPIs
        uint8_t sgi_sources[16] = {}; // pending SGIs: bit per source CPU
    };

    class View : public Device {
    public:
        View() = default;
        View(GicV2* gic, bool cpu_if, int cpu) : gic_(gic), cpu_if_(cpu_if), cpu_(cpu) {}
        const char* name() const override { return cpu_if_ ? "gicv2-cpu" : "gicv2-dist"; }
        uint64_t read(uint64_t offset, unsigned size) override;
        void write(uint64_t offset, unsigned size, uint64_t value) override;
        void reset() override { gic_->reset(); }

    private:
        GicV2* gic_ = nullptr;
        bool cpu_if_ = false;
        int cpu_ = -1;  // -1: whoever current_cpu() names
    };

    unsigned cpu_of(int view_cpu) const;
    bool valid(unsigned id) const { return id < num_irqs_; }
    uint8_t& prio(unsigned cpu, unsigned id) { return id < 32 ? cpus_[cpu].prio[id] : prio_[id]; }
    uint8_t prio(unsigned cpu, unsigned id) const {
        return id < 32 ? cpus_[cpu].prio[id] : prio_[id];
    }
    uint32_t pending_word(unsigned cpu, unsigned w) const;
    bool targets(unsigned cpu, unsigned id) const;
    uint8_t group_prio(unsigned cpu, unsigned id) const;
    uint32_t running_prio(unsigned cpu) const;
    unsigned best_pending(unsigned cpu, unsigned* source) const;
    bool can_signal(unsigned cpu, unsigned id) const;
    uint32_t acknowledge(unsigned cpu, bool alias);
    uint32_t highest_pending(unsigned cpu, bool alias) const;
    void end_of_interrupt(unsigned cpu, uint32_t value, bool alias);
    void deactivate(unsigned cpu, uint32_t value);
    void set_line(unsigned cpu, unsigned id, bool level);
    void send_sgi(unsigned cpu, uint32_t value);
    void update();

    uint64_t dist_read(unsigned cpu, uint64_t offset, unsigned size);
    void dist_write(unsigned cpu, uint64_t offset, unsigned size, uint32_t value);
    uint32_t dist_read_bits(unsigned cpu, uint64_t offset);
    void dist_write_bits(unsigned cpu, uint64_t offset, uint32_t value);
    uint8_t dist_read_byte(unsigned cpu, uint64_t offset);
    void dist_write_byte(unsigned cpu, uint64_t offset, uint8_t value);
    uint32_t cpu_read(unsigned cpu, uint64_t offset);
    void cpu_write(unsigned cpu, uint64_t offset, uint32_t value);

    unsigned num_cpus_, num_irqs_;
    std::vector<IrqLine> irq_, fiq_;
    std::function<unsigned()> current_cpu_;
    View dist_view_, cpu_view_;
    std::array<View, kMaxCpus> dist_views_, cpu_views_;

    uint32_t dist_ctlr_ = 0;
    Bits enabled_, group_, active_, latch_, edge_, level_;
    std::vector<uint8_t> prio_, targets_;  // SPIs, by ID (entries below 32 unused)
    std::array<CpuIf, kMaxCpus> cpus_;
    std::array<bool, kMaxCpus> out_irq_{}, out_fiq_{};
};

}  // namespace tessera
