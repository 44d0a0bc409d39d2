"""``oracle``: applies the task's reference solution. A task whose oracle fails is broken."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .base import AgentRequest, AgentResult

__all__ = ["OracleAgent"]

PATCH_SUFFIXES = (".patch", ".diff")


class OracleAgent:
    """Overlays ``solution/`` on the workspace: plain files replace or add files at the same
    relative path; ``*.patch``/``*.diff`` files at the top of ``solution/`` are applied with
    ``git apply`` (which works outside a repository)."""

    name = "oracle"
    uses_llm = False

    def available(self) -> tuple[bool, str]:
        return True, ""

    def run(self, request: AgentRequest) -> AgentResult:
        reference = request.reference
        transcript = request.log_dir / "oracle.log"
        lines: list[str] = []
        if reference is None or not reference.is_dir():
            return AgentResult("error", error=f"the task has no solution/ folder ({reference})")
        patches = sorted(p for p in reference.iterdir() if p.is_file() and p.suffix in PATCH_SUFFIXES)
        for src in sorted(reference.rglob("*")):
            if src.is_dir() or src in patches or "__pycache__" in src.parts:
                continue
            rel = src.relative_to(reference)
            dest = request.workspace / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            lines.append(f"overlay {rel.as_posix()}")
        for patch in patches:
            error = _apply_patch(patch, request.workspace, request.timeout_s)
            if error:
                transcript.write_text("\n".join([*lines, error]) + "\n", encoding="utf-8")
                return AgentResult("error", transcript, error=error)
            lines.append(f"applied {patch.name}")
        transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return AgentResult("ok", transcript, exit_code=0)


def _apply_patch(patch: Path, workspace: Path, timeout_s: float) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "apply", "--whitespace=nowarn", str(patch)],
            cwd=workspace,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"git apply {patch.name} could not run: {exc}"
    if proc.returncode != 0:
        return f"git apply {patch.name} failed: {proc.stderr.strip()[-2000:]}"
    return None
