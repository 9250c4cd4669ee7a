"""Request and response helpers shared by the blueprints (features, tiles, analysis).

Format negotiation, absolute URLs and links, JSON responses, CORS and gzip, the NUL guard,
the stored counts and extents of the collections, the kinds' data status, the row counts
of `/healthz`. No blueprint imports another blueprint's helpers.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Response, current_app, make_response, request, url_for

from geocoop.errors import BadRequest
from geocoop.features import analysis_collections, counts
from geocoop.features.cache import VersionedCache
from geocoop.features.summary import Summary
from geocoop.features.version import data_modified, data_version, settled
from geocoop.status import versioned_counts
from geocoop.web.database import cache as routed_cache
from geocoop.web.database import connection

_COMPRESSIBLE = (
    "application/json",
    "application/geo+json",
    "application/problem+json",
    "application/schema+json",
    "application/vnd.oai",
    "text/",
    "application/x-protobuf",
    "application/vnd.mapbox-vector-tile",
)


# Browsers revalidate after a minute (a 304 costs one sequence read); shared caches (a CDN,
# a reverse proxy) may serve a page for 5 minutes after an import changed it.
FEATURES_CACHE_CONTROL = "public, max-age=60, s-maxage=300"
# an answer read while a writer that bumped the version is committing: of the older rows
# perhaps, so kept by nobody and given no ETag (features.version.DataVersion)
UNSETTLED_CACHE_CONTROL = "no-store"


def settings():
    """The app's settings."""
    return current_app.config["GEOCOOP"]


def wanted_format(allowed: tuple[str, ...] = ("json", "html")) -> str:
    """`f` when given (400 when not allowed), else the best match of the Accept header."""
    value = request.args.get("f")
    if value is not None:
        if value not in allowed:
            raise BadRequest(f"Paramètre f : valeur parmi {', '.join(allowed)} attendue.")
        return value
    accept = request.accept_mimetypes
    # Browsers ask for text/html first; GDAL, QGIS and scripts ask for JSON or anything.
    if "html" in allowed and accept.quality("text/html") > accept.quality("application/json"):
        return "html"
    return allowed[0]


def reject_nul() -> None:
    """400 for a NUL character anywhere in the path or query (PostgreSQL text refuses it)."""
    if "\x00" in request.path or any(
        "\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)
    ):
        raise BadRequest("Caractère NUL interdit dans l'URL.")


def link(href: str, rel: str, type_: str, title: str) -> dict:
    """An OGC link object."""
    return {"href": href, "rel": rel, "type": type_, "title": title}


def url(endpoint: str, **values) -> str:
    """Absolute URL of an endpoint (QGIS and GDAL need absolute links)."""
    return url_for(endpoint, _external=True, **values)


def json_response(body: object | str, mimetype: str = "application/json", status: int = 200):
    """A JSON response from an object or from JSON text built elsewhere."""
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return Response(text, status=status, mimetype=mimetype)


def finish(response: Response) -> Response:
    """CORS for read-only use from other sites (uMap), and gzip when the client accepts it."""
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    response.vary.add("Accept-Encoding")
    if (
        response.status_code == 200
        and not response.direct_passthrough
        and "Content-Encoding" not in response.headers
        and "gzip" in request.headers.get("Accept-Encoding", "")
        and (response.mimetype or "").startswith(_COMPRESSIBLE)
    ):
        data = response.get_data()
        if len(data) > 1024:
            response.set_data(gzip.compress(data, compresslevel=5, mtime=0))
            response.headers["Content-Encoding"] = "gzip"
    return response


def collection_links_args(args: dict, **changes) -> str:
    """The current query string with some values changed (None removes a key)."""
    merged = dict(args)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return urlencode(merged)


def stored_summaries() -> tuple[int, dict[str, Summary]]:
    """The data version and the counts and extents stored at write time.

    Stored by geocoop.features.summary; read once per data version.
    """
    conn = connection()
    cache: VersionedCache = routed_cache("geocoop.features.cache")
    version = data_version(conn)
    return version, counts.summaries(conn, cache, version)


def collection_extents(collection) -> list[list[float]]:
    """The collection's stored bounding boxes in CRS84.

    Metropolitan France first, then each overseas area ([] before the first refresh): never computed
    per request.
    """
    _version, stored = stored_summaries()
    found = stored.get(collection.id)
    return found.extents if found is not None else []


