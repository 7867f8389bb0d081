// Control and status registers: access checks and side effects (csr.cpp).
#pragma once
#include <cstdint>

namespace tessera::riscv {

class RiscvCpu;

enum class CsrOp : uint8_t { Write = 0, Set = 1, Clear = 2 };

// The h_csr helper's first argument: csr number, operation, whether it reads/writes.
constexpr uint64_t csr_desc(uint32_t csr, CsrOp op, bool reads, bool writes) {
    return uint64_t(csr) | uint64_t(op) << 12 | uint64_t(reads) << 14 | uint64_t(writes) << 15;
}

// Reads a CSR for the current privilege. Returns false if the access is illegal.
// insn_index is the instruction's position in its block (for instret/cycle).
bool csr_read(RiscvCpu& c, uint32_t csr, uint64_t insn_index, uint64_t* val);
bool csr_write(RiscvCpu& c, uint32_t csr, uint64_t val, uint64_t insn_index);
// Access permission only (privilege, read-only, counter enables), no side effects.
bool csr_accessible(RiscvCpu& c, uint32_t csr, bool write);

}  // namespace tessera::riscv
