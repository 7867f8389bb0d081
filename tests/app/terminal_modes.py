#!/usr/bin/env python3
"""Every way out of Tessera gives the terminal back as it found it (issue 9).

usage: terminal_modes.py TESSERA CHATTER_ELF

Tessera runs with a pseudo-terminal as stdin (it switches it to raw mode); then it is ended
by SIGINT, SIGTERM, SIGHUP, Ctrl-A x, its stdout pipe closing (SIGPIPE), or a crash signal,
and the terminal's modes must equal those from before. It must exit with status 0, not die of a
signal; a second SIGINT while the first is handled must not leave the terminal raw either."""
import os
import signal
import subprocess
import sys
import tempfile
import termios
import threading
import time

from checks import check, finish

tessera, chatter = sys.argv[1], sys.argv[2]


def drain(fd):
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def wait_raw(slave, p, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end and p.poll() is None:
        if not termios.tcgetattr(slave)[3] & termios.ICANON:
            return True
        time.sleep(0.02)
    return False


def case(name, how, guest_args, stdout_pipe=False):
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    threading.Thread(target=drain, args=(master,), daemon=True).start()
    cmd = [tessera, "-M", "riscv64-virt", "-nographic"] + guest_args
    p = subprocess.Popen(cmd, stdin=slave, stdout=subprocess.PIPE if stdout_pipe else slave,
                         stderr=subprocess.PIPE, start_new_session=True)
    raw = wait_raw(slave, p)
    check(f"{name}: Tessera puts the terminal in raw mode", raw)
    how(p, master)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        check(f"{name}: Tessera ends", False, "still running 30 s later")
    after = termios.tcgetattr(slave)
    check(f"{name}: exit status 0, no signal death", p.returncode == 0,
          f"exit {p.returncode} {err.decode(errors='replace')[-200:]!r}")
    check(f"{name}: terminal modes restored", after == before,
          f"lflag {before[3]:#x} -> {after[3]:#x}, iflag {before[0]:#x} -> {after[0]:#x}")
    os.close(slave)
    os.close(master)


firmware = []  # Tessera's own firmware: prints a banner, then waits at its prompt
bare = ["-bios", "none", "-kernel", chatter]


def send(sig):
    return lambda p, master: p.send_signal(sig)


def twice(p, master):
    p.send_signal(signal.SIGINT)
    p.send_signal(signal.SIGINT)


def ctrl_a_x(p, master):
    os.write(master, b"\x01x")


def close_stdout(p, master):
    p.stdout.readline()  # the guest is printing
    p.stdout.close()     # the reader goes away: the next write gets EPIPE


case("SIGINT", send(signal.SIGINT), firmware)
case("SIGTERM", send(signal.SIGTERM), firmware)
case("SIGHUP", send(signal.SIGHUP), firmware)
case("Ctrl-A x", ctrl_a_x, firmware)
# Devices that start threads of their own before the Machine runs (virtio-blk's I/O thread,
# the network's): SIGTERM must still reach the signal thread, not end the process by default.
with tempfile.NamedTemporaryFile(suffix=".img") as disk:
    disk.truncate(1 << 20)
    devices = ["-drive", f"file={disk.name},format=raw,if=none,id=d", "-device", "virtio-blk-device,drive=d",
               "-nic", "user"]
    case("SIGTERM with virtio disk and network", send(signal.SIGTERM), firmware + devices)
case("stdout closed (SIGPIPE)", close_stdout, bare, stdout_pipe=True)

# A second SIGINT may kill (the user insists), but the terminal is given back first.
master, slave = os.openpty()
before = termios.tcgetattr(slave)
threading.Thread(target=drain, args=(master,), daemon=True).start()
p = subprocess.Popen([tessera, "-M", "riscv64-virt", "-nographic"], stdin=slave, stdout=slave,
                     stderr=subprocess.DEVNULL, start_new_session=True)
wait_raw(slave, p)
twice(p, master)
p.wait(timeout=30)
check("SIGINT twice: terminal modes restored", termios.tcgetattr(slave) == before)
os.close(slave)
os.close(master)

# A host crash (here a SIGSEGV from outside) still gives the terminal back before dying of it.
master, slave = os.openpty()
before = termios.tcgetattr(slave)
threading.Thread(target=drain, args=(master,), daemon=True).start()
p = subprocess.Popen([tessera, "-M", "riscv64-virt", "-nographic"], stdin=slave, stdout=slave,
                     stderr=subprocess.DEVNULL, start_new_session=True,
                     preexec_fn=lambda: __import__("resource").setrlimit(__import__("resource").RLIMIT_CORE, (0, 0)))
wait_raw(slave, p)
p.send_signal(signal.SIGSEGV)
p.wait(timeout=30)
check("SIGSEGV: dies of it", p.returncode == -signal.SIGSEGV, f"exit {p.returncode}")
check("SIGSEGV: terminal modes restored", termios.tcgetattr(slave) == before)
os.close(slave)
os.close(master)

# The shell's view: `tessera ... | head -1` ends, and Tessera's own status is 0.
r = subprocess.run(["bash", "-c", f"'{tessera}' -M riscv64-virt -nographic -bios none -kernel '{chatter}' | head -1;"
                    " echo \"status ${PIPESTATUS[0]}\""], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
out = r.stdout.decode()
check("tessera ... | head -1", out == "line 0\nstatus 0\n", repr(out))

finish()
