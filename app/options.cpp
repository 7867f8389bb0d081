#include "app/options.h"

#include <cstdlib>

#include "util/log.h"

namespace tessera {

const char* usage_text() {
    return "usage: tessera [options]\n"
           "  -M, -machine NAME[,dumpdtb=FILE]\n"
           "                      board: riscv64-virt (also: virt, with a RISC-V -cpu or none);\n"
           "                      dumpdtb writes the board's device tree to FILE and exits\n"
           "  -cpu NAME           rv64 (the default for riscv64-virt)\n"
           "  -m SIZE             RAM size, e.g. 128M or 2G (default 128M)\n"
           "  -bios FILE|none     firmware (default: Tessera's own firmware)\n"
           "  -kernel FILE        kernel or bare-metal program (ELF or raw)\n"
           "  -initrd FILE        initial ramdisk\n"
           "  -append STRING      kernel command line\n"
           "  -dtb FILE           use this device tree instead of the generated one\n"
           "  -nographic          no display; serial console on stdin/stdout (Ctrl-A x quits)\n"
           "  -serial stdio|none  where the first UART goes\n"
           "  -accel tcg[,exec=interp|jit|tiered|lockstep][,threshold=N][,warm=N][,region=N]\n"
           "            [,baseline=on|off][,ahead=on|off][,tb-size=MiB]\n"
           "                      execution engine (default tiered: interpreter first, baseline\n"
           "                      x86-64 code after warm=N runs (default 16), LLVM for hot code;\n"
           "                      threshold: runs before LLVM compiles a block, default 64 and\n"
           "                      100000 guest instructions in it; region: blocks LLVM compiles\n"
           "                      together, default 8; baseline: jit and tiered use the baseline\n"
           "                      code generator (default on; jit compiles every block with it\n"
           "                      before it runs), lockstep checks it instead of LLVM (default\n"
           "                      off); ahead: jit without baseline compiles blocks' successors\n"
           "                      on a second thread, default on; tb-size: code cache size,\n"
           "                      LLVM's (default 256) and the baseline's (default 64) each)\n"
           "  -d ITEM[,ITEM...]   log: in_asm, op, out_asm, llvm, int, mmu, guest_errors, exec, stats\n"
           "  -D FILE             write the log to FILE\n"
           "  -perfmap            list compiled code in /tmp/perf-<pid>.map for perf\n"
           "  -version, --version print the version\n"
           "  -h, -help, --help   this text\n";
}

uint32_t parse_log_items(const std::string& items, bool* stats) {
    uint32_t mask = 0;
    size_t pos = 0;
    while (pos <= items.size()) {
        size_t comma = items.find(',', pos);
        std::string it = items.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (it == "in_asm") mask |= LOG_IN_ASM;
        else if (it == "op") mask |= LOG_OP;
        else if (it == "int") mask |= LOG_INT;
        else if (it == "mmu") mask |= LOG_MMU;
        else if (it == "guest_errors") mask |= LOG_GUEST_ERROR;
        else if (it == "exec") mask |= LOG_EXEC;
        else if (it == "llvm") mask |= LOG_LLVM;
        else if (it == "out_asm") mask |= LOG_OUT_ASM;
        else if (it == "stats") *stats = true;
        else throw ConfigError{"-d: unknown log item '" + it + "' (try: in_asm,op,out_asm,llvm,int,mmu,guest_errors,exec,stats)"};
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return mask;
}

namespace {

constexpr uint64_t kRamGranule = 4096;

uint64_t parse_size(const std::string& s) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = strtoull(s.c_str(), &end, 10);
    if (end == s.c_str() || errno) throw ConfigError{"-m: invalid size '" + s + "'"};
    std::string suffix = end;
    uint64_t mul = 1ull << 20;  // QEMU: a bare number is MiB
    if (suffix == "" || suffix == "M" || suffix == "m") mul = 1ull << 20;
    else if (suffix == "G" || suffix == "g") mul = 1ull << 30;
    else if (suffix == "K" || suffix == "k") mul = 1ull << 10;
    else if (suffix == "T" || suffix == "t") mul = 1ull << 40;
    else throw ConfigError{"-m: invalid size '" + s + "' (a number with K, M, G or T)"};
    if (v > (1ull << 44) / mul) throw ConfigError{"-m: size '" + s + "' is too large"};
    // Whole pages, as QEMU rounds RAM: no board then has a page that is only partly RAM.
    return (v * mul + kRamGranule - 1) & ~(kRamGranule - 1);
}

void parse_accel(const std::string& v, Options& o) {
    size_t comma = v.find(',');
    std::string name = v.substr(0, comma);
    if (name != "tcg") throw ConfigError{"-accel: unsupported accelerator '" + name + "' (available: tcg)"};
    while (comma != std::string::npos) {
        size_t next = v.find(',', comma + 1);
        std::string prop = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
        comma = next;
        if (prop.rfind("exec=", 0) == 0) {
            o.exec = prop.substr(5);
            if (o.exec != "interp" && o.exec != "jit" && o.exec != "tiered" && o.exec != "lockstep")
                throw ConfigError{"-accel: unknown exec mode '" + o.exec + "' (available: interp, jit, tiered, lockstep)"};
        } else if (prop.rfind("threshold=", 0) == 0) {
            char* end = nullptr;
            unsigned long n = strtoul(prop.c_str() + 10, &end, 10);
            if (*end || n == 0 || n > 1000000) throw ConfigError{"-accel: threshold must be 1..1000000, not '" + prop.substr(10) + "'"};
            o.machine_cfg.hot_threshold = uint32_t(n);
        } else if (prop.rfind("tb-size=", 0) == 0) {  // QEMU's name: the code cache in MiB
            char* end = nullptr;
            unsigned long n = strtoul(prop.c_str() + 8, &end, 10);
            if (*end || n == 0 || n > 4096) throw ConfigError{"-accel: tb-size must be 1..4096 (MiB), not '" + prop.substr(8) + "'"};
            o.machine_cfg.tb_size_mib = uint32_t(n);
        } else if (prop.rfind("warm=", 0) == 0) {
            char* end = nullptr;
            unsigned long n = strtoul(prop.c_str() + 5, &end, 10);
            if (*end || n == 0 || n > 1000000) throw ConfigError{"-accel: warm must be 1..1000000, not '" + prop.substr(5) + "'"};
            o.machine_cfg.warm_runs = uint32_t(n);
        } else if (prop.rfind("region=", 0) == 0) {
            char* end = nullptr;
            unsigned long n = strtoul(prop.c_str() + 7, &end, 10);
            if (*end || n == 0 || n > 64) throw ConfigError{"-accel: region must be 1..64, not '" + prop.substr(7) + "'"};
            o.machine_cfg.region_blocks = uint32_t(n);
        } else if (prop == "ahead=on" || prop == "ahead=off") {
            o.machine_cfg.compile_ahead = prop == "ahead=on";
        } else if (prop == "baseline=on" || prop == "baseline=off") {
            o.machine_cfg.baseline = prop == "baseline=on";
        } else if (prop.rfind("baseline=", 0) == 0) {
            throw ConfigError{"-accel: baseline must be on or off, not '" + prop.substr(9) + "'"};
        } else if (prop.rfind("ahead=", 0) == 0) {
            throw ConfigError{"-accel: ahead must be on or off, not '" + prop.substr(6) + "'"};
        } else {
            throw ConfigError{"-accel: unknown property '" + prop + "'"};
        }
    }
}

// -M NAME[,dumpdtb=FILE]
void parse_machine(const std::string& v, Options& o) {
    size_t comma = v.find(',');
    o.machine = v.substr(0, comma);
    while (comma != std::string::npos) {
        size_t next = v.find(',', comma + 1);
        std::string prop = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
        comma = next;
        if (prop.rfind("dumpdtb=", 0) == 0 && prop.size() > 8) o.machine_cfg.dumpdtb = prop.substr(8);
        else throw ConfigError{"-M: unknown machine property '" + prop + "' (available: dumpdtb=FILE)"};
    }
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    for (size_t i = 0; i < args.size(); i++) {
        std::string a = args[i];
        if (a.size() > 2 && a[0] == '-' && a[1] == '-') a = a.substr(1);  // --opt == -opt, as QEMU
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) throw ConfigError{"option '" + args[i] + "' needs an argument"};
            return args[++i];
        };
        if (a == "-h" || a == "-help") o.show_help = true;
        else if (a == "-version") o.show_version = true;
        else if (a == "-M" || a == "-machine") parse_machine(value(), o);
        else if (a == "-cpu") o.cpu = value();
        else if (a == "-m") o.machine_cfg.ram_size = parse_size(value());
        else if (a == "-bios") o.machine_cfg.bios = value();
        else if (a == "-kernel") o.machine_cfg.kernel = value();
        else if (a == "-initrd") o.machine_cfg.initrd = value();
        else if (a == "-append") o.machine_cfg.append = value();
        else if (a == "-dtb") o.machine_cfg.dtb = value();
        else if (a == "-nographic") o.machine_cfg.serial_stdio = true;
        else if (a == "-serial") {
            std::string v = value();
            if (v == "stdio" || v == "mon:stdio") o.machine_cfg.serial_stdio = true;
            else if (v == "none" || v == "null") o.machine_cfg.serial_stdio = false;
            else throw ConfigError{"-serial: unsupported backend '" + v + "' (available: stdio, none)"};
        } else if (a == "-accel") parse_accel(value(), o);
        else if (a == "-d") o.log_items = value();
        else if (a == "-D") o.log_file = value();
        else if (a == "-perfmap") o.perf_map = true;
        else if (a == "-smp") {
            std::string v = value();
            if (v != "1" && v != "cpus=1") throw ConfigError{"-smp: only 1 CPU is supported so far"};
        } else if (a == "-display") {
            std::string v = value();
            if (v != "none") throw ConfigError{"-display: only 'none' is supported so far"};
        } else throw ConfigError{"unknown option '" + args[i] + "' (see -h)"};
    }
    // QEMU spells the board `virt` and picks the ISA from the binary; Tessera is one binary
    // for all guests, so `virt` means RISC-V unless a non-RISC-V -cpu says otherwise.
    if (o.machine == "virt") {
        if (!o.cpu.empty() && o.cpu.rfind("rv64", 0) != 0)
            throw ConfigError{"-M virt: CPU '" + o.cpu + "' is not available (RISC-V: rv64)"};
        o.machine = "riscv64-virt";
    }
    if (o.machine != "riscv64-virt") throw ConfigError{"-M: unknown machine '" + o.machine + "' (available: riscv64-virt)"};
    if (!o.cpu.empty() && o.cpu.rfind("rv64", 0) != 0)
        throw ConfigError{"-cpu: '" + o.cpu + "' is not available on riscv64-virt (available: rv64)"};
    return o;
}

}  // namespace tessera
