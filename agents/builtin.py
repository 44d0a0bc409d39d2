"""``builtin``: a small, transparent coding agent that needs nothing but the cell's endpoint.

One round = show the model the instruction and the workspace, parse the edit blocks in its reply,
apply them (``builtin_edits``). With ``rounds=N`` it then runs the checks the task *exposes* —
the workspace's own visible tests, else a compile/import check of the changed modules — and sends
the failures back, up to N rounds in all; it never sees the hidden acceptance suite. The workspace's
changed files are snapshotted at the end of every round (``AgentResult.round_snapshots``), so the
harness can score each round afterwards. A single-shot task (``mode = "single-shot"``) is one call
whose reply's code block becomes the task's artifact file: no edit blocks, no rounds. Every prompt,
reply, edit and check is appended to ``builtin.md`` in the cell's log folder as it happens, so a
run stopped from outside still leaves its story behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .base import (
    AgentEndpoint,
    AgentRequest,
    AgentResult,
    AgentStatus,
    RoundSnapshot,
    read_files,
    snapshot_changes,
)
from .builtin_context import (
    SOURCE_SUFFIXES,
    build_context,
    language_of,
    named_files,
    new_files,
    render_files,
    scan_workspace,
)
from .builtin_edits import (
    Outcome,
    Problem,
    UnsafePath,
    apply_edits,
    artifact_block,
    parse_edits,
    resolve_in_workspace,
)
from .cli_run import kill_group, supervised

__all__ = [
    "SINGLE_SHOT_PROMPT",
    "VERSION",
    "BuiltinAgent",
    "Options",
    "answer_cue",
    "answer_file",
    "parse_options",
    "system_prompt",
    "task_file",
]

VERSION = "builtin-3"
CHECK_TAIL_CHARS = 3000  # the end of a check's output is where pytest puts the failure summary
_IMPORT_SCRIPT = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"


def system_prompt(example: str, search_replace: bool, partial: bool) -> str:
    """The system prompt of an edit task. ``example`` is a real Python file of the workspace (or
    ``main.py`` when it has none): the examples name it, because small models copy an example's
    path, and a placeholder such as ``path/to/file.py`` or ``<the new content>`` was copied into 10
    of the 0.5B and 1.5B models' lost function tasks. The examples hold real code for a function
    the task does not ask for, never template text. The SEARCH/REPLACE format is explained only
    when the workspace has several files or one shown in part (``search_replace``)."""
    text = f"""\
You are an expert programmer working on a small project. You change its files by writing code \
blocks in your reply; they are applied to the files for you. You cannot run commands.

To change a file, write its path on a line of its own, then a fenced code block with the new code. \
For a Python file the block can be the complete new file, or only the functions and classes you \
change or add: each one replaces the definition with the same name, and the rest of the file stays \
as it is. Include the imports your code needs.

For example, this block replaces the function `double` in {example}:

{example}
```python
def double(x):
    return 2 * x
```
"""
    if search_replace:
        text += f"""
To change a few lines of a file, you can also use a SEARCH/REPLACE block: the path on its own line, \
then a fenced block with `<<<<<<< SEARCH`, the exact current lines, `=======`, the new lines, and \
`>>>>>>> REPLACE`. For example:

{example}
```python
<<<<<<< SEARCH
    return 2 * x
=======
    return x + x
>>>>>>> REPLACE
```
"""
    text += """
Rules:
- Write paths exactly as the project lists them. For a new file, give its path and its complete content.
- Code blocks hold file content only: no usage examples, no tests, no sample output.
- Never abbreviate ("# ... existing code ..."): write out every line of the code you change.
"""
    if partial:
        text += (
            '- A file shown only in part ("first N of M lines") must not be rewritten whole: change it with '
            "SEARCH/REPLACE blocks or blocks of complete functions.\n"
        )
    text += """\
