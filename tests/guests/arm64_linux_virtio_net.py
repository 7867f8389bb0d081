#!/usr/bin/env python3
"""Debian's arm64 kernel on aarch64-virt with virtio-net and user-mode networking (libslirp).

--case wget:    -nic user; the initramfs loads virtio_net.ko, `udhcpc` gets 10.0.2.15 from
                slirp's DHCP server, then busybox wget fetches a 64 MiB file of random bytes from
                an HTTP server on the host's 127.0.0.1 through http://10.0.2.2:PORT/ and busybox
                sha256sum of what arrived matches the host's. Prints the download's MB/s.
--case hostfwd: -nic user,hostfwd=tcp:127.0.0.1:PORT-:5555; the guest listens with
                `nc -l -p 5555`, the host connects to 127.0.0.1:PORT, each side sends a line and
                the other receives it.
--bench N:      every --emulator given (Tessera, QEMU with the same kernel and initramfs) boots
                at once; then N rounds of one download to /dev/null in each, taking turns; the
                best and median MB/s of each.

    arm64_linux_virtio_net.py --emulator "TESSERA -M aarch64-virt -accel tcg,exec=tiered" --fetch scripts/fetch-guests --case wget
    arm64_linux_virtio_net.py --fetch scripts/fetch-guests --bench 5 \\
        --emulator "TESSERA -M aarch64-virt" --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -global virtio-mmio.force-legacy=false"

The emulator line gets -m 1G -nographic -kernel -initrd -append and the network options
(-nic user... for Tessera; QEMU gets the same as -netdev user,id=n -device virtio-net-device,netdev=n).
"""
import argparse
import hashlib
import http.server
import os
import re
import shlex
import socket
import statistics
import sys
import tempfile
import threading
import time

from arm64_linux_boot import PROMPT, Console, images, poweroff, report

SIZE = 64 << 20
GUEST_PORT = 5555


def run(c, cmd, deadline):
    """Sends one shell command; returns its output (between the echoed command and the next prompt)."""
    mark = len(c.seen)
    c.send(cmd)
    if not c.expect(PROMPT, deadline, mark + len(cmd)):
        return None
    out = c.seen[mark:].decode("utf-8", "replace")
    out = out[out.find(cmd) + len(cmd):] if cmd in out else out
    return out[:out.rfind(PROMPT.decode())].replace("\r", "")


