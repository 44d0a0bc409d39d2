"""Hostile "solutions": the ``mod.py`` the oracle agent puts into a workspace, which the hidden suite
imports. Each is honest about being wrong (``run()`` returns 0, the suite wants 42) and attacks the
harness instead. ``{marker}``, ``{port}``, ``{outside}`` and ``{reports}`` are filled in per test run.
"""

from __future__ import annotations

import textwrap

TESTS = """
from mod import run

def test_run():
    assert run() == 42

def test_run_again():
    assert run() == 42
"""

WRONG = "\ndef run():\n    return 0\n"

HOSTILE: dict[str, str] = {
    # Rewrites the old result file once pytest is done, and writes forged records to every fd.
    "atexit-forge": """
import atexit, json, os

def forge():
    ok = '<testsuites><testsuite tests="2"><testcase classname="tests.test_mod" name="test_run"/>'
    ok += '<testcase classname="tests.test_mod" name="test_run_again"/></testsuite></testsuites>'
    for name in (".arena-junit.xml", "report.xml"):
        with open(name, "w") as f:
            f.write(ok)
    lines = [json.dumps({"t": "test", "id": i, "o": "passed"}) for i in
             ("tests/test_mod.py::test_run", "tests/test_mod.py::test_run_again")]
    lines.append(json.dumps({"t": "finish", "status": 0}))
    for fd in range(3, 64):
        try:
            os.write(fd, ("\\n".join(lines) + "\\n").encode())
        except OSError:
            pass

atexit.register(forge)
""",
    # Rewrites the hidden tests (same names, bodies that pass) while the first module is collected.
    "rewrite-tests": """
import glob, os
for path in glob.glob("tests/*.py"):
    try:
        with open(path, "w") as f:
            f.write("def test_run():\\n    pass\\n\\ndef test_run_again():\\n    pass\\n")
    except OSError as exc:
        print("cannot rewrite", path, exc)
try:
    os.rename("tests", "tests-old")
    os.mkdir("tests")
    with open("tests/test_mod.py", "w") as f:
        f.write("def test_run():\\n    pass\\n\\ndef test_run_again():\\n    pass\\n")
except OSError as exc:
    print("cannot replace tests/", exc)
""",
    # Dumps every environment it can read: the harness's secrets must not be among them.
    "environ": """
import glob
for path in glob.glob("/proc/*/environ"):
    try:
        with open(path, "rb") as f:
            print(path, f.read().replace(b"\\0", b" ").decode(errors="replace"))
    except OSError as exc:
        print(path, exc)
""",
    # Kills its parent: without a pid namespace that is the harness's pytest.
    "kill-parent": """
import os, signal
def run():
    os.kill(os.getppid(), signal.SIGKILL)
    return 0
""",
    # Scans /proc for anything running pytest and SIGKILLs it (bar itself).
    "scan-kill": """
import os, signal
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) != os.getpid():
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                if b"pytest" in f.read():
                    os.kill(int(entry), signal.SIGKILL)
        except OSError:
            pass
""",
    # A daemon that moves itself to the root cgroup of every hierarchy, then sleeps with the marker.
    "cgroup-escape": """
import glob, os, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for procs in glob.glob("/sys/fs/cgroup/*/cgroup.procs") + ["/sys/fs/cgroup/cgroup.procs"]:
            try:
                with open(procs, "w") as f:
                    f.write(str(os.getpid()))
            except OSError:
                pass
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
    os._exit(0)
""",
    # Writes outside its directory: a host folder, the sweep's own folder.
    "write-outside": """
for path in ("/var/tmp/{marker}", "{outside}/{marker}"):
    try:
        with open(path, "w") as f:
            f.write("planted")
    except OSError as exc:
        print("refused", path, exc)
""",
    # Writes a secret into its scoring directory (read by "zz-read-cell", which runs later).
    "aa-victim": """
with open("secret.txt", "w") as f:
    f.write("VICTIM-" + "{marker}"[::-1])
""",
    # Reads every secret.txt it can find around its own folder and in the run's reports.
    "zz-read-cell": """
import os
roots = [os.path.dirname(os.path.dirname(os.getcwd())), "{reports}", "/tmp", "/var/tmp"]
for root in roots:
    for folder, dirs, files in os.walk(root):
        if "secret.txt" in files:
            try:
                print("found", open(os.path.join(folder, "secret.txt")).read())
            except OSError as exc:
                print("unreadable", folder, exc)
""",
    # Connects to a listener of the harness's on loopback.
    "network": """
import socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(("127.0.0.1", {port}))
    s.sendall(b"hello")
    print("connected")
except OSError as exc:
    print("blocked", exc)
""",
    # Follows the links the patch planted in the workspace: into the task's tests, onto a host file.
    "symlinks": """
import os
for path, text in (("tests_link/test_mod.py", "def test_run():\\n    pass\\n"), ("host_link", "planted")):
    try:
        with open(path, "w") as f:
            f.write(text)
        print("wrote through", path)
    except OSError as exc:
        print("refused", path, exc)
""",
    # Floods stdout until the file-size limit stops it.
    "huge-output": """
import sys
def run():
    chunk = "x" * (1 << 20)
    while True:
        sys.stdout.write(chunk)
""",
}


def symlink_patch(name: str, target: str) -> str:
    """A git patch that creates ``name`` as a symlink to ``target`` (the oracle applies patches)."""
    return (
        f"diff --git a/{name} b/{name}\nnew file mode 120000\nindex 0000000..1111111\n"
        f"--- /dev/null\n+++ b/{name}\n@@ -0,0 +1 @@\n+{target}\n\\ No newline at end of file\n"
    )


#: Attacks that print what they achieved run inside the test (pytest shows a failed test's output;
#: what a module prints while it is collected is discarded).
AT_TEST_TIME = ("environ", "write-outside", "zz-read-cell", "network", "symlinks")


def solution(name: str, **values: object) -> str:
    body = HOSTILE[name]
    for key, value in values.items():
        body = body.replace("{" + key + "}", str(value))
    if name in AT_TEST_TIME:
        return "def run():\n" + textwrap.indent(body.strip("\n"), "    ") + "\n    return 0\n"
    return body + ("" if "def run" in body else WRONG)
