#!/usr/bin/env python3
"""The gdbstub against the real GDB: gdb-multiarch connects to tessera_gdb_smoke_target (the
fake RISC-V CPU behind the real GdbStub), accepts the target description, reads and writes
registers and memory, stops at a breakpoint and a watchpoint, steps, is interrupted with
Ctrl-C (SIGINT to GDB, which sends 0x03) and detaches.

usage: test_gdb_smoke.py SMOKE_TARGET [GDB]"""
import re
import signal
import subprocess
import sys
import time

target_bin = sys.argv[1]
gdb_bin = sys.argv[2] if len(sys.argv) > 2 else "gdb-multiarch"

target = subprocess.Popen([target_bin, "tcp::0"], stdout=subprocess.PIPE, text=True)
port = int(target.stdout.readline().split()[1])

commands = [
    "set pagination off",
    "set confirm off",
    f"target remote 127.0.0.1:{port}",
    "info registers",
    "p/x $pc",
    "p $ft0",
    "p/x $mstatus",
    "p/x $fcsr",
    "set $a0 = 0x1234",
    "p/x $a0",
    "set $zero = 5",
    "p/x $zero",
    "set {int}0x80000810 = 0x55aa",
    "x/2xw 0x80000810",
    "x/xw 0x70000000",
    "break *0x80000020",
    "continue",
    "p/x $pc",
    "delete",
    "stepi",
    "p/x $pc",
    "watch *(long *)0x80001000",
    "continue",
    "p/x $pc",
    "delete",
    "echo CTRL-C-NEXT\\n",
    "continue",
    "p/x $pc",
    "detach",
]
args = [gdb_bin, "-nx", "-batch"]
for c in commands:
    args += ["-ex", c]
gdb = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
# The last 'continue' runs until Ctrl-C: send it once GDB is there.
out = ""
deadline = time.time() + 30
while time.time() < deadline:
    line = gdb.stdout.readline()
    if not line:
        break
    out += line
    if "CTRL-C-NEXT" in line:
        time.sleep(1)
        gdb.send_signal(signal.SIGINT)
rest, _ = gdb.communicate(timeout=30)
out += rest
print(out)
try:
    target.wait(timeout=10)
except subprocess.TimeoutExpired:
    target.kill()
    print("FAIL: the target did not end after the detach")
    sys.exit(1)

expect = [
    r"ra\s+0x1001",
    r"sp\s+0x1002",
    r"pc\s+0x80000000",
    r"\$1 = 0x80000000",
    r"\$2 = \{float = 0, double = 1\}",
    r"\$3 = 0xa00000000",
    r"\$4 = 0x0",
    r"\$5 = 0x1234",
    r"\$6 = 0x0",  # x0 is not writable
    r"0x80000810:\s+0x000055aa\s+0x00000000",
    r"Cannot access memory at address 0x70000000",
    r"Breakpoint 1 at 0x80000020",
    r"Breakpoint 1, 0x0*80000020 in",
    r"\$7 = 0x80000020",
    r"\$8 = 0x80000024",  # stepi: GDB steps RISC-V with a breakpoint after the instruction
    r"Hardware watchpoint 2: \*\(long \*\)0x80001000",
    r"Old value = 0\s+New value = 1",
    r"\$9 = 0x80000044",  # GDB steps off the store that hit the watchpoint
    r"Program received signal SIGINT",
    r"\[Inferior 1 \(Remote target\) detached\]",
]
bad = [e for e in expect if not re.search(e, out)]
for e in bad:
    print(f"FAIL: expected /{e}/")
if "rejected target-supplied description" in out:
    print("FAIL: GDB rejected the target description")
    bad.append("tdesc")
sys.exit(1 if bad else 0)
