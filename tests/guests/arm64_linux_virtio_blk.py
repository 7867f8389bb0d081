#!/usr/bin/env python3
"""Debian's arm64 kernel on a virtio disk: the test makes an ext4 file system with a file in it
(mke2fs -d), as a qcow2 image (qemu-img convert), and boots the busybox initramfs with
`-drive if=none,id=d0 -device virtio-blk-device,drive=d0,serial=...`. The guest sees
/dev/vdb with the image's size and the serial, mounts it, reads the host's file, writes its
own, and then:

  --case mount    umount, `poweroff -f`; the emulator exits with status 0, `qemu-img check`
                  is clean, e2fsck finds the file system clean, and the guest's file holds what
                  the guest wrote (debugfs).
  --case sigkill  `sync` with the file system still mounted, then SIGKILL to the emulator;
                  `qemu-img check` finds no corruption (leaked clusters at most), and after
                  e2fsck replays the journal the synced file is there, whole.
  --bench         a 512 MiB file of random bytes, read with dd after dropping the page cache,
                  --repeat times; prints each figure, the best and the median (MB/s). With
                  several --emulator options each runs on the same image in turn.

    arm64_linux_virtio_blk.py --emulator "TESSERA -M aarch64-virt" --fetch scripts/fetch-guests
    arm64_linux_virtio_blk.py --bench --emulator "TESSERA -M aarch64-virt" \\
        --emulator "qemu-system-aarch64 -M virt -cpu cortex-a57 -global virtio-mmio.force-legacy=false" ...
"""
import argparse
import hashlib
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from arm64_linux_boot import PROMPT, Console, images, show_output

HOST_TEXT = "written by the host before the boot\n"
SERIAL = "TESSERA-BLK-0001"
# What the guest writes: `seq 1 N` (the host knows its bytes without reading the guest).
GUEST_LINES = 30000


def run(c, cmd, deadline):
    """Sends one shell command; returns its output (between the echoed command and the next prompt)."""
    mark = len(c.seen)
    c.send(cmd)
    if not c.expect(PROMPT, deadline, mark + len(cmd)):
        return None
    out = c.seen[mark:].decode("utf-8", "replace")
    out = out[out.find(cmd) + len(cmd):] if cmd in out else out
    return out[:out.rfind(PROMPT.decode())].replace("\r", "")


def sh(*argv, check=True, **kw):
    return subprocess.run(list(argv), check=check, capture_output=True, text=True, **kw)


