// A translation block: guest code at one physical pc in one mode, lifted to IR and
// prepared for an executor.
#pragma once
#include <cstdint>
#include <memory>

#include "ir/ir.h"

namespace tessera {

namespace interp {
struct Code;
}

struct TbKey {
    uint64_t phys_pc;
    uint32_t flags;
    bool operator==(const TbKey&) const = default;
};

struct TB {
    TbKey key;
    uint64_t pc;          // virtual pc it was translated at
    uint64_t page2 = ~0ull;  // second physical code page, if the block straddles
    uint32_t guest_insns = 0;
    bool valid = true;
    TB* chain[2] = {nullptr, nullptr};  // direct successors, same virtual page only
    uint64_t exec_count = 0;
    ir::Block ir;
    std::unique_ptr<interp::Code> code;
    ~TB();
};

}  // namespace tessera
