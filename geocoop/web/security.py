"""Security headers on every response: only our own assets, no framing, no sniffing."""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:{tiles}",
        "style-src 'self' 'unsafe-inline'",  # Leaflet sets inline styles on map panes
        "script-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


def init_app(app: Flask) -> None:
    """Add the headers after each request (views may set a stricter CSP themselves)."""
    tiles_url = app.config["GEOCOOP"].base_tiles_url
    tiles_origin = ""
    if tiles_url.startswith(("http://", "https://")):
        scheme, rest = tiles_url.split("://", 1)
        tiles_origin = " " + scheme + "://" + rest.split("/", 1)[0].replace("{s}", "*")
    csp = CSP.format(tiles=tiles_origin)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
