#!/usr/bin/env python3
"""A debugger that misbehaves never stops or corrupts the guest: under -S, a client sends
garbage, bad checksums, an oversized packet, unknown and malformed commands, then drops the
connection mid-packet; the guest must then run to its own PASS. A second client connects
while the guest runs and vanishes at once.

usage: gdb_hostile.py TESSERA ELF ACCEL_PROPS"""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from checks import check, finish  # noqa: E402

tessera, elf, props = sys.argv[1:4]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
                return True
    return False


def packet(body):
    return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xFF)


port = free_port()
emu = subprocess.Popen([tessera, "-M", "riscv64-virt", "-accel", "tcg," + props, "-bios", "none", "-nographic",
                        "-kernel", elf, "-gdb", f"tcp::{port}", "-S"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
for _ in range(200):
    if listening(port):
        break
    time.sleep(0.05)

replies = b""
with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
    for junk in [b"\x00\xff garbage", b"$g#00", packet(b"?"), packet(b"m" + b"f" * 3000), b"$" + b"A" * 70000 + b"#00",
                 packet(b"Zq,zz,1"), packet(b"M80000000,ffffffff:00"), packet(b"P9999=00"), packet(b"qXfer:features:read:target.xml:zz,1"),
                 packet(b"G12"), packet(b"vCont;q"), packet(b"X80000000,4:ab"), b"$unterminated"]:
        s.sendall(junk)
        time.sleep(0.02)
    time.sleep(0.3)
    s.settimeout(0.5)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            replies += chunk
    except socket.timeout:
        pass
check("the stub answered the well-formed packets", b"$S05" in replies or b"$T0" in replies or b"$OK" in replies or b"$E" in replies,
      repr(replies[:120]))
check("bad checksums were refused", b"-" in replies)
# Dropped mid-packet: the guest runs on. A second client connects while it runs and leaves.
try:
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
except OSError:
    pass  # the guest may already have finished
try:
    out, _ = emu.communicate(timeout=60)
except subprocess.TimeoutExpired:
    emu.kill()
    out, _ = emu.communicate()
check("the guest ran to its own PASS", emu.returncode == 0 and "PASS" in out, f"status {emu.returncode}: {out[-200:]}")
finish()