- Do not change the tests unless the task asks for it.
- Say in one sentence what you will change, then give the code blocks.
"""
    return text


def _is_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith("tests/") or name.startswith("test_") or name.endswith("_test.py")


def task_file(texts: list[str], named: list[str], new: Sequence[str] = ()) -> str | None:
    """The one file the task is about, if there is one.

    First the files the task asks for: when the instruction names source files that the workspace
    lacks (``new``, tests left out) and no existing source file other than tests, it is the new
    file if there is one (``Write a script `report.py```, beside ``data/sales.csv``: the reply
    must not land on the data), else none (a package built from scratch). Else the workspace's
    only text file, else the only file the instruction names, else the only one of those that is
    not a test (a task that ships ``test_examples.py`` beside ``rle.py`` and names both is about
    ``rle.py``). When the workspace has source files, only they count: a package task whose
    instruction says "see README.md" is not about the README.
    """
    wanted = [p for p in new if not _is_test(p)]
    existing_code = [p for p in named if p.endswith(SOURCE_SUFFIXES) and not _is_test(p)]
    if wanted and not existing_code:  # several new files (a package from scratch): no single one
        return wanted[0] if len(wanted) == 1 else None
    sources = [p for p in texts if p.endswith(SOURCE_SUFFIXES)]
    if sources:
        texts, named = sources, [p for p in named if p in sources]
    for pool in (texts, named, [p for p in named if not _is_test(p)], [p for p in texts if not _is_test(p)]):
        if len(pool) == 1:
            return pool[0]
    return None


def answer_file(instruction: str, texts: list[str]) -> str | None:
    """The file the answer line names for this instruction and workspace (:func:`task_file`)."""
    return task_file(texts, named_files(instruction, texts), new_files(instruction, texts))


def answer_cue(default: str | None) -> str:
    """The prompt's last line: how to answer, naming the file when the task has one."""
    if default is not None:
        lang = language_of(default)
        return f"Reply with {default} on a line of its own, then a ```{lang} code block with the new code."
    return "Reply with code blocks as described above, each after the path of its file on a line of its own."


SINGLE_SHOT_PROMPT = """\
You are a careful software engineer. You write one file, complete, in a single reply. It is saved \
exactly as you write it and then checked; you get no second attempt and cannot run commands.

Reply with the COMPLETE content of the requested file in ONE fenced code block, e.g.

```python
<the complete content of the file>
```

Put nothing else in a code block (no usage examples, no tests) and never abbreviate: whatever you \
leave out is missing from the file.
"""


@dataclass(frozen=True)
class Options:
    """The agent's parameters (``builtin@rounds=2;temperature=0``), validated."""

    rounds: int = 1
    temperature: float = 0.2
    #: None: sized to the task (:func:`auto_max_tokens`).
    max_tokens: int | None = None
    context_chars: int = 24_000


_RULES: dict[str, tuple[type[int] | type[float], float, float, str]] = {
    "rounds": (int, 1, 20, "an integer from 1 to 20"),
    "temperature": (float, 0.0, 2.0, "a number from 0 to 2"),
    "max_tokens": (int, 1, 1_000_000, "a positive integer"),
    "context_chars": (int, 1000, 10_000_000, "an integer >= 1000"),
}