def kinds_data_status() -> dict[str, dict]:
    """Each kind's data status as the per-kind collections and tiles show it.

    Read through geocoop.features.analysis_collections.kinds_data_status, once per data
    version.
    """
    conn = connection()
    cache: VersionedCache = routed_cache("geocoop.features.cache")
    version = data_version(conn)
    found = cache.get(version, ("data-status",))
    if found is None:
        found = analysis_collections.kinds_data_status(conn)
        cache.put(version, ("data-status",), found, 256 * (len(found) + 1))
    return found  # type: ignore[return-value]


def row_counts() -> dict:
    """The main tables' row counts `/healthz` reports (geocoop.status.versioned_counts).

    Read once per data version: a health check polled every few seconds does not count
    36,000 communes each time.
    """
    conn = connection()
    cache: VersionedCache = routed_cache("geocoop.features.cache")
    version = data_version(conn)
    found = cache.get(version, ("row-counts",))
    if found is None:
        found = versioned_counts(conn)
        cache.put(version, ("row-counts",), found, 512)
    return found  # type: ignore[return-value]


def _modified(version: int):
    """`Last-Modified` of the data version, read once per version.

    `Last-Modified` of the data version (seconds), read once per version; None before
    the first write.
    """
    cache: VersionedCache = routed_cache("geocoop.features.cache")
    found = cache.get(version, ("modified",))
    if found is None:
        stamp = data_modified(connection())
        found = stamp.replace(microsecond=0) if stamp is not None else False
        cache.put(version, ("modified",), found, 64)
    return found or None


def conditional(view: Callable) -> Callable:
    """HTTP caching of a read view from the data version.

    A strong `ETag` (version + URL + negotiated type), `Last-Modified`, `Cache-Control`; a matching
    `If-None-Match` (or, without it, `If-Modified-Since`) is a 304 after one sequence read, before
    any query.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        version = data_version(connection())
        if not settled(version):
            response = make_response(view(*args, **kwargs))
            response.headers["Cache-Control"] = UNSETTLED_CACHE_CONTROL
            return response
        modified = _modified(version)
        accept = "" if "f" in request.args else request.headers.get("Accept", "")
        key = (request.path, tuple(sorted(request.args.items(multi=True))), accept)
        etag = f"{version}-{hashlib.sha256(repr(key).encode()).hexdigest()[:20]}"
        if request.if_none_match:
            fresh = request.if_none_match.contains(etag)
        else:
            since = request.if_modified_since
            fresh = bool(modified and since and since >= modified)
        if fresh:
            response = Response(status=304)
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
        response.set_etag(etag)
        if modified:
            response.last_modified = modified
        response.headers["Cache-Control"] = FEATURES_CACHE_CONTROL
        response.vary.add("Accept")
        return response

    return wrapper


# an answer larger than this is built again at each request (a large export)
CACHED_BODY_MAX = 4 * 1024 * 1024


def cached_per_version(cache_name: str) -> Callable[[Callable], Callable]:
    """Keep a read view's 200 answers in this process until the data version moves.

    For views whose answer depends only on the data and the URL (path and query string).
    A hit costs the version read; during an upload storm the version moves at each batch's
    commit, so a territory's summary is computed once per commit instead of per request.
    Nothing is kept while the version is unsettled (a writer is committing).
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            version = data_version(connection())
            key = (request.path, tuple(sorted(request.args.items(multi=True))))
            cache: VersionedCache = routed_cache(cache_name)
            found = cache.get(version, key)
            if found is not None:
                body, content_type, headers = found  # type: ignore[misc]
                return Response(body, content_type=content_type, headers=headers)
            response = make_response(view(*args, **kwargs))
            if (
                response.status_code == 200
                and not response.direct_passthrough
                and not response.is_streamed
            ):
                body = response.get_data()
                if len(body) <= CACHED_BODY_MAX:
                    headers = [(k, v) for k, v in response.headers if k == "Content-Disposition"]
                    cache.put(version, key, (body, response.content_type, headers), len(body))
            if not settled(version):
                response.headers["Cache-Control"] = UNSETTLED_CACHE_CONTROL
            return response

        return wrapper

    return decorate
