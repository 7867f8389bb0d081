#!/usr/bin/env python3
"""Drive a real guest's serial console (OpenSBI + U-Boot, M-mode U-Boot, or
Tessera's own firmware) through a pty and check it reaches its prompt and
answers commands. The emulator is a parameter, so the same test runs on
QEMU and on Tessera:

  uboot_console.py --emulator "qemu-system-riscv64 -M virt" --case opensbi-uboot
  uboot_console.py --emulator "tessera -M riscv64-virt" --case uboot-mmode
  uboot_console.py --emulator "..." --case tessera-fw --firmware tessera-fw-riscv64.elf

Guest images come from scripts/fetch-guests (KEY=PATH lines on stdout).
Exit status 0 on success; on failure one FAIL line plus the last output.
"""
import argparse
import os
import pty
import re
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UBOOT_VERSION = "U-Boot 2023.01"


class Failure(Exception):
    pass


class Console:
    """An emulator whose -nographic console is attached to a pty."""

    def __init__(self, argv, trace):
        self.trace = trace
        self.buf = ""          # output not yet consumed by expect()
        self.log = ""          # everything, for failure reports
        self.start = time.monotonic()
        master, slave = pty.openpty()
        try:
            self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                         start_new_session=True, close_fds=True)
        except OSError as e:
            raise Failure(f"cannot start {argv[0]}: {e.strerror}")
        finally:
            os.close(slave)
        self.fd = master

    def elapsed(self):
        return time.monotonic() - self.start

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 4096)
        except OSError:            # EIO: the emulator closed the pty (exited)
            data = b""
        if not data:
            return False
        text = data.decode("utf-8", "replace").replace("\r", "")
        if self.trace:
            sys.stdout.write(text)
            sys.stdout.flush()
        self.buf += text
        self.log += text
        return True

    def expect(self, pattern, timeout, what=None):
        """Wait for regex `pattern`; return the match and drop output up to it."""
        what = what or pattern
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"timed out after {timeout:.0f} s waiting for {what!r}")
            if not self._read(min(left, 0.5)):
                code = self.proc.poll()
                raise Failure(f"emulator exited (status {code}) while waiting for {what!r}")

    def send(self, text):
        os.write(self.fd, text.encode())

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        code = self.proc.poll()
        if code is None:
            raise Failure(f"emulator still running {timeout:.0f} s after poweroff")
        return code

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.fd)


def guest_images(fetch):
    out = subprocess.run([fetch], capture_output=True, text=True)
    if out.returncode != 0:
        msg = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise Failure(f"{fetch} failed: {msg}")
    return dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)


def reach_uboot_prompt(con, timeout):
    """Stop autoboot when offered; otherwise wait for the prompt after it fails."""
    m = con.expect(r"Hit any key to stop autoboot|=> ", timeout, "U-Boot autoboot or '=>'")
    if m.group(0).startswith("Hit"):
        print(f"uboot_console: 'Hit any key' after {con.elapsed():.2f} s")
        con.send(" ")
        con.expect(r"=> ", timeout, "'=>' after stopping autoboot")
    print(f"uboot_console: '=>' prompt after {con.elapsed():.2f} s")


def uboot_commands(con, timeout):
    con.send("version\r")
    con.expect(re.escape(UBOOT_VERSION), timeout, UBOOT_VERSION)
    con.expect(r"=> ", timeout, "'=>' after version")
    con.send("bdinfo\r")
    con.expect(r"boot_params|DRAM bank|fdt_blob", timeout, "bdinfo output")
    con.expect(r"=> ", timeout, "'=>' after bdinfo")


# virtio-blk: an ext4 image (mke2fs -d) in qcow2 with one file U-Boot reads.
BLK_FILE = "tessera.txt"
BLK_TEXT = b"".join(b"line %d of the file U-Boot reads from the virtio disk\n" % i for i in range(300))


