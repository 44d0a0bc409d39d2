"""``aider``: aider-chat (PyPI ``aider-chat``) run non-interactively on the workspace, its model
pointed at the cell's OpenAI-compatible endpoint.

aider gets the instruction as one ``--message`` (from a file), auto-answers its own questions
(``--yes-always``), never touches git, never checks for updates, sends no analytics and, most
important on a machine without internet, never looks up model metadata: the cell's model
(``openai/arena``) is described by a ``--model-metadata-file`` and a ``--model-settings-file``
written into a private folder, and ``LITELLM_LOCAL_MODEL_COST_MAP=True`` keeps LiteLLM on its
bundled cost map. Without both, aider 0.86 fetches ``model_prices_and_context_window.json`` from
GitHub at start-up (seen with a socket audit hook; offline that costs a timeout per run).

Every non-test text file of the workspace is added with ``--file`` (no git means no repo map, so
aider only sees what it is given); visible tests are added read-only with ``--read``.

Ending: aider exits 0 even when it never got an answer (it retries a dead endpoint for ~60 s, then
gives up quietly), and the reference notes it sometimes exits non-zero after a good edit. So the
run is ``ok`` when aider printed a ``Tokens: … sent`` line — at least one model reply arrived —
whatever its exit code, and ``error`` otherwise; the deadline gives ``timeout``.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .base import AgentEndpoint, AgentRequest, AgentResult
from .builtin_context import scan_workspace
from .cli_run import agent_env, cli_version, find_executable, run_cli, tail

__all__ = ["EDIT_FORMATS", "INSTALL", "AiderAgent", "AiderOptions", "build_command", "parse_options"]

INSTALL = "pip install 'aider-chat>=0.86,<0.87'"
EDIT_FORMATS = ("whole", "diff", "diff-fenced", "udiff", "udiff-simple", "patch")
EDITOR_FORMATS = ("whole", "diff", "diff-fenced")  # aider's editor-* coders
MAX_FILE_CHARS = 400_000  # files added to the chat in all; past that the rest are left out
_TOKENS = re.compile(r"^Tokens: .* sent", re.MULTILINE)
_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


@dataclass(frozen=True)
class AiderOptions:
    """``aider@edit_format=diff;architect=true``, validated.

    ``edit_format``: aider's edit format (in architect mode: the editor's, as ``editor-<format>``).
    ``architect``: architect/editor mode, both models at the cell (``phase-aware`` splits them).
    ``stream``: stream replies (SSE) instead of one JSON answer. ``lint``: aider's auto-lint after
    edits (on by default in aider; a lint failure costs a further model call)."""

    edit_format: str = "whole"
    architect: bool = False
    stream: bool = False
    lint: bool = True


def _bool(key: str, raw: str) -> bool:
    try:
        return _BOOLS[raw.strip().lower()]
    except KeyError:
        raise ValueError(f"aider: parameter {key!r} must be true or false, got {raw!r}") from None


def parse_options(params: dict[str, str]) -> AiderOptions:
    """Spec params → :class:`AiderOptions`; ValueError naming the parameter, value and choices."""
    known = ("edit_format", "architect", "stream", "lint")
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(f"aider: unknown parameter {unknown[0]!r}; known: {', '.join(known)}")
    architect = _bool("architect", params["architect"]) if "architect" in params else False
    edit_format = params.get("edit_format", "whole")
    choices = EDITOR_FORMATS if architect else EDIT_FORMATS
    if edit_format not in choices:
        mode = " with architect=true" if architect else ""
        raise ValueError(
            f"aider: edit_format {edit_format!r} is not supported{mode}; choose one of {', '.join(choices)}"
        )
    return AiderOptions(
        edit_format=edit_format,
        architect=architect,
        stream=_bool("stream", params["stream"]) if "stream" in params else False,
        lint=_bool("lint", params["lint"]) if "lint" in params else True,
    )


def is_test_file(rel: str) -> bool:
    """Visible tests (``tests/``, ``test_*.py``, ``*_test.py``, ``conftest.py``) are shown read-only."""
    path = PurePosixPath(rel)
    name = path.name
    return (
        "tests" in path.parts[:-1]
        or "test" in path.parts[:-1]
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def chat_files(workspace: Path) -> tuple[list[str], list[str]]:
    """(editable, read-only) workspace paths for ``--file`` / ``--read``, in path order, within
    :data:`MAX_FILE_CHARS`."""
    editable: list[str] = []
    read_only: list[str] = []
    budget = MAX_FILE_CHARS
    for f in sorted(scan_workspace(workspace), key=lambda f: f.path):
        if f.text is None or len(f.text) > budget:
            continue
        budget -= len(f.text)
        (read_only if is_test_file(f.path) else editable).append(f.path)
    return editable, read_only


def model_files(model: str, options: AiderOptions, seed: int) -> tuple[str, str]:
    """(model settings YAML, model metadata JSON) for the cell's model name. The settings are JSON,
    which is YAML too."""
    settings: dict[str, object] = {
        "name": model,
        "edit_format": "architect" if options.architect else options.edit_format,
        "weak_model_name": model,
        "use_repo_map": False,
        "extra_params": {"seed": seed},
    }
    if options.architect:
        settings |= {"editor_model_name": model, "editor_edit_format": f"editor-{options.edit_format}"}
    metadata = {
        model: {
            "max_tokens": 8192,
            "max_input_tokens": 128_000,
            "max_output_tokens": 8192,
            "input_cost_per_token": 0.0,
            "output_cost_per_token": 0.0,
            "litellm_provider": "openai",
            "mode": "chat",
        }
    }
    return json.dumps([settings], indent=2) + "\n", json.dumps(metadata, indent=2) + "\n"


def build_command(
    exe: str,
    endpoint: AgentEndpoint,
    options: AiderOptions,
    private: Path,
    log_dir: Path,
    files: tuple[list[str], list[str]],
    api_timeout_s: float,
) -> list[str]:
    """aider's command line. ``private`` holds the instruction, model files and an empty env file."""
    model = f"openai/{endpoint.model}"
    argv = [
        exe,
        "--model", model,
        "--openai-api-base", endpoint.openai_base_url,
        "--openai-api-key", endpoint.api_key,
        "--model-settings-file", str(private / "model-settings.yml"),
        "--model-metadata-file", str(private / "model-metadata.json"),
    ]  # fmt: skip
    if options.architect:
        argv += ["--architect", "--editor-model", model]
        argv += ["--editor-edit-format", f"editor-{options.edit_format}"]
    else:
        argv += ["--edit-format", options.edit_format]
    argv += [
        "--no-git", "--no-auto-commits", "--no-dirty-commits", "--no-gitignore",
        "--yes-always", "--no-check-update", "--no-show-release-notes", "--no-show-model-warnings",
        "--analytics-disable", "--no-pretty", "--no-fancy-input", "--no-notifications",
        "--no-detect-urls", "--disable-playwright", "--no-suggest-shell-commands",
        "--no-restore-chat-history",
        "--stream" if options.stream else "--no-stream",
        "--encoding", "utf-8",
        "--timeout", f"{max(1, int(api_timeout_s))}",
        "--env-file", str(private / "empty.env"),
        "--input-history-file", str(private / "input.history"),
        "--chat-history-file", str(log_dir / "aider.chat.md"),
        "--llm-history-file", str(log_dir / "aider.llm.log"),
        "--message-file", str(private / "instruction.md"),
    ]  # fmt: skip
    if not options.lint:
        argv.append("--no-auto-lint")
    editable, read_only = files
    for path in editable:
        argv += ["--file", path]
    for path in read_only:
        argv += ["--read", path]
    return argv


