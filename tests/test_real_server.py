"""The local model as a shared real server: llama-cpp-python's own OpenAI-compatible server on the
tiny SmolLM2-135M (``python -m pytest_hybridarena serve-model``), used through the ``openai:``
backend (docs/scaling.md, "One model server, N worker hosts"). Real model, no fakes.

Skips, naming the install command, when the server extra or the model is missing.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_hybridarena.router.server import RouterConfig, RouterServer
from pytest_hybridarena.router.weights import ModelError, resolve_model
from tests.test_embedded_e2e import copy_task
from tests.test_plugin import rows_of

MODEL = "smollm2-135m"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL (``.../v1``) of a llama-cpp-python server on SmolLM2-135M, one thread."""
    for module in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "pydantic_settings"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(
                f"llama-cpp-python's server is not installed ({module}): pip install -e '.[model-server]'"
            )
    try:
        resolve_model(MODEL)
    except ModelError as exc:
        pytest.skip(f"embedded model {MODEL} is not available: {exc}")
    port = _free_port()
    log = tmp_path_factory.mktemp("model-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pytest_hybridarena", "serve-model", MODEL, "--host", "127.0.0.1",
             "--port", str(port), "--threads", "1", "--ctx", "2048"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, f"the model server exited: {log.read_text(errors='replace')[-2000:]}"
            try:
                if httpx.get(base + "/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"no server after 180 s: {log.read_text()[-2000:]}"
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def chat(**extra: Any) -> dict[str, Any]:
    return {
        "model": MODEL,
        "messages": [{"role": "user", "content": "Write a Python function that adds two numbers."}],
        "max_tokens": 24,
        "seed": 7,
        "temperature": 0,
        **extra,
    }


def test_chat_through_the_router_to_the_real_server_counts_the_servers_tokens(
    model_server: str, tmp_path: Path
) -> None:
    server = RouterServer(
        RouterConfig(
            local=f"openai:{MODEL}@{model_server}",
            cloud=f"openai:{MODEL}@{model_server}",
            decisions_path=tmp_path / "decisions.jsonl",
            run_id="real-server",
        )
    )
    server.start()
    try:
        cell = server.open_cell(cell_key="real/server[x-always-local-s7]", strategy="always-local", seed=7)
        plain = httpx.post(cell.base_url + "/chat/completions", json=chat(), timeout=300)
        assert plain.status_code == 200, plain.text
        body = plain.json()
        assert body["choices"][0]["message"]["content"]
        reported = body["usage"]
        assert reported["prompt_tokens"] > 0
        assert 0 < reported["completion_tokens"] <= 24

        chunks: list[dict[str, Any]] = []
        with httpx.stream(
            "POST",
            cell.base_url + "/chat/completions",
            json=chat(stream=True, stream_options={"include_usage": True}),
            timeout=300,
        ) as streamed:
            assert streamed.status_code == 200
            for line in streamed.iter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    chunks.append(json.loads(line[6:]))
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c.get("choices"))
        assert text, "the stream carried the answer"
        usage = server.close_cell(cell.id)
    finally:
        server.stop()
    assert usage["calls"] == {"total": 2, "local": 2, "cloud": 0, "errors": 0, "escalated": 0}
    # llama-cpp-python's server (0.3.36) sends no usage in a stream, even when asked: the router counts
    # the streamed call itself and says so; the plain call's tokens are exactly the server's.
    stream_usage = [c["usage"] for c in chunks if c.get("usage")]
    if stream_usage:
        assert usage["tokens"]["estimated"] is False
        assert (
            usage["tokens"]["local_prompt"] == reported["prompt_tokens"] + stream_usage[-1]["prompt_tokens"]
        )
    else:
        assert usage["tokens"]["estimated"] is True
        assert usage["tokens"]["local_prompt"] > reported["prompt_tokens"]
        assert usage["tokens"]["local_completion"] > reported["completion_tokens"]


ASKER_CONFTEST = """
import json, os, httpx
from pytest_hybridarena.agents.base import AgentResult

class Asker:
    \"\"\"One real call through the cell's router; keeps the usage the server reported.\"\"\"
    name = "asker"; uses_llm = True
    def available(self): return True, ""
    def run(self, request):
        ep = request.endpoint
        r = httpx.post(ep.openai_base_url + "/chat/completions", timeout=600,
                       headers={"Authorization": "Bearer " + ep.api_key},
                       json={"model": ep.model, "max_tokens": 24, "seed": 7,
                             "messages": [{"role": "user", "content": request.instruction[:400]}]})
        if r.status_code != 200:
            return AgentResult("error", error=f"HTTP {r.status_code}: {r.text[:200]}")
        with open(os.environ["ASKER_USAGE"], "w") as f:
            json.dump(r.json()["usage"], f)
        return AgentResult("ok")

def pytest_arena_make_agent(name, params, config):
    return Asker() if name == "asker" else None

def pytest_arena_agent_names(config):
    return ["asker"]
"""


def test_a_plugin_cell_runs_on_the_shared_server_with_the_servers_tokens(
    model_server: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_task(pytester, "puzzles/format-byte-size")
    pytester.makeconftest(ASKER_CONFTEST)
    reported = pytester.path / "usage.json"
    monkeypatch.setenv("ASKER_USAGE", str(reported))
    result = pytester.runpytest_subprocess(
        "bench_tasks",
        "--arena-agents=asker",
        "--arena-strategies=always-local",
        f"--arena-local=openai:{MODEL}@{model_server}",
        f"--arena-cloud=openai:{MODEL}@{model_server}",
        "-p",
        "no:cacheprovider",
        timeout=600,
    )
    [row] = rows_of(pytester)
    assert row["outcome"] == "fail", (row["error"], result.stdout.str()[-2000:])  # the stub stays
    usage = json.loads(reported.read_text())
    assert row["calls"]["local"] == row["calls"]["total"] == 1
    assert row["models"]["local"].startswith(f"openai:{MODEL}")
    assert row["tokens"]["estimated"] is False
    assert row["tokens"]["local_prompt"] == usage["prompt_tokens"]
    assert row["tokens"]["local_completion"] == usage["completion_tokens"]
