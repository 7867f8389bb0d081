// A RISC-V-shaped CPU and a DebugTarget that record what the gdbstub asks of them, for the
// gdbstub's tests and the gdb-multiarch smoke driver. Registers use the names GDB's RISC-V
// target requires (gdb/riscv-tdep.c): x0..x31 by ABI name and pc in org.gnu.gdb.riscv.cpu,
// ft0..ft11 etc. plus fflags/frm/fcsr in org.gnu.gdb.riscv.fpu, CSRs in org.gnu.gdb.riscv.csr.
#pragma once
#include <atomic>
#include <cstring>
#include <mutex>
#include <tuple>
#include <vector>

#include "core/cpu.h"
#include "debug/debug_target.h"

namespace tessera::test {

class GdbFakeCpu : public Cpu {
public:
    static constexpr uint64_t kRamBase = 0x80000000;
    static constexpr size_t kRamSize = 0x10000;
    static constexpr unsigned kPc = 32, kFirstFp = 33, kFcsr = 67, kMstatus = 68;

    GdbFakeCpu() : ram(kRamSize) {
        static const char* x[] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
                                  "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                  "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
        static const char* f[] = {"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
                                  "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
                                  "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
        const char* cpu = "org.gnu.gdb.riscv.cpu";
        const char* fpu = "org.gnu.gdb.riscv.fpu";
        for (int i = 0; i < 32; i++)
            table.push_back({x[i], 64, i == 1 ? "code_ptr" : (i >= 2 && i <= 4) ? "data_ptr" : "int", cpu, "general", true});
        table.push_back({"pc", 64, "code_ptr", cpu, "general", true});
        for (int i = 0; i < 32; i++) table.push_back({f[i], 64, "ieee_double", fpu, "float", false});
        table.push_back({"fflags", 32, "int", fpu, "float", false});
        table.push_back({"frm", 32, "int", fpu, "float", false});
        table.push_back({"fcsr", 32, "int", fpu, "float", false});
        table.push_back({"mstatus", 64, "int", "org.gnu.gdb.riscv.csr", "system", false});
        table.push_back({"mhartid", 64, "int", "org.gnu.gdb.riscv.csr", "system", false});  // read-only
        values.assign(table.size(), 0);
        for (unsigned i = 1; i < 32; i++) values[i] = 0x1000 + i;
        values[kPc] = kRamBase;
        values[kFirstFp] = 0x3ff0000000000000ull;  // 1.0
        values[kMstatus] = 0xa00000000ull;
    }

    const CpuFacts& facts() const override { return facts_; }
    void reset(uint64_t pc) override { values[kPc] = pc; }
    std::span<const RegInfo> registers() const override { return table; }
    bool read_register(unsigned n, uint8_t* out) override {
        if (n >= table.size()) return false;
        std::memcpy(out, &values[n], table[n].bits / 8);  // little-endian host
        return true;
    }
    bool write_register(unsigned n, const uint8_t* in) override {
        if (n == 0 || n >= table.size() || n == table.size() - 1) return false;  // zero, mhartid
        values[n] = 0;
        std::memcpy(&values[n], in, table[n].bits / 8);
        return true;
    }
    size_t debug_read(uint64_t va, void* out, size_t len) override {
        size_t n = backed(va, len);
        if (n) std::memcpy(out, &ram[va - kRamBase], n);
        return n;
    }
    size_t debug_write(uint64_t va, const void* in, size_t len) override {
        size_t n = backed(va, len);
        if (n) std::memcpy(&ram[va - kRamBase], in, n);
        return n;
    }

    std::vector<RegInfo> table;
    std::vector<uint64_t> values;
    std::vector<uint8_t> ram;

private:
    size_t backed(uint64_t va, size_t len) const {
        if (va < kRamBase || va - kRamBase >= kRamSize) return 0;
        return std::min<uint64_t>(len, kRamSize - (va - kRamBase));
    }
    CpuFacts facts_{"riscv:rv64", 1, 4, 4};
};

class GdbFakeTarget : public DebugTarget {
public:
    using Point = std::tuple<PointKind, uint64_t, uint64_t>;
    Cpu& debug_cpu() override { return cpu; }
    bool insert_point(PointKind kind, uint64_t addr, uint64_t len) override {
        std::lock_guard lock(mu);
        if (kind == PointKind::AccessWatch) return false;  // pretend this one is unsupported
        points.emplace_back(kind, addr, len);
        return true;
    }
    bool remove_point(PointKind kind, uint64_t addr, uint64_t len) override {
        std::lock_guard lock(mu);
        for (auto it = points.begin(); it != points.end(); ++it) {
            if (*it == Point{kind, addr, len}) {
                points.erase(it);
                return true;
            }
        }
        return false;
    }
    void remove_all_points() override {
        std::lock_guard lock(mu);
        points.clear();
        remove_all_calls++;
    }
    void request_debug_stop() override { stop_requests++; }

    size_t point_count() {
        std::lock_guard lock(mu);
        return points.size();
    }

    GdbFakeCpu cpu;
    std::mutex mu;
    std::vector<Point> points;
    std::atomic<int> remove_all_calls{0};
    std::atomic<int> stop_requests{0};
};

}  // namespace tessera::test
