"""Marked sections of the docs/performance*.md reports, rewritten in place by each benchmark."""

from __future__ import annotations

from pathlib import Path


def replace_marked(path: Path, section: str, start: str, end: str) -> None:
    """Write `section` (markers included) in place of the marked one in `path`, or at its end.

    Only the text between `start` and `end` changes, so a report shared by several
    benchmarks keeps the others' figures.
    """
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    a, b = current.find(start), current.find(end)
    if 0 <= a < b:
        updated = current[:a] + section.strip("\n") + current[b + len(end) :]
    else:
        updated = current.rstrip("\n") + "\n\n" + section.strip("\n") + "\n"
    path.write_text(updated, encoding="utf-8")
