#!/usr/bin/env python3
"""Debian's arm64 kernel with the busybox initramfs and console=tty0 on a virtio GPU: the kernel's
console and a shell on the GPU's screen (fbcon on tty1), typed into through virtio-keyboard,
with the serial port beside it for the test to watch (tests/guest/aarch64-linux/init starts the
tty1 shell for tessera.tty_shell). Two cases:

  window    under Xvfb, -display sdl: the emulator's window appears; xdotool types
            `echo MARKER-<random> > /dev/ttyAMA0` + Return into it and the marker comes out of
            the serial port; the window's picture taken from the X server (xwd) and the
            emulator's screendump at its exit agree (pixel for pixel at the same size, or cell
            by cell when the window scales the frame) and are not blank (console text: many
            rows of it).
  headless  -display none: a boot's screendump shows the console (not blank, rows of text);
            a second boot with a -keys file that types `clear; echo KEYS-<random> >
            /dev/ttyAMA0; echo typed by -keys` + ret after the shell is up: the marker comes
            out of the serial port, and the screendump differs from the first one and shows
            the cleared console (a few rows of text where the first had dozens).
  all       both (the default).

    arm64_linux_display.py --emulator "TESSERA -M aarch64-virt" --fetch scripts/fetch-guests
    arm64_linux_display.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 \\
        -global virtio-mmio.force-legacy=false" --fetch scripts/fetch-guests

The harness adds -m 1G, -device virtio-gpu-device, -device virtio-keyboard-device (and
virtio-tablet-device in the window case), -serial stdio, -display sdl|none, the kernel, the
initramfs and the command line. Tessera writes -screendump FILE.png when it ends (here: on
SIGTERM) and replays -keys FILE; QEMU (recognized by its program name) gets the same through a
monitor socket: `screendump FILE -f png`, `quit`, and the keys file translated to `sendkey`.
The pictures are kept in --out (default: a new directory under /tmp, printed) as PNG files.
"""
import argparse
import os
import random
import shlex
import signal
import socket
import sys
import tempfile
import threading
import time

from arm64_linux_boot import Console, images
from screen_image import compare, foreground_count, read_png, text_rows, write_png
from xvfb_display import Xvfb

PROMPT = b"~ # "
APPEND = "console=tty0 console=ttyAMA0 tessera.tty_shell consoleblank=0"
# After the serial prompt: wait until the tty1 shell runs, then keep the screen still (no
# kernel messages on it, no blinking cursor) so that two pictures taken apart agree.
SETTLE = ("dmesg -n 1; echo 0 > /sys/class/graphics/fbcon/cursor_blink; "
          "while ! ps | grep -q '[s]h -i'; do sleep 0.2; done; echo tty1""-ready")


class Failure(Exception):
    pass


# --- QEMU's monitor, for the same flow on QEMU -------------------------------------------------

SENDKEY_SHIFTED = {'!': '1', '@': '2', '#': '3', '$': '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9',
                   ')': '0', '_': 'minus', '+': 'equal', '{': 'bracket_left', '}': 'bracket_right',
                   ':': 'semicolon', '"': 'apostrophe', '~': 'grave_accent', '|': 'backslash', '<': 'comma',
                   '>': 'dot', '?': 'slash'}
SENDKEY_PLAIN = {' ': 'spc', '-': 'minus', '=': 'equal', '[': 'bracket_left', ']': 'bracket_right',
                 ';': 'semicolon', "'": 'apostrophe', '`': 'grave_accent', '\\': 'backslash', ',': 'comma',
                 '.': 'dot', '/': 'slash', '\n': 'ret', '\t': 'tab'}


def sendkey_name(ch):
    if ch.isascii() and (ch.islower() or ch.isdigit()):
        return ch
    if ch.isascii() and ch.isupper():
        return "shift-" + ch.lower()
    if ch in SENDKEY_PLAIN:
        return SENDKEY_PLAIN[ch]
    if ch in SENDKEY_SHIFTED:
        return "shift-" + SENDKEY_SHIFTED[ch]
    raise Failure(f"no sendkey name for {ch!r}")


class Monitor:
    def __init__(self, path, deadline):
        self.s = socket.socket(socket.AF_UNIX)
        while True:
            try:
                self.s.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure(f"cannot connect to QEMU's monitor at {path}")
                time.sleep(0.2)
        self.lock = threading.Lock()
        self._until_prompt()

    def _until_prompt(self):
        buf = b""
        self.s.settimeout(30)
        while not buf.endswith(b"(qemu) "):
            chunk = self.s.recv(65536)
            if not chunk:
                raise Failure("QEMU's monitor closed")
            buf += chunk
        return buf

    def command(self, line, wait=True):
        with self.lock:
            self.s.sendall(line.encode() + b"\n")
            if wait:
                self._until_prompt()


