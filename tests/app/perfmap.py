#!/usr/bin/env python3
"""-perfmap lists every compiled block in /tmp/perf-<pid>.map: "start size name" in hex,
one line per block function, named after the guest pc, with a non-zero size.

usage: perfmap.py TESSERA GUEST_ELF"""
import os
import re
import subprocess
import sys

tessera, elf = sys.argv[1], sys.argv[2]
# ahead=off: a block compiled ahead of time may finish after the stats line is printed, and
# this test counts lines against that line.
proc = subprocess.Popen([tessera, "-M", "riscv64-virt", "-accel", "tcg,exec=jit,ahead=off", "-perfmap", "-bios", "none",
                         "-nographic", "-d", "stats", "-kernel", elf],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
out, err = proc.communicate(timeout=120)
path = f"/tmp/perf-{proc.pid}.map"
failures = []
if proc.returncode != 0:
    failures.append(f"exit status {proc.returncode}: {err.strip()}")
m = re.search(r"blocks compiled (\d+)", err)
compiled = int(m.group(1)) if m else -1
lines = []
if os.path.exists(path):
    with open(path) as f:
        lines = f.read().splitlines()
    os.unlink(path)
else:
    failures.append(f"{path} was not written")
line_re = re.compile(r"^([0-9a-f]+) ([0-9a-f]+) tb_([0-9a-f]+)_\d+_\d+$")
for line in lines:
    mm = line_re.match(line)
    if not mm or int(mm.group(2), 16) == 0:
        failures.append(f"malformed line: {line!r}")
if compiled <= 0 or len(lines) != compiled:
    failures.append(f"{len(lines)} map lines for {compiled} compiled blocks")
for f in failures:
    print("FAIL:", f)
print(f"{1 if not failures else 0} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
