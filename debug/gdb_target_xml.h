// The target description GDB reads with qXfer:features:read: built from the CPU contract
// (core/cpu.h), so the register table a CPU declares is the only list of its registers.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/cpu.h"

namespace tessera::gdb {

// One document, "target.xml": <architecture>arch</architecture>, then one <feature> per
// distinct RegInfo::feature in order of first appearance, each register with
// regnum = its index in regs. Registers whose size is not a whole number of bytes are left out.
std::string target_xml(const char* arch, std::span<const RegInfo> regs);

// The reply to "qXfer:features:read:ANNEX:OFFSET,LENGTH" (args = "ANNEX:OFFSET,LENGTH") for
// the document above: "m" + more data, "l" + the last data, binary-escaped, at most max_reply
// bytes long. An unknown annex answers "E00", malformed arguments "E01".
std::string xfer_read(std::string_view document, std::string_view args, size_t max_reply);

}  // namespace tessera::gdb
