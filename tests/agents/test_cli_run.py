"""The shared runner of external agent CLIs: scrubbed environment, private HOME, process-group kill."""

from __future__ import annotations

import os
import select
import sys
from pathlib import Path

import pytest

from pytest_hybridarena.agents import cli_run
from pytest_hybridarena.agents.cli_run import agent_env, cli_version, run_cli, tail


def test_the_environment_keeps_no_keys_and_a_private_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AIDER_MODEL", "LITELLM_LOG", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "from-the-user")
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = agent_env(tmp_path, {"EXTRA": "1"})
    assert "from-the-user" not in env.values()
    assert env["LANG"] == "C.UTF-8"
    assert env["EXTRA"] == "1"
    assert env["PATH"]
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert Path(env[var]).parent == tmp_path
        assert Path(env[var]).is_dir()
    assert "127.0.0.1" in env["NO_PROXY"]


def test_the_deadline_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = "import subprocess, sys, time\np = subprocess.Popen(['sleep', '300'])\n"
    script += (
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\nprint('started', flush=True)\ntime.sleep(300)\n"
    )
    done = run_cli(
        [sys.executable, "-c", script], tmp_path, agent_env(tmp_path / "p"), 3, tmp_path / "out.log"
    )
    assert done.timed_out
    assert done.exit_code is None
    assert "started" in done.output
    assert "killed the process group" in (tmp_path / "out.log").read_text()
    child = int(pid_file.read_text())
    try:
        fd = os.pidfd_open(child)
    except ProcessLookupError:
        return  # already reaped
    try:  # readable once the process has ended (a zombie awaiting its reaper counts)
        assert select.select([fd], [], [], 30)[0] == [fd]
    finally:
        os.close(fd)


def test_a_normal_exit_reports_its_code_and_output(tmp_path: Path) -> None:
    done = run_cli(
        [sys.executable, "-c", "print('hi'); raise SystemExit(3)"],
        tmp_path,
        agent_env(tmp_path),
        60,
        tmp_path / "o",
    )
    assert (done.exit_code, done.timed_out, done.output.strip()) == (3, False, "hi")


def test_tail_keeps_the_last_non_empty_lines() -> None:
    assert tail("a\n\nb\nc\n\n", 2) == "b\nc"


def test_the_version_is_asked_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_run, "_VERSIONS", {})
    counter = tmp_path / "n"
    argv = [sys.executable, "-c", f"open({str(counter)!r}, 'a').write('x'); print('tool 1.2.3')"]
    assert cli_version(argv, agent_env(tmp_path)) == "1.2.3"
    assert cli_version(argv, agent_env(tmp_path)) == "1.2.3"
    assert counter.read_text() == "x"
    assert cli_version([sys.executable, "-c", "raise SystemExit(1)"], agent_env(tmp_path)) is None
