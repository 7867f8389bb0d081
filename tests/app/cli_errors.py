#!/usr/bin/env python3
"""Bad input gets one clear error line naming the culprit and a non-zero exit."""
import os
import struct
import subprocess
import sys
import tempfile

tessera = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="tessera-cli-")


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


garbage_elf = write("garbage.elf", b"\x7fELF" + bytes(range(256)) * 4)
# A well-formed ELF64 header whose one segment lies outside guest memory.
ehdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, 0x1000, 64, 0, 0, 64, 56, 1, 0, 0, 0)
phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x40000000, 0x40000000, 0x10, 0x10, 0x1000)
outside_elf = write("outside.elf", ehdr + phdr + bytes(16))
truncated_elf = write("truncated.elf", ehdr[:40])
# A valid one (a segment in RAM), to test the other inputs on their own.
valid_phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x80000000, 0x80000000, 0x10, 0x10, 0x1000)
valid_elf = write("valid.elf", ehdr.replace(struct.pack("<Q", 0x1000), struct.pack("<Q", 0x80000000), 1) + valid_phdr + bytes(16))
not_dtb = write("not.dtb", b"this is not a device tree")

cases = [
    (["-bios", "none", "-kernel", garbage_elf], "garbage.elf"),
    (["-bios", "none", "-kernel", outside_elf], "outside.elf"),
    (["-bios", "none", "-kernel", truncated_elf], "truncated.elf"),
    (["-bios", "none", "-kernel", "/nonexistent/kernel.elf"], "/nonexistent/kernel.elf"),
    (["-bios", "/nonexistent/fw.bin"], "/nonexistent/fw.bin"),
    (["-bios", "none", "-kernel", valid_elf, "-dtb", not_dtb], "not.dtb"),
    (["-bios", "none", "-kernel", outside_elf.replace("outside", "none")], "none.elf"),
    (["-frobnicate"], "-frobnicate"),
    (["-m", "lots"], "lots"),
    (["-M", "pc"], "pc"),
    (["-kernel"], "-kernel"),
    (["-bios", "none"], "-kernel"),
    (["-d", "nonsense"], "nonsense"),
    (["-accel", "tcg,exec=interp,baseline=on", "-bios", "none", "-kernel", valid_elf], "baseline"),
]
failed = 0
for args, culprit in cases:
    r = subprocess.run([tessera, "-nographic"] + args, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    ok = r.returncode != 0 and len(lines) == 1 and culprit in lines[0] and r.stdout == ""
    print(("ok   " if ok else "FAIL ") + " ".join(args) + " -> " + repr(r.stderr.strip()) + f" (exit {r.returncode})")
    failed += not ok
print(f"{len(cases) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
