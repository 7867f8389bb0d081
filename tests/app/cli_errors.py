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


def make_elf(name, addr, code):
    """An ELF64 RISC-V executable with one segment of `code` at `addr`, entered there."""
    h = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, addr, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 120, addr, addr, len(code), len(code), 0x1000)
    return write(name, h + ph + code)


# li t0, 0x5555; lui t1, 0x100; sw t0, 0(t1); j . -- exits with status 0 through sifive_test
exit_code = struct.pack("<5I", 0x000052B7, 0x55528293, 0x00100337, 0x00532023, 0x0000006F)
exit_elf = make_elf("exit.elf", 0x80000000, exit_code)
exit_elf2 = make_elf("exit2.elf", 0x80000000, exit_code)
mrom_elf = make_elf("mrom.elf", 0x1000, exit_code)

# arm64 Linux Images for aarch64-virt: the 64-byte header (code0, code1, text_offset,
# image_size, flags, reserved, magic "ARM\x64", PE offset), then the body.
def arm64_image(name, text_offset=0x80000, magic=b"ARM\x64", body=b"", cut=None, pe_offset=0):
    h = struct.pack("<IIQQQQQQ4sI", 0x14000010, 0, text_offset, 0x100000, 2, 0, 0, 0, magic, pe_offset)
    data = h + body
    return write(name, data[:cut] if cut is not None else data)


image_short = arm64_image("short.Image", cut=40)
image_magic = arm64_image("magic.Image", magic=b"ARM\x65", body=bytes(4096))
image_offset = arm64_image("offset.Image", text_offset=1 << 40, body=bytes(4096))
# An EFI-stub Image ("MZ" in code0) whose PE section table says its text goes on past the end
# of the file: what a download cut short looks like.
pe = b"PE\0\0" + struct.pack("<HHIIIHH", 0xaa64, 1, 0, 0, 0, 0, 0x206)
section = b".text\0\0\0" + struct.pack("<IIIIIIHHI", 0x100000, 0x1000, 0x100000, 0x1000, 0, 0, 0, 0, 0x60000020)
mz = bytearray(struct.pack("<IIQQQQQQ4sI", 0x91005a4d, 0, 0x80000, 0x200000, 2, 0, 0, 0, b"ARM\x64", 64))
image_cut = write("cut.Image", bytes(mz) + pe + section + bytes(4096))

# A port someone else listens on.
import socket  # noqa: E402
busy = socket.socket()
busy.bind(("127.0.0.1", 0))
busy.listen(1)
busy_port = busy.getsockname()[1]
busy_udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
busy_udp.bind(("127.0.0.1", 0))
busy_udp_port = busy_udp.getsockname()[1]

# -drive (virtio-blk): images that must be refused, each left exactly as it was.
import hashlib  # noqa: E402
good_raw = write("good.raw", bytes(1 << 20))
good_qcow2 = os.path.join(tmp, "good.qcow2")
subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", good_qcow2, "8M"], check=True)
with open(good_qcow2, "rb") as f:
    qcow2_bytes = f.read()
bad_version = write("badversion.qcow2", qcow2_bytes[:4] + struct.pack(">I", 9) + qcow2_bytes[8:])
bad_clusters = write("badclusters.qcow2", qcow2_bytes[:20] + struct.pack(">I", 40) + qcow2_bytes[24:])
cut_qcow2 = write("cut.qcow2", qcow2_bytes[:50])
vmdk = write("disk.vmdk", b"KDMV" + bytes(1020))
ro_raw = write("ro.raw", bytes(1 << 20))
os.chmod(ro_raw, 0o444)
images = [good_raw, good_qcow2, bad_version, bad_clusters, cut_qcow2, vmdk, ro_raw]


def image_state():
    return {p: (hashlib.sha256(open(p, "rb").read()).hexdigest(), os.stat(p).st_mtime_ns) for p in images}


images_before = image_state()

