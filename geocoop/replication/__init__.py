"""Read replicas: a standby's state, and the choice of one for a read.

Read replicas: what a PostgreSQL streaming standby says about itself, and the choice of
one for a read (round robin over the healthy ones, lag probed at most once per `ttl_s`).

Framework-free: the web face (`geocoop.web.database`) decides which requests may read
from a standby; the CLI (`geocoop db replica status`) prints the same states. The SQL is in
`replication/sql/`.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from geocoop.sql import statement

OK, LAGGING, DOWN, NOT_STANDBY, UNKNOWN = "ok", "lagging", "down", "not_standby", "unknown"


def parse_lsn(text: str | None) -> int | None:
    """`16/B374D848` → a comparable integer (None stays None)."""
    if not text:
        return None
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass(frozen=True)
class ReplicaState:
    """One probe's answer about one standby."""

    name: str
    state: str = UNKNOWN
    lag_s: float | None = None
    replay_lsn: int | None = None
    error: str | None = None
    checked: float = field(default=0.0, compare=False)

    @property
    def usable(self) -> bool:
        """True when reads may go there."""
        return self.state == OK

    def as_dict(self) -> dict:
        """JSON-friendly (an unknown lag is null)."""
        lag = self.lag_s if self.lag_s is not None and math.isfinite(self.lag_s) else None
        return {
            "name": self.name,
            "state": self.state,
            "lag_s": None if lag is None else round(lag, 3),
            "replay_lsn": None if self.replay_lsn is None else _format_lsn(self.replay_lsn),
            "error": self.error,
        }


def _format_lsn(value: int) -> str:
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def standby_state(conn: Connection, name: str, max_lag_s: float) -> ReplicaState:
    """The state of the server behind `conn` as a read replica."""
    row = conn.execute(statement("replication/standby_state")).one()
    now = time.monotonic()
    if not row.in_recovery:
        return ReplicaState(name, NOT_STANDBY, None, None, "pas un standby (promu ?)", now)
    lag = float(row.lag_s)
    state = OK if lag <= max_lag_s else LAGGING
    return ReplicaState(name, state, lag, parse_lsn(row.replay_lsn), None, now)


def probe(engine: Engine, name: str, max_lag_s: float) -> ReplicaState:
    """Connect to a standby and read its state; a failure is the state `down`."""
    try:
        with engine.connect() as conn:
            return standby_state(conn, name, max_lag_s)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return ReplicaState(name, DOWN, None, None, (reason or ["?"])[0][:200], time.monotonic())


def primary_replication(conn: Connection) -> list[dict]:
    """The primary's WAL senders and replication slots (pg_stat_replication, slots)."""
    return [dict(r._mapping) for r in conn.execute(statement("replication/primary_replication"))]


def wal_insert_lsn(conn: Connection) -> int:
    """Where the primary's WAL ends now (compare with a standby's replay position)."""
    return parse_lsn(conn.execute(statement("replication/wal_insert_lsn")).scalar_one())


class Replica:
    """One standby: its engine and its last probed state."""

    def __init__(self, name: str, engine: Engine) -> None:
        """The standby `name` reached through `engine`, not yet probed."""
        self.name = name
        self.engine = engine
        self.state = ReplicaState(name)
        self.probing = threading.Lock()


class ReplicaSet:
    """The configured standbys.

    `choose()` gives the next usable one in round robin, probing a standby whose state is older
    than `ttl_s` (one thread probes; the others use the last state meanwhile); a standby found
    down is probed again after `5 × ttl_s`.
    """

    def __init__(self, replicas: list[Replica], max_lag_s: float, ttl_s: float = 1.0) -> None:
        """Choose among `replicas` those at most `max_lag_s` behind, probed every `ttl_s`."""
        self.replicas = replicas
        self.max_lag_s = max_lag_s
        self.ttl_s = ttl_s
        self._turn = itertools.count()

    def state(self, replica: Replica) -> ReplicaState:
        """The replica's state, probed again when stale."""
        current = replica.state
        age = time.monotonic() - current.checked
        stale = age >= self.ttl_s * (5 if current.state == DOWN else 1)
        if (stale or current.state == UNKNOWN) and replica.probing.acquire(blocking=False):
            try:
                replica.state = current = probe(replica.engine, replica.name, self.max_lag_s)
            finally:
                replica.probing.release()
        return current

    def choose(self, min_lsn: int | None = None) -> Replica | None:
        """The next usable standby (replayed at least up to `min_lsn`), or None."""
        count = len(self.replicas)
        start = next(self._turn)
        for step in range(count):
            replica = self.replicas[(start + step) % count]
            found = self.state(replica)
            if not found.usable:
                continue
            if min_lsn is not None and (found.replay_lsn or 0) < min_lsn:
                continue
            return replica
        return None

    def mark_down(self, replica: Replica, error: str) -> None:
        """A connection to `replica` failed: skip it until its next probe."""
        replica.state = ReplicaState(replica.name, DOWN, None, None, error[:200], time.monotonic())

    def invalidate(self) -> None:
        """Forget every probed state (the next choice probes again)."""
        for replica in self.replicas:
            replica.state = ReplicaState(replica.name)

    def report(self) -> list[dict]:
        """Every standby probed now (for /healthz)."""
        for replica in self.replicas:
            replica.state = probe(replica.engine, replica.name, self.max_lag_s)
        return [replica.state.as_dict() for replica in self.replicas]

    def dispose(self) -> None:
        """Close every standby's pool."""
        for replica in self.replicas:
            replica.engine.dispose()
