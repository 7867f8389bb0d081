// A small virtio driver for the unit tests: a board with RAM, one virtio-mmio transport, and
// the register writes a guest driver makes (negotiation, queue set-up, descriptors, rings).
#pragma once
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "machines/device_work.h"
#include "machines/virtio/virtio_mmio.h"
#include "machines/virtio/virtio_spec.h"
#include "softmmu/address_space.h"
#include "softmmu/guest_memory.h"
#include "util/log.h"

namespace tessera::test {

using namespace virtio;

struct VirtioLevel : IrqSink {
    bool level = false;
    void set_irq(unsigned, bool l) override { level = l; }
};

// Guest-error lines while it lives (a temporary log file).
struct GuestErrorLog {
    FILE* f = tmpfile();
    uint32_t saved_mask = g_log_mask;
    GuestErrorLog() {
        g_log_mask |= LOG_GUEST_ERROR;
        log_set_file(f);
    }
    ~GuestErrorLog() {
        log_set_file(nullptr);
        g_log_mask = saved_mask;
        fclose(f);
    }
    std::string text() {
        fflush(f);
        std::string s;
        rewind(f);
        char buf[512];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
        return s;
    }
    int count(const char* needle) {
        std::string t = text();
        int c = 0;
        for (size_t p = t.find(needle); p != std::string::npos; p = t.find(needle, p + 1)) c++;
        return c;
    }
};

// RAM at kRam (kRamSize bytes), a ROM page at 0 and nothing at kHole; the transport at kMmio.
struct VirtioBench {
    static constexpr uint64_t kRam = 0x40000000, kRamSize = 0x40000, kHole = 0x50000000, kMmio = 0x0a000000;
    // Where the tests put the rings and buffers (queue 0; queue 1 at +0x4000).
    static constexpr uint64_t kDesc = kRam + 0x1000, kAvail = kRam + 0x2000, kUsed = kRam + 0x3000;
    static constexpr uint64_t kBuf = kRam + 0x10000;

    AddressSpace as;
    DeviceWork work;
    VirtioLevel irq;
    GuestMemory mem{as};
    VirtioMmio t{kMmio, mem, work, IrqLine{&irq, 48}};
    std::vector<uint64_t> code_writes;

    VirtioBench() {
        as.add_rom("rom", 0, 0x1000);
        as.add_ram("ram", kRam, kRamSize);
        as.on_code_write = [this](uint64_t pa, uint64_t) { code_writes.push_back(pa & PAGE_MASK); return false; };
    }

    uint32_t rd(uint32_t reg) { return uint32_t(t.read(reg, 4)); }
    void wr(uint32_t reg, uint32_t v) { t.write(reg, 4, v); }

    template <typename T>
    void poke(uint64_t pa, T v) {
        REQUIRE(as.write_phys(pa, &v, sizeof v));
    }
    template <typename T>
    T peek(uint64_t pa) {
        T v{};
        REQUIRE(as.read_phys(pa, &v, sizeof v));
        return v;
    }

    // Negotiates `features` (VERSION_1 added unless told not to); returns the status read back.
    uint32_t negotiate(uint64_t features, bool version_1 = true) {
        wr(mmio::STATUS, 0);
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE);
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        if (version_1) features |= bit(F_VERSION_1);
        wr(mmio::DRIVER_FEATURES_SEL, 0);
        wr(mmio::DRIVER_FEATURES, uint32_t(features));
        wr(mmio::DRIVER_FEATURES_SEL, 1);
        wr(mmio::DRIVER_FEATURES, uint32_t(features >> 32));
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        return rd(mmio::STATUS);
    }
    void setup_queue(unsigned q, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used) {
        wr(mmio::QUEUE_SEL, q);
        wr(mmio::QUEUE_NUM, num);
        wr(mmio::QUEUE_DESC_LOW, uint32_t(desc));
        wr(mmio::QUEUE_DESC_HIGH, uint32_t(desc >> 32));
        wr(mmio::QUEUE_DRIVER_LOW, uint32_t(avail));
        wr(mmio::QUEUE_DRIVER_HIGH, uint32_t(avail >> 32));
        wr(mmio::QUEUE_DEVICE_LOW, uint32_t(used));
        wr(mmio::QUEUE_DEVICE_HIGH, uint32_t(used >> 32));
        wr(mmio::QUEUE_READY, 1);
    }
    // The usual start: features, queue 0 of `num` entries at the fixed addresses, DRIVER_OK.
    void start(uint64_t features = 0, uint32_t num = 8) {
        REQUIRE((negotiate(features) & STATUS_FEATURES_OK));
        setup_queue(0, num, kDesc, kAvail, kUsed);
        REQUIRE(rd(mmio::QUEUE_READY) == 1);
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    }

    void desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0) {
        uint64_t at = table + 16 * i;
        poke<uint64_t>(at, addr);
        poke<uint32_t>(at + 8, len);
        poke<uint16_t>(at + 12, flags);
        poke<uint16_t>(at + 14, next);
    }
    // Puts head in the available ring (queue of num entries) and bumps its index.
    void make_available(uint16_t head, uint32_t num = 8, uint64_t avail = kAvail) {
        uint16_t idx = peek<uint16_t>(avail + 2);
        poke<uint16_t>(avail + 4 + 2 * (idx % num), head);
        poke<uint16_t>(avail + 2, uint16_t(idx + 1));
    }
    void notify(unsigned q = 0) {
        wr(mmio::QUEUE_NOTIFY, q);
        work.run_pending();
    }
    uint16_t used_idx(uint64_t used = kUsed) { return peek<uint16_t>(used + 2); }
    uint32_t used_id(unsigned i, uint64_t used = kUsed) { return peek<uint32_t>(used + 4 + 8 * i); }
    uint32_t used_len(unsigned i, uint64_t used = kUsed) { return peek<uint32_t>(used + 8 + 8 * i); }
    bool needs_reset() { return rd(mmio::STATUS) & STATUS_NEEDS_RESET; }
};

}  // namespace tessera::test
