#!/usr/bin/env python3
"""The layers include only what is below them (docs/architecture.md): no file under
machines/ includes backends/, no file under frontends/ includes machines/ or backends/, and
so on. Reads every #include "..." of the project's sources.

usage: layering.py SOURCE_ROOT"""
import os
import re
import sys

root = sys.argv[1]
# folder -> the project folders its files may include (besides its own)
allowed = {
    "util": set(),
    "ir": {"util"},
    "core": {"util"},
    "softfloat": set(),
    "softmmu": {"ir", "util", "core"},
    "frontends": {"ir", "softmmu", "core", "util", "softfloat"},
    "backends": {"ir", "softmmu", "core", "util"},
    "machines": {"softmmu", "frontends", "core", "ir", "util", "debug", "display"},
    "debug": {"core", "util"},
    "display": {"core", "util"},
}
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
bad = []
checked = 0
for top, deps in allowed.items():
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for name in files:
            if not name.endswith((".h", ".cpp", ".c", ".inc", ".def")):
                continue
            path = os.path.join(dirpath, name)
            checked += 1
            with open(path, errors="replace") as f:
                for n, line in enumerate(f, 1):
                    m = include.match(line)
                    if not m or "/" not in m.group(1):
                        continue
                    target = m.group(1).split("/")[0]
                    if target != top and target in allowed and target not in deps:
                        bad.append(f"{os.path.relpath(path, root)}:{n}: includes {m.group(1)} ({top}/ may not use {target}/)")
print("\n".join(bad) if bad else f"ok: {checked} files follow the layering")
sys.exit(1 if bad else 0)
