"""The builtin agent end to end against the OpenAI fake (``tests/fakes/openai_fake.py``) on loopback,
plus its parameters. Visible tests and compile checks run as real subprocesses."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from pytest_hybridarena.agents.base import AgentEndpoint, AgentRequest
from pytest_hybridarena.agents.builtin import (
    SINGLE_SHOT_PROMPT,
    BuiltinAgent,
    Options,
    parse_options,
    system_prompt,
    task_file,
)
from tests.agents.conftest import FakeOpenAI
from tests.fakes.script import Reply

FENCE = "```"
STUB = 'def add(a, b):\n    """Return a + b."""\n    raise NotImplementedError\n'
VISIBLE_TEST = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
WRONG = f"calc.py\n{FENCE}python\ndef add(a, b):\n    return a - b\n{FENCE}\n"
FIX = (
    f"calc.py\n{FENCE}python\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n"
    f">>>>>>> REPLACE\n{FENCE}\n"
)

MakeRequest = Callable[..., AgentRequest]


@pytest.fixture
def make_request(tmp_path: Path, fake_openai: FakeOpenAI) -> MakeRequest:
    def make(
        files: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        timeout_s: float = 120.0,
        seed: int = 42,
    ) -> AgentRequest:
        workspace = tmp_path / "workspace"
        for rel, text in (files if files is not None else {"calc.py": STUB}).items():
            (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
            (workspace / rel).write_text(text, encoding="utf-8")
        endpoint = AgentEndpoint(fake_openai.base_url, "http://unused", model="arena-cell", api_key="k-123")
        return AgentRequest(
            workspace=workspace,
            instruction="Implement add in calc.py.",
            endpoint=endpoint,
            timeout_s=timeout_s,
            seed=seed,
            log_dir=tmp_path / "log",
            params=params or {},
        )

    return make


def last_user(body: dict[str, Any]) -> str:
    return str(next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user"))


def test_single_shot_applies_the_edit_and_writes_a_transcript(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    fake_openai.recorder.queue.append(Reply(text="Adding.\n\n" + WRONG.replace("a - b", "a + b")))
    request = make_request()
    result = BuiltinAgent().run(request)
    assert (result.status, result.error, result.version) == ("ok", None, "builtin-3")
    assert (request.workspace / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"
    (body,) = fake_openai.recorder.requests
    assert body["messages"][0] == {"role": "system", "content": system_prompt("calc.py", False, False)}
    user = last_user(body)
    assert "[file: calc.py]\ndef add(a, b):" in user  # the workspace is shown, not in the answer's shape
    assert "```" not in user.split("Task:")[0]
    assert user.index("[file: calc.py]") < user.index("Implement add in calc.py.")  # the task comes last
    assert user.rstrip().endswith(
        "Reply with calc.py on a line of its own, then a ```python code block with the new code."
    )
    assert result.transcript_path == request.log_dir / "builtin.md"
    transcript = result.transcript_path.read_text()
    assert "Adding." in transcript
    assert "- applied: calc.py (reply line 4) — whole file" in transcript


def test_seed_temperature_and_limits_are_sent(make_request: MakeRequest, fake_openai: FakeOpenAI) -> None:
    request = make_request(params={"temperature": "0.7", "max_tokens": "64"}, seed=7)
    assert BuiltinAgent().run(request).status == "ok"
    (body,) = fake_openai.recorder.requests
    assert {k: body[k] for k in ("model", "seed", "temperature", "max_tokens")} == {
        "model": "arena-cell",
        "seed": 7,
        "temperature": 0.7,
        "max_tokens": 64,
    }
    assert fake_openai.recorder.headers[0]["Authorization"] == "Bearer k-123"


def test_default_temperature_is_sent(make_request: MakeRequest, fake_openai: FakeOpenAI) -> None:
    BuiltinAgent().run(make_request())
    (body,) = fake_openai.recorder.requests
    assert (body["temperature"], body["max_tokens"]) == (0.2, 768)  # a short file: the smallest budget


def test_the_reply_budget_grows_with_the_workspace_up_to_2048(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    big = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(300))
    BuiltinAgent().run(make_request({"calc.py": STUB, "big.py": big}))
    (body,) = fake_openai.recorder.requests
    assert body["max_tokens"] == 2048


def test_the_system_prompt_names_a_real_file_and_holds_no_template_text() -> None:
    prompt = system_prompt("pkg/shapes.py", True, True)
    assert "pkg/shapes.py\n```python\ndef double(x):" in prompt
    assert "path/to" not in prompt
    assert "<the" not in prompt
    assert "<lines" not in prompt
    assert "<<<<<<< SEARCH" in prompt
    assert "shown only in part" in prompt
    assert "SEARCH" not in system_prompt("calc.py", False, False)


def test_second_round_gets_the_visible_test_failure_and_fixes_it(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    fake_openai.recorder.queue += [Reply(text=WRONG), Reply(text=FIX)]
    request = make_request({"calc.py": STUB, "tests/test_calc.py": VISIBLE_TEST}, {"rounds": "2"})
    result = BuiltinAgent().run(request)
    assert result.status == "ok"
    _, second = fake_openai.recorder.requests
    feedback = last_user(second)
    assert "FAILED tests/test_calc.py::test_add" in feedback
    assert "assert -1 == 3" in feedback
    assert "[file: calc.py]\ndef add(a, b):\n    return a - b\n[end of file: calc.py]" in feedback  # now
    assert second["messages"][2] == {"role": "assistant", "content": WRONG}
    assert (request.workspace / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"


def test_rounds_stop_early_when_the_checks_pass(make_request: MakeRequest, fake_openai: FakeOpenAI) -> None:
    fake_openai.recorder.queue.append(Reply(text=WRONG.replace("a - b", "a + b")))
    request = make_request({"calc.py": STUB, "tests/test_calc.py": VISIBLE_TEST}, {"rounds": "3"})
    assert BuiltinAgent().run(request).status == "ok"
    assert len(fake_openai.recorder.requests) == 1
    assert "### checks (passed)" in (request.log_dir / "builtin.md").read_text()


def test_a_block_that_is_not_python_is_refused_and_its_syntax_error_fed_back(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    broken = f"calc.py\n{FENCE}python\ndef add(a, b)\n    return a + b\n{FENCE}\n"
    fake_openai.recorder.queue += [Reply(text=broken), Reply(text=WRONG.replace("a - b", "a + b"))]
    request = make_request(params={"rounds": "2"})
    assert BuiltinAgent().run(request).status == "ok"
    feedback = last_user(fake_openai.recorder.requests[1])
    assert "the block for calc.py is not valid Python: SyntaxError" in feedback
    assert (request.workspace / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"  # round 2


def test_without_visible_tests_an_import_time_error_is_fed_back(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    failing = (
        f"calc.py\n{FENCE}python\nimport sys\n\nsys.exit(3)\n\n\ndef add(a, b):\n    return a + b\n{FENCE}\n"
    )
    fake_openai.recorder.queue += [Reply(text=failing), Reply(text="done")]
    BuiltinAgent().run(make_request({"calc.py": "import sys\n\nsys.exit(0)\n\n\n" + STUB}, {"rounds": "2"}))
    feedback = last_user(fake_openai.recorder.requests[1])
    assert "$ python -m py_compile calc.py" in feedback
    assert "$ import calc" in feedback
    assert "(exit 3)" in feedback


def test_import_errors_of_changed_modules_are_fed_back(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    bad_import = f"calc.py\n{FENCE}python\nimport no_such_module_xyz\n{FENCE}\n"
    fake_openai.recorder.queue += [Reply(text=bad_import), Reply(text="I give up.")]
    BuiltinAgent().run(make_request(params={"rounds": "2"}))
    feedback = last_user(fake_openai.recorder.requests[1])
    assert "$ import calc" in feedback
    assert "ModuleNotFoundError: No module named 'no_such_module_xyz'" in feedback


def test_rejected_edits_are_reported_in_the_next_round(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    miss = f"calc.py\n{FENCE}\n<<<<<<< SEARCH\nreturn 42\n=======\nreturn 43\n>>>>>>> REPLACE\n{FENCE}\n"
    fake_openai.recorder.queue += [Reply(text=miss), Reply(text="ok")]
    BuiltinAgent().run(make_request(params={"rounds": "2"}))
    feedback = last_user(fake_openai.recorder.requests[1])
    assert "NOT applied: calc.py (reply line 3) — SEARCH text not found in calc.py" in feedback


def test_http_500_is_an_error_and_keeps_the_edits_so_far(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    fake_openai.recorder.queue += [Reply(text=WRONG), Reply(status=500)]
    request = make_request({"calc.py": STUB, "tests/test_calc.py": VISIBLE_TEST}, {"rounds": "2"})
    result = BuiltinAgent().run(request)
    assert result.status == "error"
    assert result.error is not None
    assert "HTTP 500" in result.error
    assert "fake status 500" in result.error
    assert (request.workspace / "calc.py").read_text() == "def add(a, b):\n    return a - b\n"
    assert "## Result: error" in (request.log_dir / "builtin.md").read_text()


def test_connection_failure_is_an_error(make_request: MakeRequest, fake_openai: FakeOpenAI) -> None:
    fake_openai.recorder.queue.append(Reply(fault="drop"))
    result = BuiltinAgent().run(make_request())
    assert result.status == "error"
    assert result.error is not None
    assert result.error.startswith("builtin: ")


def test_a_hung_endpoint_ends_in_timeout(make_request: MakeRequest, fake_openai: FakeOpenAI) -> None:
    fake_openai.recorder.queue.append(Reply(fault="hang"))
    result = BuiltinAgent().run(make_request(timeout_s=0.5))
    assert result.status == "timeout"
    assert result.transcript_path is not None


class FakeClock:
    """Monotonic time that moves only when the fake server is asked something."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_budget_used_up_during_a_round_stops_before_the_next(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    clock = FakeClock()
    take = fake_openai.recorder.take

    async def slow_take(request: web.Request) -> tuple[dict[str, Any], Reply]:
        clock.now += 100.0
        return await take(request)

    fake_openai.recorder.take = slow_take  # type: ignore[method-assign]
    fake_openai.recorder.queue += [Reply(text=WRONG), Reply(text=FIX)]
    request = make_request(params={"rounds": "2"}, timeout_s=60.0)
    result = BuiltinAgent(clock=clock).run(request)
    assert result.status == "timeout"
    assert len(fake_openai.recorder.requests) == 1
    assert (request.workspace / "calc.py").read_text() == "def add(a, b):\n    return a - b\n"


