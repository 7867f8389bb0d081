#!/usr/bin/env python3
"""Debian's arm64 kernel on aarch64-virt with -device virtio-keyboard-device,
virtio-mouse-device and virtio-tablet-device: the initramfs loads virtio_input.ko and evdev.ko,
and /proc/bus/input/devices lists the three under QEMU's names with QEMU's ids (bus 0006,
vendor 0627, products 1/2/3), the event types, keys and buttons each advertises (as under
QEMU 7.2), the tablet's axes, and the
handlers Linux gives them (the keyboard: kbd, leds and an evdev node; the pointers: mousedev
and evdev nodes); /dev/input/eventN exist for all three; `poweroff -f` ends the emulator with status 0.
Events end to end need -keys (display/): the unit tests cover them.

    arm64_linux_virtio_input.py --emulator "TESSERA -M aarch64-virt -accel tcg,exec=MODE" --fetch scripts/fetch-guests
    arm64_linux_virtio_input.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -display none" --fetch ...
"""
import argparse
import re
import shlex
import sys
import time

from arm64_linux_boot import PROMPT, Console, images, poweroff, report
from arm64_linux_virtio_rng import run

# name -> (product, version, EV bits, KEY bits, handler patterns); the bits as under QEMU 7.2
POINTER_KEYS = "30000 1f0000 0 0 0 0"  # BTN_LEFT..BTN_EXTRA, BTN_GEAR_DOWN/UP
EXPECTED = {
    "QEMU Virtio Keyboard": ("0001", "0001", "120003", "400000000 3078f800dfff febeffff7bcfffff fffffffffffffffe", [r"\bkbd\b", r"\bleds\b", r"\bevent\d+\b"]),
    "QEMU Virtio Mouse": ("0002", "0002", "7", POINTER_KEYS, [r"\bmouse\d+\b", r"\bevent\d+\b"]),
    "QEMU Virtio Tablet": ("0003", "0002", "f", POINTER_KEYS, [r"\bmouse\d+\b", r"\bevent\d+\b"]),
}


def parse_devices(text):
    """The blocks of /proc/bus/input/devices, by name: {name: {"I": ..., "H": ..., "B:EV": ...}}."""
    devices = {}
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        for line in block.splitlines():
            m = re.match(r"([A-Z]): (.*)$", line.strip())
            if not m:
                continue
            key, val = m.groups()
            if key == "B":
                k, _, v = val.partition("=")
                fields["B:" + k] = v.strip()
            else:
                fields[key] = val.strip()
        m = re.match(r'Name="(.*)"', fields.get("N", ""))
        if m:
            devices[m.group(1)] = fields
    return devices


def check(devices):
    for name, (product, version, ev, keys, handlers) in EXPECTED.items():
        d = devices.get(name)
        if d is None:
            return f"{name!r} is not in /proc/bus/input/devices (found {sorted(devices)})"
        want = f"Bus=0006 Vendor=0627 Product={product} Version={version}"
        if d.get("I") != want:
            return f"{name}: ids {d.get('I')!r}, expected {want!r}"
        if d.get("B:EV") != ev:
            return f"{name}: event types EV={d.get('B:EV')!r}, expected {ev}"
        if d.get("B:KEY") != keys:
            return f"{name}: keys KEY={d.get('B:KEY')!r}, expected {keys!r}"
        for h in handlers:
            if not re.search(h, d.get("H", "")):
                return f"{name}: handlers {d.get('H')!r} lack {h}"
    tablet = devices["QEMU Virtio Tablet"]
    if tablet.get("B:ABS") != "3":
        return f"the tablet's axes ABS={tablet.get('B:ABS')!r}, expected 3 (ABS_X, ABS_Y)"
    if tablet.get("B:REL") != "100" or devices["QEMU Virtio Mouse"].get("B:REL") != "103":
        return "the wheel (REL=100) and the mouse's REL_X/REL_Y (REL=103) are not as advertised"
    if devices["QEMU Virtio Keyboard"].get("B:LED") != "7":
        return f"the keyboard's LEDs {devices['QEMU Virtio Keyboard'].get('B:LED')!r}, expected 7"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    kernel, initrd = images(a.fetch)
    argv = shlex.split(a.emulator) + ["-m", "1G", "-nographic", "-kernel", kernel, "-initrd", initrd,
                                      "-append", "console=ttyAMA0",
                                      "-device", "virtio-keyboard-device", "-device", "virtio-mouse-device",
                                      "-device", "virtio-tablet-device"]
    start = time.monotonic()
    deadline = start + a.timeout
    c = Console(argv)
    failure = None
    devices = {}
    try:
        if not c.expect(PROMPT, deadline):
            failure = "no shell prompt (or an oops, a panic, an exit first)"
        if not failure:
            out = run(c, "cat /proc/bus/input/devices", deadline)
            if out is None:
                failure = "no prompt after cat /proc/bus/input/devices"
            else:
                devices = parse_devices(out)
                failure = check(devices)
        if not failure:
            # One evdev node per device (evdev.ko gives them; devtmpfs makes the nodes).
            out = run(c, "ls /dev/input", deadline) or ""
            nodes = set(re.findall(r"\bevent\d+\b", out))
            wanted = {re.search(r"\bevent\d+\b", devices[n]["H"]).group(0) for n in EXPECTED}
            if not wanted <= nodes:
                failure = f"/dev/input has {sorted(nodes)}, the handlers name {sorted(wanted)}"
        if not failure:
            failure = poweroff(c, deadline)
    finally:
        c.stop()
    return report(c, "arm64_linux_virtio_input", failure, start,
                  lambda t: "the three devices under QEMU's names and ids ("
                  + "; ".join(f"{n}: {devices[n]['H']}" for n in EXPECTED)
                  + f"), poweroff -f ended the emulator with status 0 after {t:.2f} s", 4000)


if __name__ == "__main__":
    sys.exit(main())
