#include "machines/devices/plic.h"

#include <stdexcept>

#include "util/log.h"

namespace tessera {

Plic::Plic(unsigned harts, std::vector<IrqLine> outputs)
    : num_contexts_(harts * 2), outputs_(std::move(outputs)) {
    if (outputs_.size() != num_contexts_)
        throw std::invalid_argument("plic: need one output line per context (2 per hart)");
    out_level_.assign(num_contexts_, false);
    ctx_.resize(num_contexts_);
}

void Plic::reset() {
    for (auto& p : priority_) p = 0;
    for (auto& c : ctx_) c = Context{};
    for (unsigned w = 0; w < kWords; w++) {
        claimed_[w] = 0;
        pending_[w] = input_[w];  // device lines keep their level across our reset
    }
    update();
}

void Plic::set_bit(uint32_t* words, unsigned src, bool on) {
    uint32_t m = 1u << (src % 32);
    if (on)
        words[src / 32] |= m;
    else
        words[src / 32] &= ~m;
}

void Plic::set_irq(unsigned source, bool level) {
    if (source == 0 || source >= kNumSources)
        return;  // board wiring bug; nothing to raise
    set_bit(input_, source, level);
    // The gateway forwards nothing while the source is claimed; like QEMU, a line
    // dropping retracts its not-yet-claimed request.
    if (!bit(claimed_, source))
        set_bit(pending_, source, level);
    update();
}

unsigned Plic::best_claimable(unsigned ctx) const {
    unsigned best = 0;
    uint32_t best_prio = ctx_[ctx].threshold;  // must beat the threshold strictly
    for (unsigned w = 0; w < kWords; w++) {
        uint32_t cand = pending_[w] & ~claimed_[w] & ctx_[ctx].enable[w];
        while (cand) {
            unsigned src = w * 32 + static_cast<unsigned>(__builtin_ctz(cand));
            cand &= cand - 1;
            if (priority_[src] > best_prio) {  // strict: ties keep the lower id
                best = src;
                best_prio = priority_[src];
            }
        }
    }
    return best;
}

uint32_t Plic::claim(unsigned ctx) {
    unsigned src = best_claimable(ctx);
    if (src) {
        set_bit(pending_, src, false);
        set_bit(claimed_, src, true);
        update();
    }
    return src;
}

void Plic::complete(unsigned ctx, uint32_t src) {
    (void)ctx;  // like QEMU, accept completion from any context that names a valid source
    if (src == 0 || src >= kNumSources) {
        GUEST_ERROR("plic: complete of invalid source %u\n", src);
        return;
    }
    if (!bit(claimed_, src)) {
        GUEST_ERROR("plic: complete of unclaimed source %u\n", src);
        return;
    }
    set_bit(claimed_, src, false);
    // A level source still asserted requests again (the gateway resamples on completion).
    if (bit(input_, src))
        set_bit(pending_, src, true);
    update();
}

void Plic::update() {
    for (unsigned c = 0; c < num_contexts_; c++) {
        bool level = best_claimable(c) != 0;
        if (level != out_level_[c]) {
            out_level_[c] = level;
            outputs_[c].set(level);
        }
    }
}

uint64_t Plic::read_context(unsigned ctx, uint64_t reg) {
    if (reg == 0)
        return ctx_[ctx].threshold;
    if (reg == 4)
        return claim(ctx);
    GUEST_ERROR("plic: read of reserved context %u register 0x%llx\n", ctx,
                (unsigned long long)reg);
    return 0;
}

void Plic::write_context(unsigned ctx, uint64_t reg, uint32_t value) {
    if (reg == 0) {
        ctx_[ctx].threshold = value & kMaxPriority;
        update();
    } else if (reg == 4) {
        complete(ctx, value);
    } else {
        GUEST_ERROR("plic: write of reserved context %u register 0x%llx\n", ctx,
                    (unsigned long long)reg);
    }
}

uint64_t Plic::read(uint64_t offset, unsigned size) {
    if (size != 4 || (offset & 3)) {
        GUEST_ERROR("plic: bad %u-byte read at 0x%llx\n", size, (unsigned long long)offset);
        return 0;
    }
    if (offset < kPendingBase) {
        uint64_t src = offset / 4;
        if (src < kNumSources)
            return priority_[src];
    } else if (offset < kEnableBase) {
        uint64_t w = (offset - kPendingBase) / 4;
        if (w < kWords)
            return pending_[w];
    } else if (offset < kContextBase) {
        uint64_t ctx = (offset - kEnableBase) / kEnableStride;
        uint64_t w = (offset - kEnableBase) % kEnableStride / 4;
        if (ctx < num_contexts_ && w < kWords)
            return ctx_[ctx].enable[w];
    } else {
        uint64_t ctx = (offset - kContextBase) / kContextStride;
        if (ctx < num_contexts_)
            return read_context(static_cast<unsigned>(ctx),
                                (offset - kContextBase) % kContextStride);
    }
    GUEST_ERROR("plic: read of unknown offset 0x%llx\n", (unsigned long long)offset);
    return 0;
}

void Plic::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 || (offset & 3)) {
        GUEST_ERROR("plic: bad %u-byte write at 0x%llx\n", size, (unsigned long long)offset);
        return;
    }
    uint32_t v = static_cast<uint32_t>(value);
    if (offset < kPendingBase) {
        uint64_t src = offset / 4;
        if (src == 0 || src >= kNumSources) {
            GUEST_ERROR("plic: write of priority for invalid source %llu\n",
                        (unsigned long long)src);
            return;
        }
        priority_[src] = v & kMaxPriority;
        update();
        return;
    }
    if (offset < kEnableBase) {
        GUEST_ERROR("plic: write to read-only pending bits at 0x%llx\n",
                    (unsigned long long)offset);
        return;
    }
    if (offset < kContextBase) {
        uint64_t ctx = (offset - kEnableBase) / kEnableStride;
        uint64_t w = (offset - kEnableBase) % kEnableStride / 4;
        if (ctx >= num_contexts_ || w >= kWords) {
            GUEST_ERROR("plic: write of unknown enable offset 0x%llx\n",
                        (unsigned long long)offset);
            return;
        }
        ctx_[ctx].enable[w] = w == 0 ? (v & ~1u) : v;  // source 0 does not exist
        update();
        return;
    }
    uint64_t ctx = (offset - kContextBase) / kContextStride;
    if (ctx >= num_contexts_) {
        GUEST_ERROR("plic: write of unknown offset 0x%llx\n", (unsigned long long)offset);
        return;
    }
    write_context(static_cast<unsigned>(ctx), (offset - kContextBase) % kContextStride, v);
}

}  // namespace tessera
