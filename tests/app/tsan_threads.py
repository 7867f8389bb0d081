#!/usr/bin/env python3
"""Runs a ThreadSanitizer build of Tessera where threads meet: exec=jit without baseline, a
second thread compiling ahead; exec=jit with baseline code and LLVM recompiling hot code;
exec=tiered with and without baseline code. LLVM compiles after 2 runs (threshold=2), so
the background compiler works at once. The guests rewrite their own code, take traps, turn
on paging and run long straight-line code (the stdin thread runs too, reading end of file).
Every run must exit 0 with no ThreadSanitizer report.

usage: tsan_threads.py TESSERA GUEST_DIR"""
import os
import subprocess
import sys

tessera, guests = sys.argv[1], sys.argv[2]
env = dict(os.environ, TSAN_OPTIONS="halt_on_error=1 exitcode=66")
runs = [(mode, g) for mode in ("jit,baseline=off", "jit,threshold=2", "tiered,baseline=off,threshold=2",
                              "tiered,warm=1,threshold=2") for g in ("smc", "traps", "rv64f", "sv39")]
passed = failed = 0
for mode, g in runs:
    elf = os.path.join(guests, f"{g}.elf")
    r = subprocess.run([tessera, "-M", "riscv64-virt", "-accel", f"tcg,exec={mode}", "-bios", "none", "-nographic",
                        "-kernel", elf], capture_output=True, text=True, timeout=300, env=env,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0 or "ThreadSanitizer" in r.stderr:
        failed += 1
        lines = [l for l in r.stderr.splitlines() if l.strip()][:12]
        print(f"FAIL: {g} under {mode}: exit {r.returncode}\n  " + "\n  ".join(lines))
    else:
        passed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
