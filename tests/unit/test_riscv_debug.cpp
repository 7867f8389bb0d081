// The CPU contract for a debugger on RISC-V (registers by number, memory through the MMU
// without side effects) and the softmmu's watchpoints.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "frontends/riscv/cpu.h"

using namespace tessera;
using namespace tessera::riscv;

namespace {
constexpr uint64_t kRam = 0x80000000;

// Sv39 with one 4 KiB page: va 0x40000000 -> pa kRam + 0x10000, its PTE without A and D.
struct Paged {
    AddressSpace as;
    RiscvCpu cpu{as, 0};
    uint64_t leaf_pte_pa = 0;
    Paged() {
        as.add_ram("ram", kRam, 1 << 20);
        uint64_t l2 = kRam + 0x1000, l1 = kRam + 0x2000, l0 = kRam + 0x3000, page = kRam + 0x10000;
        uint64_t va = 0x40000000;
        auto pte_ptr = [](uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; };
        as.store(l2 + ((va >> 30) & 0x1ff) * 8, 8, pte_ptr(l1, 1));
        as.store(l1 + ((va >> 21) & 0x1ff) * 8, 8, pte_ptr(l0, 1));
        leaf_pte_pa = l0 + ((va >> 12) & 0x1ff) * 8;
        as.store(leaf_pte_pa, 8, pte_ptr(page, 1 | 2 | 4));  // V R W, no A, no D
        as.store(page + 0x10, 8, 0x1122334455667788ull);
        cpu.satp = 8ull << 60 | (l2 >> 12);
        cpu.pmpcfg[0] = 0x1f;        // NAPOT, R W X: S-mode may use all memory
        cpu.pmpaddr[0] = ~0ull >> 10;
        cpu.priv = PRV_S;
    }
    uint64_t leaf_pte() {
        uint64_t v = 0;
        as.load(leaf_pte_pa, 8, &v);
        return v;
    }
};

unsigned reg_number(RiscvCpu& c, const char* name) {
    auto regs = c.registers();
    for (unsigned i = 0; i < regs.size(); i++)
        if (std::string(regs[i].name) == name) return i;
    FAIL("no register " << name);
    return 0;
}
}  // namespace

TEST_CASE("the debugger reads and writes through the page tables without setting A or D") {
    Paged p;
    uint64_t misses = p.cpu.tlb_misses;
    uint64_t v = 0;
    CHECK(p.cpu.debug_read(0x40000010, &v, 8) == 8);
    CHECK(v == 0x1122334455667788ull);
    uint32_t w = 0xdeadbeef;
    CHECK(p.cpu.debug_write(0x40000014, &w, 4) == 4);
    uint64_t back = 0;
    p.as.load(kRam + 0x10010, 8, &back);
    CHECK(back == 0xdeadbeef55667788ull);
    CHECK((p.leaf_pte() & (64 | 128)) == 0);  // neither A nor D
    CHECK(!p.cpu.exception_pending);
    CHECK(p.cpu.tlb_misses == misses);  // no TLB fill
    // Unmapped: short, and still no guest exception.
    CHECK(p.cpu.debug_read(0x40000ff8, &v, 16) == 8);
    CHECK(p.cpu.debug_read(0x50000000, &v, 8) == 0);
    CHECK(!p.cpu.exception_pending);
}

TEST_CASE("registers by number, with GDB's names and sizes") {
    AddressSpace as;
    as.add_ram("ram", kRam, 1 << 20);
    RiscvCpu cpu(as, 0);
    auto regs = cpu.registers();
    CHECK(std::string(regs[0].name) == "zero");
    CHECK(std::string(regs[32].name) == "pc");
    CHECK(regs[32].in_g_packet);
    CHECK(!regs[33].in_g_packet);
    CHECK(std::string(cpu.facts().gdb_arch) == "riscv:rv64");
    uint8_t buf[8];
    uint64_t v = 0x1234;
    memcpy(buf, &v, 8);
    CHECK(!cpu.write_register(0, buf));  // x0 is hardwired
    CHECK(cpu.write_register(reg_number(cpu, "a0"), buf));
    CHECK(cpu.x[10] == 0x1234);
    CHECK(cpu.write_register(reg_number(cpu, "pc"), buf));
    CHECK(cpu.pc == 0x1234);
    // CSRs as from M-mode, whatever the privilege; WARL rules apply.
    cpu.priv = PRV_U;
    uint64_t mtvec = 0x80000101;
    memcpy(buf, &mtvec, 8);
    CHECK(cpu.write_register(reg_number(cpu, "mtvec"), buf));
    CHECK(cpu.mtvec == 0x80000101);  // mode 1 (vectored) kept, bit 1 cleared
    CHECK(cpu.read_register(reg_number(cpu, "mhartid"), buf));
    CHECK(cpu.priv == PRV_U);
    CHECK(!cpu.write_register(reg_number(cpu, "mhartid"), buf));  // read-only
    uint32_t frm = 3;
    CHECK(cpu.write_register(reg_number(cpu, "frm"), reinterpret_cast<uint8_t*>(&frm)));
    CHECK(cpu.frm == 3);
    CHECK(!cpu.read_register(unsigned(regs.size()), buf));
}

TEST_CASE("a watchpoint stops before the access, in the slow path, and only for its kind") {
    AddressSpace as;
    as.add_ram("ram", kRam, 1 << 20);
    RiscvCpu cpu(as, 0);
    cpu.store_slow(kRam + 0x100, 8, 5, PRV_M);  // the page is cached before the point exists
    REQUIRE(cpu.debug.add_watch(kRam + 0x104, 2, WATCH_WRITE));
    cpu.debug_points_changed();
    CHECK(cpu.flush_code_requested);
    CHECK(cpu.load_slow(kRam + 0x100, 8, PRV_M) == 5);  // a load: no stop
    CHECK(cpu.debug_exit == DebugExit::None);
    CHECK((cpu.tlb[PRV_M][Vcpu::tlb_index(kRam)].tag_write & TLB_DEBUG) != 0);
    cpu.store_slow(kRam + 0x100, 4, 7, PRV_M);  // beside the watched bytes
    CHECK(cpu.debug_exit == DebugExit::None);
    cpu.store_slow(kRam + 0x102, 4, 9, PRV_M);  // overlaps them
    CHECK(cpu.debug_exit == DebugExit::Watchpoint);
    CHECK(cpu.exception_pending);
    CHECK(cpu.debug_watch_addr == kRam + 0x104);
    uint64_t v = 0;
    as.load(kRam + 0x100, 8, &v);
    CHECK(v == 7);  // the watched store did not happen
    // Stepping over it: the point stays quiet for that instruction.
    cpu.exception_pending = false;
    cpu.debug_exit = DebugExit::None;
    cpu.debug_stepping = true;
    cpu.store_slow(kRam + 0x102, 4, 9, PRV_M);
    CHECK(cpu.debug_exit == DebugExit::None);
}
