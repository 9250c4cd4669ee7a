"""One data-status computation per read-only request (geocoop.analysis.data_status).

A page's legend, selection notes, panel sections and collection documents each ask for
every kind's data status; during a GET or HEAD nothing is written, so the first answer
serves the whole request. Writes (uploads, moderation, admin forms) are never memoised.
"""

from __future__ import annotations

from contextlib import ExitStack

from flask import Flask, g, request

from geocoop.analysis.data_status import status_memo

READ_ONLY = {"GET", "HEAD"}


def init_app(app: Flask) -> None:
    """Open the memo before each read-only request, close it at its teardown."""

    @app.before_request
    def _open() -> None:
        if request.method in READ_ONLY:
            stack = ExitStack()
            stack.enter_context(status_memo())
            g.geocoop_status_memo = stack

    @app.teardown_request
    def _close(_exc: BaseException | None = None) -> None:
        stack = g.pop("geocoop_status_memo", None)
        if stack is not None:
            stack.close()
