"""What a shared HTTP cache (Varnish, nginx, a CDN) must forget after a write.

Every read of the data API, the map's JSON and the TileJSON documents is shared-cacheable
for 5 minutes (`s-maxage=300`); after an import the orchestration sends one `BAN` per path
prefix below to each cache of GEOCOOP_CACHE_PURGE_URLS, so the new data shows at once.
Versioned tiles (`?v=`, `immutable`) are kept: the write published a new `v`, so the map
and the TileJSON now point at new URLs and the old ones are simply never asked again.
`deploy/varnish.vcl` turns each `BAN` into a Varnish ban; `geocoop cache purge-urls`
prints the same list for a CDN's purge API.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

# path prefixes whose answers change with the data (tiles: unversioned ones only)
PREFIXES = ("/api/features/", "/api/maps/", "/api/analysis/", "/tiles/")
KEEP_VERSIONED = "/tiles/"


@dataclass(frozen=True)
class PurgeResult:
    """One cache's answer to one ban."""

    cache: str
    prefix: str
    status: int | str


def purge_urls(public_url: str = "") -> list[str]:
    """The prefixes to purge, absolute when the public address is known."""
    return [public_url.rstrip("/") + prefix for prefix in PREFIXES]


def send_bans(caches: list[str], timeout: float = 5.0) -> list[PurgeResult]:
    """Send `BAN <prefix>` to every cache address (e.g. http://127.0.0.1:6081).

    A cache that does not answer is reported, never raised (the import has committed).
    """
    results = []
    for cache in caches:
        for prefix in PREFIXES:
            headers = {"X-Geocoop-Ban-Prefix": prefix}
            if prefix == KEEP_VERSIONED:
                headers["X-Geocoop-Keep-Versioned"] = "1"
            request = urllib.request.Request(
                cache.rstrip("/") + prefix, method="BAN", headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                    status: int | str = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError as exc:
                status = f"injoignable : {exc}"
            results.append(PurgeResult(cache, prefix, status))
    return results