def auto_max_tokens(shown_chars: int) -> int:
    """The reply budget when ``max_tokens`` is not set: room to rewrite what the model was shown
    (about 3.5 characters a token) and to explain it, between 768 and 2048 tokens. A fixed 2048 let
    three 0.5B replies to short function tasks run away to the cap (157 s each) where no direct
    answer of that model exceeded 376 tokens."""
    return max(768, min(2048, shown_chars * 2 // 7 + 256))


def parse_options(params: dict[str, str]) -> Options:
    """``params`` as strings → :class:`Options`; ValueError naming the parameter, value and rule."""
    values: dict[str, Any] = {}
    for key, raw in sorted(params.items()):
        if key not in _RULES:
            raise ValueError(f"builtin: unknown parameter {key!r}; known: {', '.join(_RULES)}")
        kind, low, high, rule = _RULES[key]
        try:
            value = kind(raw)
        except ValueError:
            raise ValueError(f"builtin: parameter {key!r} must be {rule}, got {raw!r}") from None
        if not low <= value <= high:
            raise ValueError(f"builtin: parameter {key!r} must be {rule}, got {raw!r}")
        values[key] = value
    return Options(**values)


class Transcript:
    """``builtin.md``: markdown appended piece by piece (a killed run keeps what happened so far)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# builtin agent transcript\n", encoding="utf-8")

    def add(self, text: str) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(text.rstrip("\n") + "\n\n")

    def block(self, title: str, text: str) -> None:
        fence = "~" * max(4, max((len(r) for r in text.split("\n") if set(r) == {"~"}), default=0) + 1)
        self.add(f"{title}\n\n{fence}\n{text.rstrip()}\n{fence}")


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str | None
    usage: dict[str, Any]


class CompletionError(Exception):
    """The endpoint answered, but not with a usable chat completion."""


def complete(
    client: httpx.Client,
    endpoint: AgentEndpoint,
    messages: list[dict[str, str]],
    options: Options,
    seed: int,
    timeout_s: float,
    max_tokens: int,
) -> Completion:
    """One ``POST {base}/chat/completions``. Raises httpx errors, or CompletionError with the status
    and the start of the body."""
    url = endpoint.openai_base_url.rstrip("/") + "/chat/completions"
    body = {
        "model": endpoint.model,
        "messages": messages,
        "temperature": options.temperature,
        "seed": seed,
        "max_tokens": max_tokens,
        "stream": False,
    }
    headers = {"Authorization": f"Bearer {endpoint.api_key}"}
    response = client.post(url, json=body, headers=headers, timeout=httpx.Timeout(timeout_s))
    excerpt = response.text[:500]
    if response.status_code != 200:
        raise CompletionError(f"POST {url} answered HTTP {response.status_code}: {excerpt}")
    try:
        data = response.json()
        choice = data["choices"][0]
        content = choice["message"].get("content") or ""
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise CompletionError(f"POST {url} answered 200 without a chat completion: {excerpt}") from None
    if isinstance(content, list):  # content parts
        content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return Completion(str(content), choice.get("finish_reason"), data.get("usage") or {})


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    timed_out: bool
    log: str  # commands and their output, as shown to the model (tail-bounded)


def has_visible_tests(workspace: Path) -> bool:
    """A ``tests/`` folder or a ``test_*.py``/``*_test.py`` file anywhere in the workspace."""
    if (workspace / "tests").is_dir():
        return True
    return any(
        f.path.rsplit("/", 1)[-1].startswith("test_") or f.path.endswith("_test.py")
        for f in scan_workspace(workspace)
        if f.path.endswith(".py")
    )


def _module_name(rel: str, workspace: Path) -> str | None:
    """``pkg/mod.py`` → ``pkg.mod`` when every parent folder is a package; None for scripts."""
    parts = rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if (
        not parts
        or parts[-1] in ("__main__", "setup", "conftest")
        or not all(p.isidentifier() for p in parts)
    ):
        return None
    if any(not (workspace.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
        return None
    return ".".join(parts)


def run_command(argv: list[str], cwd: Path, timeout_s: float) -> tuple[int | None, str]:
    """Run ``argv`` in its own process group; the whole group is killed when it ends or overruns.
    Returns (exit code or None on timeout, combined output)."""
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):  # the outer session's options are not the task's
        env.pop(name, None)
    # Under the supervisor, as agent CLIs run: a SIGKILLed harness leaves no check process behind.
    proc = subprocess.Popen(
        supervised(argv, env), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        out, _ = proc.communicate(timeout=max(timeout_s, 0.01))
        return proc.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        out, _ = proc.communicate()
        return None, out.decode("utf-8", "replace") + f"\n[killed after {timeout_s:.0f}s]"
    finally:
        kill_group(proc.pid)
        proc.wait()


def run_checks(
    workspace: Path, changed: list[str], deadline: float, clock: Callable[[], float]
) -> CheckResult:
    """The checks the task exposes: its visible tests (``pytest -q -x``), or when it has none (or
    they collect nothing) ``py_compile`` of the changed .py files and an import of their modules."""
    log: list[str] = []
    if has_visible_tests(workspace):
        argv = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
        if not any(
            (workspace / n).is_file() for n in ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
        ):
            # No config of its own: keep pytest from picking up one from a folder above the workspace.
            argv += ["-c", os.devnull, "--rootdir", ".", "--confcutdir", "."]
        code, out = run_command(argv, workspace, deadline - clock())
        log.append(f"$ python -m pytest {' '.join(argv[3:])}\n(exit {code})\n{out[-CHECK_TAIL_CHARS:]}")
        if code != 5:  # 5: no tests collected, so fall through to the compile/import check
            return CheckResult(code == 0, code is None, "\n".join(log))
    py = [p for p in changed if p.endswith(".py") and (workspace / p).is_file()]
    modules = [m for m in (_module_name(p, workspace) for p in py) if m]
    commands = [[sys.executable, "-m", "py_compile", *py]] if py else []
    commands += [[sys.executable, "-c", _IMPORT_SCRIPT, *modules]] if modules else []
    for argv in commands:
        code, out = run_command(argv, workspace, deadline - clock())
        shown = (
            "python -m py_compile " + " ".join(py) if "py_compile" in argv else "import " + ", ".join(modules)
        )
        log.append(f"$ {shown}\n(exit {code})\n{out[-CHECK_TAIL_CHARS:]}")
        if code != 0:
            return CheckResult(False, code is None, "\n".join(log))
    return CheckResult(True, False, "\n".join(log) or "(nothing to check)")


def _describe(outcomes: list[Outcome]) -> str:
    return "\n".join(
        f"- {'applied' if o.applied else 'NOT applied'}: {o.edit.path} "
        f"(reply line {o.edit.line}) — {o.message}"
        for o in outcomes
    )


class BuiltinAgent:
    """See the module docstring and ``docs/builtin-agent.md``. ``clock`` is injectable for tests."""

    name = "builtin"
    uses_llm = True

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock

    def check_params(self, params: dict[str, str]) -> None:
        """ValueError naming the parameter, value and rule; called before any cell runs."""
        parse_options(params)

    def available(self) -> tuple[bool, str]:
        return True, ""

    def run(self, request: AgentRequest) -> AgentResult:
        deadline = self.clock() + request.timeout_s
        log = Transcript(request.log_dir / "builtin.md")

        snapshots: list[RoundSnapshot] = []

        def end(status: AgentStatus, error: str | None = None) -> AgentResult:
            log.add(f"## Result: {status}" + (f"\n\n{error}" if error else ""))
            code = 0 if status == "ok" else None
            return AgentResult(status, log.path, code, error, VERSION, round_snapshots=tuple(snapshots))

        try:
            options = parse_options(request.params)
        except ValueError as exc:
            return end("error", str(exc))
        if request.endpoint is None:
            return end("error", "builtin needs an LLM endpoint (the cell has none)")
        endpoint, workspace = request.endpoint, request.workspace
        before = read_files(workspace)
        if request.mode == "single-shot" and request.artifact:
            status, error = self._single_shot(request, endpoint, options, log, deadline)
            if status == "ok":  # a reply arrived: its one round is over
                snapshots.append(snapshot_changes(workspace, before))
            return end(status, error)
        files = scan_workspace(workspace)
        context = build_context(workspace, request.instruction, options.context_chars, files)
        texts = [f.path for f in files if f.text is not None]
        named = named_files(request.instruction, texts)
        default = answer_file(request.instruction, texts)
        partial = set(context.summarized) | set(context.omitted)
        pythons = [p for p in [default, *named, *texts] if p is not None and p.endswith(".py")]
        system = system_prompt(
            pythons[0] if pythons else "main.py",
            sum(not _is_test(p) for p in texts) > 1 or bool(partial),
            bool(partial),
        )
        max_tokens = options.max_tokens or auto_max_tokens(len(context.text))
        log.add(
            f"- version: {VERSION}\n- endpoint: {endpoint.openai_base_url} (model {endpoint.model})\n"
            f"- options: {options}, max_tokens sent {max_tokens}\n"
            f"- budget: {request.timeout_s:g} s, seed {request.seed}\n"
            f"- context: {len(context.whole)} files whole, summarized {list(context.summarized)}, "
            f"omitted {list(context.omitted)}; default file {default}"
        )
        # The task comes last: small local models tend to continue (echo) whatever ends the prompt,
        # and with the workspace last, Qwen2.5-Coder-1.5B repeated the files instead of editing them.
        user = f"{context.text}\n\nTask:\n{request.instruction.strip()}\n\n{answer_cue(default)}\n"
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        log.block("## Round 1\n\n### system", system)
        log.block("### user", user)
        changed: list[str] = []
        with httpx.Client(trust_env=False) as client:  # the router is on loopback: never via a proxy
            for round_no in range(1, options.rounds + 1):
                if self.clock() >= deadline:
                    return end("timeout", f"budget of {request.timeout_s:g}s used up before round {round_no}")
                started = self.clock()
                try:
                    reply = complete(
                        client, endpoint, messages, options, request.seed, deadline - started, max_tokens
                    )
                except httpx.TimeoutException as exc:
                    return end("timeout", f"no answer within the remaining budget ({type(exc).__name__})")
                except (httpx.HTTPError, CompletionError) as exc:
                    return end("error", f"builtin: {exc}")
                log.block(
                    f"### assistant (finish_reason={reply.finish_reason}, usage={reply.usage}, "
                    f"{self.clock() - started:.1f}s)",
                    reply.text,
                )
                known = [f.path for f in scan_workspace(workspace) if f.text is not None]
                parsed = parse_edits(reply.text, known, default)
                outcomes = apply_edits(workspace, parsed.edits, partial)
                problems = "\n".join(f"- reply line {p.line}: {p.reason}" for p in parsed.problems)
                notes = "\n".join(f"- note: {n}" for n in parsed.notes)
                log.add(
                    "### edits\n\n"
                    + ("\n".join(filter(None, [_describe(outcomes), problems, notes])) or "(none)")
                )
                changed += [o.edit.path for o in outcomes if o.applied and o.edit.path not in changed]
                snapshots.append(snapshot_changes(workspace, before))
                if round_no == options.rounds:
                    break
                if self.clock() >= deadline:
                    return end("timeout", f"budget of {request.timeout_s:g}s used up after round {round_no}")
                check = run_checks(workspace, changed, deadline, self.clock)
                log.block(f"### checks ({'passed' if check.passed else 'failed'})", check.log)
                if check.timed_out and self.clock() >= deadline:
                    return end("timeout", "budget used up while running the checks")
                rejected = [o for o in outcomes if not o.applied]
                if check.passed and not rejected and not parsed.problems:
                    break
                feedback, shown = self._feedback(workspace, changed, outcomes, problems, check, options)
                partial -= shown
                messages = [*messages[:2], {"role": "assistant", "content": reply.text}]
                messages.append({"role": "user", "content": feedback})
                log.block(f"## Round {round_no + 1}\n\n### user", feedback)
        return end("ok")

    def _single_shot(
        self,
        request: AgentRequest,
        endpoint: AgentEndpoint,
        options: Options,
        log: Transcript,
        deadline: float,
    ) -> tuple[AgentStatus, str | None]:
        """One call; the reply's code block (:func:`artifact_block`) is written to the artifact.
        A reply without a usable block writes nothing and is still ``ok``: the suite judges it."""
        workspace, artifact = request.workspace, str(request.artifact)
        context = build_context(workspace, request.instruction, options.context_chars)
        max_tokens = options.max_tokens or 2048  # a whole program, not an edit
        log.add(
            f"- version: {VERSION}\n- endpoint: {endpoint.openai_base_url} (model {endpoint.model})\n"
            f"- mode: single-shot, artifact {artifact} (one call; the rounds option does not apply)\n"
            f"- options: {options}, max_tokens sent {max_tokens}\n"
            f"- budget: {request.timeout_s:g} s, seed {request.seed}"
        )
        user = (
            f"{context.text}\n\nTask:\n{request.instruction.strip()}\n\n"
            f"Reply with the complete content of `{artifact}` in one fenced code block.\n"
        )
        messages = [{"role": "system", "content": SINGLE_SHOT_PROMPT}, {"role": "user", "content": user}]
        log.block("## Round 1\n\n### system", SINGLE_SHOT_PROMPT)
        log.block("### user", user)
        started = self.clock()
        try:
            with httpx.Client(trust_env=False) as client:  # the router is on loopback: never via a proxy
                budget = deadline - started
                reply = complete(client, endpoint, messages, options, request.seed, budget, max_tokens)
        except httpx.TimeoutException as exc:
            return "timeout", f"no answer within the remaining budget ({type(exc).__name__})"
        except (httpx.HTTPError, CompletionError) as exc:
            return "error", f"builtin: {exc}"
        log.block(
            f"### assistant (finish_reason={reply.finish_reason}, usage={reply.usage}, "
            f"{self.clock() - started:.1f}s)",
            reply.text,
        )
        found = artifact_block(reply.text)
        if isinstance(found, Problem):
            log.add(f"### artifact\n\n- NOT written: {artifact} — reply line {found.line}: {found.reason}")
            return "ok", None
        content, line = found
        try:
            target = resolve_in_workspace(workspace, artifact)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        except (UnsafePath, OSError) as exc:
            log.add(f"### artifact\n\n- NOT written: {artifact} — {exc}")
            return "error", f"builtin: cannot write the artifact {artifact}: {exc}"
        lines = content.count("\n")
        log.add(f"### artifact\n\n- written: {artifact} ({lines} lines, code block at reply line {line})")
        return "ok", None

    @staticmethod
    def _feedback(
        workspace: Path,
        changed: list[str],
        outcomes: list[Outcome],
        problems: str,
        check: CheckResult,
        options: Options,
    ) -> tuple[str, set[str]]:
        """The next user message: what was applied or not, the check output, the changed files now."""
        parts = []
        if outcomes or problems:
            parts.append(
                "Result of your edit blocks:\n" + "\n".join(filter(None, [_describe(outcomes), problems]))
            )
        else:
            parts.append("Your reply contained no edit blocks.")
        state = "passed" if check.passed else "failed"
        parts.append(f"The checks {state}:\n\n{check.log}")
        texts = {
            p: (workspace / p).read_text("utf-8", "replace") for p in changed if (workspace / p).is_file()
        }
        shown: set[str] = set()
        if texts:
            rendered, shown = render_files(texts, options.context_chars // 2, first=changed)
            parts.append(f"Current content of the files you changed:\n\n{rendered}")
        parts.append("Fix the problems with new edit blocks in the same format.")
        return "\n\n".join(parts), shown
