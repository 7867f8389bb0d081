#!/usr/bin/env python3
"""SIGUSR1 asks a running Tessera for a state report on stderr (machines/host_events.h): the
CPU, the host timer, the board's devices; the guest runs on, and SIGTERM still ends the run
with status 0. The guest test harness sends it before giving up on a hung guest.

usage: state_report.py TESSERA CHATTER_ELF"""
import signal
import subprocess
import sys
import time

from checks import check as check_always, finish


def check(name, ok, detail=""):
    check_always(name, ok, "" if ok else detail)


tessera, chatter = sys.argv[1], sys.argv[2]
p = subprocess.Popen([tessera, "-M", "riscv64-virt", "-nographic", "-device", "virtio-rng-device", "-bios", "none",
                      "-kernel", chatter],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
time.sleep(1.0)
for n in (1, 2):
    p.send_signal(signal.SIGUSR1)
    time.sleep(1.0)
    check(f"report {n}: Tessera runs on after it", p.poll() is None, f"exit {p.returncode}")
p.send_signal(signal.SIGTERM)
try:
    _, err = p.communicate(timeout=30)
except subprocess.TimeoutExpired:
    p.kill()
    _, err = p.communicate()
text = err.decode(errors="replace")
reports = text.split("tessera: state report\n")[1:]
check("two reports, each ended", len(reports) == 2 and all("tessera: state report end" in r for r in reports), text[-400:])
for n, r in enumerate(reports, 1):
    check(f"report {n}: the CPU's line", "cpu0: pc 0x" in r and " instructions; priv " in r, r[:300])
    check(f"report {n}: the host timer", "host: host timer" in r, r[:300])
    check(f"report {n}: the virtio transport and its device", "(virtio-rng-device): status 0x" in r, r[:400])
counts = [int(r.split(" instructions;")[0].rsplit(" ", 1)[1]) for r in reports if " instructions;" in r]
check("the guest ran between the reports", len(counts) == 2 and counts[1] > counts[0], str(counts))
check("SIGTERM ends the run with status 0", p.returncode == 0, f"exit {p.returncode}")
finish()
