#!/usr/bin/env python3
"""Host CPU an emulator uses while the Debian image's graphical session sits idle in its SDL
window: for each emulator in turn, boot the image (debian_graphical.Session: virtio-gpu,
-keyboard, -tablet, -blk, -net, -display sdl under Xvfb), wait for Xorg and the xterm, let it
settle, then read the emulator's utime+stime from /proc/PID/stat (all its threads) across
--idle seconds with nothing typed and the pointer still. Prints CPU seconds and percent of one
core for each (and the X server's, which draws the window), then the ratio.

    display_idle_cpu.py --build scripts/build-debian-image \\
        --emulator "build/tessera -M virt -cpu cortex-a57" \\
        --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -global virtio-mmio.force-legacy=false"

A measurement for the notes, not a test: it fails only when a session does not come up.
"""
import argparse
import os
import shlex
import sys
import tempfile
import time

from debian_graphical import Failure, Session, session_argv
from debian_system import build_image
from screen_image import write_png
from xvfb_display import Xvfb


def cpu_seconds(pid):
    """utime + stime of the process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the ")" that ends comm: state is field 3 (index 0 here); utime 14, stime 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(emulator, paths, a, out, n):
    image, kernel, initrd, _ = paths
    argv = session_argv(emulator, image, kernel, initrd)
    start = time.monotonic()
    x = Xvfb(log=open(os.path.join(out, f"xvfb-{n}.log"), "wb"))

    def say(msg):
        print(f"[{n}: {time.monotonic() - start:6.1f} s] {msg}", flush=True)

    say(shlex.join(argv))
    s = Session(x, argv, start + a.timeout, open(os.path.join(out, f"console-{n}.log"), "wb"), say)
    try:
        wid = s.up()
        # Away from the window: no pointer events during the measurement.
        x.run("xdotool", "mousemove", "2500", "1500")
        time.sleep(a.settle)
        pid = s.c.p.pid
        e0, x0, t0 = cpu_seconds(pid), cpu_seconds(x.p.pid), time.monotonic()
        time.sleep(a.idle)
        e1, x1, t1 = cpu_seconds(pid), cpu_seconds(x.p.pid), time.monotonic()
        shot = x.screenshot(wid, os.path.join(out, f"idle-{n}.xwd"))
        write_png(os.path.join(out, f"idle-{n}.png"), shot)
        say(f"idle {t1 - t0:.1f} s: emulator {e1 - e0:.2f} s of CPU, Xvfb {x1 - x0:.2f} s")
        return (e1 - e0, x1 - x0, t1 - t0)
    finally:
        s.stop()
        x.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emulator", action="append", required=True, help="twice: the emulator, then the reference")
    ap.add_argument("--build", required=True)
    ap.add_argument("--idle", type=float, default=60, help="seconds measured")
    ap.add_argument("--settle", type=float, default=15, help="seconds after the session is up, before measuring")
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--out", help="directory for the pictures and logs")
    a = ap.parse_args()
    paths = build_image(a.build)
    out = a.out or tempfile.mkdtemp(prefix="display-idle-cpu-")
    os.makedirs(out, exist_ok=True)
    rows = []
    try:
        for n, emulator in enumerate(a.emulator):
            rows.append((emulator, *measure(emulator, paths, a, out, n)))
    except Failure as e:
        print(f"display_idle_cpu: FAILED: {e}")
        return 1
    print(f"\nhost CPU with the graphical session idle ({a.idle:.0f} s, after {a.settle:.0f} s to settle):")
    for emulator, cpu, xcpu, secs in rows:
        print(f"  {cpu:7.2f} s = {100 * cpu / secs:5.1f}% of a core   (Xvfb {100 * xcpu / secs:4.1f}%)   {emulator}")
    if len(rows) == 2 and rows[1][1] > 0:
        print(f"  ratio first/second: {rows[0][1] / rows[1][1]:.2f}")
    print(f"pictures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
