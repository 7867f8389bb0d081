#!/usr/bin/env python3
"""Tessera's block layer against QEMU's tools (qemu-img, qemu-io from qemu-utils).

Images made by qemu-img and qemu-io are read through Tessera (block_tool dump) and compared
with `qemu-img convert -O raw`; what Tessera writes (block_tool random-writes, which keeps an
in-memory model) must pass `qemu-img check` and read back through `qemu-img convert` as the
model says. A missing qemu-img fails the test.

usage: qemu_interop.py BLOCK_TOOL CASE   (CASE: see CASES at the bottom)"""
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOOL = os.path.abspath(sys.argv[1])
failures = []


def run(*cmd, ok=True, cwd=None):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd)
    if ok and p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(map(str, cmd))} exited {p.returncode}\n{p.stdout}{p.stderr}")
    return p


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    else:
        print("ok:", what)


def qemu_io(img, *cmds, fmt="qcow2"):
    args = ["qemu-io", "-f", fmt]
    for c in cmds:
        args += ["-c", c]
    run(*args, img)


def create(img, size, *opts, fmt="qcow2"):
    args = ["qemu-img", "create", "-q", "-f", fmt]
    for o in opts:
        args += ["-o", o]
    run(*args, img, size)


def check(img, leaks_allowed=False):
    p = run("qemu-img", "check", "--output=json", img, ok=False)
    try:
        r = json.loads(p.stdout)
    except ValueError:
        expect(False, f"qemu-img check {img} ran: {p.stderr.strip()}")
        return
    bad = r.get("corruptions", 0) + r.get("check-errors", 0)
    leaks = r.get("leaks", 0)
    what = f"qemu-img check {os.path.basename(img)}: {bad} errors, {leaks} leaks"
    expect(bad == 0 and (leaks_allowed or leaks == 0), what)


def to_raw(img, *extra):
    out = img + ".raw"
    run("qemu-img", "convert", *extra, "-O", "raw", img, out)
    with open(out, "rb") as f:
        data = f.read()
    os.unlink(out)
    return data


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def dump(spec, seed=None):
    out = tempfile.mktemp(dir=WORK)
    run(TOOL, "dump", spec, out, *([seed] if seed is not None else []))
    with open(out, "rb") as f:
        data = f.read()
    os.unlink(out)
    return data


def same_as_qemu(img, spec, what):
    ref = to_raw(img)
    expect(dump(spec) == ref, f"{what}: Tessera reads what qemu-img reads")
    expect(dump(spec, "12345") == ref, f"{what}: the same in odd-sized pieces")


def random_writes(img, spec, seed, count, max_len, leaks_allowed=False, extra=(), qcow2=True):
    """Writes through Tessera, then checks the image and compares it with the model."""
    model = os.path.join(WORK, "model.raw")
    with open(model, "wb") as f:
        f.write(to_raw(img))
    run(TOOL, "random-writes", spec, model, seed, count, max_len, *extra)
    if qcow2:
        check(img, leaks_allowed)
    with open(model, "rb") as f:
        expect(to_raw(img) == f.read(), f"{os.path.basename(img)}: qemu-img reads what Tessera wrote ({count} writes)")


def patterns(img, fmt="qcow2", zero=True):
    size = json.loads(run("qemu-img", "info", "-f", fmt, "--output=json", img).stdout)["virtual-size"]
    cmds = ["write -P 0xab 0 1M", "write -P 0x12 10485760 307200", "write -P 0x34 3145216 70000",
            f"write -P 0x56 {size // 2 - 1} 2", f"write -P 0x57 {size - 3} 3", "discard 512k 64k"]
    if zero:
        cmds.append("write -z 20M 1M")
    qemu_io(img, *cmds, fmt=fmt)


# ---- cases ----

