import importlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


class Notes:
    """Drives the notes CLI against one database file.

    ``in_process=True`` calls ``notes.cli.main(argv)`` with stdout/stderr
    captured (fast); otherwise runs ``python -m notes`` in a subprocess.
    """

    def __init__(self, db, cwd, in_process=True):
        self.db = str(db)
        self.cwd = str(cwd)
        self.in_process = in_process
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env["PYTHONIOENCODING"] = "utf-8"
        self.env = env

    def run(self, *args, db=True):
        argv = (["--db", self.db] if db else []) + [str(a) for a in args]
        if self.in_process:
            return self._call_main(argv)
        # -S: the tool is stdlib-only; skipping site-packages keeps start-up fast
        proc = subprocess.run(
            [sys.executable, "-S", "-m", "notes", *argv], cwd=self.cwd, env=self.env,
            capture_output=True, encoding="utf-8", timeout=60,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def _call_main(self, argv):
        cli = importlib.import_module("notes.cli")
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
        saved = sys.stdout, sys.stderr
        saved_cwd = os.getcwd()
        sys.stdout, sys.stderr = out, err
        try:
            os.chdir(self.cwd)
            try:
                code = cli.main(argv)
            except SystemExit as exc:
                code = exc.code
            if code is None:
                code = 0
        finally:
            os.chdir(saved_cwd)
            sys.stdout, sys.stderr = saved
        texts = []
        for stream in (out, err):
            stream.flush()
            texts.append(stream.buffer.getvalue().decode("utf-8"))
        return Result(code, texts[0], texts[1])

    def ok(self, *args):
        proc = self.run(*args)
        assert proc.returncode == 0, (args, proc.returncode, proc.stdout, proc.stderr)
        return proc.stdout

    def lines(self, *args):
        return self.ok(*args).splitlines()

    def fail(self, *args, code=1):
        proc = self.run(*args)
        assert proc.returncode == code, (args, proc.returncode, proc.stdout, proc.stderr)
        assert proc.stdout == ""
        if code == 1:
            err = proc.stderr.rstrip("\n").split("\n")
            assert len(err) == 1 and err[0].startswith("error: "), proc.stderr
            return err[0]
        return proc.stderr


def copy_db(src, dst):
    """Copy a database file (and any WAL/journal side files) to ``dst``."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(str(src) + suffix)
        if part.exists():
            shutil.copyfile(part, str(dst) + suffix)


def _make(tmp_path, in_process):
    work = tmp_path / "cwd"
    work.mkdir()
    (tmp_path / "data").mkdir()
    return Notes(tmp_path / "data" / "notes.sqlite3", work, in_process=in_process)


@pytest.fixture
def notes(tmp_path):
    """In-process driver (``notes.cli.main``)."""
    return _make(tmp_path, True)


@pytest.fixture
def notes_proc(tmp_path):
    """Subprocess driver (``python -m notes``)."""
    return _make(tmp_path, False)