class Blob:
    """64 MiB of random bytes served at /blob by an HTTP server on 127.0.0.1 (a thread)."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="tessera-net-")
        data = os.urandom(SIZE)
        self.sha256 = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.dir.name, "blob"), "wb") as f:
            f.write(data)
        d = self.dir.name

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kw):
                super().__init__(*args, directory=d, **kw)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.dir.cleanup()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def net_args(emulator, hostfwd):
    """QEMU gets -netdev + -device (its -nic would make a PCI card); Tessera the short form."""
    fwd = f",hostfwd=tcp:127.0.0.1:{hostfwd}-:{GUEST_PORT}" if hostfwd else ""
    if "qemu-system" in emulator:
        return ["-netdev", "user,id=n" + fwd, "-device", "virtio-net-device,netdev=n"]
    return ["-nic", "user" + fwd]


def boot(emulator, fetch, deadline, hostfwd=None):
    kernel, initrd = images(fetch)
    argv = shlex.split(emulator) + ["-m", "1G", "-nographic", "-kernel", kernel, "-initrd", initrd,
                                    "-append", "console=ttyAMA0"] + net_args(emulator, hostfwd)
    c = Console(argv)
    if not c.expect(PROMPT, deadline):
        return c, "no shell prompt (or an oops, a panic, an exit first)"
    out = run(c, "ip link set eth0 up && udhcpc -i eth0 -n -q -t 5", deadline)
    if out is None or "eth0 is 10.0.2.15/" not in out:
        return c, f"udhcpc did not lease 10.0.2.15: {out!r}"
    out = run(c, "ip -4 addr show eth0; ip route", deadline)
    if not out or "inet 10.0.2.15/24" not in out or "default via 10.0.2.2" not in out:
        return c, f"eth0 is not 10.0.2.15/24 with the default route via 10.0.2.2: {out!r}"
    return c, None


def download(c, blob, deadline, dest="/tmp/blob"):
    """wget of the blob to dest; (seconds, failure)."""
    t0 = time.monotonic()
    out = run(c, f"wget -q -O {dest} http://10.0.2.2:{blob.port}/blob; echo wget=$?", deadline)
    t = time.monotonic() - t0
    if out is None or "wget=0" not in out:
        return t, f"wget failed: {out!r}"
    return t, None


def case_wget(c, deadline, blob):
    t, failure = download(c, blob, deadline)
    if failure:
        return failure, ""
    out = run(c, "sha256sum /tmp/blob; rm /tmp/blob", deadline)
    sums = re.findall(r"\b[0-9a-f]{64}\b", out or "")
    if sums != [blob.sha256]:
        return f"sha256sum in the guest {sums} is not the host's {blob.sha256}", ""
    return None, f"64 MiB through http://10.0.2.2:{blob.port}/ in {t:.2f} s ({SIZE / t / 1e6:.1f} MB/s), sha256 matches"


def case_hostfwd(c, deadline, port):
    out = run(c, f"echo from-guest | nc -l -p {GUEST_PORT} >/tmp/got &", deadline)
    if out is None:
        return "the shell did not come back after starting nc", ""
    got = b""
    for attempt in range(20):  # until nc listens: slirp accepts, then the guest refuses
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.settimeout(30)
            try:
                got = s.recv(100)
            except socket.timeout:
                got = b""
            if got:
                s.sendall(b"from-host\n")
                s.shutdown(socket.SHUT_WR)
                while s.recv(100):
                    pass
                break
        time.sleep(0.5)
    if got != b"from-guest\n":
        return f"the host read {got!r} from 127.0.0.1:{port}, not the guest's line", ""
    out = None
    for attempt in range(20):
        out = run(c, "cat /tmp/got", deadline)
        if out and "from-host" in out:
            break
        time.sleep(0.5)
    if not out or "from-host" not in out:
        return f"the guest's nc did not receive the host's line: {out!r}", ""
    return None, f"127.0.0.1:{port} -> guest :{GUEST_PORT}: the host read 'from-guest', the guest read 'from-host'"


def bench(a):
    """Boots every emulator, then takes turns: one download in each, N rounds, so load from
    elsewhere on the host falls on all of them alike (an idle guest sleeps in WFI)."""
    blob = Blob()
    consoles, results = [], {emu: [] for emu in a.emulator}
    failure = None
    try:
        deadline = time.monotonic() + a.timeout
        for emu in a.emulator:
            c, failure = boot(emu, a.fetch, deadline)
            consoles.append(c)
            if failure:
                failure = f"{emu}: {failure}"
                break
        for _ in range(a.bench if not failure else 0):
            for emu, c in zip(a.emulator, consoles):
                t, f = download(c, blob, deadline, "/dev/null")
                if f:
                    failure = f"{emu}: {f}"
                    break
                results[emu].append(SIZE / t / 1e6)
                print(f"{SIZE / t / 1e6:7.1f} MB/s  {emu}", flush=True)
            if failure:
                break
        for emu, c in zip(a.emulator, consoles):
            if not failure:
                f = poweroff(c, deadline)
                failure = f and f"{emu}: {f}"
    finally:
        for c in consoles:
            c.stop()
        blob.close()
    if failure:
        for c in consoles:
            sys.stdout.write(c.seen.decode("utf-8", "replace")[-1500:])
        print(f"\nbench: FAILED: {failure}")
        return 1
    print(f"\nhost -> guest, 64 MiB by busybox wget to /dev/null, {a.bench} runs each, taking turns (MB/s):")
    for emu, rates in results.items():
        print(f"  best {max(rates):7.1f}  median {statistics.median(rates):7.1f}   {emu}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True, action="append")
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--case", choices=("wget", "hostfwd"), default="wget")
    ap.add_argument("--bench", type=int, default=0, metavar="N")
    a = ap.parse_args()
    if a.bench:
        return bench(a)
    start = time.monotonic()
    deadline = start + a.timeout
    blob = Blob() if a.case == "wget" else None
    port = free_port() if a.case == "hostfwd" else None
    c, failure = boot(a.emulator[0], a.fetch, deadline, port)
    summary = ""
    try:
        if not failure:
            failure, summary = case_wget(c, deadline, blob) if blob else case_hostfwd(c, deadline, port)
        if not failure:
            failure = poweroff(c, deadline)
    finally:
        c.stop()
        if blob:
            blob.close()
    return report(c, f"arm64_linux_virtio_net {a.case}", failure, start, lambda elapsed:
                  f"udhcpc leased 10.0.2.15; {summary}; poweroff -f ended the emulator with status 0 after {elapsed:.2f} s",
                  tail_chars=2500)


if __name__ == "__main__":
    sys.exit(main())
