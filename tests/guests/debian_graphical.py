#!/usr/bin/env python3
"""The Debian 12 arm64 image's graphical session (scripts/build-debian-image: Xorg on the
modesetting driver with an xterm on vt7, tessera-xsession.service, started when the GPU's DRM
card appears) in the emulator's SDL window under Xvfb, driven by the window's pointer and
keyboard:

  boot with virtio-gpu, virtio-keyboard and virtio-tablet (and virtio-blk, virtio-net) in a
  -display sdl window; log in on the serial console; wait until Xorg and xterm run; record
  the raw events of every /dev/input/event* in the guest; move the pointer (xdotool) to the
  xterm in the window and click; type `touch /root/typed-marker` and Return. Then through the
  serial console: the file exists (the keys reached the xterm: without a window manager the
  keyboard goes to the window under the pointer, and the guest's pointer starts at the centre
  of the screen, outside the xterm, so the pointer's move counts too), and a BTN_LEFT press
  is among the recorded events (the click). The window's picture (xwd) before and after the
  typing is kept in --out as PNG.

    debian_graphical.py --emulator "TESSERA -M virt -cpu cortex-a57" --build scripts/build-debian-image
    debian_graphical.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 \\
        -global virtio-mmio.force-legacy=false" --build scripts/build-debian-image

The harness adds -m 1G -serial stdio -display sdl, the three devices, the disk with snapshot=on
(the cached image is never written), -netdev user with virtio-net-device, the image's kernel
and initrd and -append "root=/dev/vda console=ttyAMA0".
"""
import argparse
import os
import re
import shlex
import sys
import tempfile
import time

from arm64_linux_boot import Console
from debian_system import build_image
from screen_image import fit, foreground_count, text_rows, write_png
from serial_shell import Shell, ShellError
from xvfb_display import Xvfb

USER, PASSWORD = "root", "tessera"
# The xterm (tessera-xsession.service: -geometry 100x30+0+0, the 6x13 "fixed" font) covers about
# 600x390 pixels at the screen's top left; the click goes well inside it.
XTERM_POINT = (200, 150)


class Failure(Exception):
    pass


def session_argv(emulator, image, kernel, initrd):
    return shlex.split(emulator) + [
        "-m", "1G", "-serial", "stdio", "-display", "sdl",
        "-device", "virtio-gpu-device", "-device", "virtio-keyboard-device", "-device", "virtio-tablet-device",
        "-drive", f"file={image},format=qcow2,if=none,id=d,snapshot=on", "-device", "virtio-blk-device,drive=d",
        "-netdev", "user,id=n", "-device", "virtio-net-device,netdev=n",
        "-kernel", kernel, "-initrd", initrd, "-append", "root=/dev/vda console=ttyAMA0"]


