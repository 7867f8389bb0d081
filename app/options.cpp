#include "app/options.h"

#include <cstdlib>

#include "app/accelerators.h"
#include "display/display_options.h"
#include "machines/board.h"
#include "machines/chardev/chardev_options.h"
#include "machines/device_options.h"
#include "machines/net/net_options.h"
#include "machines/virtio/virtio_blk_options.h"
#include "util/log.h"

namespace tessera {

const char* usage_text() {
    return "usage: tessera [options]\n"
           "  -M, -machine NAME[,dumpdtb=FILE][,dtb-randomness=on|off]\n"
           "                      board (-M help lists them; virt picks one by -cpu);\n"
           "                      dumpdtb writes the board's device tree to FILE and exits\n"
           "  -cpu NAME           a CPU model of the board (-cpu help lists them)\n"
           "  -m SIZE             RAM size, e.g. 128M or 2G (default 128M)\n"
           "  -bios FILE|none     firmware (default: Tessera's own firmware)\n"
           "  -kernel FILE        kernel or bare-metal program (ELF or raw)\n"
           "  -initrd FILE        initial ramdisk\n"
           "  -append STRING      kernel command line\n"
           "  -dtb FILE           use this device tree instead of the generated one\n"
           "  -device NAME[,PROP=VALUE...]\n"
           "                      add a device, e.g. virtio-rng-device (-device help lists them)\n"
           "  -netdev user,id=ID[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...\n"
           "                      [,net=ADDR/PREFIX][,host=ADDR][,dns=ADDR][,dhcpstart=ADDR][,restrict=on]\n"
           "                      user-mode network (libslirp) for -device virtio-net-device,netdev=ID[,mac=MAC];\n"
           "                      the guest is 10.0.2.15, the host 10.0.2.2 (its loopback), DNS 10.0.2.3\n"
           "  -nic user[,hostfwd=...][,mac=MAC][,model=virtio-net-device] | none\n"
           "                      the same in one option: a user netdev and a virtio-net-device on it\n"
           "  -drive file=F[,format=raw|qcow2][,if=virtio|none][,id=ID][,readonly=on]\n"
           "         [,snapshot=on][,cache=writeback|writethrough|unsafe|none|directsync]\n"
           "                      a disk image; if=virtio (the default) adds a virtio-blk-device,\n"
           "                      if=none waits for -device virtio-blk-device,drive=ID[,serial=S]\n"
           "  -chardev BACKEND,id=ID[,PROP=VALUE...]\n"
           "                      a host end for a device's chardev=ID: null, stdio, file,path=F,\n"
           "                      socket,host=H,port=P,server=on,wait=off (or path=UNIX)\n"
           "  -nographic          no display; serial console on stdin/stdout (Ctrl-A x quits)\n"
           "  -display sdl[,full-screen=on|off][,window-close=on|off][,gl=off] | none\n"
           "                      the SDL window (default when the board has a display device\n"
           "                      and $DISPLAY or $WAYLAND_DISPLAY is set) or none;\n"
           "                      Ctrl+Alt+F full screen, Ctrl+Alt+G grabs/releases input\n"
           "  -screendump FILE.png the last frame as a PNG, written when Tessera exits\n"
           "  -keys FILE          type a key script (wait MS, type TEXT, key COMBO; README)\n"
           "  -serial stdio|none  where the first UART goes\n"
           "  -accel NAME[,PROP=VALUE...]\n"
           "                      accelerator and its properties (default tcg,exec=tiered;\n"
           "                      -accel help lists them)\n"
           "  -gdb tcp::PORT      wait for a GDB connection on PORT (tcp:HOST:PORT for one address)\n"
           "  -s                  the same as -gdb tcp::1234\n"
           "  -S                  do not start the CPU until a debugger connects and continues\n"
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

// -accel NAME[,PROP=VALUE...]: split here, checked by the accelerator that takes them.
void parse_accel(const std::string& v, Options& o) {
    size_t comma = v.find(',');
    o.accel.name = v.substr(0, comma);
    if (o.accel.name == "help") {
        o.accel_help = true;
        return;
    }
    find_accel(o.accel.name);  // throws for an unknown one
    o.accel.props.clear();
    while (comma != std::string::npos) {
        size_t next = v.find(',', comma + 1);
        std::string prop = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
        comma = next;
        size_t eq = prop.find('=');
        o.accel.props.emplace_back(prop.substr(0, eq), eq == std::string::npos ? "" : prop.substr(eq + 1));
    }
}

// -M NAME[,dumpdtb=FILE][,dtb-randomness=on|off]
void parse_machine(const std::string& v, Options& o) {
    size_t comma = v.find(',');
    o.machine = v.substr(0, comma);
    if (o.machine == "help") o.machine_help = true;
    while (comma != std::string::npos) {
        size_t next = v.find(',', comma + 1);
        std::string prop = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
        comma = next;
        if (prop.rfind("dumpdtb=", 0) == 0 && prop.size() > 8) o.machine_cfg.dumpdtb = prop.substr(8);
        else if (prop.rfind("dtb-randomness=", 0) == 0) o.machine_cfg.dtb_randomness = parse_on_off(prop.substr(15), "-M dtb-randomness");
        else if (prop == "help") o.machine_help = true;
        else throw ConfigError{"-M: unknown machine property '" + prop + "' (available: dumpdtb=FILE, dtb-randomness=on|off)"};
    }
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    bool serial_given = false;  // -nographic does not undo an explicit -serial (QEMU)
    bool nographic = false, display_given = false;  // display/: QEMU refuses the two together
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
        else if (a == "-cpu") o.machine_cfg.cpu = value();
        else if (a == "-m") o.machine_cfg.ram_size = parse_size(value());
        else if (a == "-bios") o.machine_cfg.bios = value();
        else if (a == "-kernel") o.machine_cfg.kernel = value();
        else if (a == "-initrd") o.machine_cfg.initrd = value();
        else if (a == "-append") o.machine_cfg.append = value();
        else if (a == "-dtb") o.machine_cfg.dtb = value();
        else if (a == "-device") {
            DeviceConfig d = parse_device_option(value(), &o.device_help);
            if (o.device_help.empty()) o.machine_cfg.devices.push_back(std::move(d));
        }
        // virtio-net (machines/net/net_options.h)
        else if (a == "-netdev") o.machine_cfg.netdevs.push_back(parse_netdev_option(value()));
        else if (a == "-nic") parse_nic_option(value(), o.machine_cfg);
        // -drive (virtio-blk)
        else if (a == "-drive") o.machine_cfg.drives.push_back(block::parse_drive_options(value()));
        else if (a == "-chardev") o.machine_cfg.chardevs.push_back(parse_chardev_option(value()));
        else if (a == "-nographic") {
            o.machine_cfg.serial_stdio = serial_given ? o.machine_cfg.serial_stdio : true;
            nographic = true;
        }
        else if (a == "-serial") {
            std::string v = value();
            serial_given = true;
            if (v == "stdio" || v == "mon:stdio") o.machine_cfg.serial_stdio = true;
            else if (v == "none" || v == "null") o.machine_cfg.serial_stdio = false;
            else throw ConfigError{"-serial: unsupported backend '" + v + "' (available: stdio, none)"};
        } else if (a == "-accel") parse_accel(value(), o);
        else if (a == "-d") o.log_items = value();
        else if (a == "-D") o.log_file = value();
        else if (a == "-perfmap") o.perf_map = true;
        else if (a == "-s") o.machine_cfg.gdb = "tcp::1234";
        else if (a == "-gdb") {
            std::string v = value();
            o.machine_cfg.gdb = v == "none" ? "" : v;
        } else if (a == "-S") o.machine_cfg.gdb_wait = true;
        else if (a == "-smp") {
            std::string v = value();
            if (v != "1" && v != "cpus=1") throw ConfigError{"-smp: only 1 CPU is supported so far"};
        }
        // display/: -display sdl|none, -screendump FILE.png, -keys FILE (-nographic: none)
        else if (a == "-display") {
            DisplayChoice c = parse_display_option(value());
            o.machine_cfg.display.mode = c.mode;
            o.machine_cfg.display.full_screen = c.full_screen;
            o.machine_cfg.display.window_close = c.window_close;
            display_given = true;
        } else if (a == "-screendump") o.machine_cfg.display.screendump = value();
        else if (a == "-keys") o.machine_cfg.display.keys = value();
        else throw ConfigError{"unknown option '" + args[i] + "' (see -h)"};
    }
    if (o.machine_help || o.accel_help || !o.device_help.empty()) return o;
    // display/
    if (nographic && display_given) throw ConfigError{"-nographic cannot be used with -display"};
    if (nographic) o.machine_cfg.display.mode = "none";
    check_net_config(o.machine_cfg);  // virtio-net: NICs and netdevs name each other
    attach_drives(o.machine_cfg);  // -drive: ids, if=virtio devices, drive= checked
    check_chardevs(o.machine_cfg);
    // QEMU's -S alone waits for its monitor; Tessera has none, so only a debugger can start it.
    if (o.machine_cfg.gdb_wait && o.machine_cfg.gdb.empty())
        throw ConfigError{"-S: nothing could start the CPU; use it with -s or -gdb tcp::PORT"};
    // QEMU spells the board `virt` and picks the ISA from the binary; Tessera is one binary
    // for all guests, so the CPU model picks the board behind an alias.
    const BoardInfo& board = find_board(o.machine, o.machine_cfg.cpu == "help" ? "" : o.machine_cfg.cpu);
    o.machine = board.name;
    o.machine_cfg.display.board = board.name;  // display/: the window's title
    if (o.machine_cfg.cpu == "help") o.cpu_help = true;
    else o.machine_cfg.cpu = board_cpu(board, o.machine_cfg.cpu);
    return o;
}

}  // namespace tessera
