#!/usr/bin/env python3
"""tessera's window under Xvfb, end to end: -display sdl opens it (title: board, state, "no
output" before a mode), closing it ends Tessera with status 0, SIGTERM and SIGINT end it
cleanly with the window open, window-close=off ignores the close, the default opens no
window for a board without a display device, and an idle guest with the window open costs
~nothing.

usage: app_window.py TESSERA"""
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xtools import Xvfb  # noqa: E402

tessera = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="tessera-window-")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


# A RISC-V program that sleeps forever: wfi; j .-4
addr = 0x80000000
code = struct.pack("<2I", 0x10500073, 0xFFDFF06F)
hdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, addr, 64, 0, 0, 64, 56, 1, 0, 0, 0)
ph = struct.pack("<IIQQQQQQ", 1, 5, 120, addr, addr, len(code), len(code), 0x1000)
elf = os.path.join(tmp, "sleep.elf")
with open(elf, "wb") as f:
    f.write(hdr + ph + code)

x = Xvfb()
TITLE = "Tessera - riscv64-virt"


def start(*extra):
    # The last run's window must be gone first, or a search could find it.
    deadline = time.time() + 5
    while x.find_window(TITLE, timeout=0.1) is not None and time.time() < deadline:
        time.sleep(0.1)
    return subprocess.Popen([tessera, "-M", "riscv64-virt", "-bios", "none", "-kernel", elf, "-serial", "none", *extra],
                            env=x.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(p, timeout=15):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, err
    return p.returncode, err


try:
    # Closing the window ends the run, status 0, as QEMU.
    p = start("-display", "sdl")
    wid = x.find_window(TITLE)
    check(wid is not None, "-display sdl opens a window")
    if wid is not None:
        check(x.title(wid) == "Tessera - riscv64-virt - running - no output", f"its title: {x.title(wid)!r}")
        check(x.geometry(wid) == (640, 480), f"640x480 before any mode: {x.geometry(wid)}")
        # Idle guest (WFI) with the window open.
        time.sleep(1)

        def ticks(pid):
            with open(f"/proc/{pid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            return int(parts[11]) + int(parts[12])

        t0, w0 = ticks(p.pid), time.time()
        time.sleep(3)
        cpu = (ticks(p.pid) - t0) / os.sysconf("SC_CLK_TCK") / (time.time() - w0)
        print(f"idle tessera with its window: {cpu * 100:.2f}% of a core")
        check(cpu < 0.05, f"an idle guest with the window open uses < 5% of a core ({cpu * 100:.2f}%)")
        x.wm_delete(wid)
    rc, err = finish(p)
    check(rc == 0, f"closing the window ends Tessera with status 0: {rc} {err!r}")
    check(err == "", f"quietly: {err!r}")
    check(x.find_window(TITLE, timeout=0.5) is None, "the window is gone")

    # Signals with the window open: an orderly end, status 0 (as without a window).
    for sig in (signal.SIGTERM, signal.SIGINT):
        p = start("-display", "sdl")
        check(x.find_window(TITLE) is not None, f"window open before {sig.name}")
        p.send_signal(sig)
        rc, err = finish(p)
        check(rc == 0 and f"terminating on signal {int(sig)}" in err, f"{sig.name} ends the run cleanly: {rc} {err!r}")

    # A debugger holds the guest (-S): the title says so.
    import socket
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    p = start("-display", "sdl", "-gdb", f"tcp:127.0.0.1:{port}", "-S")
    wid = x.find_window(TITLE)
    title = x.title(wid) if wid is not None else None
    deadline = time.time() + 5
    while wid is not None and "paused" not in title and time.time() < deadline:
        time.sleep(0.1)
        title = x.title(wid)
    check(title == "Tessera - riscv64-virt - paused (debugger) - no output", f"held by the debugger: {title!r}")
    p.kill()
    p.communicate()

    # window-close=off: the close is ignored.
    p = start("-display", "sdl,window-close=off")
    wid = x.find_window(TITLE)
    if wid is not None:
        x.wm_delete(wid)
        time.sleep(1)
    alive = p.poll() is None
    p.terminate()
    rc, err = finish(p)
    check(wid is not None and alive, f"window-close=off: closing the window does not quit ({rc} {err!r})")

    # The default without a display device: no window, the run goes on headless.
    p = start()
    check(x.find_window(TITLE, timeout=2) is None, "no display device: no window by default")
    check(p.poll() is None, "and the guest runs")
    p.terminate()
    rc, _ = finish(p)
    check(rc == 0, "and ends on SIGTERM with status 0")
finally:
    x.close()

print("FAILED: " + "; ".join(failures) if failures else "all app window checks passed")
sys.exit(1 if failures else 0)
