#!/usr/bin/env python3
"""exec=jit,baseline=off compiles blocks' successors on a second thread (ahead=on, the default): some
blocks must get their code that way and run it, and the guest must see exactly what it sees
with ahead=off (same output, same instruction count).

usage: compile_ahead.py TESSERA GUEST_ELF"""
import re
import subprocess
import sys

tessera, elf = sys.argv[1], sys.argv[2]
failures = []
runs = {}
for ahead in ("on", "off"):
    r = subprocess.run([tessera, "-M", "riscv64-virt", "-accel", f"tcg,exec=jit,baseline=off,ahead={ahead}", "-bios", "none",
                        "-nographic", "-d", "stats", "-kernel", elf], capture_output=True, text=True, timeout=120)
    insns = re.search(r"stats: guest insns (\d+)", r.stderr)
    if r.returncode != 0 or not insns:
        failures.append(f"ahead={ahead}: exit {r.returncode}, stats {'found' if insns else 'missing'}")
        continue
    runs[ahead] = (r.stdout, int(insns[1]))
    m = re.search(r"ahead of time (\d+) \(run (\d+)\)", r.stderr)
    if ahead == "on" and (not m or int(m[1]) == 0 or int(m[2]) == 0):
        failures.append(f"ahead=on: no block compiled ahead and run: {m[0] if m else 'no ahead-of-time count'}")
    if ahead == "off" and m:
        failures.append(f"ahead=off still compiled ahead: {m[0]}")
if len(runs) == 2 and runs["on"] != runs["off"]:
    failures.append(f"the guest saw a difference: instructions {runs['on'][1]} vs {runs['off'][1]}")
for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