class AiderAgent:
    """See the module docstring and ``docs/agents.md``."""

    name = "aider"
    uses_llm = True

    def check_params(self, params: dict[str, str]) -> None:
        """ValueError naming the parameter, value and rule; called before any cell runs."""
        parse_options(params)

    def available(self) -> tuple[bool, str]:
        if find_executable("aider") is None:
            return False, INSTALL
        return True, ""

    def run(self, request: AgentRequest) -> AgentResult:
        log = request.log_dir / "aider.log"
        try:
            options = parse_options(request.params)
        except ValueError as exc:
            return AgentResult("error", error=str(exc))
        exe = find_executable("aider")
        if exe is None:
            return AgentResult("error", error=f"aider is not installed: {INSTALL}")
        if request.endpoint is None:
            return AgentResult("error", error="aider needs an LLM endpoint (the cell has none)")
        request.log_dir.mkdir(parents=True, exist_ok=True)
        private = Path(tempfile.mkdtemp(prefix="arena-aider-"))
        try:
            env = agent_env(private, {"LITELLM_LOCAL_MODEL_COST_MAP": "True"})
            version = cli_version([exe, "--version"], env)
            model = f"openai/{request.endpoint.model}"
            settings, metadata = model_files(model, options, request.seed)
            for name, text in [
                ("model-settings.yml", settings),
                ("model-metadata.json", metadata),
                ("instruction.md", request.instruction),
                ("empty.env", ""),
            ]:
                (private / name).write_text(text, encoding="utf-8")
                if name.startswith("model-"):
                    shutil.copy(private / name, request.log_dir / f"aider.{name}")
            argv = build_command(
                exe,
                request.endpoint,
                options,
                private,
                request.log_dir,
                chat_files(request.workspace),
                api_timeout_s=min(request.timeout_s, 600.0),
            )
            (request.log_dir / "aider.command.json").write_text(json.dumps(argv, indent=1) + "\n")
            done = run_cli(argv, request.workspace, env, request.timeout_s, log)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        if done.timed_out:
            return AgentResult(
                "timeout", log, None, f"aider used up its {request.timeout_s:g}s budget", version
            )
        if not _TOKENS.search(done.output):
            return AgentResult(
                "error",
                log,
                done.exit_code,
                f"aider got no answer from the model (exit {done.exit_code}):\n{tail(done.output)}",
                version,
            )
        note = None if done.exit_code == 0 else f"aider exited {done.exit_code} after model replies"
        return AgentResult("ok", log, done.exit_code, note, version)
