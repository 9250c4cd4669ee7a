"""Request bodies read whole, within a time limit, before the application sees them.

A client sending its body at 1 byte/s would otherwise hold one of the server's threads for
as long as it likes (gunicorn's gthread reads the body lazily, in the thread that runs the
view). Here, per process:

- at most `slots` bodies are being received at once (half the threads, at least one): the
  next one is answered 429 with `Retry-After` at once, so the other threads stay free for
  `/healthz`, the map and the API;
- a body must arrive within `GEOCOOP_BODY_TIMEOUT_S` plus one second per
  `GEOCOOP_BODY_MIN_KBPS` KiB: past that, a timer shuts the socket's reading side (the
  blocked read returns at once) and the client gets 408;
- the body is spooled (memory up to 1 MiB, then a temporary file) and handed to the
  application, which then reads it at disk speed.

Refusals shut the reading side so gunicorn does not wait for the rest of the body either.
Behind nginx (`proxy_request_buffering on`, docs/operations.md) bodies arrive at once.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import tempfile
import threading
import time

from geocoop.errors import STATUS_TITLES

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
SPOOL_BYTES = 1024 * 1024


class BodyDeadline:
    """WSGI middleware bounding how many bodies are received at once and for how long."""

    def __init__(
        self, app, *, slots: int, timeout_s: float, min_kbps: int, max_bytes: int | None
    ) -> None:
        """Wrap `app`: `slots` bodies at once, each within `timeout_s` + size / `min_kbps`."""
        self.app = app
        self.slots = threading.BoundedSemaphore(max(1, slots))
        self.timeout_s, self.min_kbps, self.max_bytes = timeout_s, max(1, min_kbps), max_bytes

    def __call__(self, environ, start_response):
        """Receive the body (if any) whole and in time, then call the application."""
        length = _length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not length and not chunked:
            return self.app(environ, start_response)
        if self.max_bytes is not None and length > self.max_bytes:
            _stop_reading(environ)  # Flask answers 413 from the length, without reading
            return self.app(environ, start_response)
        if not self.slots.acquire(blocking=False):
            _stop_reading(environ)
            return _problem(
                start_response,
                429,
                "Trop d'envois en cours sur ce serveur : réessayez dans quelques secondes.",
                retry_after=5,
            )
        try:
            deadline = self.timeout_s + (length or 0) / (self.min_kbps * 1024)
            body, complete = _receive(environ, length if not chunked else None, deadline,
                                      self.max_bytes)  # fmt: skip
        finally:
            self.slots.release()
        if not complete:
            body.close()
            log.warning("request body not received within %.0f s: refused", deadline)
            _stop_reading(environ)
            return _problem(
                start_response,
                408,
                f"Le contenu de la requête n'est pas arrivé en {deadline:.0f} s : "
                "connexion trop lente ou interrompue.",
            )
        environ["wsgi.input"] = body
        if chunked:
            environ["CONTENT_LENGTH"] = str(body.seek(0, 2))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = True
        body.seek(0)
        return _closing(self.app(environ, start_response), body)


def _length(environ) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _receive(environ, length: int | None, seconds: float, max_bytes: int | None):
    """(spooled body, complete?): `length` bytes, or up to the end of a chunked body."""
    stream = environ["wsgi.input"]
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (handed on)
    sock = environ.get("gunicorn.socket")
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        _shutdown_read(sock)

    timer = threading.Timer(seconds, expire) if sock is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    started, received = time.monotonic(), 0
    try:
        while length is None or received < length:
            want = CHUNK if length is None else min(CHUNK, length - received)
            try:
                chunk = stream.read(want)
            except (OSError, ValueError, EOFError) as exc:
                log.info("request body cut short: %s", type(exc).__name__)
                return body, False
            if not chunk:
                break
            body.write(chunk)
            received += len(chunk)
            if expired.is_set() or time.monotonic() - started > seconds:
                return body, False
            if max_bytes is not None and received > max_bytes:
                break  # Flask refuses it (413) from the length it sees
    except Exception as exc:  # gunicorn's NoMoreData and friends once the socket is shut
        log.info("request body cut short: %s", type(exc).__name__)
        return body, False
    finally:
        if timer is not None:
            timer.cancel()
    return body, not expired.is_set() and (length is None or received >= length)


def _shutdown_read(sock) -> None:
    with contextlib.suppress(OSError):  # already closed by the client
        sock.shutdown(socket.SHUT_RD)


def _stop_reading(environ) -> None:
    """Let gunicorn see the end of the body at once (it would drain it after the answer)."""
    sock = environ.get("gunicorn.socket")
    if sock is not None:
        _shutdown_read(sock)


def _problem(start_response, status: int, detail: str, retry_after: int | None = None):
    body = json.dumps(
        {"status": status, "title": STATUS_TITLES.get(status, "Erreur"), "detail": detail},
        ensure_ascii=False,
    ).encode("utf-8")
    headers = [
        ("Content-Type", "application/problem+json"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    reasons = {408: "Request Timeout", 429: "Too Many Requests"}
    start_response(f"{status} {reasons.get(status, 'Error')}", headers)
    return [body]


def _closing(result, body):
    """The application's answer, closing the spooled body once it is sent."""
    try:
        yield from result
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
        body.close()
