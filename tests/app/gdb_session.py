#!/usr/bin/env python3
"""gdb-multiarch debugs a guest through Tessera's gdbstub (-gdb tcp::PORT -S): break at a
symbol, step, read and write registers and memory, a watchpoint that catches a store, and
continue to the guest's exit. The guest (tests/guest/riscv64/gdb_target.c) passes only if
the debugger's writes reached it, so Tessera's exit status checks them too.

usage: gdb_session.py TESSERA GDB ELF ACCEL_PROPS"""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from checks import check, finish  # noqa: E402

tessera, gdb, elf, props = sys.argv[1:5]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def symbol(name):
    out = subprocess.run(["riscv64-unknown-elf-nm", elf], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise SystemExit(f"gdb_session.py: no symbol {name} in {elf}")


port = free_port()
emu = subprocess.Popen([tessera, "-M", "riscv64-virt", "-accel", "tcg," + props, "-bios", "none", "-nographic",
                        "-kernel", elf, "-gdb", f"tcp::{port}", "-S"],
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
    "printf \"BREAK pc=%#lx a0=%ld\\n\", $pc, $a0",
    "set $a0 = 2",
    "printf \"A0 %ld\\n\", $a0",
    "stepi",
    "printf \"STEP pc=%#lx\\n\", $pc",
    "printf \"TABLE %#lx %#lx\\n\", table[0], table[3]",
    "set var unlock = 0x600dcafe",
    "printf \"UNLOCK %#lx\\n\", unlock",
    "printf \"MSTATUS %#lx\\n\", $mstatus",
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
check("-S: stopped before the first instruction", start is not None and int(start[0], 16) == 0x1000, f"pc {start}")
brk = grab(r"BREAK pc=(0x[0-9a-f]+) a0=(\d+)")
check("breakpoint at checksum", brk is not None and int(brk[0], 16) == checksum_fn, f"{brk} vs {checksum_fn:#x}")
check("register read (a0 = 1)", brk is not None and brk[1] == "1")
check("register write (a0 = 2)", grab(r"A0 (\d+)") == ("2",))
step = grab(r"STEP pc=(0x[0-9a-f]+)")
check("stepi moves one instruction", step is not None and int(step[0], 16) == checksum_fn + 4, f"{step}")
check("memory read", grab(r"TABLE (0x[0-9a-f]+) (0x[0-9a-f]+)") == ("0x11", "0x44"))
check("memory write", grab(r"UNLOCK (0x[0-9a-f]+)") == ("0x600dcafe",))
check("CSR read through the target description", grab(r"MSTATUS (0x[0-9a-f]+)") is not None)
check("hardware watchpoint", "Hardware watchpoint 2: watched" in out)
check("the watchpoint caught the store", re.search(r"Old value = 0\s+New value = \d+", out) is not None)
check("continue to the guest's exit", re.search(r"\[Inferior 1 \(.*\) exited normally\]", out) is not None)
check("the guest saw the debugger's writes and passed", emu.returncode == 0 and "PASS" in guest_out,
      f"status {emu.returncode}")
finish()
