// Command-line parsing: QEMU's spellings accepted, everything else one clear error.
#include <doctest/doctest.h>

#include "app/options.h"
#include "util/log.h"

using namespace tessera;

TEST_CASE("QEMU spellings parse") {
    Options o = parse_options({"-M", "virt", "-m", "256", "-bios", "none", "-kernel", "k.elf", "-nographic",
                               "-append", "console=ttyS0", "-accel", "tcg,exec=interp", "-d", "in_asm,int"});
    CHECK(o.machine == "riscv64-virt");
    CHECK(o.machine_cfg.ram_size == 256ull << 20);
    CHECK(o.machine_cfg.bios == "none");
    CHECK(o.machine_cfg.kernel == "k.elf");
    CHECK(o.machine_cfg.append == "console=ttyS0");
    CHECK(parse_options({"-m", "2G"}).machine_cfg.ram_size == 2ull << 30);
    CHECK(parse_options({"--version"}).show_version);
    bool stats = false;
    CHECK(parse_log_items("in_asm,guest_errors,stats", &stats) == (LOG_IN_ASM | LOG_GUEST_ERROR));
    CHECK(stats);
}

TEST_CASE("bad options are errors with a message naming them") {
    auto msg = [](std::vector<std::string> args) {
        try {
            parse_options(args);
        } catch (const ConfigError& e) {
            return e.message;
        }
        return std::string();
    };
    CHECK(msg({"-frobnicate"}).find("-frobnicate") != std::string::npos);
    CHECK(msg({"-M", "pc"}).find("pc") != std::string::npos);
    CHECK(msg({"-m", "lots"}).find("lots") != std::string::npos);
    CHECK(msg({"-kernel"}).find("needs an argument") != std::string::npos);
    CHECK(msg({"-accel", "kvm"}).find("kvm") != std::string::npos);
    CHECK(msg({"-M", "virt", "-cpu", "cortex-a57"}).find("cortex-a57") != std::string::npos);
    bool stats;
    CHECK_THROWS_AS(parse_log_items("in_asm,bogus", &stats), ConfigError);
}

TEST_CASE("accelerator properties") {
    Options o = parse_options({"-accel", "tcg,exec=tiered,threshold=16"});
    CHECK(o.exec == "tiered");
    CHECK(o.machine_cfg.hot_threshold == 16);
    CHECK(parse_options({}).exec == "tiered");
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,threshold=0"}), ConfigError);
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,exec=warp"}), ConfigError);
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,turbo=on"}), ConfigError);
    CHECK(parse_options({"-accel", "tcg,region=8"}).machine_cfg.region_blocks == 8);
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,region=0"}), ConfigError);
    CHECK(parse_options({}).machine_cfg.compile_ahead);
    CHECK(!parse_options({"-accel", "tcg,exec=jit,ahead=off"}).machine_cfg.compile_ahead);
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,ahead=maybe"}), ConfigError);
    CHECK(parse_options({}).machine_cfg.baseline == -1);  // the mode decides
    CHECK(parse_options({"-accel", "tcg,exec=jit,baseline=off"}).machine_cfg.baseline == 0);
    CHECK(parse_options({"-accel", "tcg,exec=lockstep,baseline=on"}).machine_cfg.baseline == 1);
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,baseline=yes"}), ConfigError);
    CHECK(parse_options({"-accel", "tcg,warm=3"}).machine_cfg.warm_runs == 3);
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,warm=0"}), ConfigError);
    CHECK(parse_options({"-accel", "tcg,tb-size=32"}).machine_cfg.tb_size_mib == 32);
    CHECK_THROWS_AS(parse_options({"-accel", "tcg,tb-size=0"}), ConfigError);
}
