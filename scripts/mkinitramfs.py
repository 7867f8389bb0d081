#!/usr/bin/env python3
"""Build a gzip-compressed initramfs (cpio "newc") from a directory tree.

    scripts/mkinitramfs.py ROOT OUT.cpio.gz [--modules KERNEL_MODULE_DIR NAME...]

Owners are root, timestamps 0 and entries sorted, so the same tree gives the same bytes.
The archive is written to a temporary file beside OUT and renamed: an interrupted run
never leaves a half-written initramfs. Needs no root and no cpio tool.

--modules adds kernel modules from KERNEL_MODULE_DIR (a /lib/modules/VERSION of an unpacked
kernel package, which has no modules.dep: the dependencies come from each module's own
.modinfo "depends=") with everything they depend on, under /lib/modules/VERSION/ in the
archive, and lists them in load order, one path a line, in /etc/modules-load for /init.
"""
import gzip
import os
import shutil
import stat
import struct
import sys
import tempfile


def die(msg):
    print(f"mkinitramfs: {msg}", file=sys.stderr)
    sys.exit(1)


def newc_entry(name, mode, data, ino, nlink=1):
    name_b = name.encode() + b"\0"
    fields = [
        ino, mode, 0, 0, nlink, 0, len(data),  # ino, mode, uid, gid, nlink, mtime, filesize
        0, 0, 0, 0,                            # devmajor, devminor, rdevmajor, rdevminor
        len(name_b), 0,                        # namesize, check
    ]
    head = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = head + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def build(root):
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for n in sorted(dirnames) + sorted(filenames):
            entries.append(os.path.join(dirpath, n))
    entries.sort()
    blob = bytearray()
    ino = 1
    for path in entries:
        rel = os.path.relpath(path, root)
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(path).encode()
            mode = stat.S_IFLNK | 0o777
        elif stat.S_ISDIR(st.st_mode):
            data = b""
            mode = stat.S_IFDIR | (st.st_mode & 0o7777)
        elif stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                data = f.read()
            mode = stat.S_IFREG | (st.st_mode & 0o7777)
        else:
            die(f"{path}: only files, directories and symlinks are supported")
        blob += newc_entry(rel, mode, data, ino, 2 if stat.S_ISDIR(st.st_mode) else 1)
        ino += 1
    blob += newc_entry("TRAILER!!!", 0, b"", 0)
    return bytes(blob)


def modinfo(path):
    """The .modinfo section of a kernel module (ELF64 little-endian) as a dict."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        die(f"{path}: not an ELF64 little-endian module (compressed modules are not supported)")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)

    def section(i):
        name, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
        return name, offset, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, offset, size = section(i)
        if elf[stroff + name:elf.index(b"\0", stroff + name)] == b".modinfo":
            info = {}
            for item in elf[offset:offset + size].split(b"\0"):
                key, eq, value = item.decode(errors="replace").partition("=")
                if eq:
                    info.setdefault(key, value)
            return info
    die(f"{path}: no .modinfo section")


def add_modules(root, moddir, names):
    """Copies the modules and their dependencies into root; returns their paths in load order."""
    moddir = os.path.abspath(moddir)
    version = os.path.basename(moddir)
    index = {}  # module name (dashes as underscores) -> path relative to moddir
    for dirpath, _, filenames in os.walk(moddir):
        for n in filenames:
            if n.endswith(".ko"):
                rel = os.path.relpath(os.path.join(dirpath, n), moddir)
                index.setdefault(n[:-3].replace("-", "_"), rel)
    order = []

    def visit(name, chain):
        name = name.replace("-", "_")
        if name in order:
            return
        if name in chain:
            die(f"modules depend on each other in a circle: {' -> '.join(chain + [name])}")
        if name not in index:
            die(f"module {name} not found under {moddir} (built into the kernel? then leave it out)")
        deps = modinfo(os.path.join(moddir, index[name])).get("depends", "")
        for dep in filter(None, deps.split(",")):
            visit(dep, chain + [name])
        order.append(name)

    for n in names:
        visit(n, [])
    paths = []
    for name in order:
        dest = os.path.join(root, "lib/modules", version, index[name])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(moddir, index[name]), dest)
        paths.append("/" + os.path.relpath(dest, root))
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    with open(os.path.join(root, "etc/modules-load"), "w") as f:
        f.write("".join(p + "\n" for p in paths))
    return paths


def main():
    args = sys.argv[1:]
    modules = None
    if "--modules" in args:
        at = args.index("--modules")
        modules = args[at + 1:]
        args = args[:at]
        if len(modules) < 2:
            die("--modules needs a module directory and at least one module name")
    if len(args) != 2:
        die("usage: mkinitramfs.py ROOT OUT.cpio.gz [--modules KERNEL_MODULE_DIR NAME...]")
    root, out = args
    if not os.path.isdir(root):
        die(f"{root}: not a directory")
    if modules:
        if not os.path.isdir(modules[0]):
            die(f"{modules[0]}: not a directory")
        add_modules(root, modules[0], modules[1:])
    data = gzip.compress(build(root), mtime=0)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out)), prefix=".initramfs.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


if __name__ == "__main__":
    main()
