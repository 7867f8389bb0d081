#!/usr/bin/env python3
"""A Debian 12 arm64 system (scripts/build-debian-image) on a virtio disk with virtio networking:
systemd to the serial getty's "login:", then one case:

  persist  on a copy of the image: log in as root, `uname -m` is aarch64, `systemctl
           is-system-running --wait` is "running" (else `systemctl --failed` is printed and the
           case fails), write a file, `sync`, `poweroff`: the emulator ends by itself with
           status 0 and `qemu-img check` is clean; the next boot finds the file.
  ssh      snapshot=on, port 22 forwarded from a free port on 127.0.0.1: `ssh -i KEY -p PORT
           root@127.0.0.1 uname -m` answers aarch64; `poweroff` over ssh ends the emulator (0).
  http     snapshot=on: the guest downloads a 64 MiB random file from an HTTP server on the
           host's 127.0.0.1 through 10.0.2.2 and its sha256 matches.
  sigkill  on a copy: write a file, `sync`, SIGKILL the emulator; `qemu-img check` finds no
           corruption (leaked clusters allowed) and the next boot finds the file.
  all      the four above, one after the other (the default).
  bench    time to "login:" of --emulator and of --reference (QEMU) on the same image with the
           same devices, --repeat boots each, best and median; then, in one boot each, the
           sequential read throughput of a 512 MiB file in the guest (dd, caches dropped) and
           host-to-guest HTTP throughput.

    debian_system.py --emulator "TESSERA -M virt -cpu cortex-a57" --build scripts/build-debian-image
    debian_system.py --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 \\
        -global virtio-mmio.force-legacy=false" --build scripts/build-debian-image --case all

The harness adds -m 1G -nographic, the disk (-drive ...,if=none,id=d -device
virtio-blk-device,drive=d), the network (-netdev user,id=n[,hostfwd=...] -device
virtio-net-device,netdev=n, or with --nic `-nic user[,hostfwd=...]`), -kernel/-initrd (the
image's own) and -append "root=/dev/vda console=ttyAMA0". The cached image is never written:
cases that write boot a copy made in a scratch directory; the others use snapshot=on.
"""
import argparse
import hashlib
import http.server
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from arm64_linux_boot import Console, show_output
from serial_shell import Shell, ShellError

LOGIN = b"login: "
USER, PASSWORD = "root", "tessera"
CASES = ("persist", "ssh", "http", "sigkill")


class Failure(Exception):
    pass


