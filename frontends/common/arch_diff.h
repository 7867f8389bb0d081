// Readable diffs of two architectural-state snapshots (Vcpu::save_arch), for lockstep and
// conformance reports: each frontend names its fields, this formats them, and bytes no
// field covers are listed raw.
#pragma once
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace tessera {

class ArchDiff {
public:
    ArchDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) : a_(a), b_(b) {}
    // The field of `size` bytes at `off` in both snapshots, if it differs.
    void field(const char* name, size_t off, size_t size) {
        uint64_t va = 0, vb = 0;
        if (off + size > a_.size() || off + size > b_.size()) return;
        memcpy(&va, a_.data() + off, size);
        memcpy(&vb, b_.data() + off, size);
        if (va == vb) return;
        char line[160];
        snprintf(line, sizeof line, "  %-10s 0x%016" PRIx64 "  !=  0x%016" PRIx64 "\n", name, va, vb);
        out_ += line;
    }
    // What was found; if no named field differs but the snapshots do, the differing bytes.
    std::string finish() {
        if (out_.empty() && a_ != b_)
            for (size_t i = 0; i < a_.size() && i < b_.size(); i++)
                if (a_[i] != b_[i]) {
                    char line[96];
                    snprintf(line, sizeof line, "  state byte %zu: 0x%02x != 0x%02x\n", i, a_[i], b_[i]);
                    out_ += line;
                }
        return out_;
    }

private:
    const std::vector<uint8_t>& a_;
    const std::vector<uint8_t>& b_;
    std::string out_;
};

}  // namespace tessera
