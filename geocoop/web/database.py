"""Engine per app, connection per request (in `g`, closed at teardown), and read routing.

With GEOCOOP_READ_DATABASE_URLS (streaming standbys), a request that only reads — a GET or
HEAD outside the write areas, from a session whose last write every chosen standby has
replayed — takes its connection from a standby (`geocoop.replication.ReplicaSet`: round
robin over those answering within GEOCOOP_MAX_REPLICA_LAG_S); everything else, and every
read when no standby is usable, uses the primary. A session that writes remembers the
primary's WAL position (`geocoop_lsn`, signed session cookie): read-your-writes.

Pinned to the primary, whatever the method: the write areas (`PRIMARY_PATHS`: admin,
uploads, moderation, the contribution API), any request carrying a token (a writer's
client — curl, QGIS — has no session cookie, so this is its read-your-writes), and a view
that calls `use_primary()` before its first query (the item of a writable collection:
the ETag a write's If-Match names must be the primary's, not a lagging standby's).
"""

from __future__ import annotations

import contextlib
import threading

from flask import Flask, Response, current_app, g, has_request_context, request, session
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from geocoop.db import make_engine, resolve_url
from geocoop.features.cache import VersionedCache
from geocoop.replication import Replica, ReplicaSet, wal_insert_lsn

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read-your-writes areas: the admin page, uploads and their jobs' reports, the moderation
# pages and the contribution API (a moderator acts on what another client just wrote);
# /healthz reports on the primary (and on each standby besides).
PRIMARY_PATHS = ("/admin", "/api/ingest", "/healthz", "/moderation", "/api/contrib")
# A request that sends a token is a writer's (the headers geocoop.web.auth.request_token
# reads; a proxy's Basic credentials are not a token)
TOKEN_HEADER = "X-Geocoop-Token"
SESSION_LSN = "geocoop_lsn"
SERVED_BY = "X-Geocoop-Database"


def init_app(app: Flask) -> None:
    """Create the app's engines (lazily connecting) and close connections after requests."""
    settings = app.config["GEOCOOP"]
    engine = make_engine(
        resolve_url(settings, start=False),
        settings,
        idle_in_transaction_ms=settings.idle_in_transaction_timeout_ms,
    )
    app.extensions["geocoop.engine"] = engine
    urls = [u.strip() for u in settings.read_database_urls.split(",") if u.strip()]
    if urls:
        replicas = [
            Replica(
                f"replica {i}",
                make_engine(
                    _normalised(url),
                    settings,
                    idle_in_transaction_ms=settings.idle_in_transaction_timeout_ms,
                ),
            )
            for i, url in enumerate(urls, start=1)
        ]
        app.extensions["geocoop.replicas"] = ReplicaSet(replicas, settings.max_replica_lag_s)
        app.after_request(_after_request)
    if settings.cache_purge_urls:
        app.after_request(_purge_after_write)
    app.teardown_appcontext(_close_connection)


