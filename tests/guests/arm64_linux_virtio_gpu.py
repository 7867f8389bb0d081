#!/usr/bin/env python3
"""Debian's arm64 kernel on aarch64-virt with -device virtio-gpu-device,xres=1024,yres=768: the
initramfs loads virtio-gpu.ko (with drm, drm_kms_helper, drm_shmem_helper), the driver binds
the device and negotiates EDID ("[drm] Initialized virtio_gpu"), /dev/dri/card0 and the fbdev
emulation's /dev/fb0 exist, the connector's preferred mode is the configured 1024x768 (from
GET_DISPLAY_INFO and the EDID), fb0 is 1024x768, 3 MiB of random bytes written to /dev/fb0 go
through (the console's framebuffer helper then transfers and flushes them), the kernel logs no
virtio_gpu error, and `poweroff -f` ends the emulator with status 0.

    arm64_linux_virtio_gpu.py --emulator "TESSERA -M aarch64-virt -accel tcg,exec=MODE" --fetch scripts/fetch-guests
    arm64_linux_virtio_gpu.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -nic none" --fetch ...
"""
import argparse
import shlex
import sys
import time

from arm64_linux_boot import PROMPT, Console, images, poweroff, report


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
                                      "-append", "console=ttyAMA0",
                                      "-device", "virtio-gpu-device,xres=1024,yres=768"]
    start = time.monotonic()
    deadline = start + a.timeout
    c = Console(argv)
    failure = None
    # (command, what its output must contain, what that means)
    checks = [
        ("dmesg | grep -i 'initialized virtio_gpu'", "virtio_gpu", "the driver did not initialize"),
        ("dmesg | grep -i 'features:'", "+edid", "EDID was not negotiated"),
        ("ls /dev/dri/card0 /dev/fb0", "/dev/fb0", "no /dev/dri/card0 or /dev/fb0"),
        ("head -n1 /sys/class/drm/card0-Virtual-1/modes", "1024x768", "the preferred mode is not 1024x768"),
        ("cat /sys/class/graphics/fb0/virtual_size", "1024,768", "fb0 is not 1024x768"),
        ("dd if=/dev/urandom of=/dev/fb0 bs=4096 count=768 2>&1; echo rc=$?", "rc=0", "writing /dev/fb0 failed"),
        ("dmesg | grep -ci 'virtio_gpu.*error'", "0", "the kernel logged a virtio_gpu error"),
    ]
    try:
        if not c.expect(PROMPT, deadline):
            failure = "no shell prompt (or an oops, a panic, an exit first)"
        for cmd, want, why in checks:
            if failure:
                break
            out = run(c, cmd, deadline)
            if out is None or want not in out:
                failure = f"{why}: `{cmd}` gave {out!r}"
        if not failure:
            failure = poweroff(c, deadline)
    finally:
        c.stop()
    return report(c, "arm64_linux_virtio_gpu", failure, start, lambda t: f"virtio_gpu bound the device, card0 and fb0 at 1024x768, /dev/fb0 took "
          f"3 MiB, poweroff -f ended the emulator with status 0 after {t:.2f} s", 4000)


if __name__ == "__main__":
    sys.exit(main())
