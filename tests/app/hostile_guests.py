#!/usr/bin/env python3
"""Hostile guests (tests/guest/riscv64/hostile) against one executor each.

usage: hostile_guests.py TESSERA GUEST_DIR ACCEL [SECONDS]

smc_storm rewrites its own code forever: Tessera's resident memory and host mappings must
stay flat while it runs (before issue 9, exec=jit,baseline=off grew by ~450 mappings a
second until LLVM failed), and a signal must end it cleanly. trap_unmapped traps to an
unmapped vector forever: same checks. fetch_device jumps into a device: the guest must see
the access fault and -d guest_errors must log the refused fetch."""
import os
import signal
import subprocess
import sys
import tempfile
import time

from checks import check, finish

tessera, guests, accel = sys.argv[1], sys.argv[2], sys.argv[3]
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 12.0


def sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    with open(f"/proc/{pid}/maps") as f:
        maps = sum(1 for _ in f)
    return rss, maps


def watch(guest, total, first, max_rss_growth_kb, max_map_growth):
    """Runs guest for `total` seconds; memory and mappings from `first` on must stay flat."""
    cmd = [tessera, "-M", "riscv64-virt", "-accel", accel, "-bios", "none", "-nographic",
           "-kernel", os.path.join(guests, f"hostile_{guest}.elf")]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(first)
    start = sample(p.pid) if p.poll() is None else None
    time.sleep(total - first)
    end = sample(p.pid) if p.poll() is None else None
    alive = p.poll() is None
    p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        check(f"{guest} ends on SIGTERM", False, "still running 30 s after SIGTERM")
        return
    check(f"{guest} still running after {total:.0f} s", alive and start is not None and end is not None,
          f"exit {p.returncode} stderr {err.decode(errors='replace')[-300:]!r}")
    if not (alive and start and end):
        return
    grew_rss, grew_maps = end[0] - start[0], end[1] - start[1]
    check(f"{guest} memory flat from {first:.0f} s to {total:.0f} s", grew_rss <= max_rss_growth_kb,
          f"RSS {start[0]} kB -> {end[0]} kB")
    check(f"{guest} mappings flat", grew_maps <= max_map_growth and end[1] < 2000, f"{start[1]} -> {end[1]}")
    check(f"{guest} ends cleanly on SIGTERM", p.returncode == 0 and b"terminating on signal 15" in err,
          f"exit {p.returncode} stderr {err.decode(errors='replace')[-200:]!r}")


watch("smc_storm", seconds, seconds / 3, 32 * 1024, 300)
watch("trap_unmapped", 4.0, 1.5, 8 * 1024, 50)

with tempfile.NamedTemporaryFile(suffix=".log") as log:
    r = subprocess.run([tessera, "-M", "riscv64-virt", "-accel", accel, "-bios", "none", "-nographic", "-d",
                        "guest_errors", "-D", log.name, "-kernel", os.path.join(guests, "hostile_fetch_device.elf")],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    text = open(log.name, errors="replace").read()
    check("fetch_device: the guest sees the access fault", r.returncode == 0, f"exit {r.returncode}")
    check("fetch_device: -d guest_errors logs the refused fetch",
          "instruction fetch at 0x10000000" in text and "refused" in text, repr(text[:300]))

finish()