def _normalised(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def engine() -> Engine:
    """The current app's primary engine (writes, the job queue, read-your-writes)."""
    return current_app.extensions["geocoop.engine"]


def replica_set() -> ReplicaSet | None:
    """The configured standbys, or None."""
    return current_app.extensions.get("geocoop.replicas")


def dispose(app: Flask) -> None:
    """Close every pool of `app` (primary and standbys)."""
    app.extensions["geocoop.engine"].dispose()
    replicas = app.extensions.get("geocoop.replicas")
    if replicas is not None:
        replicas.dispose()


def _read_only_request() -> bool:
    if request.method not in READ_METHODS or g.get("geocoop_pinned"):
        return False
    bearer = request.headers.get("Authorization", "")[:7].lower() == "bearer "
    if bearer or TOKEN_HEADER in request.headers:
        return False
    path = request.path
    return not any(path == p or path.startswith(p + "/") for p in PRIMARY_PATHS)


def use_primary() -> None:
    """Serve the rest of this request from the primary (call before its first query).

    For a read whose answer a write will rely on (an ETag, a version): a standby within
    GEOCOOP_MAX_REPLICA_LAG_S may still be behind the last commit. A connection already
    taken from a standby is closed (a read has nothing to keep).
    """
    g.geocoop_pinned = True
    if g.get("geocoop_route") is not None:
        conn = g.pop("geocoop_conn", None)
        if conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                conn.close()
    g.geocoop_route = None  # decided: the primary


def _route() -> Replica | None:
    """The standby this request reads from (decided once per request), or None."""
    if "geocoop_route" not in g:
        replicas = replica_set()
        chosen = None
        if replicas is not None and has_request_context() and _read_only_request():
            chosen = replicas.choose(min_lsn=session.get(SESSION_LSN))
        g.geocoop_route = chosen
    return g.geocoop_route


def request_engine() -> Engine:
    """The engine this request reads from: a standby for a pure read, else the primary."""
    chosen = _route()
    return chosen.engine if chosen is not None else engine()


def request_connect() -> Connection:
    """A new connection on `request_engine()`, the primary when a standby refuses.

    A new connection on `request_engine()`; a standby that refuses it is marked down
    and the primary serves instead.
    """
    chosen = _route()
    if chosen is not None:
        try:
            return chosen.engine.connect()
        except OperationalError as exc:
            replica_set().mark_down(chosen, str(exc.orig or exc).strip().splitlines()[0])
            g.geocoop_route = None
    return engine().connect()


def connection() -> Connection:
    """This request's connection (one transaction, committed by `commit()`)."""
    if "geocoop_conn" not in g:
        g.geocoop_conn = request_connect()
    return g.geocoop_conn


def cache(name: str) -> VersionedCache:
    """The app's cache `name` for the database this request reads.

    Data versions of a standby (WAL replay positions) and of the primary are not comparable, so each
    database has caches of its own.
    """
    primary: VersionedCache = current_app.extensions[name]
    chosen = _route() if replica_set() is not None else None
    if chosen is None:
        return primary
    key = f"{name}@{chosen.name}"
    found = current_app.extensions.get(key)
    if found is None:
        found = current_app.extensions.setdefault(
            key, VersionedCache(primary.max_entries, primary.max_bytes)
        )
    return found


def replicas_report() -> list[dict]:
    """Every standby's state and lag, probed now ([] without standbys)."""
    replicas = replica_set()
    return replicas.report() if replicas is not None else []


def _after_request(response: Response) -> Response:
    chosen = g.get("geocoop_route")
    response.headers[SERVED_BY] = chosen.name if chosen is not None else "primary"
    conn = g.get("geocoop_conn")
    if request.method not in READ_METHODS and response.status_code < 400 and chosen is None:
        # This session wrote: its next reads wait for a standby that has replayed this far.
        try:
            target = conn if conn is not None and not conn.closed else None
            if target is not None:
                session[SESSION_LSN] = wal_insert_lsn(target)
            else:
                with engine().connect() as fresh:
                    session[SESSION_LSN] = wal_insert_lsn(fresh)
        except SQLAlchemyError:
            pass  # the primary went away: the response stands
    return response


def retry_read_on_primary(exc: BaseException) -> Response | None:
    """Run a pure read whose standby died mid-request once more, on the primary.

    The standby is marked down first; None when that does not apply (the caller answers
    503). Stopping a standby then costs no error, not even to the requests in flight.
    """
    chosen = g.get("geocoop_route")
    if chosen is None or g.get("geocoop_retried") or not _read_only_request():
        return None
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["?"]
    replica_set().mark_down(chosen, reason[0])
    conn = g.pop("geocoop_conn", None)
    if conn is not None:
        with contextlib.suppress(SQLAlchemyError):
            conn.invalidate()
    g.geocoop_route = None
    g.geocoop_retried = True
    try:
        return current_app.make_response(current_app.dispatch_request())
    except Exception as again:  # noqa: BLE001 (answered by the app's own handlers)
        return current_app.make_response(current_app.handle_user_exception(again))


def _purge_after_write(response: Response) -> Response:
    # A write that succeeded has committed (views commit before answering): the shared HTTP
    # caches forget the stale answers, in the background so that an unreachable cache
    # never delays the answer. A queued upload (202) is purged by the job's writer.
    if request.method not in READ_METHODS and response.status_code in (200, 201, 204):
        from geocoop.orchestration import purge_caches

        urls = current_app.config["GEOCOOP"].cache_purge_urls
        threading.Thread(target=purge_caches, args=(urls,), daemon=True).start()
    return response


def _close_connection(exc: BaseException | None) -> None:
    g.pop("geocoop_route", None)
    g.pop("geocoop_pinned", None)
    g.pop("geocoop_retried", None)
    conn = g.pop("geocoop_conn", None)
    if conn is None:
        return
    try:
        if conn.in_transaction():
            conn.rollback()  # writes commit explicitly; reads never leave a transaction open
        conn.close()
    except SQLAlchemyError:
        # The server went away mid-request: the response (a 503) is already decided;
        # drop the dead connection instead of turning clean-up into a 500.
        conn.invalidate()