def case_read():
    for name, opts, size in [("v2", ["compat=0.10"], "64M"), ("v3", ["compat=1.1"], "64M"),
                             ("v3-4k", ["compat=1.1", "cluster_size=4096"], "40M"),
                             ("v2-512", ["compat=0.10", "cluster_size=512"], "36M"),
                             ("v3-2m", ["compat=1.1", "cluster_size=2M"], "65M"),
                             ("v3-odd-size", ["compat=1.1"], str(64 * 1048576 + 512 * 3))]:
        img = os.path.join(WORK, name + ".qcow2")
        create(img, size, *opts)
        patterns(img)
        same_as_qemu(img, f"file={img},format=qcow2", name)
        same_as_qemu(img, f"file={img},readonly=on", name + " probed, readonly")
    raw = os.path.join(WORK, "disk.raw")
    create(raw, "40M", fmt="raw")
    patterns(raw, fmt="raw", zero=False)
    same_as_qemu(raw, f"file={raw},format=raw", "raw")


def case_write():
    for name, opts in [("v2", ["compat=0.10"]), ("v3", ["compat=1.1"]), ("v3-lazy", ["compat=1.1", "lazy_refcounts=on"])]:
        img = os.path.join(WORK, name + ".qcow2")
        create(img, "64M", *opts)
        patterns(img)
        random_writes(img, f"file={img},format=qcow2", 1, 400, 300000)
    # Preallocated metadata: clusters allocated but never written (zero or data entries).
    img = os.path.join(WORK, "prealloc.qcow2")
    create(img, "16M", "preallocation=metadata")
    qemu_io(img, "write -P 0x77 1M 64k", "write -z 2M 1M")
    random_writes(img, f"file={img},format=qcow2", 2, 300, 200000)
    # A raw disk, written through Tessera.
    raw = os.path.join(WORK, "disk.raw")
    create(raw, "16M", fmt="raw")
    random_writes(raw, f"file={raw},format=raw", 3, 300, 200000, qcow2=False)


def case_compressed():
    src = os.path.join(WORK, "src.raw")
    rnd = random.Random(7)
    with open(src, "wb") as f:
        for i in range(32 * 16):  # 32 MiB in 64 KiB pieces: text, zeros, random
            kind = rnd.randrange(4)
            if kind == 0:
                f.write(os.urandom(65536))
            elif kind == 1:
                f.write(bytes(65536))
            else:
                f.write((f"block {i} " * 8000).encode()[:65536])
    for name, opts in [("c3", "compat=1.1"), ("c2", "compat=0.10"), ("c3-4k", "cluster_size=4096")]:
        img = os.path.join(WORK, name + ".qcow2")
        run("qemu-img", "convert", "-c", "-O", "qcow2", "-o", opts, src, img)
        info = json.loads(run("qemu-img", "check", "--output=json", img).stdout)
        expect(info.get("compressed-clusters", 0) > 0, f"{name}: qemu-img made compressed clusters")
        same_as_qemu(img, f"file={img},format=qcow2", name)
        random_writes(img, f"file={img},format=qcow2", 4, 400, 200000)


def case_backing():
    base_dir = os.path.join(WORK, "images")
    os.mkdir(base_dir)
    base = os.path.join(base_dir, "base.raw")
    with open(base, "wb") as f:
        f.write(os.urandom(32 * 1048576))
    base_sha = sha(base)
    # mid: qcow2 over raw, relative names; top: a larger qcow2 over mid.
    run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", "mid.qcow2", "32M", cwd=base_dir)
    mid = os.path.join(base_dir, "mid.qcow2")
    qemu_io(mid, "write -P 0x21 1M 100k", "write -z 5M 64k", "write -P 0x22 31M 1M")
    mid_sha = sha(mid)
    run("qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=16384", "-b", "mid.qcow2", "-F", "qcow2",
        "top.qcow2", "48M", cwd=base_dir)
    top = os.path.join(base_dir, "top.qcow2")
    qemu_io(top, "write -P 0x31 2M 64k", "write -P 0x32 32M 64k")
    same_as_qemu(top, f"file={top},format=qcow2", "3-image chain, backing smaller than the disk")
    # from another directory: names are relative to the image's directory
    rel = os.path.relpath(top, "/")
    p = run(TOOL, "dump", f"file={rel},readonly=on", os.path.join(WORK, "x.raw"), cwd="/")
    expect(p.returncode == 0, "backing names resolve from the image's directory, not the cwd")
    random_writes(top, f"file={top},format=qcow2", 5, 400, 200000)
    expect(sha(base) == base_sha and sha(mid) == mid_sha, "backing files untouched")
    # v2 image over a qcow2 v2 backing, 512-byte clusters
    run("qemu-img", "create", "-q", "-f", "qcow2", "-o", "compat=0.10,cluster_size=512", "-b", "mid.qcow2", "-F", "qcow2",
        "top2.qcow2", "32M", cwd=base_dir)
    top2 = os.path.join(base_dir, "top2.qcow2")
    random_writes(top2, f"file={top2},format=qcow2", 6, 300, 100000)
    # missing backing file: one line, naming both files
    run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "gone.qcow2", "-F", "qcow2", "-u", "orphan.qcow2", "16M",
        cwd=base_dir)
    p = run(TOOL, "dump", f"file={base_dir}/orphan.qcow2,readonly=on", os.path.join(WORK, "x.raw"), ok=False)
    expect(p.returncode != 0 and "backing file" in p.stderr and "gone.qcow2: No such file" in p.stderr,
           f"missing backing file: {p.stderr.strip()}")


