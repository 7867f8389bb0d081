#!/usr/bin/env python3
"""gdb-multiarch debugs a guest through Tessera's gdbstub (-gdb tcp::PORT -S): break at a
symbol, step, read and write registers and memory, a watchpoint that catches a store, and
continue to the guest's exit. The guest (tests/guest/riscv64/gdb_target.c) passes only if
the debugger's writes reached it, so Tessera's exit status checks them too.

On aarch64 (tests/guest/aarch64/gdb_target.c) it also reads and writes SIMD&FP registers.

usage: gdb_session.py TESSERA GDB ELF ACCEL_PROPS [riscv64|aarch64]"""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from checks import check, finish  # noqa: E402

tessera, gdb, elf, props = sys.argv[1:5]
arch = sys.argv[5] if len(sys.argv) > 5 else "riscv64"
A64 = arch == "aarch64"
nm = "aarch64-linux-gnu-nm" if A64 else "riscv64-unknown-elf-nm"
board = ["-M", "aarch64-virt"] if A64 else ["-M", "riscv64-virt", "-bios", "none"]
arg0, sysreg = ("$x0", "$cpsr") if A64 else ("$a0", "$mstatus")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def symbol(name):
    out = subprocess.run([nm, elf], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise SystemExit(f"gdb_session.py: no symbol {name} in {elf}")


port = free_port()
emu = subprocess.Popen([tessera] + board + ["-accel", "tcg," + props, "-nographic", "-kernel", elf, "-gdb", f"tcp::{port}", "-S"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def listening(port):
    # /proc/net/tcp rather than a test connection: a debugger that connects and leaves would
    # let the -S guest run on its own.
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if int(local.split(":")[1], 16) == port and state == "0A":
                return True
    return False


# -S: nothing runs until the debugger says so; wait until the port listens.
for _ in range(200):
    if listening(port):
        break
    time.sleep(0.05)

checksum_fn = symbol("checksum")
commands = [
    "set pagination off", "set confirm off", "set width 0",
    f"target remote 127.0.0.1:{port}",
    "printf \"START pc=%#lx\\n\", $pc",
    "break checksum",
    "continue",
    f"printf \"BREAK pc=%#lx a0=%ld\\n\", $pc, {arg0}",
    f"set {arg0} = 2",
    f"printf \"A0 %ld\\n\", {arg0}",
    "stepi",
    "printf \"STEP pc=%#lx\\n\", $pc",
    "printf \"TABLE %#lx %#lx\\n\", table[0], table[3]",
    "set var unlock = 0x600dcafe",
    "printf \"UNLOCK %#lx\\n\", unlock",
    f"printf \"MSTATUS %#lx\\n\", {sysreg}",
] + ([
    "printf \"V1 %#lx %#lx\\n\", $v1.d.u[0], $v1.d.u[1]",
    "set $v2.d.u[1] = 0x77",
    "printf \"V2 %#lx %#lx FPSR %#x\\n\", $v2.d.u[0], $v2.d.u[1], $fpsr",
] if A64 else []) + [
    "delete",
    "watch watched",
    "continue",
    "printf \"WATCH pc=%#lx watched=%#lx\\n\", $pc, watched",
    "delete",
    "continue",
]
args = [gdb, "-nx", "-batch", elf]
for c in commands:
    args += ["-ex", c]
try:
    g = subprocess.run(args, capture_output=True, text=True, timeout=90)
    out = g.stdout + g.stderr
except subprocess.TimeoutExpired as e:
    out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
    check("gdb finished in time", False)
try:
    guest_out, _ = emu.communicate(timeout=30)
except subprocess.TimeoutExpired:
    emu.kill()
    guest_out, _ = emu.communicate()
print(out)
print("guest:", guest_out)


def grab(pattern):
    m = re.search(pattern, out)
    return m.groups() if m else None


start = grab(r"START pc=(0x[0-9a-f]+)")
# The board's reset vector: the boot ROM at 0x1000 that jumps to the kernel, as on QEMU.
# The reset vector: riscv64-virt's boot ROM at 0x1000 that jumps to the kernel, as on QEMU;
# on aarch64-virt the ELF's entry.
reset = symbol("_start") if A64 else 0x1000
check("-S: stopped before the first instruction", start is not None and int(start[0], 16) == reset, f"pc {start}")
brk = grab(r"BREAK pc=(0x[0-9a-f]+) a0=(\d+)")
check("breakpoint at checksum", brk is not None and int(brk[0], 16) == checksum_fn, f"{brk} vs {checksum_fn:#x}")
check("register read (a0 = 1)", brk is not None and brk[1] == "1")
check("register write (a0 = 2)", grab(r"A0 (\d+)") == ("2",))
step = grab(r"STEP pc=(0x[0-9a-f]+)")
check("stepi moves one instruction", step is not None and int(step[0], 16) == checksum_fn + 4, f"{step}")
check("memory read", grab(r"TABLE (0x[0-9a-f]+) (0x[0-9a-f]+)") == ("0x11", "0x44"))
check("memory write", grab(r"UNLOCK (0x[0-9a-f]+)") == ("0x600dcafe",))
check("system register read through the target description", grab(r"MSTATUS (0x[0-9a-f]+)") is not None)
if A64:
    check("SIMD&FP register read", grab(r"V1 (0x[0-9a-f]+) (0x[0-9a-f]+)") == ("0xabcd000000001234",) * 2)
    check("SIMD&FP register write, FPSR read", grab(r"V2 (0x[0-9a-f]+|0) (0x[0-9a-f]+) FPSR (0x[0-9a-f]+|0)") == ("0", "0x77", "0"))
check("hardware watchpoint", "Hardware watchpoint 2: watched" in out)
check("the watchpoint caught the store", re.search(r"Old value = 0\s+New value = \d+", out) is not None)
check("continue to the guest's exit", re.search(r"\[Inferior 1 \(.*\) exited normally\]", out) is not None)
check("the guest saw the debugger's writes and passed", emu.returncode == 0 and "PASS" in guest_out,
      f"status {emu.returncode}")
finish()
