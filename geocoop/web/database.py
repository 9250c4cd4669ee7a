"""Engine per app, connection per request (in `g`, closed at teardown)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from geocoop.db import make_engine, resolve_url


def init_app(app: Flask) -> None:
    """Create the app's engine (lazily connecting) and close connections after requests."""
    settings = app.config["GEOCOOP"]
    engine = make_engine(
        resolve_url(settings, start=False),
        settings,
        idle_in_transaction_ms=settings.idle_in_transaction_timeout_ms,
    )
    app.extensions["geocoop.engine"] = engine
    app.teardown_appcontext(_close_connection)


def engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["geocoop.engine"]


def connection() -> Connection:
    """This request's connection (one transaction, committed by `commit()`)."""
    if "geocoop_conn" not in g:
        g.geocoop_conn = engine().connect()
    return g.geocoop_conn


def _close_connection(exc: BaseException | None) -> None:
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
