"""Settings: defaults, then GEOCOOP_* environment variables, then explicit overrides.

Every setting is documented in docs/configuration.md (a test checks it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    # Inside a source checkout keep everything next to the project; installed as a
    # package, use the user's data directory (XDG).
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / ".geocoop"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "geocoop"


@dataclass(frozen=True)
class Settings:
    """All of geocoop's settings, with their defaults."""

    database_url: str = ""  # empty: use the private embedded PostGIS cluster
    data_dir: Path = field(default_factory=_default_data_dir)
    db_name: str = "geocoop"
    host: str = "127.0.0.1"
    port: int = 8000
    base_tiles_url: str = ""  # empty: no base map, boundaries are the base map
    base_tiles_attribution: str = ""
    statement_timeout_ms: int = 15000
    pool_size: int = 5
    workers: int = 2
    threads: int = 4  # gunicorn threads per worker; half of them may be receiving bodies
    body_timeout_s: float = 30.0  # a request body must arrive within this…
    body_min_kbps: int = 64  # …plus one second per this many KiB (else 408)
    max_upload_mb: int = 20
    max_page_size: int = 10000
    default_page_size: int = 100
    secret_key: str = ""
    public_url: str = ""  # e.g. https://geocoop.example.org: every absolute link built from it
    trusted_hosts: str = ""  # comma-separated Host names accepted; empty: any (development)
    proxy_count: int = 0  # reverse proxies in front whose X-Forwarded-* headers are trusted
    bundled_data_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "data")
    jobs_dir: Path = field(default_factory=lambda: _default_data_dir() / "jobs")  # uploads
    jobs_worker: bool = True  # run queued upload jobs in a thread of each web process
    jobs_retention_days: int = 30  # finished jobs older than this are deleted; 0 keeps all
    job_memory_mb: int = 1024  # memory cap of one upload job's process (0: no child, no cap)
    # An XLSX is bounded before it is read (docs/hostile.md); streamed, a bigger sheet costs
    # time, not memory, so a server may raise these.
    xlsx_max_rows: int = 200_000
    xlsx_max_mb: int = 100  # declared uncompressed size of the whole workbook
    xlsx_max_cells: int = 2_000_000  # rows × widest row
    xlsx_budget_s: float = 120.0  # wall clock for checking and reading one workbook
    heavy_concurrency: int = 2  # live analysis and exports at once, per process (429 above)
    heavy_statement_timeout_ms: int = 10000  # statement_timeout of those heavy requests
    idle_in_transaction_timeout_ms: int = 10000  # web sessions idle inside a transaction
    read_database_urls: str = ""  # comma-separated streaming standbys serving read-only GETs
    max_replica_lag_s: float = 10.0  # a standby further behind is skipped (primary serves)
    cache_purge_urls: str = ""  # comma-separated HTTP caches told to BAN stale answers
    proposal_min_seconds: int = 3  # a proposal form sent faster than this is a robot's
    proposals_per_hour: int = 5  # proposals accepted per client address and hour

    @property
    def uses_embedded_db(self) -> bool:
        """True when geocoop provisions its own PostgreSQL cluster."""
        return not self.database_url


def _coerce(value: str, current: object) -> object:
    if isinstance(current, bool):
        return value.lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    if isinstance(current, Path):
        return Path(value).expanduser()
    return value


def load_settings(overrides: dict | None = None, environ: dict | None = None) -> Settings:
    """Build settings from defaults, GEOCOOP_* variables and `overrides` (in that order)."""
    from geocoop.errors import ConfigurationError

    environ = os.environ if environ is None else environ
    settings = Settings()
    values: dict[str, object] = {}
    for f in fields(Settings):
        key = f"GEOCOOP_{f.name.upper()}"
        if key in environ and environ[key] != "":
            try:
                values[f.name] = _coerce(environ[key], getattr(settings, f.name))
            except ValueError:
                raise ConfigurationError(
                    f"{key}={environ[key]!r} n'est pas valide (attendu : "
                    f"{type(getattr(settings, f.name)).__name__})"
                ) from None
    for name, value in (overrides or {}).items():
        values[name] = value
    return replace(settings, **values)


def setting_names() -> list[str]:
    """Names of every GEOCOOP_* environment variable (used by the docs test)."""
    return [f"GEOCOOP_{f.name.upper()}" for f in fields(Settings)]