def case_snapshots():
    img = os.path.join(WORK, "snap.qcow2")
    create(img, "32M")
    qemu_io(img, "write -P 0x11 0 4M", "write -P 0x12 8M 1M")
    run("qemu-img", "snapshot", "-c", "s1", img)
    s1 = to_raw(img)
    qemu_io(img, "write -P 0x13 1M 1M", "write -P 0x14 16M 64k")
    run("qemu-img", "snapshot", "-c", "s2", img)
    s2 = to_raw(img)
    random_writes(img, f"file={img},format=qcow2", 7, 400, 200000)
    expect(to_raw(img, "-l", "snapshot.name=s1") == s1, "snapshot s1 unchanged by Tessera's writes")
    expect(to_raw(img, "-l", "snapshot.name=s2") == s2, "snapshot s2 unchanged by Tessera's writes")
    run("qemu-img", "snapshot", "-d", "s1", img)
    run("qemu-img", "snapshot", "-d", "s2", img)
    check(img)


def case_small_clusters():
    # 512-byte clusters: the refcount table (one cluster) covers 8 MiB, so it has to grow.
    img = os.path.join(WORK, "c512.qcow2")
    create(img, "48M", "cluster_size=512")
    random_writes(img, f"file={img},format=qcow2", 8, 600, 400000)
    # 2 MiB clusters: small writes copy the rest of big clusters.
    img = os.path.join(WORK, "c2m.qcow2")
    create(img, "96M", "cluster_size=2M")
    patterns(img)
    random_writes(img, f"file={img},format=qcow2", 9, 300, 100000)


def case_refcount_widths():
    for bits in [1, 2, 4, 8, 32, 64]:
        img = os.path.join(WORK, f"r{bits}.qcow2")
        create(img, "24M", f"refcount_bits={bits}", "cluster_size=4096")
        patterns(img)
        random_writes(img, f"file={img},format=qcow2", 10 + bits, 250, 100000)


def case_snapshot_on():
    for name, fmt in [("s.qcow2", "qcow2"), ("s.raw", "raw")]:
        img = os.path.join(WORK, name)
        create(img, "32M", fmt=fmt)
        patterns(img, fmt=fmt, zero=fmt == "qcow2")
        before, mtime = sha(img), os.stat(img).st_mtime_ns
        model = os.path.join(WORK, "model.raw")
        with open(model, "wb") as f:
            f.write(to_raw(img))
        # random-writes checks every read against its model: the overlay holds the writes
        run(TOOL, "random-writes", f"file={img},format={fmt},snapshot=on", model, 11, 300, 200000, "noreopen")
        expect(sha(img) == before and os.stat(img).st_mtime_ns == mtime, f"snapshot=on: {name} untouched")
        p = run(TOOL, "write", f"file={img},format={fmt},readonly=on", 0, 4096, 0x55, ok=False)
        expect(p.returncode == 3 and p.stdout.strip() == "read-only", f"readonly=on: a write fails ({p.stdout.strip()})")
        expect(sha(img) == before, f"readonly=on: {name} untouched")
        os.chmod(img, 0o444)
        p = run(TOOL, "write", f"file={img},format={fmt},snapshot=on", 0, 4096, 0x55, ok=False)
        expect(p.returncode == 0, f"snapshot=on on a read-only file works")
        os.chmod(img, 0o644)
        if fmt == "qcow2":
            check(img)


