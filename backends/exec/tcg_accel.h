// TCG: the accelerator of backends/ (interpreter, baseline x86-64 code, LLVM, tiered,
// lockstep) behind core/accel.h. One block cache for the machine, one Executor per vCPU.
#pragma once
#include <memory>
#include <vector>

#include "backends/exec/executor.h"
#include "backends/exec/tb_cache.h"
#include "core/accel.h"

namespace tessera {

class TcgAccel : public Accelerator {
public:
    explicit TcgAccel(const ExecOptions& opts) : opts_(opts) {}
    ~TcgAccel() override;
    const char* name() const override { return "tcg"; }
    void map_memory(AddressSpace& as) override;
    void add_cpu(Vcpu& cpu) override;
    void run(unsigned index) override;
    void step(unsigned index) override;
    bool failed() const override;
    void reset() override;
    void print_stats(FILE* out) override;
    std::string describe_state() const override;

    // -accel tcg,PROP=VALUE...: throws ConfigError naming a bad property.
    static ExecOptions parse(const AccelConfig& cfg);
    static const AccelInfo& info();

private:
    ExecOptions opts_;
    AddressSpace* as_ = nullptr;
    std::vector<Vcpu*> cpus_;
    TbCache cache_;
    std::vector<std::unique_ptr<Executor>> executors_;
};

}  // namespace tessera
