/* Tessera riscv64 firmware: banner from the device tree, then a small
 * interactive monitor on the UART. */
#include "fw.h"

#define MIP_MTIP (1ul << 7)
#define MIP_MEIP (1ul << 11)
#define MSTATUS_MIE (1ul << 3)
#define LINE_MAX 128
#define ARGS_MAX 8

static struct fdt_info dt;
static uint64_t hart;
static volatile int timer_fired;
static volatile int probing, probe_faulted;

static uint64_t mtime(void) { return *(volatile uint64_t *)CLINT_MTIME; }
static void set_mtimecmp(uint64_t v) { *(volatile uint64_t *)CLINT_MTIMECMP = v; }
static uint64_t timebase(void) { return dt.timebase ? dt.timebase : 10000000; }

/* Called from trap_entry. The timer interrupt ends a `ticks` wait; a fault
 * while `mem` probes memory is skipped and reported; anything else stops. */
void handle_trap(void)
{
    uint64_t cause = csr_read(mcause), epc = csr_read(mepc);
    if (cause == ((1ul << 63) | 7)) {
        set_mtimecmp(~0ul);
        timer_fired = 1;
        return;
    }
    if (probing && !(cause >> 63)) {
        probe_faulted = 1;
        csr_write(mepc, epc + (((*(volatile uint16_t *)epc) & 3) == 3 ? 4 : 2));
        return;
    }
    puts_("\nunexpected trap: mcause=0x");
    put_hex(cause, 16);
    puts_(" mepc=0x");
    put_hex(epc, 16);
    puts_(" mtval=0x");
    put_hex(csr_read(mtval), 16);
    puts_("\nhalted.\n");
    for (;;) __asm__ volatile("wfi");
}

