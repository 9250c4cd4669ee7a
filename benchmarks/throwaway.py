"""A throw-away PostGIS database for one benchmark run (private cluster in /tmp)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from geocoop.config import load_settings
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster


@contextmanager
def throwaway_database(
    prefix: str, db_name: str = "geocoop_bench", pool_size: int = 2
) -> Iterator[tuple[EmbeddedCluster, Engine]]:
    """A fresh cluster with one migrated database, removed afterwards.

    A fresh cluster with one migrated database; removed afterwards, whatever happens.
    Statements may run for 10 minutes (national loads).
    """
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    cluster = EmbeddedCluster(tmp, db_name, fast=True)
    cluster.start()
    try:
        engine = make_engine(
            cluster.url(db_name),
            load_settings({"pool_size": pool_size, "statement_timeout_ms": 600000}),
        )
        upgrade(engine)
        try:
            yield cluster, engine
        finally:
            engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
