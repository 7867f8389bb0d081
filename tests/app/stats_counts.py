#!/usr/bin/env python3
"""-d stats counts the same guest instructions and loads/stores in every execution mode,
and its data TLB hit rate is a rate (between 0 and 1).

usage: stats_counts.py TESSERA GUEST_ELF"""
import re
import subprocess
import sys

tessera, elf = sys.argv[1], sys.argv[2]
line_re = re.compile(r"stats: guest insns (\d+),.* guest loads/stores (\d+), tlb misses (\d+) \(data (\d+)\), "
                     r"data tlb hit rate ([-0-9.]+)")
failures = []
seen = {}
for mode in ("interp", "jit", "jit,baseline=off", "tiered,threshold=2", "tiered,warm=1,threshold=2", "lockstep"):
    r = subprocess.run([tessera, "-M", "riscv64-virt", "-accel", f"tcg,exec={mode}", "-bios", "none", "-nographic",
                        "-d", "stats", "-kernel", elf], capture_output=True, text=True, timeout=120)
    m = line_re.search(r.stderr)
    if r.returncode != 0 or not m:
        failures.append(f"{mode}: exit {r.returncode}, stats line {'found' if m else 'missing'}")
        continue
    insns, accesses, misses, data, rate = int(m[1]), int(m[2]), int(m[3]), int(m[4]), float(m[5])
    if not 0.0 <= rate <= 1.0 or accesses == 0 or data > misses:
        failures.append(f"{mode}: implausible: {m[0]}")
    seen[mode] = (insns, accesses)
if len(set(seen.values())) > 1:
    failures.append(f"counts differ between modes: {seen}")
for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
