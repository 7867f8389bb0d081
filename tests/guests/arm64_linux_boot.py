#!/usr/bin/env python3
"""Boot Debian's arm64 kernel with the busybox initramfs on aarch64-virt to the busybox shell,
run `uname -m` (it must answer aarch64), then `poweroff -f`: the emulator must end by itself
with status 0. No oops or panic on the way.

    arm64_linux_boot.py --emulator "TESSERA -M aarch64-virt -accel tcg,exec=MODE" --fetch scripts/fetch-guests
    arm64_linux_boot.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -nic none" --fetch ...

Images come from scripts/fetch-guests (ARM64_LINUX_IMAGE, ARM64_INITRAMFS). --until init stops
at the kernel's "Run /init as init process" instead. Prints the wall time to each stage, and
the emulator's own last lines (Tessera's -d stats, when given, count the guest instructions).
"""
import argparse
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import time

INIT = b"Run /init as init process"
PROMPT = b"~ # "
BAD = (b"Internal error:", b"Kernel panic", b"Unable to handle kernel", b"BUG:", b"Oops")
# The soft-lockup watchdog measures host time: on a loaded host (ctest -j2 beside LLVM's
# compile thread) a long kernel section can stretch past its 20 s and it warns, as it would
# under QEMU. A warning, not a fault: it does not fail the boot.
SOFT_LOCKUP = re.compile(rb"BUG: soft lockup[^\n]*")


def images(fetch):
    out = subprocess.run([fetch], check=True, capture_output=True, text=True).stdout
    kv = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return kv["ARM64_LINUX_IMAGE"], kv["ARM64_INITRAMFS"]


class Console:
    def __init__(self, argv, env=None):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env)
        self.seen = b""
        self.err = b""

    def expect(self, marker, deadline, start=0):
        """Reads until marker appears after offset start; False on a timeout, an oops or an exit.
        Output already read counts: the marker may have come with the previous answer."""
        if marker in self.seen[start:]:
            return True
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.p.stdout, self.p.stderr], [], [], 1.0)
            if not r:
                if self.p.poll() is not None:
                    return False
                continue
            for f in r:
                chunk = os.read(f.fileno(), 65536)
                if f is self.p.stderr:
                    self.err += chunk
                    continue
                if not chunk:
                    return False
                self.seen += chunk
            if any(b in SOFT_LOCKUP.sub(b"", self.seen) for b in BAD):
                return False
            if marker in self.seen[start:]:
                return True
        return False

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def wait_exit(self, deadline):
        while time.monotonic() < deadline and self.p.poll() is None:
            r, _, _ = select.select([self.p.stdout, self.p.stderr], [], [], 0.5)
            for f in r:
                chunk = os.read(f.fileno(), 65536)
                if f is self.p.stderr:
                    self.err += chunk
                else:
                    self.seen += chunk
        if self.p.poll() is None:
            return None
        for f in (self.p.stdout, self.p.stderr):  # what is left
            rest = f.read()
            if f is self.p.stderr:
                self.err += rest
            else:
                self.seen += rest
        return self.p.returncode

    def state_report(self, timeout=3.0):
        """Tessera still running when the test gives up: SIGUSR1 asks it for a state report
        (CPU, interrupt controller, virtqueues) on stderr, so a hang says where it is."""
        if self.p.poll() is not None or "tessera" not in os.path.basename(self.p.args[0]):
            return
        for n in (1, 2):  # two, a second apart: does the guest spin or sleep?
            if n == 2:
                time.sleep(1.0)
            self.p.send_signal(signal.SIGUSR1)
            deadline = time.monotonic() + timeout
            while (time.monotonic() < deadline and self.err.count(b"state report end") < n and
                   self.err.count(b"did not answer") < n):
                r, _, _ = select.select([self.p.stdout, self.p.stderr], [], [], 0.2)
                for f in r:
                    chunk = os.read(f.fileno(), 65536)
                    if f is self.p.stderr:
                        self.err += chunk
                    else:
                        self.seen += chunk

    def stop(self):
        if self.p.poll() is None:
            self.state_report()
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()


