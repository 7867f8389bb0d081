// The CPU contract: what every guest CPU offers the rest of Tessera, whatever runs it (TCG's
// softmmu state lives in softmmu/vcpu.h; a KVM vCPU will have none of it). Boards reset CPUs
// and drive their interrupt lines (core/irq.h); the gdbstub and the monitor read and write
// registers by number and memory through the guest MMU; the executors read the static facts.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace tessera {

// One register as a debugger sees it. The register number is its index in
// Cpu::registers(), which is also its number in GDB's remote protocol (p/P packets and the
// regnum of the target description).
struct RegInfo {
    const char* name;     // as GDB names it ("ra", "pc", "ft0", "mstatus")
    uint16_t bits;        // 32, 64, 128
    const char* type;     // GDB type: "int", "code_ptr", "data_ptr", "ieee_single", "ieee_double"
    const char* feature;  // GDB feature: "org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", ...
    const char* group;    // GDB register group ("general", "float", "system"), or nullptr
    bool in_g_packet;     // part of the 'g' packet (the core registers), in register order
    const char* type_xml = nullptr;  // GDB XML defining `type` when it is not a built-in one
};

// What never changes for a CPU model.
struct CpuFacts {
    const char* gdb_arch;      // GDB's <architecture> ("riscv:rv64", "aarch64", "i386:x86-64")
    uint8_t insn_align_bits;   // instructions start at multiples of 2^n (RVC 1, A64 2, x86 0)
    uint8_t max_insn_bytes;    // longest instruction (RISC-V 4, A64 4, x86 15)
    uint8_t mmu_modes;         // soft-TLB modes the CPU uses (privilege levels and variants)
};

class Cpu {
public:
    virtual ~Cpu() = default;
    virtual const CpuFacts& facts() const = 0;
    // Power-on state, starting at pc.
    virtual void reset(uint64_t pc) = 0;

    // Registers by number. Values are little-endian bytes, bits/8 of them. A register that
    // cannot be written (x0, a read-only CSR) returns false and is left unchanged.
    virtual std::span<const RegInfo> registers() const = 0;
    virtual bool read_register(unsigned n, uint8_t* out) = 0;
    virtual bool write_register(unsigned n, const uint8_t* in) = 0;

    // Debugger access to guest virtual memory in the CPU's current translation regime:
    // no guest exception, no accessed/dirty bits set, no TLB fill, no device side effect
    // beyond the access itself. Returns the number of bytes done (short at the first
    // address that does not translate or is not backed).
    virtual size_t debug_read(uint64_t va, void* out, size_t len) = 0;
    virtual size_t debug_write(uint64_t va, const void* in, size_t len) = 0;
};

}  // namespace tessera