def build_image(script):
    out = subprocess.run([script], check=True, stdout=subprocess.PIPE, text=True).stdout
    kv = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return kv["DEBIAN_IMAGE"], kv["DEBIAN_KERNEL"], kv["DEBIAN_INITRD"], kv["DEBIAN_SSH_KEY"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    """One boot of the image under an emulator command line."""

    def __init__(self, h, emulator, disk, snapshot, ssh_port=None):
        drive = f"file={disk},format=qcow2,if=none,id=d" + (",snapshot=on" if snapshot else "")
        fwd = f",hostfwd=tcp:127.0.0.1:{ssh_port}-:22" if ssh_port else ""
        net = ["-nic", "user" + fwd] if h.a.nic else \
              ["-netdev", "user,id=n" + fwd, "-device", "virtio-net-device,netdev=n"]
        self.argv = shlex.split(emulator) + [
            "-m", "1G", "-nographic", "-drive", drive, "-device", "virtio-blk-device,drive=d", *net,
            "-kernel", h.kernel, "-initrd", h.initrd, "-append", "root=/dev/vda console=ttyAMA0"]
        self.h = h
        self.start = time.monotonic()
        self.deadline = self.start + h.a.timeout
        self.c = Console(self.argv)
        self.sh = Shell(self.c, h.console_log)
        h.log(f"boot: {shlex.join(self.argv)}")

    def wait_login(self):
        if not self.sh.expect(LOGIN, self.deadline):
            raise Failure("no 'login:' on the serial console (or an oops, a panic, an exit first)")
        t = time.monotonic() - self.start
        self.h.log(f"login: after {t:.2f} s")
        return t

    def login(self):
        self.wait_login()
        try:
            self.sh.login(USER, PASSWORD, self.deadline, login_seen=True)
        except ShellError as e:
            raise Failure(str(e))

    def check(self, cmd):
        try:
            return self.sh.check(cmd, self.deadline)
        except ShellError as e:
            raise Failure(str(e))

    def run(self, cmd):
        try:
            return self.sh.run(cmd, self.deadline)
        except ShellError as e:
            raise Failure(str(e))

    def system_running(self):
        """uname -m is aarch64 and systemd reached "running" (degraded: the failed units are shown)."""
        out = self.check("uname -m")
        if not re.search(r"^aarch64$", out, re.M):
            raise Failure(f"uname -m answered {out.strip()!r}, not aarch64")
        _, out = self.run("systemctl is-system-running --wait")
        state = out.strip().splitlines()[-1] if out.strip() else ""
        if state != "running":
            _, failed = self.run("systemctl --failed --no-pager")
            raise Failure(f"systemctl is-system-running: {state!r}\n{failed}")
        self.h.log("uname -m: aarch64; systemctl is-system-running: running")

    def poweroff(self, via_ssh=None):
        """`poweroff` (on the console, or the given ssh command); the emulator must end with 0."""
        if via_ssh:
            try:  # the connection may drop, or hang, as the guest goes down: the exit is what counts
                subprocess.run(via_ssh + ["poweroff"], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                pass
        else:
            self.c.send("poweroff")
        status = self.c.wait_exit(min(self.deadline, time.monotonic() + self.h.a.poweroff_timeout))
        if status is None:
            raise Failure("the emulator did not end after poweroff")
        if status != 0:
            raise Failure(f"the emulator ended with status {status} after poweroff")
        self.h.log(f"poweroff: the emulator ended with status 0 after {time.monotonic() - self.start:.2f} s")

    def sigkill(self):
        self.c.p.kill()
        self.c.p.wait(30)
        self.h.log("SIGKILL: the emulator is gone")

    def stop(self):
        self.c.stop()


class Harness:
    def __init__(self, a):
        self.a = a
        self.image, self.kernel, self.initrd, self.key = build_image(a.build)
        self.qemu_img = a.qemu_img
        self.scratch = tempfile.mkdtemp(prefix="debian-system-")
        self.guests = []
        self.console_log = open(a.console_log, "ab") if a.console_log else None

    def log(self, msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    def boot(self, disk=None, snapshot=True, emulator=None, ssh_port=None):
        g = Guest(self, emulator or self.a.emulator, disk or self.image, snapshot, ssh_port)
        self.guests.append(g)
        return g

    def copy_image(self, name):
        path = os.path.join(self.scratch, name)
        shutil.copyfile(self.image, path)
        return path

    def img_check(self, path, allow_leaks=False):
        r = subprocess.run([self.qemu_img, "check", path], capture_output=True, text=True)
        report = (r.stdout + r.stderr).strip()
        # qemu-img check: 0 clean, 3 leaked clusters only, 2 corruption, 1 not checked.
        if r.returncode == 0 or (allow_leaks and r.returncode == 3):
            self.log(f"qemu-img check {os.path.basename(path)}: {report.splitlines()[0] if report else 'ok'}"
                     + (" (leaks allowed)" if r.returncode == 3 else ""))
            return
        raise Failure(f"qemu-img check {path} exited with {r.returncode}:\n{report}")

    # --- cases -------------------------------------------------------------------------------

    def case_persist(self):
        disk = self.copy_image("persist.qcow2")
        token = os.urandom(8).hex()
        g = self.boot(disk, snapshot=False)
        g.login()
        g.system_running()
        g.check(f"echo {token} > /root/persist.txt")
        blob_sum = self.write_blob(g, "/root/persist.bin")
        g.check("sync")
        g.poweroff()
        self.img_check(disk)
        g = self.boot(disk, snapshot=False)
        g.login()
        self.expect_files(g, "/root/persist.txt", token, "/root/persist.bin", blob_sum)
        g.poweroff()
        self.img_check(disk)

    def case_ssh(self):
        port = free_port()
        g = self.boot(ssh_port=port)
        g.wait_login()
        ssh = ["ssh", "-i", self.key, "-p", str(port), "-o", "StrictHostKeyChecking=no",
               "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30",
               "-o", "LogLevel=ERROR", "root@127.0.0.1"]
        self.log(f"ssh: {shlex.join(ssh)} uname -m")
        answer = ""
        while time.monotonic() < g.deadline:  # sshd may come up a little after the getty
            try:
                r = subprocess.run(ssh + ["uname", "-m"], stdin=subprocess.DEVNULL, capture_output=True,
                                   text=True, timeout=180)
            except subprocess.TimeoutExpired:
                answer = "(ssh timed out)"
                continue
            answer = (r.stdout + r.stderr).strip()
            if r.returncode == 0:
                break
            time.sleep(2)
        if answer != "aarch64":
            raise Failure(f"ssh uname -m answered {answer!r}, not aarch64")
        self.log("ssh: uname -m answered aarch64")
        g.poweroff(via_ssh=ssh)

    def case_http(self):
        g = self.boot()
        g.login()
        port, digest, size, server = self.serve_blob(64 << 20)
        try:
            t0 = time.monotonic()
            out = g.check(f"wget -q -O - http://10.0.2.2:{port}/blob | sha256sum")
            t = time.monotonic() - t0
        finally:
            server.shutdown()
        got = out.split()[0] if out.split() else ""
        if got != digest:
            raise Failure(f"the downloaded file's sha256 is {got!r}, the host's {digest}")
        self.log(f"http: 64 MiB through 10.0.2.2:{port}, sha256 matches, {size / t / 2**20:.1f} MiB/s")
        g.poweroff()

    def case_sigkill(self):
        disk = self.copy_image("sigkill.qcow2")
        token = os.urandom(8).hex()
        g = self.boot(disk, snapshot=False)
        g.login()
        g.check(f"echo {token} > /root/synced.txt")
        blob_sum = self.write_blob(g, "/root/synced.bin")
        g.check("sync")
        g.sigkill()
        self.img_check(disk, allow_leaks=True)
        g = self.boot(disk, snapshot=False)
        g.login()
        self.expect_files(g, "/root/synced.txt", token, "/root/synced.bin", blob_sum)
        g.poweroff()
        self.img_check(disk, allow_leaks=True)

    def case_bench(self):
        rows = []
        # The emulators take turns, boot by boot, so both see the same host load.
        emulators = (("emulator", self.a.emulator), ("reference", self.a.reference))
        logins = {name: [] for name, _ in emulators}
        for _ in range(self.a.repeat):
            for name, emulator in emulators:
                g = self.boot(emulator=emulator)
                logins[name].append(g.wait_login())
                g.stop()
        for name, emulator in emulators:
            times = logins[name]
            g = self.boot(emulator=emulator)
            g.login()
            g.check("dd if=/dev/zero of=/root/dd.bin bs=1M count=512 conv=fsync 2>/dev/null")
            out = g.check("echo 3 > /proc/sys/vm/drop_caches; dd if=/root/dd.bin of=/dev/null bs=1M 2>&1")
            m = re.search(r"copied, ([0-9.]+) s", out)
            disk = 512 / float(m.group(1)) if m else float("nan")
            port, digest, size, server = self.serve_blob(64 << 20)
            try:
                t0 = time.monotonic()
                out = g.check(f"wget -q -O - http://10.0.2.2:{port}/blob | sha256sum")
                net = size / (time.monotonic() - t0) / 2**20
            finally:
                server.shutdown()
            if out.split()[0] != digest:
                raise Failure("bench: the downloaded file's sha256 does not match")
            g.stop()
            rows.append((name, emulator, min(times), statistics.median(times), disk, net))
        print("\nbench: time to login: (s), guest dd read of 512 MiB (MiB/s), host-to-guest HTTP (MiB/s)")
        for name, emulator, best, median, disk, net in rows:
            print(f"  {name:9s} best {best:7.2f}  median {median:7.2f}  dd {disk:7.1f}  http {net:7.1f}"
                  f"   {emulator}")
        if len(rows) == 2:
            print(f"  emulator/reference time to login: (best): {rows[0][2] / rows[1][2]:.2f}")

    # --- helpers -----------------------------------------------------------------------------

    def write_blob(self, g, path):
        """4 MiB of random data written in the guest; returns its sha256 as the guest computed it."""
        out = g.check(f"head -c 4194304 /dev/urandom > {path} && sha256sum {path}")
        return out.split()[0]

    def expect_files(self, g, text_path, token, blob_path, blob_sum):
        out = g.check(f"cat {text_path}")
        if token not in out:
            raise Failure(f"{text_path} holds {out.strip()!r} after the reboot, not {token}")
        out = g.check(f"sha256sum {blob_path}")
        if out.split()[0] != blob_sum:
            raise Failure(f"{blob_path} changed across the reboot: {out.split()[0]} != {blob_sum}")
        self.log(f"the next boot finds {text_path} and {blob_path} as written")

    def serve_blob(self, size):
        """An HTTP server on 127.0.0.1 serving `size` random bytes as /blob."""
        path = os.path.join(self.scratch, "blob")
        if not os.path.exists(path) or os.path.getsize(path) != size:
            with open(path, "wb") as f:
                f.write(os.urandom(size))
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        scratch = self.scratch

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kw):
                super().__init__(*args, directory=scratch, **kw)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server.server_address[1], digest, size, server

    def close(self):
        for g in self.guests:
            g.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emulator", required=True, help="the emulator command and its board options")
    ap.add_argument("--build", required=True, help="scripts/build-debian-image (prints the image's paths)")
    ap.add_argument("--case", choices=CASES + ("all", "bench"), default="all")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per boot, from start to the last step")
    ap.add_argument("--poweroff-timeout", type=float, default=600)
    ap.add_argument("--nic", action="store_true", help="networking as -nic user[,hostfwd=...]")
    ap.add_argument("--qemu-img", default="qemu-img")
    ap.add_argument("--console-log", help="append every boot's serial console output to this file as it arrives")
    ap.add_argument("--reference", default="qemu-system-aarch64 -M virt -cpu cortex-a57 "
                    "-global virtio-mmio.force-legacy=false", help="--case bench: the emulator to compare with")
    ap.add_argument("--repeat", type=int, default=3, help="--case bench: boots per emulator")
    a = ap.parse_args()
    h = Harness(a)
    before = os.stat(h.image)
    cases = CASES if a.case == "all" else (a.case,)
    start = time.monotonic()
    failure = None
    try:
        for case in cases:
            h.log(f"--- {case}")
            getattr(h, "case_" + case)()
        after = os.stat(h.image)
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise Failure(f"the cached image {h.image} was modified")
    except Failure as e:
        failure = f"{case}: {e}"
    finally:
        h.close()
    elapsed = time.monotonic() - start
    if failure:
        g = h.guests[-1] if h.guests else None
        if g:
            show_output(g.c, 4000)
        print(f"\ndebian_system: FAILED after {elapsed:.2f} s: {failure}")
        return 1
    print(f"\ndebian_system: {', '.join(cases)} passed in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
