#!/usr/bin/env python3
"""Build a gzip-compressed initramfs (cpio "newc") from a directory tree.

    scripts/mkinitramfs.py ROOT OUT.cpio.gz

Owners are root, timestamps 0 and entries sorted, so the same tree gives the same bytes.
The archive is written to a temporary file beside OUT and renamed: an interrupted run
never leaves a half-written initramfs. Needs no root and no cpio tool.
"""
import gzip
import os
import stat
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


def main():
    if len(sys.argv) != 3:
        die("usage: mkinitramfs.py ROOT OUT.cpio.gz")
    root, out = sys.argv[1], sys.argv[2]
    if not os.path.isdir(root):
        die(f"{root}: not a directory")
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
