// Command-line parsing: QEMU's spellings accepted, everything else one clear error.
#include <doctest/doctest.h>

#include "app/accelerators.h"
#include "app/options.h"
#include "backends/exec/tcg_accel.h"
#include "machines/board.h"
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
    CHECK(msg({"-M", "virt", "-cpu", "cortex-a99"}).find("cortex-a99") != std::string::npos);
    bool stats;
    CHECK_THROWS_AS(parse_log_items("in_asm,bogus", &stats), ConfigError);
}

TEST_CASE("accelerator properties") {
    auto tcg = [](std::vector<std::string> args) { return TcgAccel::parse(parse_options(args).accel); };
    Options o = parse_options({"-accel", "tcg,exec=tiered,threshold=16"});
    CHECK(o.accel.name == "tcg");
    ExecOptions eo = TcgAccel::parse(o.accel);
    CHECK(eo.mode == ExecMode::Tiered);
    CHECK(eo.hot_threshold == 16);
    CHECK(eo.hot_insns == 0);  // given explicitly: exactly that many runs
    CHECK(tcg({}).mode == ExecMode::Tiered);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,threshold=0"}), ConfigError);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,exec=warp"}), ConfigError);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,turbo=on"}), ConfigError);
    CHECK(tcg({"-accel", "tcg,region=8"}).region_blocks == 8);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,region=0"}), ConfigError);
    CHECK(tcg({}).compile_ahead);
    CHECK(!tcg({"-accel", "tcg,exec=jit,ahead=off"}).compile_ahead);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,ahead=maybe"}), ConfigError);
    CHECK(tcg({}).baseline);  // tiered: on
    CHECK(!tcg({"-accel", "tcg,exec=lockstep"}).baseline);
    CHECK(!tcg({"-accel", "tcg,exec=jit,baseline=off"}).baseline);
    CHECK(tcg({"-accel", "tcg,exec=lockstep,baseline=on"}).baseline);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,exec=interp,baseline=on"}), ConfigError);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,baseline=yes"}), ConfigError);
    CHECK(tcg({"-accel", "tcg,warm=3"}).warm_runs == 3);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,warm=0"}), ConfigError);
    CHECK(tcg({"-accel", "tcg,tb-size=32"}).max_compiled_bytes == 32ull << 20);
    CHECK_THROWS_AS(tcg({"-accel", "tcg,tb-size=0"}), ConfigError);
}

TEST_CASE("help for boards, CPUs and accelerators") {
    CHECK(parse_options({"-M", "help"}).machine_help);
    CHECK(parse_options({"-accel", "help"}).accel_help);
    Options o = parse_options({"-M", "virt", "-cpu", "help"});
    CHECK(o.cpu_help);
    CHECK(o.machine == "riscv64-virt");
    CHECK(boards_help().find("riscv64-virt") != std::string::npos);
    CHECK(cpus_help(find_board("riscv64-virt", "")).find("rv64") != std::string::npos);
    CHECK(accels_help().find("tb-size=MiB") != std::string::npos);
    CHECK(parse_options({"-M", "virt"}).machine_cfg.cpu == "rv64");  // the board's default model
}

TEST_CASE("-device: QEMU's names, properties, help, and one error line for the rest") {
    Options o = parse_options({"-device", "virtio-rng-device", "-device", "virtio-rng,id=rng1"});
    REQUIRE(o.machine_cfg.devices.size() == 2);
    CHECK(o.machine_cfg.devices[0].driver == "virtio-rng-device");
    CHECK(o.machine_cfg.devices[0].props.empty());
    CHECK(o.machine_cfg.devices[1].driver == "virtio-rng-device");  // the alias resolved
    REQUIRE(o.machine_cfg.devices[1].prop("id"));
    CHECK(*o.machine_cfg.devices[1].prop("id") == "rng1");
    CHECK(parse_options({"-device", "virtio-rng-device,id=a,,b"}).machine_cfg.devices[0].prop("id")->compare("a,b") == 0);
    CHECK(parse_options({"-device", "help"}).device_help == "*");
    CHECK(parse_options({"-device", "virtio-rng,help"}).device_help == "virtio-rng-device");
    auto msg = [](std::vector<std::string> args) {
        try {
            parse_options(args);
        } catch (const ConfigError& e) {
            return e.message;
        }
        return std::string();
    };
    CHECK(msg({"-device", "virtio-frob"}).rfind("-device: unknown device 'virtio-frob' (available: virtio-rng-device", 0) == 0);
    CHECK(msg({"-device", "virtio-rng-device,drive=x"}) ==
          "-device virtio-rng-device: unknown property 'drive' (available: id)");
    CHECK(msg({"-device", ""}).find("a device name is needed") != std::string::npos);
    CHECK(msg({"-device"}).find("needs an argument") != std::string::npos);
}

TEST_CASE("-chardev, and stdio's one user (the serial port, or a -chardev stdio after -serial none)") {
    auto msg = [](std::vector<std::string> args) {
        try {
            parse_options(args);
        } catch (const ConfigError& e) {
            return e.message;
        }
        return std::string();
    };
    Options o = parse_options({"-chardev", "socket,id=c,host=127.0.0.1,port=4444,server=on,wait=off", "-device",
                               "virtio-serial-device", "-device", "virtconsole,chardev=c"});
    REQUIRE(o.machine_cfg.chardevs.size() == 1);
    CHECK(o.machine_cfg.chardevs[0].id == "c");
    CHECK(o.machine_cfg.devices.size() == 2);
    CHECK(*o.machine_cfg.devices[1].prop("chardev") == "c");
    CHECK(msg({"-chardev", "stdio,id=s"}).find("cannot use stdio by multiple character devices") != std::string::npos);
    CHECK(msg({"-nographic", "-chardev", "stdio,id=s"}).find("cannot use stdio") != std::string::npos);
    // -serial none frees stdio, and -nographic (before or after) does not take it back.
    CHECK(msg({"-serial", "none", "-chardev", "stdio,id=s"}) == "");
    CHECK(msg({"-serial", "none", "-nographic", "-chardev", "stdio,id=s"}) == "");
    CHECK(msg({"-nographic", "-serial", "none", "-chardev", "stdio,id=s"}) == "");
    CHECK_FALSE(parse_options({"-serial", "none", "-nographic"}).machine_cfg.serial_stdio);
    CHECK(parse_options({"-nographic"}).machine_cfg.serial_stdio);
    CHECK(msg({"-chardev", "socket,id=c,port=99999"}) == "-chardev socket: bad port '99999' (0 to 65535)");
    CHECK(msg({"-chardev", "null,id=a", "-chardev", "file,id=a,path=x"}) == "-chardev: duplicate id 'a'");
    CHECK(msg({"-chardev"}).find("needs an argument") != std::string::npos);
}
