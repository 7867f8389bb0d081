"""A shell on a guest's serial console: log in at the getty's "login:" prompt, then run commands
and read back each one's output and exit status. Builds on arm64_linux_boot.Console (the
emulator's stdin/stdout, expect with deadlines, oops and panic detection).

After the login, echo is turned off and the session becomes /bin/sh with an empty prompt, so a
command's output is exactly what it printed; each command is followed by an end marker that
carries its exit status, spelled so that the marker never appears in the command line itself.
"""
import re
import time

from arm64_linux_boot import BAD, SOFT_LOCKUP

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class ShellError(Exception):
    pass


class Shell:
    def __init__(self, console, log=None):
        self.c = console
        self.n = 0
        self.log = log  # a binary file that gets the console output as it arrives
        self.logged = 0

    def expect(self, marker, deadline, start=0):
        """Console.expect, and the new output to the log as it comes. Console.expect looks for
        the marker only in what it reads now: a marker already read counts here too."""
        if marker in self.c.seen[start:]:
            return True
        if not self.log:
            return self.c.expect(marker, deadline, start)
        while True:
            found = self.c.expect(marker, min(deadline, time.monotonic() + 1), start)
            self.log.write(self.c.seen[self.logged:])
            self.log.flush()
            self.logged = len(self.c.seen)
            if found or time.monotonic() >= deadline or self.c.p.poll() is not None or self.faulted():
                return found

    def faulted(self):
        return any(b in SOFT_LOCKUP.sub(b"", self.c.seen) for b in BAD)

    def login(self, user, password, deadline, login_seen=False):
        """Logs in on the serial getty. login_seen: the caller has already waited for 'login: '."""
        c = self.c
        if not login_seen and not self.expect(b"login: ", deadline):
            raise ShellError("no 'login:' prompt on the serial console")
        mark = len(c.seen)
        c.send(user)
        if not self.expect(b"Password: ", deadline, mark):
            raise ShellError("no 'Password:' prompt after the user name")
        mark = len(c.seen)
        c.send(password)
        if not self.expect(b"# ", deadline, mark):
            raise ShellError(f"no root shell prompt after the password ({self.tail()!r})")
        # No echo, no prompt, no line editing, kernel messages off the console.
        c.send("stty -echo; dmesg -n 1; exec env PS1= TERM=dumb /bin/sh")
        time.sleep(0.2)
        status, out = self.run("stty -echo; echo shell-ready", deadline)
        if status != 0 or "shell-ready" not in out:
            raise ShellError(f"the shell after login did not answer: {out!r}")

    def run(self, cmd, deadline):
        """Runs one command line; returns (exit status, output with \\r and escapes removed)."""
        c = self.c
        self.n += 1
        tag = f"@@end-{self.n}:"
        mark = len(c.seen)
        # The quotes split the tag in the command line; only the shell's output has it whole.
        c.send(f'{cmd}\necho "@@e""nd-{self.n}:$?@@"')
        if not self.expect(tag.encode(), deadline, mark):
            raise ShellError(f"no end of command {cmd!r} before the deadline ({self.tail()!r})")
        at = c.seen.index(tag.encode(), mark)
        if not self.expect(b"@@", deadline, at + len(tag)):
            raise ShellError(f"no exit status of command {cmd!r}")
        end = c.seen.index(b"@@", at + len(tag))
        status = int(c.seen[at + len(tag):end])
        out = ANSI.sub(b"", c.seen[mark:at]).replace(b"\r", b"").decode("utf-8", "replace")
        return status, out

    def check(self, cmd, deadline):
        """Runs a command that must succeed; returns its output."""
        status, out = self.run(cmd, deadline)
        if status != 0:
            raise ShellError(f"{cmd!r} failed with status {status}: {out.strip()!r}")
        return out

    def tail(self, n=300):
        return self.c.seen[-n:].decode("utf-8", "replace")
