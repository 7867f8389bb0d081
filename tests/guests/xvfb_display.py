"""An X server for the display tests: Xvfb on a display number it picks itself (-displayfd),
so that tests beside each other never collide, and the xdotool/xwd calls the tests make on it:
find an emulator's window, point, click, type, and take the window's picture from the server.
"""
import os
import subprocess
import time

from screen_image import read_xwd


class XError(Exception):
    pass


class Xvfb:
    def __init__(self, width=2560, height=1600, log=None):
        r, w = os.pipe()
        self.p = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{width}x{height}x24",
                                   "-nolisten", "tcp", "-noreset"],
                                  pass_fds=(w,), stdin=subprocess.DEVNULL,
                                  stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
        os.close(w)
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            number += chunk
        os.close(r)
        if not number.strip().isdigit():
            self.stop()
            raise XError("Xvfb did not report a display number (is xvfb installed?)")
        self.display = ":" + number.strip().decode()
        self.env = dict(os.environ, DISPLAY=self.display, SDL_VIDEODRIVER="x11")
        self.env.pop("WAYLAND_DISPLAY", None)

    def run(self, *args, check=True, timeout=30):
        r = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise XError(f"{' '.join(args)} failed ({r.returncode}): {(r.stderr or r.stdout).strip()}")
        return r.stdout

    def geometry(self, wid):
        out = self.run("xdotool", "getwindowgeometry", "--shell", wid)
        kv = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        return int(kv["X"]), int(kv["Y"]), int(kv["WIDTH"]), int(kv["HEIGHT"])

    def find_window(self, pid, deadline, min_size=(320, 200)):
        """The largest visible window of process pid (an emulator may keep hidden helper windows);
        failing that (a window without _NET_WM_PID), the largest visible window with a name: the
        emulator is the only client of this server."""
        while time.monotonic() < deadline:
            out = self.run("xdotool", "search", "--onlyvisible", "--pid", str(pid), check=False)
            if not out.split():
                out = self.run("xdotool", "search", "--onlyvisible", "--name", ".", check=False)
            best = None
            for wid in out.split():
                try:
                    _, _, w, h = self.geometry(wid)
                except (XError, KeyError, ValueError):
                    continue
                if w >= min_size[0] and h >= min_size[1] and (best is None or w * h > best[1]):
                    best = (wid, w * h)
            if best:
                return best[0]
            time.sleep(0.5)
        raise XError(f"no visible window of pid {pid} on {self.display}")

    def prepare(self, wid):
        """The window at the screen's top left (all of it visible: xwd takes only what is on the
        screen), the pointer over it and the keyboard focus in it (no window manager here)."""
        self.run("xdotool", "windowmove", "--sync", wid, "0", "0", check=False)
        _, _, w, h = self.geometry(wid)
        self.run("xdotool", "mousemove", "--window", wid, str(w // 2), str(h // 2))
        self.run("xdotool", "windowfocus", "--sync", wid, check=False)

    def type(self, text, delay_ms=40):
        self.run("xdotool", "type", "--delay", str(delay_ms), text, timeout=60 + len(text) * delay_ms / 1000)

    def key(self, *names):
        self.run("xdotool", "key", *names)

    def click_at(self, wid, x, y, button=1):
        self.run("xdotool", "mousemove", "--window", wid, str(x), str(y))
        time.sleep(0.3)
        self.run("xdotool", "click", str(button))

    def screenshot(self, wid, path):
        """The window's picture as the X server has it (xwd), as an Image; the XWD kept at path."""
        self.run("xwd", "-silent", "-id", wid, "-out", path)
        return read_xwd(path)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
