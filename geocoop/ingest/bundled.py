"""Load the bundled real data of data/ into the database (the demo's default).

Each loader contributes a step; steps skip themselves when their data is already there,
so a second `make demo` changes nothing. The stored analysis is computed afterwards by
`geocoop.orchestration.load_bundled`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from geocoop.ingest import boundaries_bundled, cooperations_bundled

# Each step exposes `load_bundled(engine, data_dir) -> Iterator[str]`, run in this order.
STEPS = (boundaries_bundled, cooperations_bundled)


def load_bundled_data(engine: Engine, data_dir: Path) -> Iterator[str]:
    """Run every bundled-data step; yield their progress lines."""
    for step in STEPS:
        yield from step.load_bundled(engine, Path(data_dir))
