#!/usr/bin/env python3
"""display/sdl_window under Xvfb: the real SDL window shows the frame (checked in an X
screenshot), follows mode changes, letterboxes when resized, types xdotool's keys into the
InputHub as Linux KEY_* codes, keeps its hotkeys (Ctrl+Alt+F, Ctrl+Alt+G) from the guest,
sends tablet (absolute) and grabbed relative pointer events, shows the status and the grab
hint in its title, costs ~nothing while idle, and ends the run when closed.

usage: window_test.py WINDOW_CHECK_BINARY"""
import os
import queue
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xtools import Xvfb  # noqa: E402

KEY_A, KEY_1, KEY_LEFTSHIFT, KEY_LEFTCTRL, KEY_LEFTALT, KEY_F, KEY_G, KEY_ENTER = 30, 2, 42, 29, 56, 33, 34, 28
BTN_LEFT, REL_X, REL_Y, ABS_X, ABS_Y = 0x110, 0, 1, 0, 1
RED, GREEN, BLUE, WHITE, BLACK = 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


class Probe:
    def __init__(self, binary, env):
        self.p = subprocess.Popen([binary], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.q.put(line.strip())
        self.q.put(None)

    def send(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.expect("OK " + cmd.split()[0])

    def ask(self, cmd, answer):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.expect(answer)

    def expect(self, want, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if line is None:
                return None
            if line == want or line.startswith(want + " "):
                return line
            if line.startswith("EV"):
                self.events.append(tuple(line.split()[1:]))
        return None

    events = []

    def drain(self, settle=0.4):
        """The input events that arrived, waiting until none has come for `settle` seconds."""
        got = []
        while True:
            try:
                line = self.q.get(timeout=settle)
            except queue.Empty:
                break
            if line is None:
                break
            if line.startswith("EV"):
                k, c, v = line.split()[1:]
                got.append((k, int(c), int(v)))
        got = [tuple([e[0], int(e[1]), int(e[2])]) for e in self.events] + got
        self.events = []
        return got


def until(fn, pred, timeout=5):
    """fn() until pred(its value) holds or timeout; the last value (a loaded machine is slow)."""
    deadline = time.time() + timeout
    while True:
        v = fn()
        if pred(v) or time.time() > deadline:
            return v
        time.sleep(0.1)


def keys_of(events):
    return [(c, v) for k, c, v in events if k == "KEY"]


def near(a, b, tol=3):
    return all(abs(((a >> s) & 255) - ((b >> s) & 255)) <= tol for s in (0, 8, 16))


def main():
    binary = sys.argv[1]
    x = Xvfb()
    probe = Probe(binary, x.env)
    try:
        check(probe.expect("READY") is not None, "the window opens on Xvfb")
        wid = x.find_window("Tessera - testboard")
        check(wid is not None, "a window titled 'Tessera - testboard ...'")
        if wid is None:
            return
        check(x.title(wid) == "Tessera - testboard - running", f"title: {x.title(wid)!r}")
        check(x.geometry(wid) == (320, 240), f"opens at the guest's resolution 320x240: {x.geometry(wid)}")

        w, h, px = until(lambda: x.screenshot(wid), lambda r: near(r[2](80, 60), RED))
        check((w, h) == (320, 240), f"screenshot is 320x240: {w}x{h}")
        for (sx, sy), want in [((80, 60), RED), ((240, 60), GREEN), ((80, 180), BLUE), ((240, 180), WHITE),
                               ((0, 0), RED), ((319, 239), WHITE)]:
            check(near(px(sx, sy), want), f"pixel ({sx},{sy}) is {want:06x}: {px(sx, sy):06x}")

        # An update of a small rectangle: just that part changes on the screen.
        probe.send("fill 10 10 20 20 00ffff")
        w, h, px = until(lambda: x.screenshot(wid), lambda r: near(r[2](20, 20), 0x00FFFF))
        check(near(px(20, 20), 0x00FFFF) and near(px(10, 10), 0x00FFFF) and near(px(29, 29), 0x00FFFF),
              f"the updated rectangle shows: {px(20, 20):06x}")
        check(near(px(9, 9), RED) and near(px(30, 30), RED) and near(px(240, 60), GREEN), "and nothing else changed")

        # A mode change: the window follows it.
        probe.send("mode 200 100")
        until(lambda: x.geometry(wid), lambda g: g == (200, 100))
        check(x.geometry(wid) == (200, 100), f"follows the mode change to 200x100: {x.geometry(wid)}")
        w, h, px = until(lambda: x.screenshot(wid), lambda r: near(r[2](50, 25), RED) and near(r[2](150, 75), WHITE))
        check(near(px(50, 25), RED) and near(px(150, 75), WHITE), "the new mode's pattern is shown")

        # The user resizes: the 2:1 frame is letterboxed in 400x400 (bars above and below).
        x.xdotool("windowsize", wid, 400, 400)
        w, h, px = until(lambda: x.screenshot(wid), lambda r: r[:2] == (400, 400) and near(r[2](100, 150), RED))
        check((w, h) == (400, 400), f"resized to 400x400: {w}x{h}")
        check(near(px(200, 50), BLACK) and near(px(200, 350), BLACK), "black bars above and below the frame")
        check(near(px(100, 150), RED) and near(px(300, 150), GREEN) and near(px(100, 250), BLUE)
              and near(px(300, 250), WHITE), "the frame scaled to 400x200 in the middle, aspect kept")

        # Keyboard: focus the window, type.
        x.xdotool("windowfocus", "--sync", wid)
        time.sleep(0.2)
        probe.drain(0.2)
        x.xdotool("key", "a")
        ev = probe.drain()
        check(keys_of(ev) == [(KEY_A, 1), (KEY_A, 0)], f"'a' is KEY_A pressed and released: {ev}")
        check(ev and ev[1][0] == "SYN", "each key report ends with a sync")
        x.xdotool("key", "shift+1")
        ev = keys_of(probe.drain())
        # (xdotool itself may lift Shift before the 1)
        check(ev[:2] == [(KEY_LEFTSHIFT, 1), (KEY_1, 1)] and sorted(ev[2:]) == [(KEY_1, 0), (KEY_LEFTSHIFT, 0)],
              f"shift+1: {ev}")
        x.xdotool("key", "Return")
        check(keys_of(probe.drain()) == [(KEY_ENTER, 1), (KEY_ENTER, 0)], "Return is KEY_ENTER")

        # Hotkeys: the grab toggles (title hint), F/G never reach the guest.
        x.xdotool("key", "ctrl+alt+g")
        ev = keys_of(probe.drain())
        until(lambda: x.title(wid), lambda t: "grab" in t)
        check("Press Ctrl+Alt+G to release grab" in x.title(wid), f"grabbed: title {x.title(wid)!r}")
        check(all(c != KEY_G for c, _ in ev), f"Ctrl+Alt+G does not reach the guest: {ev}")
        check((KEY_LEFTCTRL, 1) in ev and (KEY_LEFTALT, 1) in ev, "the modifiers themselves do")
        x.xdotool("key", "a")
        check(keys_of(probe.drain()) == [(KEY_A, 1), (KEY_A, 0)], "keys still reach the guest while grabbed")
        x.xdotool("key", "ctrl+alt+g")
        ev = keys_of(probe.drain())
        until(lambda: x.title(wid), lambda t: "grab" not in t)
        check("grab" not in x.title(wid), f"released: title {x.title(wid)!r}")
        check(all(c != KEY_G for c, _ in ev), "the release hotkey does not reach the guest either")

        x.xdotool("key", "ctrl+alt+f")
        ev = keys_of(probe.drain())
        check(all(c != KEY_F for c, _ in ev), f"Ctrl+Alt+F does not reach the guest: {ev}")
        # Xvfb has no window manager to carry out a full-screen request: ask the window what it
        # asked SDL for.
        state = until(lambda: probe.ask("state", "STATE"), lambda v: v == "STATE fullscreen=1 grabbed=0")
        check(state == "STATE fullscreen=1 grabbed=0", f"Ctrl+Alt+F went full screen: {state}")
        x.xdotool("key", "ctrl+alt+f")
        probe.drain()
        state = until(lambda: probe.ask("state", "STATE"), lambda v: v == "STATE fullscreen=0 grabbed=0")
        check(state == "STATE fullscreen=0 grabbed=0", f"and back: {state}")
        until(lambda: x.geometry(wid), lambda g: g == (200, 100))
        check(x.geometry(wid) == (200, 100), f"back from full screen at the guest's size: {x.geometry(wid)}")

        # Status in the title (the Machine sets it when a debugger holds the guest).
        probe.send("status paused (debugger)")
        until(lambda: x.title(wid), lambda t: "paused" in t)
        check(x.title(wid) == "Tessera - testboard - paused (debugger)", f"status in the title: {x.title(wid)!r}")
        probe.send("status running")

        # A tablet listens: absolute coordinates through the letterbox, no grab needed.
        x.xdotool("windowsize", wid, 400, 400)
        until(lambda: x.geometry(wid), lambda g: g == (400, 400))
        time.sleep(0.2)  # SDL hears of the new size
        probe.send("tablet on")
        probe.drain(0.2)
        x.xdotool("mousemove", "--window", wid, 300, 250)
        ev = probe.drain()
        absx = [v for k, c, v in ev if k == "ABS" and c == ABS_X]
        absy = [v for k, c, v in ev if k == "ABS" and c == ABS_Y]
        check(absx and abs(absx[-1] - 300 * 32767 // 399) <= 1, f"ABS_X of x=300 in 400 wide: {absx}")
        check(absy and abs(absy[-1] - (250 - 100) * 32767 // 199) <= 1, f"ABS_Y of y=250 in the 200-high frame at 100: {absy}")
        x.xdotool("click", 1)
        ev = probe.drain()
        btn = [(c, v) for k, c, v in ev if k == "BTN"]
        check(btn == [(BTN_LEFT, 1), (BTN_LEFT, 0)], f"a click is BTN_LEFT down and up: {ev}")
        check("grab" not in x.title(wid), "a tablet click does not grab")
        x.xdotool("mousemove", "--window", wid, 200, 20)  # on the bar: clamped to the top edge
        ev = probe.drain()
        absy = [v for k, c, v in ev if k == "ABS" and c == ABS_Y]
        check(absy and absy[-1] == 0, f"a pointer on the bar is clamped to the frame's edge: {absy}")
        # The guest's cursor: an overlay scaled with the frame (x2 here, the frame at y=100).
        probe.send("cursor 10 10")
        w, h, px = until(lambda: x.screenshot(wid), lambda r: near(r[2](30, 130), 0xFF00FF))
        check(near(px(30, 130), 0xFF00FF) and near(px(21, 121), 0xFF00FF) and near(px(55, 155), RED), f"the guest cursor is drawn at (10,10), scaled: {px(30, 130):06x}")

        # No tablet: a click grabs (and is not passed on), then motion is relative.
        probe.send("tablet off")
        probe.drain(0.2)
        x.xdotool("click", 1)
        ev = probe.drain()
        until(lambda: x.title(wid), lambda t: "grab" in t)
        check("Press Ctrl+Alt+G to release grab" in x.title(wid), f"a click grabs the pointer: {x.title(wid)!r}")
        check(not [e for e in ev if e[0] == "BTN"], f"the grabbing click is not the guest's: {ev}")
        x.xdotool("mousemove_relative", "--", 15, 7)
        ev = probe.drain()
        relx = sum(v for k, c, v in ev if k == "REL" and c == REL_X)
        rely = sum(v for k, c, v in ev if k == "REL" and c == REL_Y)
        check(relx > 0 and rely > 0, f"grabbed motion is relative: REL_X {relx}, REL_Y {rely}")
        x.xdotool("click", 1)
        btn = [(c, v) for k, c, v in probe.drain() if k == "BTN"]
        check(btn == [(BTN_LEFT, 1), (BTN_LEFT, 0)], f"grabbed clicks reach the guest: {btn}")
        x.xdotool("key", "ctrl+alt+g")
        probe.drain()

        # Idle: nothing changes, the window thread sleeps.
        tid_line = probe.ask("tid", "TID")
        tid = int(tid_line.split()[1])
        stat = f"/proc/{probe.p.pid}/task/{tid}/stat"

        def ticks(path):
            with open(path) as f:
                parts = f.read().rsplit(")", 1)[1].split()
            return int(parts[11]) + int(parts[12])  # utime, stime

        hz = os.sysconf("SC_CLK_TCK")
        t0, p0, wall0 = ticks(stat), ticks(f"/proc/{probe.p.pid}/stat"), time.time()
        time.sleep(4)
        t1, p1, wall1 = ticks(stat), ticks(f"/proc/{probe.p.pid}/stat"), time.time()
        thread_cpu = (t1 - t0) / hz / (wall1 - wall0)
        proc_cpu = (p1 - p0) / hz / (wall1 - wall0)
        print(f"idle: window thread {thread_cpu * 100:.2f}% of a core, whole process {proc_cpu * 100:.2f}%")
        check(thread_cpu < 0.05, f"the idle window thread uses < 5% of a core ({thread_cpu * 100:.2f}%)")
        check(proc_cpu < 0.05, f"the idle process uses < 5% of a core ({proc_cpu * 100:.2f}%)")

        # Closing the window (WM_DELETE_WINDOW, as a window manager sends it) ends the run.
        x.wm_delete(wid)
        check(probe.expect("CLOSED") is not None, "closing the window reaches the program")
        check(probe.expect("EXIT") is not None, "and the run ends")
        check(probe.p.wait(10) == 0, "with status 0")
        time.sleep(0.3)
        check(x.find_window("Tessera - testboard", timeout=1) is None, "the window is gone")
    finally:
        if probe.p.poll() is None:
            probe.p.kill()
        x.close()


main()
print("FAILED: " + "; ".join(failures) if failures else "all window checks passed")
sys.exit(1 if failures else 0)