cases = [
    (["-drive", "file=" + tmp + "/missing.qcow2", "-bios", "none", "-kernel", exit_elf], ["missing.qcow2", "No such file"]),
    (["-drive", "file=" + bad_version, "-bios", "none", "-kernel", exit_elf], ["badversion.qcow2", "version"]),
    (["-drive", "file=" + bad_clusters + ",format=qcow2", "-bios", "none", "-kernel", exit_elf], ["badclusters.qcow2", "cluster"]),
    (["-drive", "file=" + cut_qcow2, "-bios", "none", "-kernel", exit_elf], "cut.qcow2"),
    (["-drive", "file=" + vmdk, "-bios", "none", "-kernel", exit_elf], ["disk.vmdk", "vmdk"]),
    (["-drive", "file=" + good_raw + ",format=vmdk", "-bios", "none", "-kernel", exit_elf], ["format", "vmdk"]),
    (["-drive", "file=" + ro_raw + ",format=raw", "-bios", "none", "-kernel", exit_elf], ["ro.raw", "readonly=on"]),
    (["-drive", "format=raw", "-bios", "none", "-kernel", exit_elf], "file="),
    (["-drive", "file=" + good_raw + ",cache=fast", "-bios", "none", "-kernel", exit_elf], "cache=fast"),
    (["-device", "virtio-blk-device,drive=nope", "-bios", "none", "-kernel", exit_elf], ["drive=nope", "no -drive"]),
    (["-device", "virtio-blk-device", "-bios", "none", "-kernel", exit_elf], ["virtio-blk-device", "drive="]),
    (["-drive", "file=" + good_raw + ",format=raw,if=none,id=d", "-device", "virtio-blk,drive=d", "-device", "virtio-blk,drive=d",
      "-bios", "none", "-kernel", exit_elf], ["drive=d", "in use"]),
    (["-drive", "file=" + good_raw + ",format=raw,id=d", "-device", "virtio-blk,drive=d", "-bios", "none", "-kernel", exit_elf],
     ["drive=d", "in use"]),
    (["-drive", "file=" + good_raw + ",format=raw,if=none,id=d", "-drive", "file=" + good_qcow2 + ",if=none,id=d",
      "-bios", "none", "-kernel", exit_elf], ["duplicate", "'d'"]),
    (["-device", "virtio-blk,drive=d,serial=" + "x" * 21, "-drive", "file=" + good_raw + ",format=raw,if=none,id=d",
      "-bios", "none", "-kernel", exit_elf], ["serial", "20 bytes"]),
    # A good qcow2 opened for writing, then a bad one: the good one is left as it was too.
    (["-drive", "file=" + good_qcow2, "-drive", "file=" + bad_version, "-bios", "none", "-kernel", exit_elf], "badversion.qcow2"),
    (["-bios", "none", "-kernel", "/nonexistent/k.elf", "-drive", "file=" + good_qcow2], "/nonexistent/k.elf"),
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
    # Found by probing (issue 9): refused at once, with the file named.
    (["-bios", "none", "-kernel", "/dev/zero"], "/dev/zero"),
    (["-bios", "none", "-kernel", tmp], tmp + "' is a directory"),
    (["-bios", "none", "-initrd", tmp, "-kernel", exit_elf], tmp + "' is a directory"),
    (["-bios", "none", "-kernel", mrom_elf], "mrom.elf' has a segment at 0x1000 in mrom"),
    (["-bios", exit_elf, "-kernel", exit_elf2], ["exit2.elf", "overlaps", "exit.elf"]),
    (["-m", "2X"], "2X"),
    (["-M", "riscv64-virt,frob=1"], "frob=1"),
    (["-M", "riscv64-virt,dumpdtb=" + tmp + "/no/such/dir/x.dtb", "-bios", "none", "-kernel", exit_elf], "x.dtb"),
    # aarch64-virt's -kernel: an arm64 Image cut short, with a bad magic, with a bad
    # text_offset, an EFI-stub Image truncated; a RISC-V ELF (and an AArch64 one on riscv64-virt).
    (["-M", "aarch64-virt", "-kernel", image_short], "short.Image"),
    (["-M", "aarch64-virt", "-kernel", image_magic], ["magic.Image", "ARM"]),
    (["-M", "aarch64-virt", "-kernel", image_offset], ["offset.Image", "text_offset"]),
    (["-M", "aarch64-virt", "-kernel", image_cut], ["cut.Image", "truncated"]),
    (["-M", "aarch64-virt", "-kernel", exit_elf], ["exit.elf", "RISC-V", "AArch64"]),
    (["-M", "virt", "-cpu", "cortex-a57", "-kernel", exit_elf], ["exit.elf", "RISC-V", "AArch64"]),
    # The gdbstub: -S with nothing to start the CPU, a malformed address, a port in use.
    (["-S", "-bios", "none", "-kernel", exit_elf], "-S"),
    (["-gdb", "udp::1234", "-bios", "none", "-kernel", exit_elf], "udp::1234"),
    (["-gdb", "tcp::99999", "-bios", "none", "-kernel", exit_elf], "tcp::99999"),
    (["-gdb", "tcp::" + str(busy_port), "-bios", "none", "-kernel", exit_elf], ["tcp::" + str(busy_port), "in use"]),
    # -device: an unknown device, an unknown property, more devices than the board has transports.
    (["-device", "virtio-frob", "-bios", "none", "-kernel", exit_elf], ["virtio-frob", "virtio-rng-device"]),
    (["-device", "virtio-rng-device,frob=1", "-bios", "none", "-kernel", exit_elf], ["virtio-rng-device", "'frob'"]),
    (["-device", "", "-bios", "none", "-kernel", exit_elf], "-device"),
    (["-bios", "none", "-kernel", exit_elf] + ["-device", "virtio-rng"] * 9, ["riscv64-virt", "8 virtio-mmio transports"]),
    # virtio-net: a hostfwd port in use (tcp and udp), bad hostfwd syntax, an unknown netdev id,
    # a netdev no NIC uses, a NIC without netdev=, a bad MAC, an address outside the network.
    (["-nic", "user,hostfwd=tcp:127.0.0.1:%d-:22" % busy_port, "-bios", "none", "-kernel", exit_elf],
     ["hostfwd", "127.0.0.1:%d" % busy_port, "in use"]),
    (["-netdev", "user,id=n0,hostfwd=udp:127.0.0.1:%d-:53" % busy_udp_port, "-device", "virtio-net-device,netdev=n0",
      "-bios", "none", "-kernel", exit_elf], ["hostfwd", "udp 127.0.0.1:%d" % busy_udp_port, "in use"]),
    (["-nic", "user,hostfwd=tcp:127.0.0.1:2222:22", "-bios", "none", "-kernel", exit_elf], ["hostfwd", "2222:22"]),
    (["-nic", "user,hostfwd=sctp::1-:2", "-bios", "none", "-kernel", exit_elf], ["hostfwd", "sctp"]),
    (["-nic", "user,hostfwd=tcp::0-:22", "-bios", "none", "-kernel", exit_elf], ["hostfwd", "'0'"]),
    (["-device", "virtio-net-device,netdev=nope", "-bios", "none", "-kernel", exit_elf], ["netdev 'nope'", "not defined"]),
    (["-netdev", "user,id=lonely", "-bios", "none", "-kernel", exit_elf], ["lonely", "no NIC uses it"]),
    (["-device", "virtio-net-device", "-bios", "none", "-kernel", exit_elf], ["virtio-net-device", "netdev=ID"]),
    (["-netdev", "user,id=a", "-device", "virtio-net,netdev=a", "-device", "virtio-net,netdev=a", "-bios", "none",
      "-kernel", exit_elf], ["netdev 'a'", "already used"]),
    (["-netdev", "user,id=a", "-netdev", "user,id=a", "-device", "virtio-net,netdev=a", "-bios", "none", "-kernel", exit_elf],
     ["duplicate id 'a'"]),
    (["-nic", "user,mac=52:54:00:12:34", "-bios", "none", "-kernel", exit_elf], ["mac=", "52:54:00:12:34"]),
    (["-nic", "user,net=192.168.5.0/24,dns=10.0.2.3", "-bios", "none", "-kernel", exit_elf], ["dns=10.0.2.3", "192.168.5.0/24"]),
    (["-netdev", "tap,id=t", "-bios", "none", "-kernel", exit_elf], ["tap"]),
    (["-nic", "user,frob=1", "-bios", "none", "-kernel", exit_elf], ["-nic user", "'frob'"]),
    # virtio-console and -chardev: an unknown chardev id, a bad or busy socket port, two stdio
    # users (the serial port and a -chardev stdio), a port without a bus, a chardev used twice.
    (["-bios", "none", "-kernel", exit_elf, "-device", "virtio-serial-device", "-device", "virtconsole,chardev=nope"],
     ["virtconsole", "'nope'"]),
    (["-bios", "none", "-kernel", exit_elf, "-chardev", "socket,id=c,host=127.0.0.1,port=99999,server=on,wait=off"],
     ["socket", "'99999'"]),
    (["-bios", "none", "-kernel", exit_elf, "-chardev", "socket,id=c,host=127.0.0.1,port=" + str(busy_port) + ",server=on,wait=off"],
     ["id=c", "127.0.0.1:" + str(busy_port), "in use"]),
    (["-bios", "none", "-kernel", exit_elf, "-chardev", "stdio,id=c"], ["stdio", "multiple character devices"]),
    (["-serial", "none", "-bios", "none", "-kernel", exit_elf, "-chardev", "stdio,id=c", "-chardev", "stdio,id=d"],
     ["stdio,id=d", "multiple character devices"]),
    (["-bios", "none", "-kernel", exit_elf, "-device", "virtconsole"], ["virtconsole", "virtio-serial-device"]),
    (["-bios", "none", "-kernel", exit_elf, "-chardev", "null,id=n", "-device", "virtio-serial-device",
      "-device", "virtconsole,chardev=n", "-device", "virtserialport,chardev=n"], ["virtserialport", "'n'", "in use"]),
    (["-bios", "none", "-kernel", exit_elf, "-chardev", "pty,id=p"], ["pty", "socket"]),
    (["-bios", "none", "-kernel", exit_elf, "-chardev", "file,id=f,path=" + tmp + "/no/such/dir/out"], ["id=f", "no/such/dir/out"]),
]
failed = 0
for args, culprits in cases:
    r = subprocess.run([tessera, "-nographic"] + args, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    culprits = [culprits] if isinstance(culprits, str) else culprits
    ok = r.returncode != 0 and len(lines) == 1 and all(c in lines[0] for c in culprits) and r.stdout == ""
    print(("ok   " if ok else "FAIL ") + " ".join(args)[:200] + " -> " + repr(r.stderr.strip()) + f" (exit {r.returncode})")
    failed += not ok
total = len(cases)
if image_state() != images_before:
    changed = [os.path.basename(p) for p, v in image_state().items() if images_before[p] != v]
    print("FAIL refused drives changed their images: " + ", ".join(changed))
    failed += 1
# A -chardev file must not be created (or emptied) when the command line fails later on.
kept = write("kept.txt", b"precious")
for extra in (["-kernel", "/nonexistent/kernel.elf"], ["-device", "virtconsole,chardev=f"]):
    made = os.path.join(tmp, "made.txt")
    r = subprocess.run([tessera, "-nographic", "-bios", "none", "-chardev", "file,id=f,path=" + made, "-chardev",
                        "file,id=g,path=" + kept] + extra, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    ok = r.returncode != 0 and not os.path.exists(made) and open(kept, "rb").read() == b"precious"
    print(("ok   " if ok else "FAIL ") + "-chardev file left alone when " + " ".join(extra) + " fails -> " + repr(r.stderr.strip()))
    failed += not ok
    total += 1
leftovers = [f for f in os.listdir(tmp) if ".tmp-" in f]
if leftovers:
    print("FAIL half-written files left behind: " + ", ".join(leftovers))
    failed += 1


def check(name, ok, detail=""):
    global failed, total
    total += 1
    failed += not ok
    print(("ok   " if ok else "FAIL ") + name + (" -> " + detail if detail else ""))


def run(args):
    return subprocess.run([tessera, "-nographic"] + args, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)


def bootargs(dtb):
    r = subprocess.run(["fdtget", "-t", "s", dtb, "/chosen", "bootargs"], capture_output=True)
    return r.stdout.decode().rstrip("\n") if r.returncode == 0 else None


# Inputs that used to be refused or mangled, and must work.
r = run(["-m", "1T", "-bios", "none", "-kernel", exit_elf])
check("-m 1T boots", r.returncode == 0, f"exit {r.returncode} {r.stderr!r}")
r = run(["-m", "16385K", "-bios", "none", "-kernel", exit_elf])
check("-m 16385K boots", r.returncode == 0, f"exit {r.returncode} {r.stderr!r}")
# -append of 100 KB: the generated tree grows to hold it (it was a fixed 64 KiB).
long_append = " ".join(f"arg{i}=v{i}" for i in range(12000))[:100_000]
big = os.path.join(tmp, "big.dtb")
r = run(["-M", "riscv64-virt,dumpdtb=" + big, "-bios", "none", "-kernel", exit_elf, "-append", long_append])
check("-append 100 KB in the generated tree", r.returncode == 0 and bootargs(big) == long_append,
      f"exit {r.returncode} {r.stderr[:200]!r}")
# -dtb with an -append over 4 KB: bootargs used to be dropped silently.
base = os.path.join(tmp, "base.dtb")
run(["-M", "riscv64-virt,dumpdtb=" + base, "-bios", "none", "-kernel", exit_elf])
edited = os.path.join(tmp, "edited.dtb")
r = run(["-M", "riscv64-virt,dumpdtb=" + edited, "-bios", "none", "-kernel", exit_elf, "-dtb", base,
         "-append", long_append[:6000]])
check("-dtb keeps a 6 KB -append", r.returncode == 0 and bootargs(edited) == long_append[:6000],
      f"exit {r.returncode} {r.stderr[:200]!r}")
r = run(["-M", "riscv64-virt,dumpdtb=" + edited, "-bios", "none", "-kernel", exit_elf, "-dtb", base,
         "-append", long_append])
check("-dtb keeps a 100 KB -append", r.returncode == 0 and bootargs(edited) == long_append,
      f"exit {r.returncode} {r.stderr[:200]!r}")
# dtb-randomness (on by default, as on QEMU): /chosen's rng-seed (32 bytes) and, on ARM,
# kaslr-seed (8 bytes), new for each run; off: neither. A value not on or off is refused.
def chosen_bytes(dtb, prop):
    r = subprocess.run(["fdtget", "-t", "bx", dtb, "/chosen", prop], capture_output=True)
    return r.stdout.split() if r.returncode == 0 else None


seeds = []
good_image = arm64_image("good.Image", body=bytes(4096))
for board, props in (("aarch64-virt", ("rng-seed", "kaslr-seed")), ("riscv64-virt", ("rng-seed",))):
    kernel = ["-kernel", good_image] if board == "aarch64-virt" else ["-bios", "none", "-kernel", exit_elf]
    for n in range(2):
        dtb = os.path.join(tmp, f"seed-{board}-{n}.dtb")
        r = run(["-M", board + ",dumpdtb=" + dtb] + kernel)
        got = [chosen_bytes(dtb, p) for p in props]
        check(f"{board}: {', '.join(props)} in /chosen", r.returncode == 0 and [len(g or []) for g in got] ==
              [32 if p == "rng-seed" else 8 for p in props], f"exit {r.returncode} {got} {r.stderr[:200]!r}")
        seeds.append(got)
    dtb = os.path.join(tmp, f"noseed-{board}.dtb")
    r = run(["-M", board + ",dtb-randomness=off,dumpdtb=" + dtb] + kernel)
    check(f"{board},dtb-randomness=off: no seeds", r.returncode == 0 and all(chosen_bytes(dtb, p) is None for p in props),
          f"exit {r.returncode} {r.stderr[:200]!r}")
check("each run's seeds are new", seeds[0] != seeds[1] and seeds[2] != seeds[3], str(seeds))
r = run(["-M", "aarch64-virt,dtb-randomness=maybe"])
check("dtb-randomness=maybe refused", r.returncode != 0 and b"maybe" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
      f"exit {r.returncode} {r.stderr!r}")

# virtio-net: a NIC with two hostfwds boots and exits 0 (the backend's thread stops), and its
# ports are free again afterwards.
fwd = []
for _ in range(2):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    fwd.append(probe.getsockname()[1])
    probe.close()
r = run(["-nic", "user,hostfwd=tcp:127.0.0.1:%d-:22,hostfwd=udp:127.0.0.1:%d-:53" % (fwd[0], fwd[1]), "-bios", "none",
         "-kernel", exit_elf])
again = socket.socket()
try:
    again.bind(("127.0.0.1", fwd[0]))
    freed = True
except OSError:
    freed = False
again.close()
check("-nic user with hostfwds boots, exits 0 and frees its ports", r.returncode == 0 and freed,
      f"exit {r.returncode} {r.stderr!r} freed={freed}")
# A drive no device uses: a warning, and the machine runs. A readonly=on drive on a read-only
# file and a snapshot=on drive run too, and leave their images as they were.
r = run(["-drive", "file=" + good_raw + ",format=raw,if=none,id=spare", "-bios", "none", "-kernel", exit_elf])
check("an unused -drive warns", r.returncode == 0 and r.stderr.decode().count("\n") == 1 and
      "warning: -drive id=spare is not used" in r.stderr.decode(), f"exit {r.returncode} {r.stderr!r}")
r = run(["-drive", "file=" + ro_raw + ",format=raw,readonly=on", "-drive", "file=" + good_qcow2 + ",snapshot=on",
         "-device", "virtio-blk,drive=none0,serial=abc", "-drive", "file=" + good_raw + ",format=raw,if=none",
         "-bios", "none", "-kernel", exit_elf])
check("readonly=on, snapshot=on, if=none drives run", r.returncode == 0 and r.stderr == b"", f"exit {r.returncode} {r.stderr!r}")
check("... and leave their images as they were", image_state() == images_before)
r = run(["-device", "virtio-blk-device,help"])
check("-device virtio-blk-device,help", r.returncode == 0 and b"drive" in r.stdout and b"serial" in r.stdout, f"{r.stdout!r}")
# What exists is listed, with status 0.
for args, expect in ((["-M", "help"], "riscv64-virt"), (["-cpu", "help"], "rv64"), (["-accel", "help"], "exec=interp"),
                     (["-M", "virt", "-cpu", "help"], "rv64"), (["-device", "help"], "virtio-rng-device"),
                     (["-device", "virtio-rng,help"], "id="),
                     (["-device", "virtio-net-device,help"], "netdev")):
    r = run(args)
    check(" ".join(args), r.returncode == 0 and expect in r.stdout.decode(), f"exit {r.returncode} {r.stdout[:100]!r}")
# display/: -display, -screendump, -keys. Run without -nographic (it excludes -display) and
# without a display server (-display sdl must then fail with one line).
nodisplay = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
good_keys = write("good.keys", b"# fine\nwait 10\ntype ok\n")
bad_keys = write("bad.keys", b"wait 10\nfrobnicate now\n")
bad_key_name = write("badname.keys", b"\n\nkey ctrl-alt-nosuch\n")
shot = os.path.join(tmp, "shot.png")
display_cases = [
    (["-display", "gtk"], ["-display", "'gtk'", "sdl, none"]),
    (["-display", "sdl,frob=1"], ["-display sdl", "'frob'"]),
    (["-display", "sdl,gl=on"], ["gl=on"]),
    (["-nographic", "-display", "sdl"], ["-nographic", "-display"]),
    (["-display", "sdl", "-serial", "none"], ["-display sdl: cannot open a window"]),
    (["-display", "none", "-screendump", shot], ["-screendump needs a display device", "virtio-gpu-device"]),
    (["-display", "none", "-screendump", tmp + "/no/such/dir/x.png"], ["-screendump", "no/such/dir"]),
    (["-display", "none", "-screendump", tmp], ["-screendump", "is a directory"]),
    (["-display", "none", "-keys", tmp + "/missing.keys"], ["-keys: cannot read", "missing.keys"]),
    (["-display", "none", "-keys", bad_keys], ["bad.keys:2:", "unknown command 'frobnicate'"]),
    (["-display", "none", "-keys", bad_key_name], ["badname.keys:3:", "unknown key name 'nosuch'"]),
]
for args, culprits in display_cases:
    r = subprocess.run([tessera, "-bios", "none", "-kernel", exit_elf] + args, capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL, env=nodisplay)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    ok = r.returncode != 0 and len(lines) == 1 and all(c in lines[0] for c in culprits)
    check(" ".join(args), ok, f"exit {r.returncode} {r.stderr!r}")
r = subprocess.run([tessera, "-bios", "none", "-kernel", exit_elf, "-display", "none", "-keys", good_keys], capture_output=True,
                   text=True, timeout=30, stdin=subprocess.DEVNULL, env=nodisplay)
check("a good -keys file runs (exit 0, quiet)", r.returncode == 0 and r.stderr == "", f"exit {r.returncode} {r.stderr!r}")
check("no -screendump file was made", not os.path.exists(shot) and not [f for f in os.listdir(tmp) if ".tmp-" in f])
print(f"{total - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
