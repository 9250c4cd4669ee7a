"""Marked sections of the docs/performance*.md reports, rewritten in place by each benchmark."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

RUN_START, RUN_END = "<!-- latest run: start -->", "<!-- latest run: end -->"
EARLIER = "## Earlier runs"


def replace_marked(path: Path, section: str, start: str, end: str) -> None:
    """Write `section` (markers included) in place of the marked one in `path`, or at its end.

    Only the text between `start` and `end` changes, so a report shared by several
    benchmarks keeps the others' figures.
    """
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    b = current.find(end)
    # the start nearest the end: a stray copy of it higher up must not take every section
    # in between along with the marked one
    a = current.rfind(start, 0, max(b, 0))
    if 0 <= a < b:
        updated = current[:a] + section.strip("\n") + current[b + len(end) :]
    else:
        updated = current.rstrip("\n") + "\n\n" + section.strip("\n") + "\n"
    path.write_text(updated, encoding="utf-8")


def run_heading(what: str) -> str:
    """`## <what>, <UTC date and time> (code at <commit>)`: the date a run keeps when it ages."""
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return f"## {what}, {stamp}" + (f" (code at {commit})" if commit else "")


def demote(text: str) -> str:
    """Every markdown heading of `text` one level down (`## x` → `### x`)."""
    return re.sub(r"^(#+) ", r"#\1 ", text, flags=re.M)


def push_run(current: str, run: str) -> str:
    """The report `current` with `run` as its latest run; the previous one kept, not lost.

    `run` is markdown starting with its `## …` heading (see `run_heading`). It replaces the
    text between RUN_START and RUN_END; that previous run moves, one heading level down, to
    the top of the « Earlier runs » section (created at the end if absent). Everything
    else (notes written by hand, other benchmarks' marked sections) stays where it is. A
    report without markers keeps its whole body, after its `# ` title, as the earlier run.
    """
    new = f"{RUN_START}\n{run.strip()}\n{RUN_END}"
    a, b = current.find(RUN_START), current.find(RUN_END)
    if 0 <= a < b:
        previous = current[a + len(RUN_START) : b].strip("\n")
        text = current[:a] + new + current[b + len(RUN_END) :]
    else:
        title, _, body = current.partition("\n") if current.startswith("# ") else ("", "", current)
        previous = body.strip("\n")
        text = (title + "\n\n" if title else "") + new + "\n"
    if not previous:
        return text
    moved = demote(previous) + "\n"
    at = re.search(rf"^{re.escape(EARLIER)}\n", text, flags=re.M)
    if at is None:
        return text.rstrip("\n") + f"\n\n{EARLIER}\n\n{moved}"
    head, tail = text[: at.end()], text[at.end() :].lstrip("\n")
    return head + "\n" + moved + ("\n" + tail if tail else "")


def push_run_file(path: Path, run: str, title: str = "") -> None:
    """`push_run` on the report at `path` (created with `title`, a `# …` line, if absent)."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    current = current or (f"{title}\n" if title else "")
    path.write_text(push_run(current, run), encoding="utf-8")


def write_run(path: Path, report: str, what: str) -> None:
    """A whole report (`# title`, then its body) written as the latest run of `path`.

    The body, one heading level down, goes under `run_heading(what)`; earlier runs and
    anything written by hand in `path` are kept (`push_run`).
    """
    title, _, body = report.partition("\n")
    push_run_file(path, f"{run_heading(what)}\n\n{demote(body.strip(chr(10)))}\n", title)