def crash_round(img, opts, seed, rnd, kill_at=None, mib=16, reuse=True):
    """SIGKILL from outside at a random moment, or (kill_at) from inside before the
    kill_at-th write or sync of the image file: every point between two writes is reached.
    opts "compressed" and "snapshot": the disk starts as a pattern in compressed clusters, or
    in clusters shared with an internal snapshot, so that writes free clusters too."""
    patterned = "compressed" in opts or "snapshot" in opts
    if patterned:
        raw = img + ".init"
        run(TOOL, "crash-init", raw, mib * 2048)
        run("qemu-img", "convert", *(["-c"] if "compressed" in opts else []), "-O", "qcow2", raw, img)
        os.unlink(raw)
        if "snapshot" in opts:
            run("qemu-img", "snapshot", "-c", "before", img)
    else:
        create(img, f"{mib}M", *opts)
    args = [TOOL, "crash-writer", f"file={img},format=qcow2", str(seed)] + ([str(kill_at)] if kill_at else [])
    w = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    gens = 0
    if not kill_at:
        want = rnd.randrange(1, 12)
        for line in w.stdout:
            gens = int(line.split()[1])
            if gens >= want:
                break
        time.sleep(rnd.random() * 0.05)
        w.send_signal(signal.SIGKILL)
    rest = w.stdout.read()
    w.wait()
    if w.returncode != -signal.SIGKILL:
        expect(False, f"crash-writer ended by SIGKILL (exit {w.returncode})")
    for line in rest.splitlines():
        gens = int(line.split()[1])
    check(img, leaks_allowed=True)
    raw = img + ".raw"
    run("qemu-img", "convert", "-O", "raw", img, raw)
    p = run(TOOL, "crash-check", raw, seed, gens, mib * 2048, *(["patterned"] if patterned else []), ok=False)
    os.unlink(raw)
    expect(p.returncode == 0, f"killed after generation {gens}: {p.stdout.strip()} {p.stderr.strip()}")
    if reuse:  # the image goes on being used after the crash
        random_writes(img, f"file={img},format=qcow2", seed, 100, 100000, leaks_allowed=True)
    os.unlink(img)


def case_crash():
    rnd = random.Random(int(os.environ.get("TESSERA_CRASH_SEED", "2024")))
    configs = [["compat=1.1"], ["compat=0.10"], ["compat=1.1", "cluster_size=4096"], ["compat=1.1", "cluster_size=512"],
               ["compressed"], ["snapshot"]]
    for i in range(6):
        crash_round(os.path.join(WORK, f"crash{i}.qcow2"), configs[i % len(configs)], 100 + i, rnd)
    for i in range(12):
        crash_round(os.path.join(WORK, f"self{i}.qcow2"), configs[i % len(configs)], 200 + i, rnd,
                    kill_at=rnd.randrange(2, 600))


def case_crash_sweep():
    """Every point among the first host writes and syncs, on a small disk whose writes free
    clusters (compressed, shared with a snapshot) or grow the refcount table (512 B clusters)."""
    rnd = random.Random(1)
    # (options, disk MiB, the kill points); with 64-bit refcounts in 512-byte clusters the
    # refcount table covers 2 MiB and grows between the 80th and the 100th point.
    for opts, mib, points in [(["compressed"], 2, range(2, 40)), (["snapshot"], 2, range(2, 40)),
                              (["compat=1.1", "cluster_size=512", "refcount_bits=64"], 4, range(80, 104))]:
        for kill_at in points:
            crash_round(os.path.join(WORK, f"sweep{kill_at}.qcow2"), opts, 7, rnd, kill_at=kill_at, mib=mib, reuse=False)