def make_image(work, size_mb, files):
    """An ext4 file system of size_mb holding files {name: bytes}, converted to qcow2."""
    root = os.path.join(work, "root")
    os.makedirs(root, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data)
    raw = os.path.join(work, "disk.raw")
    sh("mke2fs", "-q", "-F", "-t", "ext4", "-L", "tessera", "-d", root, raw, f"{size_mb}M")
    img = os.path.join(work, "disk.qcow2")
    sh("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, img)
    os.unlink(raw)
    return img


def qemu_img_check(img):
    """(ok, summary, exit code): ok when no corruption (exit 0 clean, 3 leaks only)."""
    r = sh("qemu-img", "check", img, check=False)
    text = (r.stdout + r.stderr).strip()
    summary = [l for l in text.splitlines() if "error" in l or "leaked" in l] or text.splitlines()[-1:]
    return r.returncode in (0, 3), "; ".join(summary), r.returncode


def guest_file_from_image(img, work, name, replay):
    """The file's bytes as the image holds them (e2fsck first: replays the journal when asked)."""
    raw = os.path.join(work, "check.raw")
    sh("qemu-img", "convert", "-O", "raw", img, raw)
    fsck = sh("e2fsck", "-fy" if replay else "-fn", raw, check=False)
    out = subprocess.run(["debugfs", "-R", f"cat /{name}", raw], capture_output=True, check=False).stdout
    os.unlink(raw)
    return fsck, out


def boot(emulator, kernel, initrd, drive_args):
    argv = shlex.split(emulator) + ["-m", "1G", "-nographic", "-kernel", kernel, "-initrd", initrd,
                                    "-append", "console=ttyAMA0"] + drive_args
    return Console(argv)


def mount_and_write(c, deadline, img_bytes):
    """Common steps on the guest; returns a failure string or None."""
    if not c.expect(PROMPT, deadline):
        return "no shell prompt (or an oops, a panic, an exit first)"
    out = run(c, "cat /sys/block/vdb/size /sys/block/vdb/serial", deadline) or ""
    lines = [l.strip() for l in out.strip().splitlines()]
    if len(lines) < 2 or lines[0] != str(img_bytes // 512) or lines[1] != SERIAL:
        return f"/sys/block/vdb says {lines!r}, not {img_bytes // 512} sectors and serial {SERIAL}"
    out = run(c, "mkdir -p /mnt && mount -t ext4 /dev/vdb /mnt && echo mounted-ok", deadline) or ""
    if "mounted-ok" not in out:
        return f"mount failed: {out.strip()!r}"
    out = run(c, "cat /mnt/host.txt", deadline) or ""
    if out.strip() != HOST_TEXT.strip():
        return f"/mnt/host.txt reads {out!r}"
    out = run(c, f"seq 1 {GUEST_LINES} > /mnt/guest.txt && md5sum /mnt/guest.txt", deadline) or ""
    want = hashlib.md5(guest_bytes()).hexdigest()
    if want not in out:
        return f"md5sum of the written file is not {want}: {out!r}"
    return None


def guest_bytes():
    return "".join(f"{i}\n" for i in range(1, GUEST_LINES + 1)).encode()


def case_disk(a, kernel, initrd, work):
    img = make_image(work, 64, {"host.txt": HOST_TEXT.encode()})
    img_bytes = 64 << 20
    drive = ["-drive", f"file={img},format=qcow2,if=none,id=d0", "-device", f"virtio-blk-device,drive=d0,serial={SERIAL}"]
    # A second disk, raw and readonly=on, if=virtio: its implicit device sits in the transport
    # below d0's -device, which Linux probes first: it is vda and d0 is vdb.
    ro = os.path.join(work, "ro.raw")
    with open(ro, "wb") as f:
        f.write(bytes(range(256)) * 4096)
    ro_hash = hashlib.sha256(open(ro, "rb").read()).hexdigest()
    drive += ["-drive", f"file={ro},format=raw,readonly=on"]
    start = time.monotonic()
    deadline = start + a.timeout
    c = boot(a.emulator[0], kernel, initrd, drive)
    failure = None
    status = None
    try:
        failure = mount_and_write(c, deadline, img_bytes)
        if not failure and a.case == "mount":
            # Commands shorter than the terminal's line, so the echo comes back whole.
            out = run(c, "cat /sys/block/vda/ro", deadline) or ""
            out += run(c, "dd if=/dev/vda bs=512 skip=1 count=1 | md5sum", deadline) or ""
            want = hashlib.md5(bytes(range(256)) * 2).hexdigest()
            if not re.search(r"^1$", out, re.M) or want not in out:
                failure = f"the readonly=on disk vda: ro and sector 1's md5 are {out!r}, not 1 and {want}"
        if not failure and a.case == "mount":
            out = run(c, "dd if=/dev/zero of=/dev/vda count=1 oflag=direct && echo dd-ok", deadline) or ""
            if "dd-ok" in out:
                failure = f"a write to the readonly=on disk succeeded: {out!r}"
        if not failure and a.case == "mount":
            out = run(c, "umount /mnt && echo umount-ok", deadline) or ""
            if "umount-ok" not in out:
                failure = f"umount failed: {out!r}"
            if not failure:
                c.send("poweroff -f")
                status = c.wait_exit(min(deadline, time.monotonic() + 60))
                if status != 0:
                    failure = f"the emulator ended with status {status} after poweroff -f"
        elif not failure:
            out = run(c, "sync && echo sync-ok", deadline) or ""
            if "sync-ok" not in out:
                failure = f"sync failed: {out!r}"
            if not failure:
                c.p.send_signal(signal.SIGKILL)
                c.p.wait(30)
                status = c.p.returncode
    finally:
        c.stop()
    elapsed = time.monotonic() - start
    show_output(c, 2500)
    check = ""
    if not failure:
        ok, check, code = qemu_img_check(img)
        if not ok:
            failure = f"qemu-img check found corruption (exit {code}):\n{check}"
        elif a.case == "mount" and code != 0:
            failure = f"qemu-img check is not clean after a clean shutdown (exit {code}):\n{check}"
    if not failure:
        fsck, data = guest_file_from_image(img, work, "guest.txt", replay=a.case == "sigkill")
        if a.case == "mount" and fsck.returncode != 0:
            failure = f"e2fsck -fn found problems (exit {fsck.returncode}):\n{fsck.stdout}{fsck.stderr}"
        elif a.case == "sigkill" and fsck.returncode not in (0, 1):
            failure = f"e2fsck -fy could not repair the file system (exit {fsck.returncode}):\n{fsck.stdout}{fsck.stderr}"
        elif data != guest_bytes():
            failure = f"the guest's file in the image is {len(data)} bytes, not the {len(guest_bytes())} it wrote"
        elif hashlib.sha256(open(ro, "rb").read()).hexdigest() != ro_hash:
            failure = "the readonly=on image changed"
    if failure:
        print(f"\narm64_linux_virtio_blk ({a.case}): FAILED after {elapsed:.2f} s: {failure}")
        return 1
    how = "umount and poweroff -f (status 0)" if a.case == "mount" else f"sync and SIGKILL (status {status})"
    print(f"\narm64_linux_virtio_blk ({a.case}): /dev/vdb of {img_bytes >> 20} MiB with serial {SERIAL}, ext4 mounted, "
          f"the host's file read, {len(guest_bytes())} bytes written, {how}, the readonly=on disk refused a write; qemu-img check: "
          f"{check.splitlines()[-1] if check else ''}; the file is in the image; {elapsed:.2f} s")
    return 0


def bench(a, kernel, initrd, work):
    mb = a.bench_mb

    def random_file(f):
        chunk = 1 << 20
        for _ in range(mb):
            f.write(os.urandom(chunk))

    print(f"making a {mb} MiB file on ext4 in qcow2 ...", flush=True)
    img = make_image(work, mb + 64, {"host.txt": HOST_TEXT.encode(), "big": random_file})
    results = {}
    for emu in a.emulator:
        drive = ["-drive", f"file={img},format=qcow2,if=none,id=d0,readonly=on",
                 "-device", f"virtio-blk-device,drive=d0,serial={SERIAL}"]
        start = time.monotonic()
        deadline = start + a.timeout
        c = boot(emu, kernel, initrd, drive)
        figures, failure = [], None
        try:
            if not c.expect(PROMPT, deadline):
                failure = "no shell prompt"
            boot_s = time.monotonic() - start
            if not failure:
                out = run(c, "mkdir -p /mnt && mount -t ext4 -o ro /dev/vda /mnt && echo mounted-ok", deadline) or ""
                if "mounted-ok" not in out:
                    failure = f"mount failed: {out!r}"
            for _ in range(a.repeat):
                if failure:
                    break
                # Busybox's dd prints no rate: the guest's own clock (/proc/uptime) around it.
                run(c, "echo 3 > /proc/sys/vm/drop_caches", deadline)
                out = run(c, "cat /proc/uptime; dd if=/mnt/big of=/dev/null bs=1M; cat /proc/uptime", deadline) or ""
                ups = re.findall(r"^([0-9.]+) [0-9.]+$", out, re.M)
                recs = re.search(r"(\d+)\+0 records out", out)
                if len(ups) != 2 or not recs or int(recs.group(1)) != mb:
                    failure = f"dd said {out!r}"
                    break
                seconds = max(float(ups[1]) - float(ups[0]), 0.01)
                figures.append((mb << 20) / seconds / 1e6)
            if not failure:
                c.send("poweroff -f")
                c.wait_exit(time.monotonic() + 60)
        finally:
            c.stop()
        name = shlex.split(emu)[0].split("/")[-1]
        if failure:
            print(c.seen.decode("utf-8", "replace")[-2000:])
            print(f"{name}: FAILED: {failure}")
            return 1
        results[emu] = figures
        print(f"{name}: boot to shell {boot_s:.1f} s; dd of {mb} MiB (MB/s): " +
              " ".join(f"{f:.0f}" for f in figures) +
              f"; best {max(figures):.0f}, median {statistics.median(figures):.0f}", flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True, action="append")
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--case", choices=("mount", "sigkill"), default="mount")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--bench-mb", type=int, default=512)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--workdir", help="where the images go (default: a temporary directory)")
    a = ap.parse_args()
    for tool in ("mke2fs", "qemu-img", "e2fsck", "debugfs"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            print(f"arm64_linux_virtio_blk: {tool} not found (scripts/deps installs e2fsprogs and qemu-utils)")
            return 1
    kernel, initrd = images(a.fetch)
    with tempfile.TemporaryDirectory(prefix="tessera-blk-", dir=a.workdir) as work:
        return bench(a, kernel, initrd, work) if a.bench else case_disk(a, kernel, initrd, work)


if __name__ == "__main__":
    sys.exit(main())