def make_blk_image(work):
    root = os.path.join(work, "root")
    os.makedirs(root)
    with open(os.path.join(root, BLK_FILE), "wb") as f:
        f.write(BLK_TEXT)
    raw, img = os.path.join(work, "disk.raw"), os.path.join(work, "disk.qcow2")
    for argv in (["mke2fs", "-q", "-F", "-t", "ext4", "-d", root, raw, "16M"],
                 ["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, img]):
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode:
            raise Failure(f"{argv[0]} failed: {r.stderr.strip()}")
    return img


def uboot_virtio_blk(con, timeout):
    """virtio scan / info, ext4ls, ext4load and crc32 of the file against the host's."""
    def cmd(line, pattern, what):
        con.send(line + "\r")
        m = con.expect(pattern, timeout, what)
        con.expect(r"=> ", timeout, f"'=>' after {line}")
        return m
    cmd("virtio scan", r"", "virtio scan")
    cmd("virtio info", r"Device 0: QEMU VirtIO Block Device\s+Type: Hard Disk\s+Capacity: 16\.0 MB",
        "virtio info: a 16 MB QEMU VirtIO Block Device")
    cmd("ext4ls virtio 0 /", r"%d\s+%s" % (len(BLK_TEXT), re.escape(BLK_FILE)), f"{BLK_FILE} in ext4ls")
    cmd("ext4load virtio 0 ${kernel_addr_r} " + BLK_FILE, r"%d bytes read" % len(BLK_TEXT), "ext4load")
    crc = zlib.crc32(BLK_TEXT)
    cmd("crc32 ${kernel_addr_r} %x" % len(BLK_TEXT), r"==> %08x" % crc, f"crc32 {crc:08x} of the loaded file")
    print(f"uboot_console: the virtio disk's {BLK_FILE} loaded, {len(BLK_TEXT)} bytes, crc32 {crc:08x}")


def run_case(args):
    emu = shlex.split(args.emulator) + ["-nographic"]
    if args.case in ("opensbi-uboot", "uboot-mmode", "uboot-arm64", "opensbi-uboot-virtio-blk"):
        img = guest_images(args.fetch)
    if args.case == "opensbi-uboot-virtio-blk":
        disk = make_blk_image(args.workdir)
        argv = emu + ["-bios", img["OPENSBI_FW_JUMP"], "-kernel", img["UBOOT_RISCV64_SMODE"],
                      "-drive", f"file={disk},format=qcow2,if=none,id=d0", "-device", "virtio-blk-device,drive=d0"]
    elif args.case == "opensbi-uboot":
        argv = emu + ["-bios", img["OPENSBI_FW_JUMP"], "-kernel", img["UBOOT_RISCV64_SMODE"]]
    elif args.case == "uboot-mmode":
        argv = emu + ["-bios", img["UBOOT_RISCV64_MMODE"]]
    elif args.case == "uboot-arm64":
        argv = emu + ["-bios", img["UBOOT_ARM64"]]
    else:
        if not args.firmware:
            raise Failure("--case tessera-fw needs --firmware PATH")
        argv = emu + ["-bios", args.firmware]
    print("uboot_console: running " + " ".join(shlex.quote(a) for a in argv))

    con = Console(argv, args.trace)
    try:
        if args.case == "opensbi-uboot":
            con.expect(r"OpenSBI v", args.timeout, "OpenSBI banner")
            reach_uboot_prompt(con, args.timeout)
            uboot_commands(con, args.timeout)
        elif args.case == "opensbi-uboot-virtio-blk":
            reach_uboot_prompt(con, args.timeout)
            uboot_virtio_blk(con, args.timeout)
        elif args.case in ("uboot-mmode", "uboot-arm64"):
            reach_uboot_prompt(con, args.timeout)
            uboot_commands(con, args.timeout)
        else:
            con.expect(r"Tessera firmware \S+", args.timeout, "firmware banner")
            con.expect(r"memory \d+ [MG]iB at 0x[0-9a-f]+, model \"[^\"]+\"", args.timeout,
                       "memory size and model from the device tree")
            con.expect(r"tessera> ", args.timeout, "'tessera>' prompt")
            print(f"uboot_console: 'tessera>' prompt after {con.elapsed():.2f} s")
            con.send("help\r")
            con.expect(r"poweroff", args.timeout, "help text")
            con.expect(r"tessera> ", args.timeout, "prompt after help")
            con.send("echoo\x7f hi there\r")          # backspace fixes the typo
            con.expect(r"\nhi there\n", args.timeout, "echo output after a backspace")
            con.send("info\r")
            con.expect(r"isa\s*: rv64i", args.timeout, "ISA string in info")
            con.expect(r"tessera> ", args.timeout, "prompt after info")
            con.send("mem 80000000 16\r")
            con.expect(r"0000000080000000:( [0-9a-f]{2}){16}", args.timeout, "hex dump")
            con.send("ticks\r")
            con.expect(r"\+\d+ ticks, \d+ ms\)", args.timeout, "ticks result")
            con.send("poweroff\r")
            code = con.wait_exit(args.timeout)
            if code != 0:
                raise Failure(f"emulator exit status {code} after poweroff, want 0")
        print(f"uboot_console: PASS {args.case} in {con.elapsed():.2f} s")
    except Failure as e:
        tail = con.log[-2000:]
        raise Failure(f"{e} (case {args.case})\n--- last output ---\n{tail}\n--- end ---")
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--emulator", default="qemu-system-riscv64 -M virt",
                    help="emulator command and board options (-nographic is added)")
    ap.add_argument("--case", required=True, choices=["opensbi-uboot", "uboot-mmode", "uboot-arm64", "tessera-fw",
                                                         "opensbi-uboot-virtio-blk"])
    ap.add_argument("--firmware", help="firmware ELF for --case tessera-fw")
    ap.add_argument("--fetch", default=os.path.join(REPO, "scripts", "fetch-guests"),
                    help="script printing KEY=PATH guest image lines")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per expected string")
    ap.add_argument("--trace", action="store_true", help="echo the console as it arrives")
    args = ap.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="tessera-uboot-") as work:
            args.workdir = work
            run_case(args)
    except Failure as e:
        print(f"uboot_console: FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
