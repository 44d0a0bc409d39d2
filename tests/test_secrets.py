"""Secrets never leak: a sweep with real-looking API keys leaves no trace of them in any artifact
or in the terminal output, while the key still reaches the (fake) upstream that needs it."""

from __future__ import annotations

import pytest

from tests.conftest import FakeUpstream, MakeTask
from tests.fakes.script import Reply
from tests.test_plugin_router import CALLER_CONFTEST, SOLUTION

OPENAI_SECRET = "test-openai-key-DO-NOT-LEAK-0123456789abcdef"
ANTHROPIC_SECRET = "test-anthropic-key-DO-NOT-LEAK-0123456789"


def test_api_keys_appear_in_no_artifact_and_no_output(
    pytester: pytest.Pytester, make_task: MakeTask, fake_openai: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_SECRET)
    make_task("add")
    pytester.makeconftest(
        CALLER_CONFTEST
        + """
import os

def pytest_arena_update_row(row, item):
    # what an agent adapter might carelessly copy: its environment
    row["env_seen"] = sorted(os.environ)
"""
    )
    fake_openai.recorder.default = Reply(text=SOLUTION)
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_subprocess(
        "bench_tasks",
        "--arena-agents=caller",
        "--arena-strategies=always-cloud,always-local",
        f"--arena-local=openai:small@{fake_openai.base_url}",
        f"--arena-cloud=openai:big@{fake_openai.base_url};key_env=OPENAI_API_KEY",
        f"--junitxml={junit}",
        "-rA",
        "-v",
    )
    result.assert_outcomes(passed=2)
    # The cloud key did reach the upstream that needs it (and only the cloud side's calls).
    auth = [h.get("Authorization", "") for h in fake_openai.recorder.headers]
    assert f"Bearer {OPENAI_SECRET}" in auth
    texts = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    for path in pytester.path.rglob("*"):
        if path.is_file() and "bench_tasks" not in path.parts:
            texts[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    assert any(name.endswith("results.jsonl") for name in texts)
    assert any("decisions" in name for name in texts)
    assert str(junit) in texts
    for name, text in texts.items():
        assert OPENAI_SECRET not in text, name
        assert ANTHROPIC_SECRET not in text, name
