"""docs/extending.md, run: each of its four one-file examples (docs/examples/*_conftest.py, which the
doc holds verbatim) drives a real pytest session of the plugin on a small task, and an extension
shipped through the ``pytest_hybridarena`` entry-point group is found (a real dist-info on the
path of a pytest subprocess, with xdist workers)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_hybridarena.router.backends.registry import builtin_backends
from pytest_hybridarena.router.server import RouterServer
from pytest_hybridarena.router.settings import RouterConfig
from tests.conftest import FakeUpstream, MakeTask
from tests.fakes.script import Reply
from tests.test_plugin import rows_of

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "extending.md"
KINDS = ("agent", "strategy", "backend", "sandbox")
SOLUTION = "def add(a, b):\n    return a + b\n"


def example(kind: str) -> str:
    return (ROOT / "docs" / "examples" / f"{kind}_conftest.py").read_text(encoding="utf-8")


def with_agent_plugin(pytester: pytest.Pytester) -> list[str]:
    """The agent example as a plugin module of its own (``-p``), beside a conftest under test."""
    pytester.makepyfile(ask_once_agent=example("agent"))
    pytester.syspathinsert()
    return ["-p", "ask_once_agent"]


def fake_tiers(fake: FakeUpstream) -> list[str]:
    return [
        f"--arena-local=openai:fake-small@{fake.base_url}",
        f"--arena-cloud=openai:fake-big@{fake.base_url}",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_doc_shows_each_example_file_verbatim(kind: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert f"```python\n{example(kind)}```\n" in doc, (
        f"docs/extending.md lost docs/examples/{kind}_conftest.py"
    )


def test_agent_example(pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream) -> None:
    make_task("add")
    pytester.makeconftest(example("agent"))
    fake_openai.recorder.default = Reply(text=f"Here it is:\n```python\n{SOLUTION}```\n")
    result = pytester.runpytest(
        "bench_tasks",
        "--arena-agents=ask-once@file=calc.py",
        "--arena-strategies=always-local",
        *fake_tiers(fake_openai),
    )
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert row["cell"]["agent"] == "ask-once@file=calc.py"
    assert row["outcome"] == "pass"
    assert row["versions"]["agent"] == "ask-once 1.0"
    assert (row["calls"]["local"], row["calls"]["cloud"]) == (1, 0)
    [request] = fake_openai.recorder.requests
    assert request["model"] == "fake-small"
    assert "Implement add." in request["messages"][0]["content"]
    [run_dir] = pytester.path.glob("reports/*/")
    transcript = json.loads((run_dir / row["artifacts"] / "ask-once.json").read_text())
    assert transcript["answer"].startswith("Here it is:")

    # Its check_params makes a bad parameter a usage error before any cell runs.
    result = pytester.runpytest("bench_tasks", "--arena-agents=ask-once@files=calc.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-agents: 'ask-once@files=calc.py': unknown parameter 'files'*"])


def test_strategy_example(pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream) -> None:
    make_task("add")
    pytester.makeconftest(example("strategy"))
    fake_openai.recorder.default = Reply(text=SOLUTION)
    result = pytester.runpytest(
        "bench_tasks",
        *with_agent_plugin(pytester),
        "--arena-agents=ask-once@file=calc.py",
        "--arena-strategies=by-length@chars=10,by-length@chars=100000",
        *fake_tiers(fake_openai),
    )
    result.assert_outcomes(passed=2)
    rows = {r["cell"]["strategy"]: r for r in rows_of(pytester)}
    short, long = rows["by-length@chars=10"], rows["by-length@chars=100000"]
    assert (short["calls"]["cloud"], short["calls"]["local"]) == (1, 0)
    assert (long["calls"]["cloud"], long["calls"]["local"]) == (0, 1)
    assert sorted(r["model"] for r in fake_openai.recorder.requests) == ["fake-big", "fake-small"]
    [run_dir] = pytester.path.glob("reports/*/")
    log_path, _, cell = short["decisions_ref"].partition("#cell=")
    decisions = [json.loads(line) for line in (run_dir / log_path).read_text().splitlines()]
    [decision] = [d for d in decisions if d.get("cell") == cell]
    assert decision["choice"] == "cloud"
    assert "against a limit of 10" in decision["reason"]


def test_backend_example(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.makeconftest(example("backend"))
    result = pytester.runpytest(
        "bench_tasks",
        *with_agent_plugin(pytester),
        "--arena-agents=ask-once@file=calc.py",
        "--arena-strategies=always-local",
        "--arena-local=echo:parrot",
        "--arena-cloud=echo:big",
    )
    result.assert_outcomes(failed=1)  # the model repeats the prompt: calc.py is no longer Python
    [row] = rows_of(pytester)
    assert row["outcome"] == "fail"
    assert row["models"] == {"local": "echo:parrot", "cloud": "echo:big"}
    assert (row["calls"]["local"], row["calls"]["cloud"]) == (1, 0)
    assert row["tokens"]["estimated"] is True
    [run_dir] = pytester.path.glob("reports/*/")
    transcript = json.loads((run_dir / row["artifacts"] / "ask-once.json").read_text())
    assert transcript["answer"] == transcript["prompt"]


def test_backend_example_streams_from_a_router_given_it_at_construction() -> None:
    echo = runpy.run_path(str(ROOT / "docs" / "examples" / "backend_conftest.py"))["EchoBackend"]
    config = RouterConfig(
        local="echo:parrot;prefix=>>", cloud="echo:big", backends={**builtin_backends(), "echo": echo}
    )
    with RouterServer(config) as server:
        cell = server.open_cell("k", "always-local")
        body = {"model": "arena", "messages": [{"role": "user", "content": "hi"}]}
        answer = httpx.post(cell.base_url + "/chat/completions", json=body, timeout=30).json()
        assert answer["choices"][0]["message"]["content"] == ">>hi"
        text = ""
        with httpx.stream(
            "POST", cell.base_url + "/chat/completions", json={**body, "stream": True}, timeout=30
        ) as r:
            for line in r.iter_lines():
                if line.startswith("data: {"):
                    for choice in json.loads(line[6:])["choices"]:
                        text += choice["delta"].get("content") or ""
        assert text == ">>hi"
        usage = server.close_cell(cell.id)
    assert usage["calls"]["local"] == 2
    # Nothing was registered process-wide: a router built without the table does not know "echo".
    with pytest.raises(ValueError, match="unknown scheme 'echo'"):
        RouterServer(RouterConfig(local="echo:parrot", cloud="echo:big")).start()


def test_sandbox_example(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.makeconftest(example("sandbox"))
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle,nop", "--arena-sandbox=audited")
    result.assert_outcomes(passed=1, failed=1)
    rows = {r["cell"]["agent"]: r for r in rows_of(pytester)}
    assert (rows["oracle"]["outcome"], rows["nop"]["outcome"]) == ("pass", "fail")
    for row in rows.values():
        assert row["sandbox"]["audited_by"] == "audited"
        assert row["sandbox"]["argv0"].startswith("python")


def test_unknown_names_list_what_extensions_added(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    for kind in KINDS:
        pytester.makepyfile(**{f"ext_{kind}": example(kind)})
    pytester.syspathinsert()
    plugins = [arg for kind in KINDS for arg in ("-p", f"ext_{kind}")]
    cases = {
        "--arena-agents=nope": "*unknown agent 'nope'; known agents: *ask-once*oracle*",
        "--arena-strategies=nope": "*unknown strategy 'nope'*; known strategies: *always-local*by-length*",
        "--arena-local=nope:x": "*--arena-local: *'nope:x' has unknown scheme 'nope'; known: *echo*openai*",
        "--arena-sandbox=vm": "*--arena-sandbox: 'vm' is not one of process, docker, audited*",
    }
    for arg, message in cases.items():
        result = pytester.runpytest("bench_tasks", *plugins, arg)
        assert result.ret == pytest.ExitCode.USAGE_ERROR, arg
        result.stderr.fnmatch_lines([message])


def test_a_conftest_replaces_a_bundled_entry_by_name(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.makeconftest(
        example("sandbox")
        + '\n\ndef pytest_arena_add_sandboxes(config):\n    return {"process": AuditedSandbox}\n'
    )
    result = pytester.runpytest("bench_tasks", "--arena-agents=oracle")
    result.assert_outcomes(passed=1)
    [row] = rows_of(pytester)
    assert row["sandbox"]["audited_by"] == "audited"


def test_a_bad_hook_result_is_a_usage_error(pytester: pytest.Pytester, make_task: MakeTask) -> None:
    make_task("add")
    pytester.makeconftest('def pytest_arena_add_backends(config):\n    return {"Bad:Scheme": object}\n')
    result = pytester.runpytest("bench_tasks")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pytest_arena_add_backends: backend scheme 'Bad:Scheme' must be*"])


def write_distribution(site: Path, module: str, text: str) -> None:
    """An installed distribution as importlib.metadata finds it: a module and its dist-info."""
    (site / f"{module}.py").write_text(text, encoding="utf-8")
    info = site / "arena_ext_demo-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: arena-ext-demo\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[pytest_hybridarena]\narena-ext-demo = {module}\n")


def test_an_entry_point_extension_is_found_on_every_worker(
    pytester: pytest.Pytester, make_task: MakeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_task("add")
    site = pytester.mkdir("site")
    write_distribution(site, "arena_ext_demo", example("sandbox"))
    args = ["bench_tasks", "--arena-agents=oracle", "--arena-seeds=1,2", "--arena-sandbox=audited"]
    # Without the distribution on the path, the name is unknown.
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--arena-sandbox: 'audited' is not one of process, docker"])
    monkeypatch.setenv("PYTHONPATH", str(site))
    result = pytester.runpytest_subprocess(*args, "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    rows: list[dict[str, Any]] = rows_of(pytester)
    assert all(str(row["worker"]).startswith("gw") for row in rows)  # scored on xdist workers
    assert all(row["sandbox"]["audited_by"] == "audited" for row in rows)
