// Executable memory for generated code, the same pages mapped twice: writable at one
// address, executable at another, so no mapping is ever writable and executable at once.
// Allocation is a bump pointer; reset_to() frees what came after a point (between blocks only).
#pragma once
#include <cstddef>
#include <cstdint>

namespace tessera::x64 {

class CodeBuffer {
public:
    // Throws std::runtime_error if the mappings cannot be made.
    explicit CodeBuffer(size_t bytes);
    ~CodeBuffer();
    CodeBuffer(const CodeBuffer&) = delete;
    CodeBuffer& operator=(const CodeBuffer&) = delete;
    // Copies n bytes in; returns their executable address, or nullptr when full.
    const uint8_t* add(const uint8_t* bytes, size_t n);
    size_t used() const { return used_; }
    size_t free_bytes() const { return size_ - used_; }
    // Forgets everything after the first keep bytes.
    void reset_to(size_t keep) { used_ = keep; }

private:
    void populate(size_t end);

    size_t size_;
    size_t used_ = 0;
    size_t populated_ = 0;  // pages below this are asked for in both views
    uint8_t* rw_ = nullptr;
    const uint8_t* rx_ = nullptr;
};

}  // namespace tessera::x64