class Session:
    """One boot of the image in a window on the X server x, to the running X session, logged in
    on the serial console (self.sh)."""

    def __init__(self, x, argv, deadline, log=None, say=print):
        self.x, self.deadline, self.say = x, deadline, say
        self.c = Console(argv, env=x.env)
        self.sh = Shell(self.c, log)

    def check(self, cmd):
        try:
            return self.sh.check(cmd, self.deadline)
        except ShellError as e:
            raise Failure(str(e))

    def run(self, cmd):
        try:
            return self.sh.run(cmd, self.deadline)
        except ShellError as e:
            raise Failure(str(e))

    def up(self):
        """Waits for the window, the serial login and the X session; returns the window's id."""
        self.wid = self.x.find_window(self.c.p.pid, self.deadline)
        self.say(f"the emulator's window {self.wid}")
        try:
            self.sh.login(USER, PASSWORD, self.deadline)
        except ShellError as e:
            raise Failure(str(e))
        self.say("logged in on the serial console")
        # Xorg and the xterm up (the unit restarts a failed session: wait for both).
        self.check("i=0; until pgrep -x Xorg >/dev/null && pgrep -x xterm >/dev/null; do "
                   "i=$((i+1)); [ $i -gt 1200 ] && exit 1; sleep 0.5; done")
        self.say("Xorg and xterm run")
        time.sleep(3)
        self.x.prepare(self.wid)
        return self.wid

    def stop(self):
        self.c.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--build", required=True, help="scripts/build-debian-image (prints the image's paths)")
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--out", help="directory for the pictures (default: a new one under /tmp)")
    a = ap.parse_args()
    image, kernel, initrd, _key = build_image(a.build)
    out = a.out or tempfile.mkdtemp(prefix="debian-graphical-")
    os.makedirs(out, exist_ok=True)
    argv = session_argv(a.emulator, image, kernel, initrd)
    start = time.monotonic()
    deadline = start + a.timeout
    log = open(os.path.join(out, "console.log"), "wb")
    x = Xvfb(log=open(os.path.join(out, "xvfb.log"), "wb"))
    print(f"Xvfb on {x.display}\n{shlex.join(argv)}", flush=True)

    def stamp(msg):
        print(f"[{time.monotonic() - start:7.1f} s] {msg}", flush=True)

    s = Session(x, argv, deadline, log, stamp)
    c, sh, check = s.c, s.sh, s.check
    failure = None
    try:
        wid = s.up()
        out_log = check("grep -E 'modeset|Adding input device|Output .* connected' /var/log/Xorg.0.log | head -n 20")
        print(out_log.rstrip())
        modes = check("cat /sys/class/drm/card*-*/modes | head -n 1").strip()
        m = re.match(r"(\d+)x(\d+)", modes)
        if not m:
            raise Failure(f"no mode of the GPU's output in sysfs: {modes!r}")
        frame = (int(m.group(1)), int(m.group(2)))
        _, _, ww, wh = x.geometry(wid)
        stamp(f"the guest's screen is {frame[0]}x{frame[1]}, the window {ww}x{wh}")
        before = x.screenshot(wid, os.path.join(out, "session.xwd"))
        write_png(os.path.join(out, "session.png"), before)
        shown = foreground_count(before)
        print(f"  the session in the window: {shown} pixels not background, "
              f"{len(text_rows(before))} rows with something")
        # The xterm (white, about 600x390 of the guest's screen) stands out from the black root.
        if shown < before.width * before.height // 10:
            raise Failure(f"the window does not show the session: {shown} pixels not background "
                          f"of {before.width}x{before.height}")
        # Every input device's raw events from now on, to see the click arrive.
        check("rm -f /root/typed-marker /tmp/ev-*; for e in /dev/input/event*; do "
              "cat $e > /tmp/ev-${e##*/} & done; sleep 1")
        fx, fy, fw, fh = fit(frame, (ww, wh))
        px = fx + XTERM_POINT[0] * fw // frame[0]
        py = fy + XTERM_POINT[1] * fh // frame[1]
        x.click_at(wid, px, py)
        stamp(f"clicked at {px},{py} in the window (the guest's {XTERM_POINT[0]},{XTERM_POINT[1]})")
        time.sleep(1)
        x.type("touch /root/typed-marker")
        x.key("Return")
        stamp("typed `touch /root/typed-marker` and Return")
        status, _ = sh.run("i=0; until [ -e /root/typed-marker ]; do i=$((i+1)); [ $i -gt 120 ] && exit 1; "
                           "sleep 0.5; done", deadline)
        after = x.screenshot(wid, os.path.join(out, "session-typed.xwd"))
        write_png(os.path.join(out, "session-typed.png"), after)
        # input_event on arm64: 16 bytes of time, type, code, value (little-endian):
        # EV_KEY (1), BTN_LEFT (0x110), pressed (1).
        _, ev = sh.run("kill $(jobs -p) 2>/dev/null; sleep 0.5; for f in /tmp/ev-*; do "
                       "od -An -v -tx1 -w24 $f | grep -q ' 01 00 10 01 01 00 00 00$' && echo click-in-$f; done; "
                       "ls -l /tmp/ev-*", deadline)
        print(ev.rstrip())
        if status != 0:
            raise Failure("/root/typed-marker did not appear: the typed command did not reach the xterm")
        stamp("/root/typed-marker exists in the guest")
        if "click-in-" not in ev:
            raise Failure("no BTN_LEFT press among the guest's input events")
        stamp("the guest's input events have the click (BTN_LEFT pressed)")
    except Exception as e:  # Failure, and the X tools' errors
        failure = f"{type(e).__name__}: {e}"
    finally:
        c.stop()
        x.stop()
    if failure:
        sys.stdout.write(c.seen.decode("utf-8", "replace")[-3000:])
        tail = c.err.decode("utf-8", "replace").strip().splitlines()[-12:]
        if tail:
            print("\n--- emulator stderr (last lines) ---\n" + "\n".join(tail))
        print(f"\ndebian_graphical: FAILED after {time.monotonic() - start:.1f} s: {failure}\npictures in {out}")
        return 1
    print(f"\ndebian_graphical: passed in {time.monotonic() - start:.1f} s; pictures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