# --- one boot --------------------------------------------------------------------------------------

class Boot:
    def __init__(self, a, kernel, initrd, display, out, name, x=None, keys=None, tablet=False):
        self.a, self.out, self.name = a, out, name
        base = shlex.split(a.emulator)
        self.qemu = os.path.basename(base[0]).startswith("qemu-system")
        self.dump = os.path.join(out, f"{name}-screendump.png")
        argv = base + ["-m", "1G", "-device", "virtio-gpu-device", "-device", "virtio-keyboard-device"]
        if tablet:
            argv += ["-device", "virtio-tablet-device"]
        argv += ["-serial", "stdio", "-display", display, "-kernel", kernel, "-initrd", initrd, "-append", APPEND]
        if self.qemu:
            self.mon_path = os.path.join(out, f"{name}-monitor.sock")
            argv += ["-monitor", f"unix:{self.mon_path},server=on,wait=off"]
        else:
            argv += ["-screendump", self.dump]
            if keys:
                argv += ["-keys", keys]
        self.argv = argv
        self.start = time.monotonic()
        self.deadline = self.start + a.timeout
        print(f"[{self.name}] {shlex.join(argv)}", flush=True)
        self.c = Console(argv, env=x.env if x else None)
        self.mon = Monitor(self.mon_path, self.deadline) if self.qemu else None
        if self.qemu and keys:
            threading.Thread(target=self._play_keys, args=(keys,), daemon=True).start()

    def _play_keys(self, path):
        """-keys for QEMU: the same file, timed from the start, through sendkey."""
        for line in open(path).read().splitlines():
            word, _, rest = line.partition(" ")
            if word == "wait":
                time.sleep(int(rest) / 1000)
            elif word == "type":
                for ch in rest:
                    self.mon.command("sendkey " + sendkey_name(ch))
                    time.sleep(0.03)
            elif word == "key":
                for combo in rest.split():
                    self.mon.command("sendkey " + combo.replace("+", "-"))

    def shell_ready(self):
        """The serial shell answers and the tty1 shell runs; the screen is kept still."""
        if not self.c.expect(PROMPT, self.deadline):
            raise Failure(f"{self.name}: no shell prompt on the serial port")
        mark = len(self.c.seen)
        self.c.send(SETTLE)
        if not self.c.expect(b"tty1-ready", self.deadline, mark):
            raise Failure(f"{self.name}: the shell on tty1 did not start")
        t = time.monotonic() - self.start
        print(f"[{self.name}] serial shell and tty1 shell up after {t:.1f} s", flush=True)
        return t

    def expect_serial(self, marker):
        if not self.c.expect(marker.encode(), self.deadline):
            raise Failure(f"{self.name}: {marker} did not come out of the serial port")
        print(f"[{self.name}] {marker} on the serial port after {time.monotonic() - self.start:.1f} s", flush=True)

    def finish(self):
        """Ends the emulator and returns its screendump as an Image (kept as PNG in --out)."""
        if self.qemu:
            self.mon.command(f"screendump {self.dump} -f png")
            self.mon.command("quit", wait=False)
            status = self.c.wait_exit(time.monotonic() + 30)
        else:
            # -screendump is written at every exit; SIGTERM is one of them.
            self.c.p.send_signal(signal.SIGTERM)
            status = self.c.wait_exit(time.monotonic() + 30)
        if status is None:
            self.c.stop()
            raise Failure(f"{self.name}: the emulator did not end")
        print(f"[{self.name}] the emulator ended with status {status}", flush=True)
        if not os.path.exists(self.dump):
            raise Failure(f"{self.name}: no screendump at {self.dump}")
        return read_png(self.dump)

    def stop(self):
        self.c.stop()


def not_blank(img, what, min_rows, min_fg):
    """At least min_rows rows of text and min_fg pixels that are not background."""
    fg = foreground_count(img)
    rows = text_rows(img)
    print(f"  {what}: {img.width}x{img.height}, {fg} pixels not background, {len(rows)} rows of text")
    if fg < min_fg or len(rows) < min_rows:
        raise Failure(f"{what} looks blank: {fg} pixels not background, {len(rows)} rows of text "
                      f"(want {min_fg} and {min_rows} or more)")
    return rows


# --- cases ---------------------------------------------------------------------------------------------

