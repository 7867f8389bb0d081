#!/usr/bin/env python3
"""Debian's arm64 kernel on aarch64-virt with -device virtio-rng-device: the initramfs loads
virtio_mmio.ko and virtio-rng.ko, the kernel's hw_random core picks the device
(rng_current reads virtio_rng.N), the device sits where QEMU puts it (the transport at
0x0a003e00, so Linux names it as on QEMU), two reads of /dev/hwrng give 16 bytes each, not all zero
and not the same twice, and `poweroff -f` ends the emulator with status 0.

    arm64_linux_virtio_rng.py --emulator "TESSERA -M aarch64-virt -accel tcg,exec=MODE" --fetch scripts/fetch-guests
    arm64_linux_virtio_rng.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -nic none" --fetch ...
"""
import argparse
import re
import shlex
import sys
import time

from arm64_linux_boot import PROMPT, Console, images, poweroff, report

RNG_CURRENT = ("/sys/class/misc/hw_random/rng_current", "/sys/devices/virtual/misc/hw_random/rng_current")


def run(c, cmd, deadline):
    """Sends one shell command; returns its output (between the echoed command and the next prompt)."""
    mark = len(c.seen)
    c.send(cmd)
    if not c.expect(PROMPT, deadline, mark + len(cmd)):
        return None
    out = c.seen[mark:].decode("utf-8", "replace")
    out = out[out.find(cmd) + len(cmd):] if cmd in out else out
    return out[:out.rfind(PROMPT.decode())].replace("\r", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    kernel, initrd = images(a.fetch)
    argv = shlex.split(a.emulator) + ["-m", "1G", "-nographic", "-kernel", kernel, "-initrd", initrd,
                                      "-append", "console=ttyAMA0", "-device", "virtio-rng-device"]
    start = time.monotonic()
    deadline = start + a.timeout
    c = Console(argv)
    failure = None
    reads = []
    try:
        if not c.expect(PROMPT, deadline):
            failure = "no shell prompt (or an oops, a panic, an exit first)"
        if not failure:
            # Each command stays shorter than the terminal's line, so its echo comes back whole.
            outs = [run(c, "cat " + path, deadline) for path in RNG_CURRENT]
            if not any(re.search(r"^virtio_rng\.\d+$", o or "", re.M) for o in outs):
                failure = f"rng_current is not virtio_rng.N: {outs!r}"
        if not failure:
            # Where QEMU's virt puts the first -device: the highest transport, 0x0a003e00.
            out = run(c, "readlink /sys/bus/virtio/devices/virtio0", deadline)
            if "a003e00.virtio_mmio" not in (out or ""):
                failure = f"virtio0 is not the transport at 0xa003e00: {out!r}"
        for _ in range(2):
            if failure:
                break
            out = run(c, "head -c 16 /dev/hwrng | od -An -tx1", deadline)
            words = re.findall(r"\b[0-9a-f]{2}\b", out or "")
            if len(words) != 16:
                failure = f"head -c 16 /dev/hwrng gave no 16 bytes: {out!r}"
            elif all(w == "00" for w in words):
                failure = "/dev/hwrng gave 16 zero bytes"
            reads.append("".join(words))
        if not failure and reads[0] == reads[1]:
            failure = f"/dev/hwrng gave the same 16 bytes twice: {reads[0]}"
        if not failure:
            failure = poweroff(c, deadline)
    finally:
        c.stop()
    return report(c, "arm64_linux_virtio_rng", failure, start, lambda t: f"virtio_rng is the current hw_random, /dev/hwrng gave {reads[0]} then "
          f"{reads[1]}, poweroff -f ended the emulator with status 0 after {t:.2f} s", 3000)


if __name__ == "__main__":
    sys.exit(main())
