#!/usr/bin/env python3
"""Boot Debian's arm64 kernel with the busybox initramfs on aarch64-virt until the kernel
starts /init, with no oops or panic on the way.

    arm64_linux_boot.py --emulator "TESSERA -M aarch64-virt -accel tcg,exec=MODE" --fetch scripts/fetch-guests

Images come from scripts/fetch-guests (ARM64_LINUX_IMAGE, ARM64_INITRAMFS). The marker is the
kernel's "Run /init as init process"; the busybox userland needs FP/AdvSIMD, which the AArch64
frontend does not have yet, so the test stops there. Prints the wall time to the marker.
"""
import argparse
import os
import select
import shlex
import signal
import subprocess
import sys
import time

MARKER = b"Run /init as init process"
BAD = (b"Internal error:", b"Kernel panic", b"Unable to handle kernel", b"BUG:", b"Oops")


def images(fetch):
    out = subprocess.run([fetch], check=True, capture_output=True, text=True).stdout
    kv = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return kv["ARM64_LINUX_IMAGE"], kv["ARM64_INITRAMFS"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    kernel, initrd = images(a.fetch)
    argv = shlex.split(a.emulator) + ["-m", "1G", "-nographic", "-kernel", kernel, "-initrd", initrd,
                                      "-append", "console=ttyAMA0"]
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = b""
    ok = False
    try:
        while time.monotonic() - start < a.timeout:
            r, _, _ = select.select([p.stdout], [], [], 1.0)
            if not r:
                if p.poll() is not None:
                    break
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
            if any(b in seen for b in BAD):
                break
            if MARKER in seen:
                ok = True
                break
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    elapsed = time.monotonic() - start
    sys.stdout.write(seen.decode("utf-8", "replace")[-3000:])
    if ok:
        print(f"\narm64_linux_boot: the kernel started /init after {elapsed:.2f} s")
        return 0
    print(f"\narm64_linux_boot: FAILED after {elapsed:.2f} s (no '{MARKER.decode()}', or an oops/panic first)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