def poweroff(c, deadline, timeout=60, attempts=1):
    """`poweroff -f` in the guest's shell: None once the emulator ended with status 0, else why not.
    With attempts > 1 it is typed again after each timeout (busybox's line editor may take a
    line typed while it waits for its cursor-position reply as that reply)."""
    status = None
    for _ in range(attempts):
        c.send("poweroff -f")
        status = c.wait_exit(min(deadline, time.monotonic() + timeout))
        if status is not None:
            break
    if status is None:
        return "the emulator did not end after poweroff -f"
    if status != 0:
        return f"the emulator ended with status {status} after poweroff -f"
    return None


def show_output(c, tail_chars=3000, err_lines=40):
    """Prints the end of the console and of the emulator's stderr (a state report among it,
    when the test gave up on a running Tessera: Console.stop)."""
    sys.stdout.write(c.seen.decode("utf-8", "replace")[-tail_chars:])
    tail = c.err.decode("utf-8", "replace").strip().splitlines()[-err_lines:]
    if tail:
        print("\n--- emulator stderr (last lines) ---\n" + "\n".join(tail))


def report(c, name, failure, start, success, tail_chars=3000):
    """Prints the end of the console and of the emulator's stderr, then FAILED and why, or
    success(elapsed seconds); returns the exit status. Call after c.stop()."""
    elapsed = time.monotonic() - start
    show_output(c, tail_chars)
    if failure:
        print(f"\n{name}: FAILED after {elapsed:.2f} s: {failure}")
        return 1
    print(f"\n{name}: {success(elapsed)}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--until", choices=("init", "shell"), default="shell")
    ap.add_argument("--poweroff-timeout", type=float, default=60, help="seconds from poweroff -f to the exit")
    a = ap.parse_args()
    kernel, initrd = images(a.fetch)
    argv = shlex.split(a.emulator) + ["-m", "1G", "-nographic", "-kernel", kernel, "-initrd", initrd,
                                      "-append", "console=ttyAMA0"]
    start = time.monotonic()
    deadline = start + a.timeout
    c = Console(argv)
    failure = None
    try:
        if not c.expect(INIT, deadline):
            failure = f"no '{INIT.decode()}' (or an oops, a panic, an exit first)"
        t_init = time.monotonic() - start
        if not failure and a.until == "shell":
            if not c.expect(PROMPT, deadline):
                failure = "no shell prompt"
            t_shell = time.monotonic() - start
            if not failure:
                mark = len(c.seen)
                c.send("uname -m")
                if not c.expect(b"aarch64\r\n", deadline, mark) or not c.expect(PROMPT, deadline, mark):
                    failure = "uname -m did not answer aarch64"
            if not failure:
                c.send("poweroff -f")
                status = c.wait_exit(min(deadline, time.monotonic() + a.poweroff_timeout))
                t_off = time.monotonic() - start
                if status is None:
                    failure = "the emulator did not end after poweroff -f"
                elif status != 0:
                    failure = f"the emulator ended with status {status} after poweroff -f"
    finally:
        c.stop()
    elapsed = time.monotonic() - start
    sys.stdout.write(c.seen.decode("utf-8", "replace")[-3000:])
    tail = c.err.decode("utf-8", "replace").strip().splitlines()[-30:]
    if tail:
        print("\n--- emulator stderr (last lines) ---\n" + "\n".join(tail))
    if failure:
        print(f"\narm64_linux_boot: FAILED after {elapsed:.2f} s: {failure}")
        return 1
    if a.until == "init":
        print(f"\narm64_linux_boot: the kernel started /init after {t_init:.2f} s")
    else:
        print(f"\narm64_linux_boot: /init after {t_init:.2f} s, shell prompt after {t_shell:.2f} s, "
              f"uname -m answered aarch64, poweroff -f ended the emulator with status 0 after {t_off:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