def case_window(a, kernel, initrd, out, boots):
    x = Xvfb(log=open(os.path.join(out, "xvfb.log"), "wb"))
    print(f"[window] Xvfb on {x.display}", flush=True)
    try:
        b = Boot(a, kernel, initrd, "sdl", out, "window", x=x, tablet=True)
        boots.append(b)
        wid = x.find_window(b.c.p.pid, b.deadline)
        b.shell_ready()
        x.prepare(wid)
        geo = x.geometry(wid)
        print(f"[window] window {wid} at {geo[0]},{geo[1]}, {geo[2]}x{geo[3]}", flush=True)
        marker = f"MARKER-{random.randrange(10**6, 10**7)}"
        x.type(f"echo {marker} > /dev/ttyAMA0")
        x.key("Return")
        b.expect_serial(marker)
        time.sleep(2)  # the echo of the typed line drawn, the window updated
        shot = x.screenshot(wid, os.path.join(out, "window-x11.xwd"))
        write_png(os.path.join(out, "window-x11.png"), shot)
        dump = b.finish()
    finally:
        x.stop()
    share, how = compare(dump, shot)
    print(f"  window vs screendump: {how}")
    not_blank(dump, "screendump", 10, 5000)
    not_blank(shot, "window", 10, 5000)
    want = 0.99 if dump.size() == shot.size() else 0.95
    if share < want:
        raise Failure(f"the window's picture and the screendump disagree: {how} (want {want * 100:.0f}%)")


def case_headless(a, kernel, initrd, out, boots):
    b = Boot(a, kernel, initrd, "none", out, "headless")
    boots.append(b)
    t_ready = b.shell_ready()
    time.sleep(2)
    plain = b.finish()
    rows_plain = not_blank(plain, "screendump without -keys", 15, 5000)
    # The keys come at a fixed time from the start: well after the first boot had its shell.
    marker = f"KEYS-{random.randrange(10**6, 10**7)}"
    keys = os.path.join(out, "typed.keys")
    wait_ms = int((t_ready * 2 + 10) * 1000)
    with open(keys, "w") as f:
        f.write(f"wait {wait_ms}\ntype clear; echo {marker} > /dev/ttyAMA0; echo typed by -keys\nkey ret\n")
    print(f"[headless] {keys}: wait {wait_ms} ms, then the command and ret", flush=True)
    b = Boot(a, kernel, initrd, "none", out, "keys", keys=keys)
    boots.append(b)
    b.shell_ready()
    b.expect_serial(marker)
    time.sleep(2)
    typed = b.finish()
    rows_typed = not_blank(typed, "screendump with -keys", 2, 100)
    if typed.size() != plain.size():
        raise Failure(f"the two boots' screendumps differ in size: {typed.size()} vs {plain.size()}")
    share, how = compare(plain, typed)
    changed = round((1 - share) * typed.width * typed.height)
    print(f"  without vs with -keys: {how}, {changed} pixels differ")
    if changed < 2000:
        raise Failure(f"the screendump did not change after the -keys input: {how}")
    # `clear` then one line of output and the prompt: a few rows where the console had dozens.
    if len(rows_typed) > 4 or len(rows_typed) >= len(rows_plain):
        raise Failure(f"after -keys the console shows {len(rows_typed)} rows of text (the cleared screen has "
                      f"2-4), the boot without -keys {len(rows_plain)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--case", choices=("window", "headless", "all"), default="all")
    ap.add_argument("--timeout", type=float, default=300, help="seconds for each boot")
    ap.add_argument("--out", help="directory for the pictures (default: a new one under /tmp)")
    a = ap.parse_args()
    kernel, initrd = images(a.fetch)
    out = a.out or tempfile.mkdtemp(prefix="arm64-linux-display-")
    os.makedirs(out, exist_ok=True)
    cases = ("window", "headless") if a.case == "all" else (a.case,)
    boots = []
    start = time.monotonic()
    try:
        for case in cases:
            print(f"--- {case}", flush=True)
            (case_window if case == "window" else case_headless)(a, kernel, initrd, out, boots)
    except Exception as e:  # Failure, and the X tools' and image readers' errors
        b = boots[-1] if boots else None
        if b:
            sys.stdout.write(b.c.seen.decode("utf-8", "replace")[-2500:])
            tail = b.c.err.decode("utf-8", "replace").strip().splitlines()[-12:]
            if tail:
                print("\n--- emulator stderr (last lines) ---\n" + "\n".join(tail))
        print(f"\narm64_linux_display: FAILED after {time.monotonic() - start:.1f} s: {type(e).__name__}: {e}")
        print(f"pictures in {out}")
        return 1
    finally:
        for b in boots:
            b.stop()
    print(f"\narm64_linux_display: {', '.join(cases)} passed in {time.monotonic() - start:.1f} s; pictures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
