#!/usr/bin/env python3
"""Debian's arm64 kernel on aarch64-virt with a virtio-serial-device carrying a virtconsole on a
TCP socket chardev and a named virtserialport on a file chardev. The initramfs loads
virtio_console.ko; on the serial console (ttyAMA0) the test checks:
  - /dev/hvc0 and /dev/vport0p1 exist, and the port's name in sysfs is the one given;
  - guest to host: `echo MARKER > /dev/hvc0` arrives on the socket, `echo ... > /dev/vport0p1`
    lands in the file;
  - host to guest: `read L < /dev/hvc0` on the serial shell gets the line the host sends on
    the socket;
  - a shell on hvc0: the host sends `echo $((6*7))-answer` over the socket and reads back
    42-answer;
  - `poweroff -f` ends the emulator with status 0.
With --case stdio: `-serial none -chardev stdio` instead, the kernel's `tessera.hvc_shell` has
/init start a shell on hvc0, whose prompt and answers are all that reach stdout (not one line
from the UART), and `poweroff -f` typed into it ends the emulator with status 0.

    arm64_linux_virtio_console.py --emulator "TESSERA -M aarch64-virt -accel tcg,exec=MODE" --fetch scripts/fetch-guests

    arm64_linux_virtio_console.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -nic none" --fetch ...
(the socket case; QEMU refuses the stdio case: its -nographic keeps the monitor on stdio).
"""
import argparse
import os
import shlex
import socket
import sys
import tempfile
import time

from arm64_linux_boot import PROMPT, Console, images, poweroff
from arm64_linux_virtio_rng import run