size_t strlen_(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int streq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

int parse_num(const char *s, int base, uint64_t *out)
{
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2, base = 16;
    if (!*s) return 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (*s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else return 0;
        if (d >= base) return 0;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return 1;
}

static void print_mem_size(uint64_t bytes)
{
    if (bytes >= (1ul << 30) && !(bytes & ((1ul << 30) - 1))) { put_dec(bytes >> 30); puts_(" GiB"); }
    else { put_dec(bytes >> 20); puts_(" MiB"); }
}

/* misa as an ISA string, extensions in canonical order: rv64imafdc... */
static void print_isa(uint64_t misa)
{
    static const char order[] = "IEMAFDQLCBKJTPVNH";
    puts_("rv");
    put_dec(32u << ((misa >> 62) - 1));
    for (const char *c = order; *c; c++)
        if (misa & (1ul << (*c - 'A'))) putc_((char)(*c - 'A' + 'a'));
    puts_(" (modes: M");
    if (misa & (1ul << ('S' - 'A'))) puts_(" S");
    if (misa & (1ul << ('U' - 'A'))) puts_(" U");
    puts_(")");
}

static void banner(void)
{
    puts_("\nTessera firmware " FW_VERSION " (riscv64, M-mode)\n");
    puts_("hart ");
    put_dec(hart);
    if (dt.valid) {
        puts_(", memory ");
        print_mem_size(dt.mem_size);
        puts_(" at 0x");
        put_hex(dt.mem_base, 8);
        puts_(", model \"");
        puts_(dt.model ? dt.model : "unknown");
        puts_("\"\n");
    } else {
        puts_(", no device tree found\n");
    }
}

static void cmd_help(void)
{
    puts_("commands:\n"
          "  help                 this list\n"
          "  info                 hart, ISA, ID registers, timer, memory\n"
          "  mem <addr> [count]   hex dump count bytes (default 64) at hex addr\n"
          "  echo <text>          print text\n"
          "  ticks                show mtime across a 100 ms timer interrupt\n"
          "  poweroff             power off through the sifive_test device\n"
          "  reset                reset through the sifive_test device\n");
}

static void kv(const char *key) { puts_("  "); puts_(key); puts_(": "); }

static void cmd_info(void)
{
    uint64_t misa = csr_read(misa);
    kv("hart id  "); put_dec(hart); putc_('\n');
    kv("isa      "); print_isa(misa); puts_(" misa=0x"); put_hex(misa, 16); putc_('\n');
    kv("mvendorid"); puts_("0x"); put_hex(csr_read(mvendorid), 8); putc_('\n');
    kv("marchid  "); puts_("0x"); put_hex(csr_read(marchid), 16); putc_('\n');
    kv("mimpid   "); puts_("0x"); put_hex(csr_read(mimpid), 16); putc_('\n');
    kv("mtime    "); put_dec(mtime()); puts_(" ticks @ "); put_dec(timebase()); puts_(" Hz\n");
    if (dt.valid) {
        kv("memory   "); print_mem_size(dt.mem_size); puts_(" at 0x"); put_hex(dt.mem_base, 8); putc_('\n');
        kv("model    "); puts_(dt.model ? dt.model : "unknown"); putc_('\n');
    }
}

static void cmd_mem(int argc, char **argv)
{
    uint64_t addr, count = 64;
    if (argc < 2 || !parse_num(argv[1], 16, &addr) || (argc > 2 && !parse_num(argv[2], 10, &count))) {
        puts_("usage: mem <hex addr> [count]\n");
        return;
    }
    if (count > 4096) count = 4096;
    for (uint64_t line = 0; line < count; line += 16) {
        uint8_t bytes[16];
        uint64_t n = count - line < 16 ? count - line : 16;
        put_hex(addr + line, 16);
        puts_(":");
        probing = 1;
        probe_faulted = 0;
        for (uint64_t i = 0; i < n; i++) bytes[i] = *(volatile uint8_t *)(addr + line + i);
        probing = 0;
        if (probe_faulted) {
            puts_(" <access fault>\n");
            return;
        }
        for (uint64_t i = 0; i < 16; i++) {
            if (i < n) { putc_(' '); put_hex(bytes[i], 2); }
            else puts_("   ");
        }
        puts_("  |");
        for (uint64_t i = 0; i < n; i++) putc_(bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char)bytes[i] : '.');
        puts_("|\n");
    }
}

static void cmd_ticks(void)
{
    uint64_t start = mtime(), wait = timebase() / 10;
    puts_("mtime ");
    put_dec(start);
    puts_(", arming timer for 100 ms... ");
    timer_fired = 0;
    set_mtimecmp(start + wait);
    csr_clear(mie, MIP_MEIP);  /* typed-ahead input must not trap: getc_ only WFIs on it */
    csr_set(mie, MIP_MTIP);
    csr_set(mstatus, MSTATUS_MIE);
    while (!timer_fired) __asm__ volatile("wfi");
    csr_clear(mstatus, MSTATUS_MIE);
    csr_clear(mie, MIP_MTIP);
    csr_set(mie, MIP_MEIP);
    uint64_t end = mtime();
    puts_("interrupt at mtime ");
    put_dec(end);
    puts_(" (+");
    put_dec(end - start);
    puts_(" ticks, ");
    put_dec((end - start) * 1000 / timebase());
    puts_(" ms)\n");
}

static void run_command(char *line)
{
    char *argv[ARGS_MAX];
    int argc = 0;
    for (char *p = line; *p && argc < ARGS_MAX;) {
        while (*p == ' ') *p++ = '\0';
        if (!*p) break;
        argv[argc++] = p;
        while (*p && *p != ' ') p++;
    }
    if (argc == 0) return;
    if (streq(argv[0], "help")) cmd_help();
    else if (streq(argv[0], "info")) cmd_info();
    else if (streq(argv[0], "mem")) cmd_mem(argc, argv);
    else if (streq(argv[0], "ticks")) cmd_ticks();
    else if (streq(argv[0], "echo")) {
        /* rejoin the arguments the tokenizer split */
        for (int i = 1; i < argc; i++) { if (i > 1) putc_(' '); puts_(argv[i]); }
        putc_('\n');
    } else if (streq(argv[0], "poweroff")) {
        puts_("powering off\n");
        *(volatile uint32_t *)SIFIVE_TEST = 0x5555;
    } else if (streq(argv[0], "reset")) {
        puts_("resetting\n");
        *(volatile uint32_t *)SIFIVE_TEST = 0x7777;
    } else {
        puts_("unknown command: ");
        puts_(argv[0]);
        puts_(" (try help)\n");
    }
}

/* Read one line with echo; backspace/DEL erase, Ctrl-C drops the line. */
static void read_line(char *buf)
{
    static int last;
    size_t len = 0;
    for (;;) {
        int c = getc_();
        if (c == '\n' && last == '\r') { last = c; continue; }   /* CR LF is one end of line */
        last = c;
        if (c == '\r' || c == '\n') {
            putc_('\n');
            buf[len] = '\0';
            return;
        }
        if (c == 0x08 || c == 0x7f) {
            if (len) { len--; puts_("\b \b"); }
        } else if (c == 0x03) {
            puts_("^C\n");
            buf[0] = '\0';
            return;
        } else if (c >= 0x20 && c < 0x7f && len < LINE_MAX - 1) {
            buf[len++] = (char)c;
            putc_((char)c);
        }
    }
}

void fw_main(uint64_t hartid, const void *fdt)
{
    static char line[LINE_MAX];
    hart = hartid;
    set_mtimecmp(~0ul);
    uart_init();
    fdt_parse(fdt, &dt);
    banner();
    puts_("type 'help' for commands\n");
    for (;;) {
        puts_("tessera> ");
        read_line(line);
        run_command(line);
    }
}
