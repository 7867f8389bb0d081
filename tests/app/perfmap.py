#!/usr/bin/env python3
"""-perfmap lists every compiled block in /tmp/perf-<pid>.map: "start size name" in hex,
one line per block function, named after the guest pc, with a non-zero size.

usage: perfmap.py TESSERA GUEST_ELF"""
import os
import re
import subprocess
import sys

tessera, elf = sys.argv[1], sys.argv[2]
failures = []
line_re = re.compile(r"^([0-9a-f]+) ([0-9a-f]+) tb_([0-9a-f]+)_(base_)?\d+(_\d+)?$")


def check(accel, count_re, what):
    """Runs the guest with -perfmap; the map must hold one well-formed line per block the
    stats line says was compiled (count_re)."""
    proc = subprocess.Popen([tessera, "-M", "riscv64-virt", "-accel", accel, "-perfmap", "-bios", "none",
                             "-nographic", "-d", "stats", "-kernel", elf],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=120)
    path = f"/tmp/perf-{proc.pid}.map"
    if proc.returncode != 0:
        failures.append(f"{what}: exit status {proc.returncode}: {err.strip()}")
    m = re.search(count_re, err)
    compiled = int(m.group(1)) if m else -1
    lines = []
    if os.path.exists(path):
        with open(path) as f:
            lines = f.read().splitlines()
        os.unlink(path)
    else:
        failures.append(f"{what}: {path} was not written")
    for line in lines:
        mm = line_re.match(line)
        if not mm or int(mm.group(2), 16) == 0:
            failures.append(f"{what}: malformed line: {line!r}")
    if compiled <= 0 or len(lines) != compiled:
        failures.append(f"{what}: {len(lines)} map lines for {compiled} compiled blocks")


# LLVM for every block. ahead=off: a block compiled ahead of time may finish after the stats
# line is printed, and the lines are counted against that line.
check("tcg,exec=jit,baseline=off,ahead=off", r"blocks compiled (\d+)", "llvm")
# Baseline code only (nothing runs often enough for LLVM).
check("tcg,exec=jit,threshold=1000000", r"baseline blocks (\d+)", "baseline")
for f in failures:
    print("FAIL:", f)
print(f"{1 if not failures else 0} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