PORT_NAME = "org.tessera.test.0"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class HostEnd:
    """The host end of the virtconsole: a TCP client of the emulator's chardev."""

    def __init__(self, port, deadline):
        self.seen = b""
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.s.settimeout(0.5)

    def expect(self, marker, deadline):
        while marker not in self.seen and time.monotonic() < deadline:
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                return False
            self.seen += chunk
        return marker in self.seen

    def send(self, text):
        self.s.sendall(text.encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--case", choices=("socket", "stdio"), default="socket")
    a = ap.parse_args()
    kernel, initrd = images(a.fetch)
    if a.case == "stdio":
        return stdio_case(a, kernel, initrd)
    tmp = tempfile.mkdtemp(prefix="tessera-hvc-")
    out_file = os.path.join(tmp, "vport.out")
    port = free_port()
    argv = shlex.split(a.emulator) + [
        "-m", "1G", "-nographic", "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyAMA0",
        "-device", "virtio-serial-device",
        "-device", "virtconsole,chardev=c0",
        "-chardev", f"socket,id=c0,host=127.0.0.1,port={port},server=on,wait=off",
        "-device", f"virtserialport,chardev=f0,name={PORT_NAME}",
        "-chardev", f"file,id=f0,path={out_file}"]
    start = time.monotonic()
    deadline = start + a.timeout
    c = Console(argv)
    failure = None
    host = None
    stages = []
    sends = {"line": 0, "command": 0}

    def stage(name):
        stages.append(f"{name} {time.monotonic() - start:.1f} s")

    try:
        host = HostEnd(port, min(deadline, time.monotonic() + 30))
        if not c.expect(PROMPT, deadline):
            failure = "no shell prompt (or an oops, a panic, an exit first)"
        stage("prompt")
        if not failure:
            out = run(c, "ls /dev/hvc0 /dev/vport0p1", deadline) or ""
            if "/dev/hvc0" not in out or "/dev/vport0p1" not in out or "No such" in out:
                failure = f"no /dev/hvc0 or /dev/vport0p1: {out!r}"
        if not failure:
            out = run(c, "cat /sys/class/virtio-ports/vport0p1/name", deadline) or ""
            if PORT_NAME not in out:
                failure = f"vport0p1's name is not {PORT_NAME}: {out!r}"
        if not failure:
            run(c, "echo hvc-marker-4711 > /dev/hvc0", deadline)
            if not host.expect(b"hvc-marker-4711", min(deadline, time.monotonic() + 30)):
                failure = f"the marker written to /dev/hvc0 did not reach the socket: {host.seen[-200:]!r}"
            stage("guest->host")
        if not failure:
            run(c, "echo vport-marker-99 > /dev/vport0p1", deadline)
            got = b""
            until = min(deadline, time.monotonic() + 30)
            while b"vport-marker-99" not in got and time.monotonic() < until:
                time.sleep(0.2)
                with open(out_file, "rb") as f:
                    got = f.read()
            if b"vport-marker-99" not in got:
                failure = f"the marker written to /dev/vport0p1 is not in the file: {got!r}"
        if not failure:
            # The serial shell waits for a line on hvc0; the host sends it a second after the
            # command is seen. A line that is not read within 3 s is sent again, and the number
            # of sends is reported.
            mark = len(c.seen)
            c.send('read L < /dev/hvc0; echo "got:$L"')
            c.expect(b"got:$L", deadline, mark)
            time.sleep(1)
            for sends["line"] in range(1, 11):
                host.send("line-from-host\n")
                if c.expect(b"got:line-from-host", min(deadline, time.monotonic() + 3), mark):
                    break
            else:
                failure = "the line the host sent on the socket did not reach `read` on /dev/hvc0"
            # The prompt may have come in the same read as the answer: look before waiting.
            if PROMPT not in c.seen[c.seen.rfind(b"got:line-from-host"):]:
                c.expect(PROMPT, deadline, c.seen.rfind(b"got:line-from-host"))
            stage("host->guest")
        if not failure:
            run(c, "setsid sh -c 'exec sh -i </dev/hvc0 >/dev/hvc0 2>&1' &", deadline)
            time.sleep(1)
            for sends["command"] in range(1, 11):
                host.send("echo $((6*7))-answer\n")
                if host.expect(b"42-answer", min(deadline, time.monotonic() + 3)):
                    break
            else:
                failure = f"the shell on hvc0 did not answer over the socket: {host.seen[-300:]!r}"
            stage("shell on hvc0")
        if not failure:
            failure = poweroff(c, deadline, timeout=20, attempts=3)
    except OSError as e:
        failure = f"socket: {e}"
    finally:
        c.stop()
    elapsed = time.monotonic() - start
    sys.stdout.write(c.seen.decode("utf-8", "replace")[-3000:])
    if host:
        print("\n--- host end of hvc0 (last bytes) ---\n" + host.seen.decode("utf-8", "replace")[-600:])
    tail = c.err.decode("utf-8", "replace").strip().splitlines()[-12:]
    if tail:
        print("\n--- emulator stderr (last lines) ---\n" + "\n".join(tail))
    print("\nstages: " + ", ".join(stages) + f"; the host sent the line {sends['line']} time(s), the command "
          f"{sends['command']} time(s)")
    if failure:
        print(f"\narm64_linux_virtio_console: FAILED after {elapsed:.2f} s: {failure}")
        return 1
    print(f"\narm64_linux_virtio_console: hvc0 both ways over a socket, a shell on hvc0, a named vport to a "
          f"file, poweroff -f with status 0 after {elapsed:.2f} s")
    return 0


def stdio_case(a, kernel, initrd):
    argv = shlex.split(a.emulator) + [
        "-m", "1G", "-nographic", "-serial", "none", "-kernel", kernel, "-initrd", initrd,
        "-append", "console=ttyAMA0 tessera.hvc_shell",
        "-device", "virtio-serial-device", "-device", "virtconsole,chardev=c", "-chardev", "stdio,id=c"]
    start = time.monotonic()
    deadline = start + a.timeout
    c = Console(argv)
    failure = None
    try:
        if not c.expect(b"shell on hvc0", deadline) or not c.expect(b"/ # ", deadline):
            failure = "no shell prompt on hvc0 (stdio)"
        if not failure:
            mark = len(c.seen)
            c.send("echo $((6*7))-stdio")
            if not c.expect(b"42-stdio\r\n", deadline, mark):
                failure = "the shell on hvc0 did not answer on stdout"
        if not failure and (b"Booting Linux" in c.seen or b"busybox shell on" in c.seen):
            failure = "the UART's output reached stdout despite -serial none"
        if not failure:
            failure = poweroff(c, deadline)
    finally:
        c.stop()
    elapsed = time.monotonic() - start
    sys.stdout.write(c.seen.decode("utf-8", "replace")[-2000:])
    tail = c.err.decode("utf-8", "replace").strip().splitlines()[-12:]
    if tail:
        print("\n--- emulator stderr (last lines) ---\n" + "\n".join(tail))
    if failure:
        print(f"\narm64_linux_virtio_console (stdio): FAILED after {elapsed:.2f} s: {failure}")
        return 1
    print(f"\narm64_linux_virtio_console (stdio): a shell on hvc0 over stdin/stdout, the UART silent, "
          f"poweroff -f with status 0 after {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