def case_errors():
    def refused(spec, needle, img=None, what=None):
        if img:
            before, mtime = sha(img), os.stat(img).st_mtime_ns
        p = run(TOOL, "dump", spec, os.path.join(WORK, "x.raw"), ok=False)
        lines = p.stderr.strip().splitlines()
        good = p.returncode != 0 and len(lines) == 1 and lines[0].startswith("tessera: ") and needle in lines[0]
        expect(good, f"{what or spec}: {p.stderr.strip()}")
        if img:
            expect(sha(img) == before and os.stat(img).st_mtime_ns == mtime, f"{what or spec}: image untouched")

    good = os.path.join(WORK, "good.qcow2")
    create(good, "16M")
    qemu_io(good, "write -P 0x42 0 1M")
    refused(f"file={WORK}/nothing.qcow2", "nothing.qcow2: No such file or directory")
    refused(f"file={good},format=vmdk", "unknown format 'vmdk'")
    raw = os.path.join(WORK, "plain.raw")
    create(raw, "1M", fmt="raw")
    refused(f"file={raw},format=qcow2", "not a qcow2 image (bad magic)", raw)
    vmdk = os.path.join(WORK, "d.vmdk")
    create(vmdk, "16M", fmt="vmdk")
    refused(f"file={vmdk}", "a vmdk image", vmdk)

    def variant(name, mutate):
        path = os.path.join(WORK, name)
        shutil.copy(good, path)
        with open(path, "r+b") as f:
            mutate(f)
        return path

    def put(off, data):
        return lambda f: (f.seek(off), f.write(data))

    trunc = variant("trunc.qcow2", lambda f: f.truncate(50))
    refused(f"file={trunc},format=qcow2", "truncated qcow2 header", trunc)
    refused(f"file={trunc}", "truncated qcow2 header", trunc, "truncated header, probed")
    short = variant("short.qcow2", lambda f: f.truncate(65536 * 2))
    refused(f"file={short}", "beyond the end of the file", short, "image cut after its refcount table")
    refused(f"file={variant('ver.qcow2', put(4, (7).to_bytes(4, 'big')))}", "unsupported qcow2 version 7")
    refused(f"file={variant('cb.qcow2', put(20, (22).to_bytes(4, 'big')))}", "cluster_bits 22")
    refused(f"file={variant('feat.qcow2', put(72, (1 << 40).to_bytes(8, 'big')))}", "unsupported qcow2 feature")
    refused(f"file={variant('l1.qcow2', put(40, (1 << 40).to_bytes(8, 'big')))}", "L1 table lies beyond")
    dirty = variant("dirty.qcow2", put(72, (1).to_bytes(8, "big")))
    refused(f"file={dirty}", "not closed cleanly", dirty)
    p = run(TOOL, "dump", f"file={dirty},readonly=on", os.path.join(WORK, "x.raw"), ok=False)
    expect(p.returncode == 0, "a dirty image opens read-only")
    ro = variant("ro.qcow2", lambda f: None)
    os.chmod(ro, 0o444)
    refused(f"file={ro}", "read-only file, but the drive is not readonly=on", ro)
    expect(run(TOOL, "dump", f"file={ro},readonly=on", os.path.join(WORK, "x.raw"), ok=False).returncode == 0,
           "the read-only file opens with readonly=on")
    # probed raw: a warning (the refusal of a qcow2 header in sector 0 is in the unit tests)
    plain = os.path.join(WORK, "probe.raw")
    create(plain, "1M", fmt="raw")
    p = run(TOOL, "write", f"file={plain}", 0, 512, 0x51, ok=False)
    expect(p.returncode == 0 and "probed as raw" in p.stderr, "probed raw: a warning, writes work")
    # two writers of one image: the second is refused
    w = subprocess.Popen([TOOL, "crash-writer", f"file={good},format=qcow2", "1"], stdout=subprocess.PIPE, text=True)
    w.stdout.readline()
    refused(f"file={good}", "in use by another process", None, "a second writer")
    w.kill()
    w.wait()


CASES = {"read": case_read, "write": case_write, "compressed": case_compressed, "backing": case_backing,
         "snapshots": case_snapshots, "small_clusters": case_small_clusters, "refcount_widths": case_refcount_widths,
         "snapshot_on": case_snapshot_on, "crash": case_crash,
         "crash_sweep": case_crash_sweep, "errors": case_errors}

if __name__ == "__main__":
    if shutil.which("qemu-img") is None or shutil.which("qemu-io") is None:
        raise SystemExit("FAIL: qemu-img and qemu-io are needed (scripts/deps installs qemu-utils)")
    WORK = tempfile.mkdtemp(prefix="tessera-block-")
    try:
        CASES[sys.argv[2]]()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    if failures:
        raise SystemExit(f"{len(failures)} check(s) failed")
    print("all passed")
