"""docs/performance.md is assembled from its parts, never edited by hand (no database)."""

from __future__ import annotations

import re

from benchmarks.perfdoc import DOC_ORDER, DOCS, ROOT, parts, render


def test_performance_md_is_what_assemble_writes():
    current = (DOCS / "performance.md").read_text(encoding="utf-8")
    assert current == render(), (
        "docs/performance.md differs from its parts: edit docs/performance-<area>.md, then "
        "run `.venv/bin/python benchmarks/run assemble`"
    )


def test_every_part_is_placed_and_every_listed_area_exists():
    areas = [p.stem.removeprefix("performance-") for p in parts()]
    assert [a for a in areas if a not in DOC_ORDER] == [], "add the new part to DOC_ORDER"
    assert [a for a in DOC_ORDER if a not in areas] == []
    assert areas == DOC_ORDER


def test_no_benchmark_writes_performance_md_itself():
    # a section written straight into performance.md would be lost at the next assembly
    writers = [
        path.name
        for path in (ROOT / "benchmarks").glob("*.py")
        if path.name != "perfdoc.py"
        and re.search(r"""["']performance\.md["']""", path.read_text(encoding="utf-8"))
    ]
    assert writers == []
