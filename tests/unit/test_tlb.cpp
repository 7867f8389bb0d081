// The soft TLB: fills, hits, MMIO dispatch, page-crossing accesses, code-page tracking.
#include <doctest/doctest.h>

#include "fake_cpu.h"

using namespace tessera;

namespace {
struct Recorder : Device {
    uint64_t last_off = 0, last_val = 0;
    unsigned reads = 0, writes = 0;
    const char* name() const override { return "rec"; }
    uint64_t read(uint64_t off, unsigned) override {
        reads++;
        last_off = off;
        return 0xab;
    }
    void write(uint64_t off, unsigned, uint64_t v) override {
        writes++;
        last_off = off;
        last_val = v;
    }
};
}  // namespace

TEST_CASE("a miss fills the TLB, later accesses to the page hit") {
    AddressSpace as;
    as.add_ram("ram", 0x80000000, 1 << 20);
    test::FakeCpu cpu(as);
    cpu.store_slow(0x80000100, 8, 0x1122334455667788ull, 0);
    CHECK(cpu.translations == 1);
    CHECK(cpu.load_slow(0x80000100, 4, 0) == 0x55667788);
    CHECK(cpu.translations == 1);
    const TlbEntry& e = cpu.tlb[0][Vcpu::tlb_index(0x80000100)];
    CHECK(e.tag_read == 0x80000000);
    CHECK(e.tag_write == 0x80000000);
    cpu.tlb_flush();
    cpu.load_slow(0x80000100, 4, 0);
    CHECK(cpu.translations == 2);
}

TEST_CASE("device pages dispatch every access by offset") {
    AddressSpace as;
    Recorder rec;
    as.add_mmio("dev", 0x10000000, 0x100, &rec);
    test::FakeCpu cpu(as);
    CHECK(cpu.load_slow(0x10000005, 1, 0) == 0xab);
    cpu.store_slow(0x10000010, 4, 0x1234, 0);
    cpu.store_slow(0x10000010, 4, 0x1235, 0);
    CHECK(rec.writes == 2);
    CHECK(rec.last_off == 0x10);
    CHECK(rec.last_val == 0x1235);
    CHECK((cpu.tlb[0][Vcpu::tlb_index(0x10000000)].tag_read & TLB_MMIO) != 0);
    // Outside the device's 0x100 bytes but inside the page: a bus fault, not a crash.
    cpu.load_slow(0x10000800, 4, 0);
    CHECK(cpu.exception_pending);
    CHECK(cpu.fault_va == 0x10000800);
}

TEST_CASE("an access crossing into a faulting page changes nothing") {
    AddressSpace as;
    as.add_ram("ram", 0x80000000, 1 << 20);
    test::FakeCpu cpu(as);
    cpu.store_slow(0x80000ff8, 8, 0, 0);
    cpu.deny_page = 0x80001000;
    cpu.store_slow(0x80000ffc, 8, ~0ull, 0);
    CHECK(cpu.exception_pending);
    CHECK(cpu.fault_va == 0x80001000);
    cpu.exception_pending = false;
    cpu.deny_page = ~0ull;
    CHECK(cpu.load_slow(0x80000ff8, 8, 0) == 0);  // first page untouched: precise
    cpu.store_slow(0x80000ffe, 4, 0xa1b2c3d4, 0);
    CHECK(cpu.load_slow(0x80000ffe, 4, 0) == 0xa1b2c3d4);
}

TEST_CASE("writes to a page holding code are reported once, then the page is plain RAM") {
    AddressSpace as;
    as.add_ram("ram", 0x80000000, 1 << 20);
    test::FakeCpu cpu(as);
    std::vector<uint64_t> written;
    as.on_code_write = [&](uint64_t pa, uint64_t) { written.push_back(pa & PAGE_MASK); return false; };
    as.on_code_mark = [&](uint64_t page) { cpu.tlb_protect_code(page); };
    cpu.store_slow(0x80002000, 4, 1, 0);  // a writable entry exists before the page holds code
    as.mark_code(0x80002010);
    CHECK((cpu.tlb[0][Vcpu::tlb_index(0x80002000)].tag_write & TLB_NOTDIRTY) != 0);
    cpu.store_slow(0x80002ff0, 4, 2, 0);
    REQUIRE(written.size() == 1);
    CHECK(written[0] == 0x80002000);
    CHECK(!as.is_code(0x80002000));
    cpu.store_slow(0x80002ff0, 4, 3, 0);
    CHECK(written.size() == 1);
}

TEST_CASE("address space rejects overlapping regions and unbacked accesses") {
    AddressSpace as;
    as.add_ram("ram", 0x80000000, 1 << 20);
    CHECK_THROWS(as.add_ram("again", 0x80080000, 1 << 20));
    uint64_t v;
    CHECK(!as.load(0x1000, 4, &v));
    CHECK(!as.store(0x800ffffe, 4, 0));  // runs off the end of RAM
    CHECK(as.host_ptr(0x800ffffe, 4) == nullptr);
}

TEST_CASE("a region that ends inside a page: its last page is tracked, nothing past it is") {
    AddressSpace as;
    constexpr uint64_t kEnd = 0x80000000 + 16 * 1024 + 1024;  // -m 16385K before rounding
    as.add_ram("ram", 0x80000000, kEnd - 0x80000000);
    test::FakeCpu cpu(as);
    std::vector<uint64_t> written;
    as.on_code_write = [&](uint64_t pa, uint64_t) { written.push_back(pa & PAGE_MASK); return false; };
    as.on_code_mark = [&](uint64_t page) { cpu.tlb_protect_code(page); };
    as.mark_code(kEnd - 4);  // the last, partial page
    CHECK(as.is_code(kEnd - 4));
    CHECK(as.is_code(kEnd & PAGE_MASK));
    CHECK(!as.is_code(kEnd));            // past the region: no flag, no out-of-bounds read
    as.mark_code(kEnd + 8);              // and no write either
    CHECK(!as.is_code(kEnd + 8));
    // A store to that page goes through the checked path and is reported.
    cpu.store_slow(kEnd - 8, 4, 0x13, 0);
    REQUIRE(written.size() == 1);
    CHECK(written[0] == (kEnd & PAGE_MASK));
    CHECK(!as.is_code(kEnd - 4));
    // Beyond the region's end the same page is not memory: the access faults.
    cpu.store_slow(kEnd + 16, 4, 1, 0);
    CHECK(cpu.exception_pending);
}

TEST_CASE("a ROM that ends inside a page tracks code on its last page") {
    AddressSpace as;
    as.add_rom("rom", 0x1000, 0x1800);
    as.mark_code(0x2700);
    CHECK(as.is_code(0x2700));
    CHECK(!as.is_code(0x2800));
}
