"""docs/performance.md, assembled from the per-area parts (docs/performance-<area>.md).

The parts are the only place figures are written (by the benchmarks, or by hand); this
module is the only writer of docs/performance.md (tests/test_docs_performance.py).
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# docs/performance-<area>.md, in this order; a part not listed comes last, by name.
DOC_ORDER = [
    "boundaries", "analysis", "zones", "zone-names",        # the stored analysis
    "filters", "interactive", "api", "tiles-wide", "web", "umap",  # reading it
    "load", "slow-clients", "storm", "cache",                # under load
    "imports", "streaming", "streaming-xlsx",                # writing
    "fuzz", "planner",                                       # hostile input, planning
]
MACHINE = re.compile(r"^Machine: (.*) \(the CEO's", re.M)


def machine() -> str:
    """One line describing this machine."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def parts(docs: Path = DOCS) -> list[Path]:
    """The part files, in DOC_ORDER."""
    def rank(path: Path) -> tuple[int, str]:
        area = path.stem.removeprefix("performance-")
        return (DOC_ORDER.index(area) if area in DOC_ORDER else len(DOC_ORDER), path.name)

    return sorted(docs.glob("performance-*.md"), key=rank)


def render(docs: Path = DOCS, machine_line: str | None = None) -> str:
    """The text of docs/performance.md: a header, then every part one heading level down.

    `machine_line` defaults to the one the current file states (so that assembling twice
    gives the same text), or this machine's when there is none; a full `benchmarks/run`
    passes this machine's.
    """
    if machine_line is None:
        current = docs / "performance.md"
        found = MACHINE.search(current.read_text(encoding="utf-8")) if current.exists() else None
        machine_line = found.group(1) if found else machine()
    body = [
        "# Performance\n",
        "Measured by `benchmarks/run` (one command; each benchmark measures its baseline in "
        "the same run and prints the ratio). Tests never assert speed. Assembled from "
        "docs/performance-*.md by `benchmarks/run assemble`: edit the parts, not this file.\n",
        f"Machine: {machine_line} (the CEO's, developers' and CI's are all of this kind). "
        "Each section states its data size, baseline and the load of the machine during its run.\n",
    ]
    for part in parts(docs):
        text = part.read_text(encoding="utf-8").strip()
        body.append(re.sub(r"^(#+) ", r"#\1 ", text, flags=re.M) + "\n")  # one level down
    return "\n".join(body)


def assemble(docs: Path = DOCS, machine_line: str | None = None) -> Path:
    """Write docs/performance.md from its parts; return its path."""
    out = docs / "performance.md"
    out.write_text(render(docs, machine_line), encoding="utf-8")
    return out