def test_unknown_parameter_is_an_error_naming_the_known_ones(make_request: MakeRequest) -> None:
    result = BuiltinAgent().run(make_request(params={"x": "1"}))
    assert result.status == "error"
    assert (
        result.error
        == "builtin: unknown parameter 'x'; known: rounds, temperature, max_tokens, context_chars"
    )


@pytest.mark.parametrize(
    "params", [{"rounds": "two"}, {"rounds": "0"}, {"temperature": "hot"}, {"context_chars": "10"}]
)
def test_malformed_parameter_is_an_error(params: dict[str, str], make_request: MakeRequest) -> None:
    (key, value), agent = next(iter(params.items())), BuiltinAgent()
    result = agent.run(make_request(params=params))
    assert result.status == "error"
    assert result.error is not None
    assert f"parameter {key!r} must be" in result.error
    assert repr(value) in result.error


def test_parameters_are_parsed_from_strings() -> None:
    options = parse_options({"rounds": "3", "temperature": "0", "max_tokens": "512", "context_chars": "8000"})
    assert options == Options(rounds=3, temperature=0.0, max_tokens=512, context_chars=8000)


def test_no_endpoint_is_an_error(make_request: MakeRequest) -> None:
    request = make_request()
    result = BuiltinAgent().run(
        AgentRequest(request.workspace, request.instruction, None, 10.0, 1, request.log_dir, {})
    )
    assert (result.status, result.error) == ("error", "builtin needs an LLM endpoint (the cell has none)")


