"""Load the bundled real data of data/ into the database (the demo's default).

Each loader contributes a step; steps skip themselves when their data is already there,
so a second `make demo` changes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

# Each module exposes `load_bundled(engine, data_dir) -> Iterator[str]`, in this order.
STEPS = (
    "geocoop.ingest.boundaries_bundled",
    "geocoop.ingest.cooperations_bundled",
    "geocoop.analysis.bundled",
)


def load_bundled(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Run every available bundled-data step; yield one progress line per step."""
    for name in STEPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        yield from module.load_bundled(engine, Path(data_dir))
