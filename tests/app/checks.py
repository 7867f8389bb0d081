"""One line per check, and the exit status of the script: shared by the tests in tests/app."""
import sys

failed = 0


def check(name, ok, detail=""):
    global failed
    failed += not ok
    print(("ok   " if ok else "FAIL ") + name + (": " + detail if detail else ""), flush=True)


def finish():
    print("passed" if not failed else f"{failed} failed")
    sys.exit(1 if failed else 0)
