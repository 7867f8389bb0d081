"""Helpers for the window tests: a private Xvfb server, xdotool, screenshots through xwd
(parsed here, no imagemagick), and WM_DELETE_WINDOW sent as a window manager would."""
import ctypes
import os
import select
import shutil
import struct
import subprocess
import time


class Xvfb:
    """An Xvfb server on a free display number (it picks one and tells us via -displayfd)."""

    def __init__(self, size="1024x768x24"):
        for tool in ("Xvfb", "xdotool", "xwd"):
            if not shutil.which(tool):
                raise SystemExit(f"FAIL: {tool} is missing (scripts/deps installs xvfb, xdotool, x11-apps)")
        r, w = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", size, "-nolisten", "tcp"],
                                     pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        num = b""
        deadline = time.time() + 20
        while not num.endswith(b"\n"):
            if time.time() > deadline or not select.select([r], [], [], deadline - time.time())[0]:
                raise SystemExit("FAIL: Xvfb did not start")
            chunk = os.read(r, 16)
            if not chunk:
                raise SystemExit("FAIL: Xvfb exited")
            num += chunk
        os.close(r)
        self.display = ":" + num.decode().strip()
        self.env = dict(os.environ, DISPLAY=self.display)
        self.env.pop("WAYLAND_DISPLAY", None)

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)

    def xdotool(self, *args, check=True):
        r = subprocess.run(["xdotool", *map(str, args)], env=self.env, capture_output=True, text=True, timeout=20)
        if check and r.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(map(str, args))}: {r.stderr.strip()}")
        return r.stdout.strip()

    def find_window(self, name, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = subprocess.run(["xdotool", "search", "--name", name], env=self.env, capture_output=True, text=True)
            ids = r.stdout.split()
            if ids:
                return int(ids[0])
            time.sleep(0.1)
        return None

    def title(self, wid):
        return self.xdotool("getwindowname", wid)

    def geometry(self, wid):
        out = self.xdotool("getwindowgeometry", "--shell", wid)
        kv = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        return int(kv["WIDTH"]), int(kv["HEIGHT"])

    def screenshot(self, wid):
        """The window's pixels as (width, height, get(x, y) -> 0xRRGGBB)."""
        data = subprocess.run(["xwd", "-silent", "-id", str(wid)], env=self.env, capture_output=True,
                              check=True, timeout=20).stdout
        return parse_xwd(data)

    def wm_delete(self, wid):
        """What a window manager sends when the user clicks the close button."""
        x = ctypes.CDLL("libX11.so.6")
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]

        class ClientMessage(ctypes.Structure):
            _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                        ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                        ("format", ctypes.c_int), ("l", ctypes.c_long * 5), ("pad", ctypes.c_long * 16)]

        dpy = x.XOpenDisplay(self.display.encode())
        assert dpy, "cannot open the X display"
        ev = ClientMessage()
        ev.type = 33  # ClientMessage
        ev.window = wid
        ev.message_type = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        ev.format = 32
        ev.l[0] = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        ev.l[1] = 0  # CurrentTime
        x.XSendEvent(dpy, wid, 0, 0, ctypes.byref(ev))
        x.XFlush(dpy)
        x.XCloseDisplay(dpy)


def parse_xwd(data):
    """An XWD dump (X11 XWDFileHeader, version 7) of a 24/32-bit TrueColor window."""
    fields = struct.unpack(">25I", data[:100])
    (header_size, version, _fmt, depth, width, height, _xoff, byte_order, _unit, _bit_order, _pad, bpp,
     bytes_per_line, _vclass, red_mask, green_mask, blue_mask, _bits_rgb, _cmap_entries, ncolors) = fields[:20]
    assert version == 7, f"xwd version {version}"
    assert bpp == 32, f"xwd: {bpp} bits per pixel (want 32)"
    pixels = data[header_size + ncolors * 12:]
    assert len(pixels) >= bytes_per_line * height, "xwd: short pixel data"
    order = "<" if byte_order == 0 else ">"

    def shift(mask):
        return (mask & -mask).bit_length() - 1

    rs, gs, bs = shift(red_mask), shift(green_mask), shift(blue_mask)

    def get(x, y):
        (p,) = struct.unpack_from(order + "I", pixels, y * bytes_per_line + x * 4)
        return ((p & red_mask) >> rs) << 16 | ((p & green_mask) >> gs) << 8 | ((p & blue_mask) >> bs)

    return width, height, get