def test_agent_contract() -> None:
    agent = BuiltinAgent()
    assert (agent.name, agent.uses_llm, agent.available()) == ("builtin", True, (True, ""))


def test_every_round_leaves_a_snapshot_of_the_changed_files(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    fake_openai.recorder.queue += [Reply(text=WRONG), Reply(text=FIX)]
    request = make_request({"calc.py": STUB, "tests/test_calc.py": VISIBLE_TEST}, {"rounds": "3"})
    result = BuiltinAgent().run(request)
    assert result.status == "ok"
    assert result.round_snapshots == (
        {"calc.py": b"def add(a, b):\n    return a - b\n"},
        {"calc.py": b"def add(a, b):\n    return a + b\n"},
    )  # round 2's checks passed: no third round, no third snapshot


def test_a_round_that_changes_nothing_repeats_the_previous_snapshot(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    fake_openai.recorder.queue += [Reply(text=WRONG), Reply(text="I cannot fix it.")]
    result = BuiltinAgent().run(
        make_request({"calc.py": STUB, "tests/test_calc.py": VISIBLE_TEST}, {"rounds": "2"})
    )
    first, second = result.round_snapshots
    assert first == second == {"calc.py": b"def add(a, b):\n    return a - b\n"}


def test_an_http_error_keeps_the_snapshots_of_the_finished_rounds(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    fake_openai.recorder.queue += [Reply(text=WRONG), Reply(status=500)]
    result = BuiltinAgent().run(
        make_request({"calc.py": STUB, "tests/test_calc.py": VISIBLE_TEST}, {"rounds": "2"})
    )
    assert result.status == "error"
    assert len(result.round_snapshots) == 1


PROGRAM = "import sys\n\nprint(int(sys.argv[1]) * 2)\n"


def single_shot(request: AgentRequest, artifact: str = "bin/double.py") -> AgentRequest:
    return dataclasses.replace(
        request, mode="single-shot", artifact=artifact, instruction=f"Write {artifact}: print 2*N."
    )


def test_single_shot_makes_exactly_one_call_and_writes_the_artifact(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    usage = f"{FENCE}bash\npython bin/double.py 4 && python bin/double.py 5 && echo done\n{FENCE}\n"
    reply = f"Here it is:\n\n{FENCE}python\n{PROGRAM}{FENCE}\n\nRun it:\n\n{usage}"
    fake_openai.recorder.queue += [Reply(text=reply), Reply(text="a second call must not happen")]
    request = single_shot(make_request({"README.md": "# double\n"}, {"rounds": "3"}))
    result = BuiltinAgent().run(request)
    assert (result.status, result.error) == ("ok", None)
    (body,) = fake_openai.recorder.requests
    assert body["messages"][0] == {"role": "system", "content": SINGLE_SHOT_PROMPT}
    assert "Reply with the complete content of `bin/double.py` in one fenced code block." in last_user(body)
    assert (request.workspace / "bin" / "double.py").read_text() == PROGRAM
    assert result.round_snapshots == ({"bin/double.py": PROGRAM.encode()},)
    transcript = (request.log_dir / "builtin.md").read_text()
    assert "- written: bin/double.py (3 lines, code block at reply line 4)" in transcript
    assert "the rounds option does not apply" in transcript


def test_single_shot_takes_the_longest_code_block(make_request: MakeRequest, fake_openai: FakeOpenAI) -> None:
    reply = f"{FENCE}python\nprint(1)\n{FENCE}\n\nFull program:\n\n{FENCE}python\n{PROGRAM}{FENCE}\n"
    fake_openai.recorder.queue.append(Reply(text=reply))
    request = single_shot(make_request({}))
    assert BuiltinAgent().run(request).status == "ok"
    assert (request.workspace / "bin" / "double.py").read_text() == PROGRAM


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("I would use a sieve.", "reply line 1: the reply has no code block"),
        (f"{FENCE}python\nimport sys\n", "reply line 1: code fence opened here is never closed"),
    ],
)
def test_single_shot_without_a_usable_block_writes_nothing(
    reply: str, reason: str, make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    fake_openai.recorder.queue.append(Reply(text=reply))
    request = single_shot(make_request({}))
    result = BuiltinAgent().run(request)
    assert result.status == "ok"  # the acceptance suite judges the missing file
    assert not (request.workspace / "bin").exists()
    assert result.round_snapshots == ({},)
    assert f"- NOT written: bin/double.py — {reason}" in (request.log_dir / "builtin.md").read_text()


@pytest.mark.parametrize(
    ("texts", "named", "expected"),
    [
        (["calc.py"], [], "calc.py"),
        (["rle.py", "test_examples.py"], ["rle.py", "test_examples.py"], "rle.py"),
        (["rle.py", "tests/test_rle.py"], [], "rle.py"),
        (["a.py", "b.py"], ["b.py"], "b.py"),
        (["a.py", "b.py"], [], None),
    ],
)
def test_the_task_file_is_the_one_non_test_file_the_task_is_about(
    texts: list[str], named: list[str], expected: str | None
) -> None:
    assert task_file(texts, named) == expected


@pytest.mark.parametrize(
    ("texts", "named", "new", "expected"),
    [
        (["data/sales.csv"], ["data/sales.csv"], ["report.py"], "report.py"),  # not the data file
        (["logs/access.log"], [], ["logstats.py", "tests/test_logstats.py"], "logstats.py"),  # tests aside
        (["cli.py", "data.csv"], ["cli.py"], ["storage.py"], "cli.py"),  # an existing source file named
        (["calc.py"], ["calc.py"], ["test_calc.py"], "calc.py"),  # only a (hidden) test is new
        (["a.csv", "b.csv"], [], ["x.py", "y.py"], None),  # two new files: no single one
        (["README.md"], ["README.md"], ["notes/cli.py", "notes/db.py"], None),  # a package from scratch
        (["README.md", "pkg/a.py", "pkg/b.py"], ["README.md"], [], None),  # "see README.md": not the task
        (["README.md", "interp.py", "tests/test_x.py"], ["README.md"], [], "interp.py"),  # the one source
        (["notes.md"], ["notes.md"], [], "notes.md"),  # no source anywhere: the file named
    ],
)
def test_a_file_the_task_asks_for_is_the_task_file(
    texts: list[str], named: list[str], new: list[str], expected: str | None
) -> None:
    assert task_file(texts, named, new) == expected


def test_a_script_to_write_beside_a_data_file_is_what_the_reply_is_asked_for(
    make_request: MakeRequest, fake_openai: FakeOpenAI
) -> None:
    """The workspace holds only the data; the answer cue names the script, and the data is untouched."""
    script = "import sys\n\nprint(open(sys.argv[1]).read().count(chr(10)))\n"
    fake_openai.recorder.queue.append(Reply(text=f"count.py\n{FENCE}python\n{script}{FENCE}\n"))
    data = "a,b\n1,2\n"
    request = make_request(files={"data/rows.csv": data})
    request = dataclasses.replace(
        request, instruction="Write a script `count.py` that prints how many lines `data/rows.csv` has."
    )
    assert BuiltinAgent().run(request).status == "ok"
    (body,) = fake_openai.recorder.requests
    assert (
        last_user(body)
        .rstrip()
        .endswith("Reply with count.py on a line of its own, then a ```python code block with the new code.")
    )
    assert (request.workspace / "count.py").read_text() == script
    assert (request.workspace / "data/rows.csv").read_text() == data
